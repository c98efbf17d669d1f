"""Demo data of the training programmes (演示数据): the ministry's free platform named in
人社部发〔2020〕8号 四（九）, an example platform of a Beijing batch and one waiting for selection.
Course lists are examples (the batches' annexes are not in the seeds)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.services import training
from renshe.store.models import User


def seed_programmes(s: Session) -> None:
    users = {u.username: u for u in s.execute(select(User).where(User.username.in_(["jigou", "jingban"]))).scalars()}
    agency, cw = users["jigou"], users["jingban"]
    national = training.propose_platform(
        s,
        agency,
        name="中国职业培训在线",
        region=training.NATIONAL,
        batch="人社部发〔2020〕8号",
        courses=[
            {"title": "电工安全操作（示例课程）", "occupation": "电工", "hours": 16},
            {"title": "企业职工转岗培训（示例课程）", "occupation": "通用技能", "hours": 8},
        ],
    )
    training.decide_platform(s, cw, national.id, select_it=True, recognised_hours=24)
    beijing = training.propose_platform(
        s,
        agency,
        name="示例职业技能云课堂",
        region="110000",
        batch="京能指文〔2020〕1号 第一批",
        courses=[
            {"title": "养老护理员（初级，示例课程）", "occupation": "养老护理员", "hours": 32},
            {"title": "网约配送员（示例课程）", "occupation": "网约配送员", "hours": 12},
        ],
    )
    training.decide_platform(s, cw, beijing.id, select_it=True, recognised_hours=40)
    training.propose_platform(
        s,
        agency,
        name="示例待遴选培训平台",
        region="110000",
        courses=[{"title": "焊工基础（示例课程）", "occupation": "焊工", "hours": 20}],
    )
