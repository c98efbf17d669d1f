"""Demo data of the labour-market services: a district caseworker of 朝阳区, more
agencies (one reported late last cycle, one never reported, one in 海淀区), a published
urgent vacancy, a job seeker profile, and a caseworker of 永州市零陵区 (431102, GB/T 2260) with
"311" cases and two registered trips from there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.services import dispatch, followup311, jobs, transport
from renshe.services.users import create_user
from renshe.store.models import User

LABOUR_USERS: list[dict[str, Any]] = [
    {"username": "chaoyang_jingban", "role": "caseworker", "display_name": "朝阳区人社局经办人员", "region": "110105"},
    {
        "username": "jigou2",
        "role": "agency",
        "display_name": "北京朝阳示例劳务派遣有限公司",
        "uscc": "91110105MA01EEEE01",
    },
    {
        "username": "jigou3",
        "role": "agency",
        "display_name": "北京朝阳示例人力资源外包有限公司",
        "uscc": "91110105MA01FFFF1R",
    },
    {
        "username": "jigou_hd",
        "role": "agency",
        "display_name": "北京海淀示例人力资源服务有限公司",
        "uscc": "91110108MA01GGGG2X",
    },
    {
        "username": "yongzhou_jingban",
        "role": "caseworker",
        "display_name": "永州市零陵区人社局经办人员",
        "region": "431102",
    },
]
HEADER = ",".join(dispatch.columns())


def _csv(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def seed_labour(s: Session, password: str) -> None:
    users = {u["username"]: create_user(s, password=password, **u) for u in LABOUR_USERS}
    users.update(
        {u.username: u for u in s.execute(select(User).where(User.username.in_(["jigou", "qiye", "geren"]))).scalars()}
    )
    now = dispatch.beijing_now()
    closed = dispatch.last_closed_cycle(now)
    if closed is not None:
        late_at = min(dispatch.deadline(closed) + dt.timedelta(hours=2), now)
        dispatch.submit(
            s,
            users["jigou3"],
            _csv(["王五,110105199003071239,13700001111,北京示例科技有限公司,91110108MA01C7LM3W"]),
            "demo.csv",
            cycle=closed,
            at=late_at,
            channel="web",
        )
        dispatch.submit(
            s,
            users["jigou_hd"],
            _csv(["赵六,110108199505057890,13600002222,北京示例科技有限公司,91110108MA01C7LM3W"]),
            "demo.csv",
            cycle=closed,
            at=dispatch.deadline(closed) - dt.timedelta(hours=3),
            channel="api",
        )
        dispatch.submit(
            s,
            users["jigou"],
            _csv(["孙七,110105199003071239,13500003333,北京示例科技有限公司,91110108MA01C7LM3W"]),
            "demo.csv",
            cycle=closed,
            at=dispatch.deadline(closed) - dt.timedelta(hours=5),
            channel="web",
        )
    job = jobs.post(
        s,
        users["qiye"],
        title="口罩生产线操作工（急聘）",
        description="负责医用口罩生产线操作，包吃住，欢迎各地劳动者。",
        region="110108",
        industry="制造业",
        skills=["设备操作", "质检"],
        positions=30,
        epidemic_supply=True,
    )
    jobs.review(s, s.execute(select(User).where(User.username == "jingban")).scalar_one(), job.id, True)
    jobs.post(
        s,
        users["qiye"],
        title="仓储配送员",
        description="负责生活物资仓储配送。",
        region="110105",
        industry="交通运输、仓储和邮政业",
        skills=["驾驶"],
        positions=5,
    )
    jobs.register_seeker(s, users["geren"], "110108", "制造业", ["设备操作"])
    cw = users["yongzhou_jingban"]
    today = dt.date.today()
    a = followup311.register(
        s,
        cw,
        name="李梅",
        id_number="431102198505120020",
        region="431102",
        registered_on=today - dt.timedelta(days=200),
    )
    followup311.record_service(s, cw, a.id, "job_referral", today - dt.timedelta(days=150))
    b = followup311.register(
        s, cw, name="周强", id_number="431102199208093016", region="431102", registered_on=today - dt.timedelta(days=40)
    )
    followup311.record_service(s, cw, b.id, "visit", today - dt.timedelta(days=10))
    travel = today + dt.timedelta(days=7)
    for name, idn, phone in (
        ("郑八", "410183198801014568", "13700004444"),
        ("吴九", "110108199505057890", "13700005555"),
    ):
        transport.register_trip(
            s,
            cw,
            origin="431102",
            destination="广东省东莞市",
            employer="东莞示例电子厂",
            travel_date=travel,
            name=name,
            id_number=idn,
            phone=phone,
        )
