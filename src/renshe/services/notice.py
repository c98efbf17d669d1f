"""Public notice (公示): approved items grouped into a batch and published for an
objection window of working days; an objection blocks its item for re-review;
after the window the rest can be disbursed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.services import audit
from renshe.services.applications import STATUS_NAMES, working_day_after
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.services.settings import setting
from renshe.store.models import Application, NoticeBatch, NoticeItem, Objection, User


def publish(s: Session, user: User, numbers: list[str], title: str, today: dt.date | None = None) -> NoticeBatch:
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以发布公示")
    today = today or dt.date.today()
    apps = s.execute(select(Application).where(Application.number.in_(numbers))).scalars().all()
    if len(apps) != len(set(numbers)):
        raise NotFound("部分申请编号不存在")
    not_ready = [a.number for a in apps if a.status != "approved"]
    if not_ready:
        raise Conflict("只有审核通过的申请可以公示：" + "、".join(not_ready))
    policies = {a.policy_id for a in apps}
    if len(policies) != 1:
        raise ServiceError("一个公示批次只能包含同一项政策的申请")
    window = int(setting("notice_window_working_days", today))
    batch = NoticeBatch(policy_id=policies.pop(), title=title, published_on=today, window_days=window,
                        closes_on=working_day_after(today, window), created_by=user.id)
    s.add(batch)
    s.flush()
    for a in apps:
        s.add(NoticeItem(batch_id=batch.id, application_id=a.id))
        a.status = "in_notice"
    audit.record(s, user, "notice.publish", "notice_batch", batch.id, {"applications": numbers, "window": window})
    return batch


def public_view(s: Session) -> list[dict[str, Any]]:
    """What the public page shows: no identity numbers, no amounts beyond the list's."""
    out = []
    for b in s.execute(select(NoticeBatch).order_by(NoticeBatch.id.desc())).scalars():
        out.append({
            "id": b.id, "title": b.title, "policy": b.policy_id, "published_on": b.published_on.isoformat(),
            "closes_on": b.closes_on.isoformat(), "window_days": b.window_days,
            "items": [{"number": i.application.number, "name": i.application.subject_name,
                       "amount": float(i.application.amount) if i.application.amount is not None else None,
                       "status": STATUS_NAMES.get(i.application.status)} for i in b.items],
        })
    return out


def object_to(s: Session, number: str, text: str, contact: str | None, today: dt.date | None = None) -> Objection:
    """Anyone may object during the window (no sign-in needed: 公示 is public)."""
    today = today or dt.date.today()
    if not text.strip():
        raise ServiceError("请写明异议内容")
    app = s.execute(select(Application).where(Application.number == number)).scalar_one_or_none()
    if app is None:
        raise NotFound(f"未找到公示项 {number}")
    item = s.execute(select(NoticeItem).where(NoticeItem.application_id == app.id)).scalar_one_or_none()
    if item is None or app.status not in ("in_notice", "objected"):
        raise Conflict("该项目不在公示期内")
    if today > item.batch.closes_on:
        raise Conflict(f"公示期已于 {item.batch.closes_on.isoformat()} 结束")
    objection = Objection(application_id=app.id, text=text.strip(), contact=contact, filed_on=today)
    s.add(objection)
    app.status = "objected"
    s.flush()
    audit.record(s, None, "notice.objection", "application", app.number, {"objection": objection.id})
    return objection


def close_window(s: Session, user: User, batch_id: int, today: dt.date | None = None) -> NoticeBatch:
    """After the window: items without objection become ready to disburse."""
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以结束公示")
    today = today or dt.date.today()
    batch = s.get(NoticeBatch, batch_id)
    if batch is None:
        raise NotFound(f"未找到公示批次 {batch_id}")
    if today <= batch.closes_on:
        raise Conflict(f"公示期至 {batch.closes_on.isoformat()}，期满后方可拨付")
    for item in batch.items:
        if item.application.status == "in_notice":
            item.application.status = "cleared"
    audit.record(s, user, "notice.close", "notice_batch", batch.id, {})
    return batch


def resolve_objection(s: Session, user: User, number: str, upheld: bool, note: str) -> Application:
    """Re-review (复核) of an objected item: upheld → rejected; dismissed → cleared."""
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以复核")
    app = s.execute(select(Application).where(Application.number == number)).scalar_one_or_none()
    if app is None or app.status != "objected":
        raise Conflict("该申请没有待复核的异议")
    for o in s.execute(select(Objection).where(Objection.application_id == app.id,
                                                Objection.resolved.is_(False))).scalars():
        o.resolved, o.resolution = True, note
    app.status = "rejected" if upheld else "cleared"
    app.decided_reason = note
    audit.record(s, user, "notice.review_objection", "application", app.number, {"upheld": upheld, "note": note})
    return app
