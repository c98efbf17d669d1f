"""Disbursement (拨付) and claw-back (追回)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.services import audit
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.services.security import mask_account
from renshe.store.models import Application, Clawback, Disbursement, DisbursementItem, User

EXPORT_COLUMNS = ("申请编号", "单位/个人", "统一社会信用代码", "政策", "金额（元）", "收款账号")


def create(s: Session, user: User, numbers: list[str] | None = None) -> Disbursement:
    """A disbursement batch of the cleared applications (all, or the ones named)."""
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以生成拨付批次")
    q = select(Application).where(Application.status == "cleared").order_by(Application.id)
    if numbers:
        q = q.where(Application.number.in_(numbers))
    apps = [a for a in s.execute(q).scalars() if a.amount is not None]
    if not apps:
        raise Conflict("没有公示期满、无异议、待拨付的申请")
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
    return [(i.application.number, i.application.subject_name, i.application.subject_uscc or "",
             i.application.policy_id, float(i.amount),
             i.application.bank_account if full_accounts else mask_account(i.application.bank_account))
            for i in d.items]


def export(s: Session, user: User, disbursement_id: int, fmt: str) -> tuple[bytes, str]:
    """The bank file: xlsx or csv. Accounts in full for the caseworker (audited), masked otherwise."""
    if user.role not in ("caseworker", "auditor"):
        raise Forbidden("无权导出拨付名单")
    d = s.get(Disbursement, disbursement_id)
    if d is None:
        raise NotFound(f"未找到拨付批次 {disbursement_id}")
    full = user.role == "caseworker"
    data = rows(d, full)
    audit.record(s, user, "disbursement.export", "disbursement", d.id, {"format": fmt, "unmasked": full})
    if fmt == "csv":
        import csv

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(EXPORT_COLUMNS)
        writer.writerows(data)
        return ("\ufeff" + buf.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    if fmt == "xlsx":
        import xlsxwriter

        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet("拨付名单")
        sheet.write_row(0, 0, EXPORT_COLUMNS)
        for r, row in enumerate(data, start=1):
            sheet.write_row(r, 0, row)
        book.close()
        return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    raise ServiceError("导出格式应为 xlsx 或 csv")


def mark_paid(s: Session, user: User, disbursement_id: int, paid_on: dt.date | None = None) -> Disbursement:
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以确认拨付")
    d = s.get(Disbursement, disbursement_id)
    if d is None:
        raise NotFound(f"未找到拨付批次 {disbursement_id}")
    if d.status == "paid":
        return d
    d.status, d.paid_on = "paid", paid_on or dt.date.today()
    for i in d.items:
        i.application.status = "paid"
    audit.record(s, user, "disbursement.paid", "disbursement", d.id, {})
    return d


def claw_back(s: Session, user: User, number: str, amount: float, reason: str, today: dt.date | None = None) -> Clawback:
    """A later finding (the unit laid off staff, or lied in its commitment) reclaims money paid."""
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以发起追回")
    app = s.execute(select(Application).where(Application.number == number)).scalar_one_or_none()
    if app is None:
        raise NotFound(f"未找到申请 {number}")
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
