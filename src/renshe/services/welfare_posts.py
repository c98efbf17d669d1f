"""Public-welfare posts and work relief (公益性岗位、以工代赈): posts by type (护林防火、护河巡库,
full- or part-time) and the people waiting for one, registered poor persons first (新密政〔2020〕4号
四（十六）); and the resettlement review (安置保障“回头看”, 永人社发〔2022〕3号 四) of people lifted
out of poverty and retired fishermen: each reviewed for employment, those not employed and hard
to place through the market put first in the queue for a post."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.times import chinese_date
from renshe.engine.catalog import implements
from renshe.services import audit
from renshe.services.errors import Conflict, NotFound
from renshe.services.programmes_common import (
    STAFF,
    FieldError,
    added,
    check_choice,
    check_id_number,
    check_region,
    check_text,
    covers,
    region_label,
    require,
    require_caseworker_of,
)
from renshe.services.programmes_settings import citation, param
from renshe.services.security import mask_id_number
from renshe.store.models import User
from renshe.store.models_programmes import WelfareCandidate, WelfarePost


@implements(
    "xinmi.public_welfare_posts_work_relief_2020",
    tests=["tests/desk/test_programmes_services.py::test_welfare_posts_queue_review_and_place"],
)
def add_post(
    s: Session, user: User, *, region: str, title: str, post_type: str, places: int, full_time: bool = True
) -> WelfarePost:
    region = check_region(region)
    require_caseworker_of(user, region, "开发公益性岗位")
    title = check_text(title, "title", "岗位名称")
    post_type = check_choice(post_type, param("welfare.post_types"), "post_type", "岗位类型")
    if not isinstance(places, int) or places <= 0:
        raise FieldError("places", f"岗位数“{places}”应为正整数")
    post = WelfarePost(
        region=region, title=title, post_type=post_type, places=places, full_time=full_time, created_by=user.id
    )
    return added(s, user, post, "welfare.post", "welfare_post", {"region": region, "type": post_type})


@implements(
    "xinmi.public_welfare_posts_work_relief_2020",
    "yongzhou.resettlement_review_public_welfare_posts_2022",
    tests=["tests/desk/test_programmes_services.py::test_welfare_posts_queue_review_and_place"],
)
def add_candidate(s: Session, user: User, *, region: str, name: str, id_number: str, group: str) -> WelfareCandidate:
    region = check_region(region)
    require_caseworker_of(user, region, "登记人员")
    c = WelfareCandidate(
        region=region,
        name=check_text(name, "name", "姓名"),
        id_number=check_id_number(id_number),
        group=check_choice(group, param("welfare.groups"), "group", "人员类别"),
        created_by=user.id,
    )
    return added(s, user, c, "welfare.candidate", "welfare_candidate", {"group": c.group})


def _candidate(s: Session, user: User, candidate_id: int, what: str) -> WelfareCandidate:
    c = s.get(WelfareCandidate, candidate_id)
    if c is None:
        raise NotFound(f"未找到人员 {candidate_id}")
    require_caseworker_of(user, c.region, what)
    return c


@implements(
    "yongzhou.resettlement_review_public_welfare_posts_2022",
    tests=["tests/desk/test_programmes_services.py::test_welfare_posts_queue_review_and_place"],
)
def review(
    s: Session, user: User, candidate_id: int, *, on: dt.date, employed: bool, market_failed: bool = False
) -> WelfareCandidate:
    """安置保障“回头看”: is the person employed; if not, is the market channel exhausted."""
    c = _candidate(s, user, candidate_id, "开展“回头看”")
    if on > dt.date.today():
        raise FieldError("on", f"回访日期 {chinese_date(on)} 晚于今天")
    c.reviewed_on, c.employed, c.market_failed = on, employed, (not employed) and market_failed
    audit.record(
        s, user, "welfare.review", "welfare_candidate", c.id, {"employed": employed, "market_failed": c.market_failed}
    )
    return c


def _taken(s: Session, post: WelfarePost) -> int:
    return len(s.execute(select(WelfareCandidate.id).where(WelfareCandidate.post_id == post.id)).all())


@implements(
    "xinmi.public_welfare_posts_work_relief_2020",
    "yongzhou.resettlement_review_public_welfare_posts_2022",
    tests=["tests/desk/test_programmes_services.py::test_welfare_posts_queue_review_and_place"],
)
def place(s: Session, user: User, candidate_id: int, post_id: int, *, on: dt.date) -> WelfareCandidate:
    """Place a waiting person on a post with a free place (the queue's order is advice, the
    caseworker decides; a full post or an employed person is refused)."""
    c = _candidate(s, user, candidate_id, "安排公益性岗位")
    post = s.get(WelfarePost, post_id)
    if post is None or not covers(user, post.region):
        raise FieldError("post_id", "请选择本辖区的公益性岗位")
    if c.post_id is not None:
        raise Conflict("该人员已安排公益性岗位")
    if c.employed:
        raise Conflict("该人员已就业，无需安排公益性岗位")
    if _taken(s, post) >= post.places:
        raise Conflict(f"岗位“{post.title}”已满（{post.places} 个）")
    c.post_id, c.placed_on = post.id, on
    audit.record(s, user, "welfare.place", "welfare_candidate", c.id, {"post": post.id})
    return c


def priority(c: WelfareCandidate, groups: list[str]) -> tuple[int, int, int]:
    """Market placement failed first, then the priority groups in their order, then the rest."""
    rank = groups.index(c.group) if c.group in groups else len(groups)
    return (0 if c.market_failed else 1, rank, c.id)


@implements(
    "xinmi.public_welfare_posts_work_relief_2020",
    "yongzhou.resettlement_review_public_welfare_posts_2022",
    tests=[
        "tests/desk/test_programmes_services.py::test_welfare_posts_queue_review_and_place",
        "tests/desk/test_programmes_services.py::test_ledgers_are_scoped_to_the_district",
    ],
)
def board(s: Session, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """Posts with free places, the waiting queue in priority order, the placed and who still
    needs a “回头看” review."""
    require(user, STAFF, "公益性岗位仅供人社部门人员查看")
    today = today or dt.date.today()
    groups = list(param("welfare.priority_groups", today))
    posts = [p for p in s.execute(select(WelfarePost).order_by(WelfarePost.id)).scalars() if covers(user, p.region)]
    people = [c for c in s.execute(select(WelfareCandidate)).scalars() if covers(user, c.region)]

    def person(c: WelfareCandidate) -> dict[str, Any]:
        return {
            "id": c.id,
            "name": c.name,
            "id_number": mask_id_number(c.id_number),
            "group": c.group,
            "region_name": region_label(c.region),
            "employed": c.employed,
            "market_failed": c.market_failed,
            "reviewed_on": chinese_date(c.reviewed_on),
            "post": c.post.title if c.post else "",
            "placed_on": chinese_date(c.placed_on),
        }

    waiting = sorted((c for c in people if c.post_id is None and not c.employed), key=lambda c: priority(c, groups))
    return {
        "posts": [
            {
                "id": p.id,
                "title": p.title,
                "post_type": p.post_type,
                "full_time": p.full_time,
                "places": p.places,
                "free": p.places - _taken(s, p),
                "region_name": region_label(p.region),
            }
            for p in posts
        ],
        "queue": [person(c) for c in waiting],
        "placed": [person(c) for c in people if c.post_id],
        "to_review": [person(c) for c in people if c.reviewed_on is None and c.post_id is None],
        "priority_groups": groups,
        "citation": citation("welfare.priority_groups"),
    }
