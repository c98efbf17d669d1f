"""The announcement section (公告专区): the bureau publishes reopening times of enterprises and
projects (开复工时间), changes or cancellations of recruitment events (招聘活动调整或取消, published
before the event) and return-to-work information (返岗复工信息); anyone reads them by region and kind.

Ordered by 人社部明电〔2020〕1号 四 and 〔2020〕2号 二, 人社厅明电〔2020〕2号 二 and 〔2020〕8号 一,
京人社就字〔2020〕14号 六 and 豫人社〔2020〕4号 一 (their sentences in ``reports_parameters.yaml``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.engine.catalog import implements
from renshe.services import audit, dispatch
from renshe.services.errors import Forbidden
from renshe.services.reports_common import Checker, area, place, within
from renshe.services.reports_settings import announcement_kinds
from renshe.store.models import User
from renshe.store.models_reports import Announcement

PUBLISHERS = ("caseworker", "admin", "agency")


def kind_names() -> dict[str, str]:
    return {k: v.name for k, v in announcement_kinds().items()}


@implements(
    "cn.reopening_time_publication_2020",
    "cn.post_holiday_reopening_info_2020",
    "beijing.migrant_worker_return_guidance_2020",
    "cn.recruitment_change_notice_2020",
    "cn.hr_agency_event_change_notice_2020",
    "henan.return_to_work_info_publication_2020",
    tests=[
        "tests/desk/test_announcements.py::test_publish_and_read_by_region_and_kind",
        "tests/desk/test_announcements.py::test_event_change_is_published_before_the_event",
    ],
)
def publish(
    s: Session,
    user: User,
    *,
    kind: str,
    region: str,
    title: str,
    body: str,
    subject: str = "",
    effective_from: dt.date | str | None,
    effective_to: dt.date | str | None = None,
    event_date: dt.date | str | None = None,
    at: dt.datetime | None = None,
) -> Announcement:
    """Publish an announcement in the user's area. A caseworker publishes in its region, an
    agency only the change or cancellation of its own recruitment event (in its district)."""
    if user.role not in PUBLISHERS:
        raise Forbidden("公告由人社部门经办人员发布（人力资源服务机构可发布本机构招聘活动的调整或取消）")
    at = at or dispatch.beijing_now()
    c = Checker()
    k = c.choice("kind", "公告类别", kind, kind_names())
    if user.role == "agency" and k and k != "recruitment_change":
        c.add("kind", "人力资源服务机构只能发布本机构招聘活动的调整或取消")
    r = c.region("region", "地区", region)
    if r and not c.problems:
        home = dispatch.agency_district(user) if user.role == "agency" else user.region
        if user.role != "admin" and not within(r, home):
            c.add("region", f"地区“{place(r)}”不在您的辖区（{place(home)}）内")
    t = c.text("title", "标题", title, 120)
    b = c.text("body", "正文", body, 5000)
    subj = c.text("subject", "对象（企业、项目或招聘活动）", subject, 200, required=False)
    start = c.date("effective_from", "生效日期", effective_from)
    end = c.date("effective_to", "截止日期", effective_to, required=False)
    if start and end and end < start:
        c.add("effective_to", f"截止日期 {end.isoformat()} 早于生效日期 {start.isoformat()}")
    spec = announcement_kinds().get(k)
    event = c.date("event_date", "原定活动日期", event_date, required=bool(spec and spec.needs_event_date))
    if spec and spec.needs_event_date and event and event <= at.date():
        c.add("event_date", f"原定活动日期 {event.isoformat()} 已到或已过：招聘活动的调整或取消须在活动前发布")
    c.done()
    a = Announcement(
        kind=k,
        region=r,
        title=t,
        subject=subj,
        body=b,
        effective_from=start,
        effective_to=end,
        event_date=event,
        published_by=user.id,
        published_at=at,
    )
    s.add(a)
    s.flush()
    audit.record(s, user, "announcement.publish", "announcement", a.id, {"kind": k, "region": r})
    return a


def view(a: Announcement) -> dict[str, Any]:
    spec = announcement_kinds()[a.kind]
    return {
        "id": a.id,
        "kind": a.kind,
        "kind_name": spec.name,
        "region": a.region,
        "region_name": place(a.region),
        "title": a.title,
        "subject": a.subject,
        "body": a.body,
        "effective_from": a.effective_from.isoformat(),
        "effective_to": a.effective_to.isoformat() if a.effective_to else None,
        "event_date": a.event_date.isoformat() if a.event_date else None,
        "publisher": a.publisher.display_name,
        "published_at": a.published_at.isoformat(timespec="minutes"),
        "citation": spec.reference.full(),
    }


def _touches(a_region: str, wanted: str) -> bool:
    """An announcement of a wider area is read in every district of it, and the other way round."""
    return a_region.startswith(area(wanted)) or wanted.startswith(area(a_region))


@implements(
    "cn.reopening_time_publication_2020",
    "henan.return_to_work_info_publication_2020",
    tests=["tests/desk/test_announcements.py::test_publish_and_read_by_region_and_kind"],
)
def listing(
    s: Session, *, region: str = "", kind: str = "", on: dt.date | None = None, current_only: bool = False
) -> list[Announcement]:
    """Public list, newest first: optionally one region (and the areas around it), one kind, and
    only those in force on ``on`` (today, Beijing time)."""
    q = select(Announcement).order_by(Announcement.published_at.desc(), Announcement.id.desc())
    if kind:
        q = q.where(Announcement.kind == kind)
    found = list(s.execute(q).scalars())
    if region:
        found = [a for a in found if _touches(a.region, region)]
    if current_only:
        day = on or dispatch.beijing_now().date()
        found = [a for a in found if a.effective_from <= day and (a.effective_to is None or a.effective_to >= day)]
    return found
