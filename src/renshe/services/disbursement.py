"""Disbursement (拨付) and claw-back (追回).

Every step checks role and area (``applications.require_area``): the finance officer
(财务) of the applications' area makes the disbursement list, exports the bank file (full
accounts, audited; the auditor gets it masked) and confirms payment; the area caseworker
opens a claw-back. Maker–checker: review roles do not disburse, and no one disburses an
application they approved themselves."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from renshe.engine.catalog import implements
from renshe.engine.rules import FLOW_NAMES, registry
from renshe.services import audit, exports, registry_records
from renshe.services.applications import AREA_ROLES, can_see, in_area, require_area
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.services.security import mask_account
from renshe.store.models import (
    Application,
    Clawback,
    Disbursement,
    DisbursementItem,
    ReviewAction,
    User,
)

EXPORT_COLUMNS = ("申请编号", "户名", "开户行", "账号", "统一社会信用代码", "政策", "金额（元）")
#: the bank's return file (银行回盘文件): these headers, one row per payment
RETURN_COLUMNS = ("申请编号", "账号", "金额", "结果", "失败原因")
RESULTS = {"成功": "paid", "失败": "failed"}
RESULT_NAMES = {"paid": "成功", "failed": "失败"}
#: rows read from a return file beyond the batch's own (a longer file is refused)
RETURN_EXTRA_ROWS = 100
DISBURSEMENT_STATUS_NAMES = {"exported": "已生成待银行回盘", "paid": "已全部拨付", "returned": "已回盘（部分失败）"}
#: who makes the disbursement list and confirms payment: finance, never a review role
DISBURSE_ROLES = ("finance",)
#: who opens a claw-back: the caseworker who reviews the later finding
CLAWBACK_ROLES = ("caseworker",)
#: the only flow a disbursement pays (reductions and deferrals are the collection side's)
PAID_FLOW = "cash"


def flow_of(app: Application) -> str | None:
    return (app.result or {}).get("flow")


@implements(
    "beijing.training_subsidy_procedure_2020",
    "beijing.job_intro_subsidy_review_publicity_2020",
    "xinmi.job_search_subsidy_procedure_2020",
    tests=["tests/desk/test_flow.py::test_whole_flow"],
)
def create(s: Session, user: User, numbers: list[str] | None = None) -> Disbursement:
    """A disbursement batch of the cleared cash applications of the user's area (all of
    them, or the ones named); never applications outside it, never ones the user approved.
    Two batches racing for the same applications: the applications are taken with one
    conditional update (cleared → disbursing), so exactly one batch gets each; the other
    is refused with 409 and nothing of it is kept."""
    require_area(user, [], DISBURSE_ROLES, "生成拨付批次")
    q = select(Application).where(Application.status == "cleared").order_by(Application.id)
    if numbers:
        named = list(s.execute(select(Application).where(Application.number.in_(numbers))).scalars())
        if len(named) != len(set(numbers)):
            missing = sorted(set(numbers) - {a.number for a in named})
            raise NotFound("未找到申请：" + "、".join(missing))
        require_area(user, named, DISBURSE_ROLES, "生成拨付批次")
        not_ready = [a.number for a in named if a.status != "cleared"]
        if not_ready:
            raise Conflict(
                "以下申请不是“公示无异议待拨付”状态（可能已被其他拨付批次占用），不能拨付：" + "、".join(not_ready)
            )
        q = q.where(Application.number.in_(numbers))
    apps = [
        a
        for a in s.execute(q).scalars()
        if a.amount is not None and flow_of(a) in (PAID_FLOW, None) and in_area(user, a.region)
    ]
    if not apps:
        raise Conflict(f"本辖区（{user.region}）没有公示期满、无异议、待拨付的现金类申请")
    approved_here = [
        a.number
        for a in apps
        if s.execute(
            select(ReviewAction.id).where(
                ReviewAction.application_id == a.id, ReviewAction.actor_id == user.id, ReviewAction.action == "approve"
            )
        ).first()
        is not None
    ]
    if approved_here:
        raise Forbidden(
            "审核与拨付须由不同人员办理，以下申请由当前用户审核通过，不能由其拨付：" + "、".join(approved_here)
        )
    missing_account = [a.number for a in apps if not a.bank_account]
    if missing_account:
        raise ServiceError("以下申请缺少收款账号：" + "、".join(missing_account))
    ids = [a.id for a in apps]
    # (an UPDATE's result is a CursorResult, which counts the rows)
    taken = cast(
        CursorResult[Any],
        s.execute(
            update(Application)
            .where(Application.id.in_(ids), Application.status == "cleared")
            .values(status="disbursing")
            .execution_options(synchronize_session=False)
        ),
    )
    if taken.rowcount != len(ids):  # another batch took some of them first
        s.rollback()
        raise Conflict("部分申请已被另一个拨付批次占用，本批次未生成；请刷新后重试")
    for a in apps:
        s.refresh(a)
    total = sum((Decimal(str(a.amount)) for a in apps), Decimal(0))
    d = Disbursement(created_by=user.id, total=total, status="exported")
    s.add(d)
    s.flush()
    for a in apps:
        s.add(DisbursementItem(disbursement_id=d.id, application_id=a.id, amount=a.amount))
    s.flush()
    s.refresh(d)
    audit.record(s, user, "disbursement.create", "disbursement", d.id, {"count": len(apps), "total": str(total)})
    return d


def payee(s: Session, app: Application) -> tuple[str, str]:
    """(户名, 开户行): the unit's registered account name and bank (单位参保登记); a payee the
    bureau holds no record of is named by its account (the registered user), bank 未登记."""
    unit = registry_records.record(s, app.subject_uscc)
    name = (unit.account_name if unit is not None and unit.account_name else None) or app.applicant.display_name
    bank = unit.bank_name if unit is not None and unit.bank_name else "未登记"
    return name, bank


def title_of(policy_id: str) -> str:
    rule = registry().rules.get(policy_id)
    return rule.title if rule is not None else policy_id


def rows(d: Disbursement, full_accounts: bool, s: Session | None = None) -> list[tuple[object, ...]]:
    """The bank file's rows. The payee's name is the registered one (户名 of the unit's
    registration, else the applicant account's), never the name typed into the case."""
    out: list[tuple[object, ...]] = []
    for i in d.items:
        a = i.application
        name, bank = payee(s, a) if s is not None else (a.applicant.display_name, "未登记")
        out.append(
            (
                a.number,
                name,
                bank,
                a.bank_account if full_accounts else mask_account(a.bank_account),
                a.subject_uscc or "",
                title_of(a.policy_id),
                float(i.amount),
            )
        )
    return out


def total_rows(d: Disbursement) -> list[tuple[str, float, int]]:
    """(流向, 合计, 笔数) per money flow of the batch; a batch pays cash only, so one row."""
    flows: dict[str, tuple[Decimal, int]] = {}
    for i in d.items:
        f = flow_of(i.application) or PAID_FLOW
        amount, count = flows.get(f, (Decimal(0), 0))
        flows[f] = (amount + Decimal(str(i.amount)), count + 1)
    return [(FLOW_NAMES.get(f, f), float(v), n) for f, (v, n) in flows.items()]


def export(s: Session, user: User, disbursement_id: int, fmt: str) -> tuple[bytes, str]:
    """The bank file: xlsx or csv, with a total row per flow. Accounts in full for the
    finance officer of the area (audited), masked for the auditor; no one else."""
    if user.role not in DISBURSE_ROLES + ("auditor",):
        raise Forbidden("只有本辖区财务人员或审计人员可以导出拨付名单")
    d = s.get(Disbursement, disbursement_id)
    if d is None:
        raise NotFound(f"未找到拨付批次 {disbursement_id}")
    full = user.role in DISBURSE_ROLES
    if full:
        require_area(user, [i.application for i in d.items], DISBURSE_ROLES, "导出拨付名单")
    if fmt not in ("csv", "xlsx"):
        raise ServiceError("导出格式应为 xlsx 或 csv")
    data = rows(d, full, s)
    data += [(f"合计（{flow}）", f"{count} 笔", "", "", "", "", amount) for flow, amount, count in total_rows(d)]
    audit.record(s, user, "disbursement.export", "disbursement", d.id, {"format": fmt, "unmasked": full})
    if fmt == "csv":
        return exports.csv_bytes(EXPORT_COLUMNS, data), "text/csv; charset=utf-8"
    out = io.BytesIO()
    book = exports.xlsxwriter_workbook(out)  # a name "=HYPERLINK(…)" stays text
    sheet = book.add_worksheet("拨付名单")
    sheet.write_row(0, 0, EXPORT_COLUMNS)
    for r, row in enumerate(data, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def mark_paid(s: Session, user: User, disbursement_id: int, paid_on: dt.date | None = None) -> Disbursement:
    """Every payment of the batch succeeded (the bank confirmed the whole batch)."""
    require_area(user, [], DISBURSE_ROLES, "确认拨付")
    d = s.get(Disbursement, disbursement_id)
    if d is None:
        raise NotFound(f"未找到拨付批次 {disbursement_id}")
    require_area(user, [i.application for i in d.items], DISBURSE_ROLES, "确认拨付")
    if d.status == "paid":
        return d
    if d.status != "exported":
        raise Conflict("该批次已按银行回盘文件处理，不能再整批确认")
    d.status, d.paid_on = "paid", paid_on or dt.date.today()
    for i in d.items:
        i.result = "paid"
        i.application.status = "paid"
    audit.record(s, user, "disbursement.paid", "disbursement", d.id, {})
    return d


class ReturnFileError(ServiceError):
    """A return file that cannot be applied: every problem, by row and column; nothing saved."""

    status = 422

    def __init__(self, problems: list[dict[str, Any]]):
        super().__init__(
            "银行回盘文件有误，未作任何处理："
            + "；".join(
                (f"第 {p['row']} 行" if p.get("row") else "")
                + (f"「{p['field']}」" if p.get("field") else "")
                + p["problem"]
                for p in problems[:20]
            )
            + ("……" if len(problems) > 20 else "")
        )
        self.problems = problems


def _table(filename: str, data: bytes, limit: int) -> list[list[str]]:
    """The return file's rows (header first) as text: xlsx or csv (UTF-8, or GB18030 as
    Chinese banks' systems write it); at most ``limit`` rows are read."""
    name = filename.lower()
    if not name:
        raise ReturnFileError([{"row": None, "field": "文件", "problem": "请选择银行回盘文件（xlsx 或 csv）"}])
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise ReturnFileError([{"row": None, "field": None, "problem": "不是有效的 xlsx 工作簿"}]) from None
        sheet = book.worksheets[0]
        out: list[list[str]] = []
        for row in sheet.iter_rows(values_only=True):
            if len(out) > limit:
                break
            out.append(["" if v is None else str(v) for v in row])
        book.close()
        return out
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ReturnFileError(
                [{"row": None, "field": None, "problem": "文件编码无法识别（应为 UTF-8 或 GB18030）"}]
            )
        out = []
        for line in csv.reader(io.StringIO(text)):
            if len(out) > limit:
                break
            out.append(line)
        return out
    raise ReturnFileError([{"row": None, "field": "文件", "problem": "银行回盘文件应为 .xlsx 或 .csv"}])


def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None


def import_return(
    s: Session, user: User, disbursement_id: int, filename: str, data: bytes, today: dt.date | None = None
) -> Disbursement:
    """Apply the bank's return file (银行回盘): each payment of the batch marked 成功 (paid)
    or 失败 (failed, with the bank's reason; the application goes back to 「公示无异议待拨付」
    so a later batch can pay it again). Every row is checked first — number in this batch,
    account and amount as sent, result 成功/失败, a reason for each failure, every payment
    answered once — and any problem refuses the whole file (nothing is saved)."""
    require_area(user, [], DISBURSE_ROLES, "导入银行回盘文件")
    d = s.get(Disbursement, disbursement_id)
    if d is None:
        raise NotFound(f"未找到拨付批次 {disbursement_id}")
    require_area(user, [i.application for i in d.items], DISBURSE_ROLES, "导入银行回盘文件")
    if d.status != "exported":
        raise Conflict(f"该批次状态为“{DISBURSEMENT_STATUS_NAMES.get(d.status, d.status)}”，已处理过回盘，不能再导入")
    table = _table(filename, data, len(d.items) + RETURN_EXTRA_ROWS)
    problems: list[dict[str, Any]] = []
    if not table:
        raise ReturnFileError([{"row": None, "field": None, "problem": "文件为空"}])
    header = [h.strip() for h in table[0]]
    missing = [c for c in RETURN_COLUMNS if c not in header]
    if missing:
        raise ReturnFileError(
            [
                {"row": 1, "field": c, "problem": "缺少此列（表头应为 " + "、".join(RETURN_COLUMNS) + "）"}
                for c in missing
            ]
        )
    if len(table) > len(d.items) + RETURN_EXTRA_ROWS:
        raise ReturnFileError([{"row": None, "field": None, "problem": f"行数超过本批次的 {len(d.items)} 笔"}])
    col = {c: header.index(c) for c in RETURN_COLUMNS}
    items = {i.application.number: i for i in d.items}
    answers: dict[str, tuple[str, str | None]] = {}
    for r, raw in enumerate(table[1:], start=2):
        cells = [str(x).strip() for x in raw] + [""] * len(header)
        if not any(cells):
            continue
        number, account, amount, result, reason = (cells[col[c]] for c in RETURN_COLUMNS)
        item = items.get(number)
        if item is None:
            problems.append({"row": r, "field": "申请编号", "problem": f"{number or '（空）'} 不在本拨付批次中"})
            continue
        if number in answers:
            problems.append({"row": r, "field": "申请编号", "problem": f"{number} 重复出现"})
            continue
        if account != (item.application.bank_account or ""):
            problems.append({"row": r, "field": "账号", "problem": f"与拨付名单中 {number} 的账号不一致"})
        money = _money(amount)
        if money is None or money != Decimal(str(item.amount)):
            problems.append(
                {
                    "row": r,
                    "field": "金额",
                    "problem": f"应为 {Decimal(str(item.amount)):,.2f}，文件中为 {amount or '（空）'}",
                }
            )
        if result not in RESULTS:
            problems.append(
                {"row": r, "field": "结果", "problem": f"应为“成功”或“失败”，文件中为 {result or '（空）'}"}
            )
        elif RESULTS[result] == "failed" and not reason:
            problems.append({"row": r, "field": "失败原因", "problem": "结果为失败时须写明失败原因"})
        answers[number] = (RESULTS.get(result, ""), reason or None)
    unanswered = [n for n in items if n not in answers]
    if unanswered:
        problems.append({"row": None, "field": "申请编号", "problem": "回盘文件缺少以下拨付：" + "、".join(unanswered)})
    if problems:
        raise ReturnFileError(problems)
    today = today or dt.date.today()
    failed = []
    for number, (result, why) in answers.items():
        item = items[number]
        item.result, item.failure_reason = result, why if result == "failed" else None
        if result == "paid":
            item.application.status = "paid"
        else:
            item.application.status = "cleared"  # back to 待拨付: a later batch pays it again
            failed.append(number)
    d.status, d.paid_on = ("returned" if failed else "paid"), today
    audit.record(
        s,
        user,
        "disbursement.return",
        "disbursement",
        d.id,
        {"file": filename, "paid": len(answers) - len(failed), "failed": failed},
    )
    return d


def payouts_for(s: Session, user: User) -> list[Disbursement]:
    """The disbursement batches a desk user may see (an area's staff: its own area's only)."""
    batches = list(s.execute(select(Disbursement).order_by(Disbursement.id.desc())).scalars())
    if user.role in AREA_ROLES:
        batches = [d for d in batches if d.items and all(can_see(user, i.application) for i in d.items)]
    return batches


def get(s: Session, user: User, disbursement_id: int) -> Disbursement:
    if user.role not in DISBURSE_ROLES + ("auditor", "admin", "caseworker"):
        raise Forbidden("拨付批次仅供财务、经办、审计和管理人员查看")
    d = s.get(Disbursement, disbursement_id)
    if d is None:
        raise NotFound(f"未找到拨付批次 {disbursement_id}")
    if not all(can_see(user, i.application) for i in d.items):
        raise Forbidden("该拨付批次不在本辖区")
    return d


def view(s: Session, user: User, d: Disbursement) -> dict[str, Any]:
    """The batch as the page shows it: accounts masked (the full ones are in the bank file
    of the finance officer), payee, bank, policy title, the bank's result, a total per flow."""
    items = []
    for i in d.items:
        a = i.application
        name, bank = payee(s, a)
        items.append(
            {
                "number": a.number,
                "account_name": name,
                "bank_name": bank,
                "account": mask_account(a.bank_account),
                "title": title_of(a.policy_id),
                "amount": float(i.amount),
                "result": RESULT_NAMES.get(i.result or "", "待回盘"),
                "failure_reason": i.failure_reason,
            }
        )
    return {
        "id": d.id,
        "status": d.status,
        "status_name": DISBURSEMENT_STATUS_NAMES.get(d.status, d.status),
        "created_at": d.created_at,
        "paid_on": d.paid_on,
        "items": items,
        "totals": total_rows(d),
    }


def claw_back(
    s: Session, user: User, number: str, amount: float, reason: str, today: dt.date | None = None
) -> Clawback:
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
    c = Clawback(
        application_id=app.id,
        amount=amount,
        reason=reason.strip(),
        opened_by=user.id,
        opened_on=today or dt.date.today(),
    )
    s.add(c)
    app.status = "clawed_back"
    s.flush()
    audit.record(s, user, "clawback.open", "application", app.number, {"amount": str(amount), "reason": reason})
    return c
