"""Post-loan management of guaranteed start-up loans (创业担保贷款贷后管理, 新密政〔2020〕4号
四（十一）): each loan with the handling bank that manages it after lending (贷后管理主体), its
status (正常、逾期、展期、已结清) and its visits; the overdue loans and the visits due (on the
working-day calendar) are listed for follow-up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.times import chinese_date
from renshe.engine.catalog import implements
from renshe.services import audit
from renshe.services.errors import NotFound, ServiceError
from renshe.services.programmes_common import (
    STAFF,
    FieldError,
    added,
    check_date,
    check_id_number,
    check_region,
    check_text,
    covers,
    due_after,
    region_label,
    require,
    require_caseworker_of,
)
from renshe.services.programmes_settings import citation, param
from renshe.services.security import mask_id_number
from renshe.store.models import User
from renshe.store.models_programmes import GuaranteedLoan, LoanVisit

STATUS_NAMES = {"current": "正常", "overdue": "逾期", "extended": "展期", "repaid": "已结清"}


@implements(
    "xinmi.guaranteed_loan_post_loan_management_2020",
    tests=["tests/desk/test_programmes_services.py::test_loans_overdue_and_visits_due"],
)
def add(
    s: Session,
    user: User,
    *,
    region: str,
    borrower: str,
    id_number: str,
    bank: str,
    amount: str | float,
    issued_on: dt.date | str,
    due_on: dt.date | str,
) -> GuaranteedLoan:
    """A guaranteed loan put under post-loan management, with the bank that manages it."""
    region = check_region(region)
    require_caseworker_of(user, region, "登记创业担保贷款")
    borrower = check_text(borrower, "borrower", "借款人")
    id_number = check_id_number(id_number)
    bank = check_text(bank, "bank", "经办银行（贷后管理主体）")
    try:
        money = Decimal(str(amount).strip())
    except InvalidOperation:
        raise FieldError("amount", f"贷款金额“{amount}”应为数字（元）") from None
    if not money.is_finite() or money <= 0:
        raise FieldError("amount", f"贷款金额“{amount}”应大于 0")
    issued, due = check_date(issued_on, "issued_on", "放款日期"), check_date(due_on, "due_on", "到期日期")
    if due <= issued:
        raise FieldError("due_on", f"到期日期 {chinese_date(due)} 应晚于放款日期 {chinese_date(issued)}")
    loan = GuaranteedLoan(
        region=region,
        borrower=borrower,
        id_number=id_number,
        bank=bank,
        amount=money.quantize(Decimal("0.01")),
        issued_on=issued,
        due_on=due,
        created_by=user.id,
    )
    return added(s, user, loan, "loans.add", "guaranteed_loan", {"region": region})


def _get(s: Session, user: User, loan_id: int) -> GuaranteedLoan:
    loan = s.get(GuaranteedLoan, loan_id)
    if loan is None:
        raise NotFound(f"未找到贷款 {loan_id}")
    require_caseworker_of(user, loan.region, "办理贷后管理")
    return loan


@implements(
    "xinmi.guaranteed_loan_post_loan_management_2020",
    tests=["tests/desk/test_programmes_services.py::test_loans_overdue_and_visits_due"],
)
def visit(s: Session, user: User, loan_id: int, *, on: dt.date, note: str = "") -> LoanVisit:
    loan = _get(s, user, loan_id)
    if on < loan.issued_on:
        raise FieldError("on", f"回访日期 {chinese_date(on)} 早于放款日期 {chinese_date(loan.issued_on)}")
    v = LoanVisit(loan=loan, on=on, note=(note or "").strip(), by_id=user.id)
    s.add(v)
    s.flush()
    audit.record(s, user, "loans.visit", "guaranteed_loan", loan.id, {"on": on.isoformat()})
    return v


@implements(
    "xinmi.guaranteed_loan_post_loan_management_2020",
    tests=["tests/desk/test_programmes_services.py::test_loans_overdue_and_visits_due"],
)
def settle(
    s: Session, user: User, loan_id: int, *, repaid_on: dt.date | None = None, extended_to: dt.date | None = None
) -> GuaranteedLoan:
    """Record the repayment (结清) or an extension (展期) agreed by the bank."""
    loan = _get(s, user, loan_id)
    if loan.repaid_on:
        raise ServiceError("该贷款已结清")
    if (repaid_on is None) == (extended_to is None):
        raise FieldError("repaid_on", "请填写结清日期或展期到期日之一")
    if extended_to is not None and extended_to <= loan.due_on:
        raise FieldError(
            "extended_to", f"展期到期日 {chinese_date(extended_to)} 应晚于原到期日 {chinese_date(loan.due_on)}"
        )
    loan.repaid_on, loan.extended_to = repaid_on, extended_to or loan.extended_to
    audit.record(
        s,
        user,
        "loans.settle",
        "guaranteed_loan",
        loan.id,
        {"repaid_on": str(repaid_on or ""), "extended_to": str(extended_to or "")},
    )
    return loan


def status(loan: GuaranteedLoan, today: dt.date) -> str:
    if loan.repaid_on:
        return "repaid"
    if (loan.extended_to or loan.due_on) < today:
        return "overdue"
    return "extended" if loan.extended_to else "current"


def next_visit(loan: GuaranteedLoan, today: dt.date) -> dt.date | None:
    last = max([v.on for v in loan.visits], default=loan.issued_on)
    return due_after(last, int(param("loans.visit_working_days", today)))


@implements(
    "xinmi.guaranteed_loan_post_loan_management_2020",
    tests=[
        "tests/desk/test_programmes_services.py::test_loans_overdue_and_visits_due",
        "tests/desk/test_programmes_services.py::test_ledgers_are_scoped_to_the_district",
    ],
)
def book(s: Session, user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The loans of the user's area with status, the overdue list and the visits due."""
    require(user, STAFF, "贷后管理仅供人社部门人员查看")
    today = today or dt.date.today()
    loans = [
        x for x in s.execute(select(GuaranteedLoan).order_by(GuaranteedLoan.id)).scalars() if covers(user, x.region)
    ]
    items = []
    for x in loans:
        st, nxt = status(x, today), next_visit(x, today)
        items.append(
            {
                "id": x.id,
                "region_name": region_label(x.region),
                "borrower": x.borrower,
                "id_number": mask_id_number(x.id_number),
                "bank": x.bank,
                "amount": str(x.amount),
                "issued_on": chinese_date(x.issued_on),
                "due_on": chinese_date(x.extended_to or x.due_on),
                "status": st,
                "status_name": STATUS_NAMES[st],
                "visits": len(x.visits),
                "next_visit": chinese_date(nxt) or "未排期",
                "visit_due": st != "repaid" and nxt is not None and nxt < today,
            }
        )
    return {
        "loans": items,
        "overdue": [i for i in items if i["status"] == "overdue"],
        "visits_due": [i for i in items if i["visit_due"]],
        "citation": citation("loans.visit_working_days"),
    }
