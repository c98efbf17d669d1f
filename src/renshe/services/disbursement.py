"""Disbursement (拨付) and claw-back (追回).

Every step checks role and area (``applications.require_area``): the finance officer
(财务) of the applications' area makes the disbursement list, exports the bank file (full
accounts, audited; the auditor gets it masked) and confirms payment; the area caseworker
opens a claw-back. Maker–checker: review roles do not disburse, and no one disburses an
application they approved themselves."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.engine.catalog import implements
from renshe.services import audit, exports
from renshe.services.applications import in_area, require_area
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.services.security import mask_account
from renshe.store.models import Application, Clawback, Disbursement, DisbursementItem, ReviewAction, User

EXPORT_COLUMNS = ("申请编号", "单位/个人", "统一社会信用代码", "政策", "金额（元）", "收款账号")
#: who makes the disbursement list and confirms payment: finance, never a review role
DISBURSE_ROLES = ("finance",)
#: who opens a claw-back: the caseworker who reviews the later finding
CLAWBACK_ROLES = ("caseworker",)


@implements("beijing.training_subsidy_procedure_2020", "beijing.job_intro_subsidy_review_publicity_2020", "xinmi.job_search_subsidy_procedure_2020", tests=["tests/desk/test_flow.py::test_whole_flow"])
def create(s: Session, user: User, numbers: list[str] | None = None) -> Disbursement:
    """A disbursement batch of the cleared applications of the user's area (all of them, or
    the ones named); never applications outside it, never ones the user approved."""
    require_area(user, [], DISBURSE_ROLES, "生成拨付批次")
    q = select(Application).where(Application.status == "cleared").order_by(Application.id)
    if numbers:
        named = list(s.execute(select(Application).where(Application.number.in_(numbers))).scalars())
        require_area(user, named, DISBURSE_ROLES, "生成拨付批次")
        q = q.where(Application.number.in_(numbers))
    apps = [a for a in s.execute(q).scalars() if a.amount is not None and in_area(user, a.region)]
    if not apps:
        raise Conflict(f"本辖区（{user.region}）没有公示期满、无异议、待拨付的申请")
    approved_here = [a.number for a in apps if s.execute(select(ReviewAction.id).where(
        ReviewAction.application_id == a.id, ReviewAction.actor_id == user.id,
        ReviewAction.action == "approve")).first() is not None]
    if approved_here:
        raise Forbidden("审核与拨付须由不同人员办理，以下申请由当前用户审核通过，不能由其拨付："
                        + "、".join(approved_here))
    missing_account = [a.number for a in apps if not a.bank_account]
    if missing_account:
        raise ServiceError("以下申请缺少收款账号：" + "、".join(missing_account))
    total = sum((Decimal(str(a.amount)) for a in apps), Decimal("0"))
    d = Disbursement(created_by=user.id, total=total, status="exported")
    s.add(d)
    s.flush()
    for a in apps:
        s.add(DisbursementItem(disbursement_id=d.id, application_id=a.id, amount=a.amount))
        a.status = "disbursing"
    audit.record(s, user, "disbursement.create", "disbursement", d.id, {"count": len(apps), "total": str(total)})
    return d


def rows(d: Disbursement, full_accounts: bool) -> list[tuple[object, ...]]:
    """The bank file's rows. The payee's name is the applicant account's (the unit or person
    registered with the bureau), never the name typed into the submitted case."""
    return [(i.application.number, i.application.applicant.display_name, i.application.subject_uscc or "",
             i.application.policy_id, float(i.amount),
             i.application.bank_account if full_accounts else mask_account(i.application.bank_account))
            for i in d.items]


def export(s: Session, user: User, disbursement_id: int, fmt: str) -> tuple[bytes, str]:
    """The bank file: xlsx or csv. Accounts in full for the finance officer of the area
    (audited), masked for the auditor; no one else."""
    if user.role not in DISBURSE_ROLES + ("auditor",):
        raise Forbidden("只有本辖区财务人员或审计人员可以导出拨付名单")
    d = s.get(Disbursement, disbursement_id)
    if d is None:
        raise NotFound(f"未找到拨付批次 {disbursement_id}")
    full = user.role in DISBURSE_ROLES
    if full:
        require_area(user, [i.application for i in d.items], DISBURSE_ROLES, "导出拨付名单")
    data = rows(d, full)
    audit.record(s, user, "disbursement.export", "disbursement", d.id, {"format": fmt, "unmasked": full})
    if fmt == "csv":
        return exports.csv_bytes(EXPORT_COLUMNS, data), "text/csv; charset=utf-8"
    if fmt == "xlsx":
        out = io.BytesIO()
        book = exports.xlsxwriter_workbook(out)  # a name "=HYPERLINK(…)" stays text
        sheet = book.add_worksheet("拨付名单")
        sheet.write_row(0, 0, EXPORT_COLUMNS)
        for r, row in enumerate(data, start=1):
            sheet.write_row(r, 0, row)
        book.close()
        return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    raise ServiceError("导出格式应为 xlsx 或 csv")


def mark_paid(s: Session, user: User, disbursement_id: int, paid_on: dt.date | None = None) -> Disbursement:
    require_area(user, [], DISBURSE_ROLES, "确认拨付")
    d = s.get(Disbursement, disbursement_id)
    if d is None:
        raise NotFound(f"未找到拨付批次 {disbursement_id}")
    require_area(user, [i.application for i in d.items], DISBURSE_ROLES, "确认拨付")
    if d.status == "paid":
        return d
    d.status, d.paid_on = "paid", paid_on or dt.date.today()
    for i in d.items:
        i.application.status = "paid"
    audit.record(s, user, "disbursement.paid", "disbursement", d.id, {})
    return d


def claw_back(s: Session, user: User, number: str, amount: float, reason: str, today: dt.date | None = None) -> Clawback:
    """A later finding (the unit laid off staff, or lied in its commitment) reclaims money paid."""
    require_area(user, [], CLAWBACK_ROLES, "发起追回")
    app = s.execute(select(Application).where(Application.number == number)).scalar_one_or_none()
    if app is None:
        raise NotFound(f"未找到申请 {number}")
    require_area(user, [app], CLAWBACK_ROLES, "发起追回")
    if app.status != "paid":
        raise Conflict("只有已拨付的申请可以追回")
    if not reason.strip():
        raise ServiceError("请写明追回理由")
    if amount <= 0 or app.amount is None or Decimal(str(amount)) > Decimal(str(app.amount)):
        raise ServiceError("追回金额应大于 0 且不超过已拨付金额")
    c = Clawback(application_id=app.id, amount=amount, reason=reason.strip(), opened_by=user.id,
                 opened_on=today or dt.date.today())
    s.add(c)
    app.status = "clawed_back"
    s.flush()
    audit.record(s, user, "clawback.open", "application", app.number, {"amount": str(amount), "reason": reason})
    return c
