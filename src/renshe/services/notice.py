"""Public notice (公示): approved items grouped into a batch and published for an
objection window of working days; an objection blocks its item for re-review;
after the window the rest can be disbursed.

The window is law (京人社就字〔2020〕15号 二（一）: 公示无异议的，按规定拨付资金): an item clears
only once the whole window has passed (the day after ``closes_on``, counted in working days
by the desk calendar) with no objection left open. Every objection is reviewed on its own:
upheld → the application is rejected; dismissed → with a reason, and the item goes back to
the notice until the window ends. Publishing, closing and reviewing are the area
caseworker's (``applications.require_area``); filing an objection is open to anyone."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from renshe.domain.times import chinese_date as day
from renshe.engine.catalog import implements
from renshe.services import audit
from renshe.services.applications import (
    STATUS_NAMES,
    can_see,
    require_area,
    working_day_after,
)
from renshe.services.errors import Conflict, NotFound, ServiceError
from renshe.services.settings import setting
from renshe.store.models import Application, NoticeBatch, NoticeItem, Objection, User

#: who publishes, closes and reviews objections: the caseworker of the applications' area
NOTICE_ROLES = ("caseworker",)


@implements(
    "beijing.stable_job_subsidy_online_publicity_2020",
    "beijing.training_subsidy_procedure_2020",
    "beijing.job_intro_subsidy_review_publicity_2020",
    tests=["tests/desk/test_notice_window.py::test_the_window_is_the_settings_working_days"],
)
def publish(s: Session, user: User, numbers: list[str], title: str, today: dt.date | None = None) -> NoticeBatch:
    require_area(user, [], NOTICE_ROLES, "发布公示")
    if not numbers:
        raise ServiceError("请勾选要公示的申请（审核通过的）")
    today = today or dt.date.today()
    apps = s.execute(select(Application).where(Application.number.in_(numbers))).scalars().all()
    if len(apps) != len(set(numbers)):
        raise NotFound("部分申请编号不存在")
    require_area(user, list(apps), NOTICE_ROLES, "发布公示")
    not_ready = [a.number for a in apps if a.status != "approved"]
    if not_ready:
        raise Conflict("只有审核通过的申请可以公示：" + "、".join(not_ready))
    policies = {a.policy_id for a in apps}
    if len(policies) != 1:
        raise ServiceError("一个公示批次只能包含同一项政策的申请")
    window = int(setting("notice_window_working_days", today))
    batch = NoticeBatch(
        policy_id=policies.pop(),
        title=title,
        published_on=today,
        window_days=window,
        closes_on=working_day_after(today, window),
        created_by=user.id,
    )
    s.add(batch)
    s.flush()
    for a in apps:
        s.add(NoticeItem(batch_id=batch.id, application_id=a.id))
        a.status = "in_notice"
    audit.record(s, user, "notice.publish", "notice_batch", batch.id, {"applications": numbers, "window": window})
    return batch


def public_view(s: Session, today: dt.date | None = None) -> list[dict[str, Any]]:
    """What the public page shows: no identity numbers, no amounts beyond the list's.
    Reading it closes the batches whose window has passed (:func:`close_expired`)."""
    close_expired(s, today)
    out = []
    for b in s.execute(select(NoticeBatch).order_by(NoticeBatch.id.desc())).scalars():
        out.append(
            {
                "id": b.id,
                "title": b.title,
                "policy": b.policy_id,
                "published_on": b.published_on.isoformat(),
                "closes_on": b.closes_on.isoformat(),
                "window_days": b.window_days,
                "closed_on": b.closed_on.isoformat() if b.closed_on else None,
                "items": [
                    {
                        "number": i.application.number,
                        "name": i.application.subject_name,
                        "amount": float(i.application.amount) if i.application.amount is not None else None,
                        "status": STATUS_NAMES.get(i.application.status),
                    }
                    for i in b.items
                ],
            }
        )
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
    if today > item.batch.closes_on or item.batch.closed_on is not None:
        raise Conflict(f"公示期已于 {day(item.batch.closes_on)} 结束")
    objection = Objection(application_id=app.id, text=text.strip(), contact=contact, filed_on=today)
    s.add(objection)
    app.status = "objected"
    s.flush()
    audit.record(s, None, "notice.objection", "application", app.number, {"objection": objection.id})
    return objection


def open_objections(s: Session, app: Application) -> list[Objection]:
    return list(
        s.execute(
            select(Objection)
            .where(Objection.application_id == app.id, Objection.resolved.is_(False))
            .order_by(Objection.id)
        ).scalars()
    )


def _settle(s: Session, app: Application, batch: NoticeBatch, today: dt.date) -> None:
    """An item with no objection left open: cleared once the whole window has passed,
    otherwise back in the notice until it has."""
    if open_objections(s, app):
        app.status = "objected"
    elif today > batch.closes_on:
        app.status = "cleared"
    else:
        app.status = "in_notice"


def is_open(batch: NoticeBatch) -> bool:
    return batch.closed_on is None


def _close(s: Session, user: User | None, batch: NoticeBatch, today: dt.date, how: str) -> bool:
    """Close ``batch`` once: a conditional update, so two readers racing past the expiry
    (or a reader and the button) close it one time only; False when another did first."""
    # (an UPDATE's result is a CursorResult, which counts the rows)
    taken = cast(
        CursorResult[Any],
        s.execute(
            update(NoticeBatch)
            .where(NoticeBatch.id == batch.id, NoticeBatch.closed_on.is_(None))
            .values(closed_on=today, closed_by=user.id if user is not None else None)
            .execution_options(synchronize_session=False)
        ),
    )
    s.refresh(batch)
    if taken.rowcount != 1:
        return False
    for item in batch.items:
        if item.application.status in ("in_notice", "objected"):
            _settle(s, item.application, batch, today)
    audit.record(
        s,
        user,
        "notice.close",
        "notice_batch",
        batch.id,
        {"how": how, "cleared": [i.application.number for i in batch.items if i.application.status == "cleared"]},
    )
    return True


def close_window(s: Session, user: User, batch_id: int, today: dt.date | None = None) -> NoticeBatch:
    """结束公示 by the caseworker: only after the whole window of working days has passed;
    items without an open objection become ready to disburse, items with one stay
    「公示有异议待复核」 until each objection is reviewed (then they clear on review)."""
    require_area(user, [], NOTICE_ROLES, "结束公示")
    today = today or dt.date.today()
    batch = s.get(NoticeBatch, batch_id)
    if batch is None:
        raise NotFound(f"未找到公示批次 {batch_id}")
    require_area(user, [i.application for i in batch.items], NOTICE_ROLES, "结束公示")
    if today <= batch.closes_on:
        raise Conflict(f"公示期至 {day(batch.closes_on)}（{batch.window_days} 个工作日），期满后方可结束公示")
    if batch.closed_on is not None or not _close(s, user, batch, today, "button"):
        raise Conflict(f"该公示已于 {day(batch.closed_on)} 结束")
    return batch


def close_expired(s: Session, today: dt.date | None = None) -> list[NoticeBatch]:
    """Close every batch whose window has passed (公示期满自动结束): run whenever notices are
    read, so that no one has to press a button for the law to take its course."""
    today = today or dt.date.today()
    due = list(
        s.execute(
            select(NoticeBatch)
            .where(NoticeBatch.closed_on.is_(None), NoticeBatch.closes_on < today)
            .order_by(NoticeBatch.id)
        ).scalars()
    )
    return [batch for batch in due if _close(s, None, batch, today, "expiry")]


def batches_for(s: Session, user: User, today: dt.date | None = None) -> list[NoticeBatch]:
    """The batches a desk user works with (an area's staff: its own area's only), newest
    first; expired ones are closed on the way (:func:`close_expired`)."""
    close_expired(s, today)
    batches = list(s.execute(select(NoticeBatch).order_by(NoticeBatch.id.desc())).scalars())
    return [b for b in batches if b.items and all(can_see(user, i.application) for i in b.items)]


def objections(s: Session, app: Application) -> list[Objection]:
    """Every objection to ``app``, open and answered, oldest first."""
    return list(s.execute(select(Objection).where(Objection.application_id == app.id).order_by(Objection.id)).scalars())


def batch_of(s: Session, app: Application) -> NoticeBatch | None:
    item = s.execute(select(NoticeItem).where(NoticeItem.application_id == app.id)).scalar_one_or_none()
    return item.batch if item is not None else None


@implements(
    "beijing.stable_job_subsidy_online_publicity_2020",
    "beijing.job_intro_subsidy_review_publicity_2020",
    tests=["tests/desk/test_notice_window.py::test_each_objection_is_reviewed"],
)
def resolve_objection(
    s: Session,
    user: User,
    number: str,
    upheld: bool,
    note: str,
    objection_id: int | None = None,
    today: dt.date | None = None,
) -> Application:
    """Re-review (复核) of one objection: upheld → the application is rejected; dismissed →
    the objection is closed with its reason and the item waits for the rest of the window
    (it clears only after the window, with no other objection open)."""
    require_area(user, [], NOTICE_ROLES, "复核异议")
    today = today or dt.date.today()
    app = s.execute(select(Application).where(Application.number == number)).scalar_one_or_none()
    if app is None:
        raise NotFound(f"未找到申请 {number}")
    require_area(user, [app], NOTICE_ROLES, "复核异议")
    pending = open_objections(s, app)
    if app.status != "objected" or not pending:
        raise Conflict("该申请没有待复核的异议")
    if not note.strip():
        raise ServiceError("复核意见（note）不能为空：异议成立或不成立都须写明理由")
    objection: Objection | None
    if objection_id is None:
        if len(pending) > 1:
            raise ServiceError(
                "该申请有多条待复核的异议，请逐条复核并指明异议编号（objection）："
                + "、".join(str(o.id) for o in pending)
            )
        objection = pending[0]
    else:
        objection = next((o for o in pending if o.id == objection_id), None)
        if objection is None:
            raise NotFound(f"异议 {objection_id} 不是该申请待复核的异议")
    objection.resolved = True
    objection.resolution = ("异议成立：" if upheld else "异议不成立：") + note.strip()
    item = s.execute(select(NoticeItem).where(NoticeItem.application_id == app.id)).scalar_one()
    if upheld:
        app.status = "rejected"
        app.decided_reason = note
        for other in pending:  # the application is rejected: the other objections are answered by it
            if other is not objection:
                other.resolved = True
                other.resolution = f"申请已因异议 {objection.id} 成立不予通过"
    else:
        s.flush()
        _settle(s, app, item.batch, today)
    audit.record(
        s,
        user,
        "notice.review_objection",
        "application",
        app.number,
        {"objection": objection.id, "upheld": upheld, "note": note, "status": app.status},
    )
    return app
