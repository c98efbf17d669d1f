"""Bulk imports of the programme ledgers from a workbook (台账批量导入): what a caseworker would
otherwise enter one form at a time —

- ``trainees``: trainees enrolled in an approved training project and their completion
  assessment (参训人员报名、结业考核);
- ``loans``: post-loan management of guaranteed start-up loans: visits, repayment, extension
  (创业担保贷款贷后回访、结清、展期);
- ``welfare``: the 回头看 review of the people waiting for a public-welfare post and their
  placement (公益性岗位“回头看”、安置上岗);
- ``zero-employment``: zero-employment households identified and cleared (零就业家庭认定、消除).

Each kind has a template (:func:`template`: the Chinese column titles, and a sheet saying what
each column holds). :func:`run` reads an upload through ``services/workbooks.py`` and applies
each row through the same service call as the page's form (so the same rules, area checks and
audit): a good row is saved, a bad row is reported with its row number, column and what was
expected, in Chinese, and leaves nothing behind (each row in its own savepoint). A row that is
already in the ledger is counted as such and not saved again, so uploading the same workbook
twice changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from renshe.engine.catalog import implements
from renshe.services import audit, exports, guaranteed_loans, training, welfare_posts, workbooks, zero_employment
from renshe.services.errors import NotFound, ServiceError
from renshe.services.programmes_common import FieldError, check_id_number, covers, require
from renshe.store.models import User
from renshe.store.models_programmes import (
    GuaranteedLoan,
    TrainingEnrolment,
    WelfareCandidate,
    WelfarePost,
    ZeroEmploymentHousehold,
)

WRITERS = ("caseworker",)
YES, NO = "是", "否"
PASSED = {"合格": True, "不合格": False}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | date | whole | yes_no | result
    required: bool = True
    note: str = ""  # what the cell holds, beyond its kind (the template's 填写说明)

    def expected(self) -> str:
        """What the cell should hold, in Chinese."""
        kinds = {
            "text": "文字",
            "date": "YYYY-MM-DD 格式的日期",
            "whole": "正整数",
            "yes_no": f"“{YES}”或“{NO}”",
            "result": "“合格”或“不合格”",
        }
        need = "必填" if self.required else "可空"
        return f"{kinds[self.kind]}，{need}" + (f"；{self.note}" if self.note else "")


Row = dict[str, Any]
#: applies one checked row; True when it changed the ledger, False when the ledger already held it
Apply = Callable[[Session, User, Row], bool]


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    columns: tuple[Column, ...]
    apply: Apply
    page: str  # the ledger's page
    #: the services' names of fields that the sheet calls otherwise
    aliases: dict[str, str] = field(default_factory=dict)

    @property
    def labels(self) -> dict[str, str]:
        return {c.key: c.label for c in self.columns}

    def label(self, key: str | None) -> str:
        """The column of a problem: the field the service names, else the column that finds the
        record (its first), for a problem with the record as a whole (not in the area, closed)."""
        key = self.aliases.get(key or "", key or "")
        return self.labels.get(key, self.columns[0].label)


@dataclass
class Result:
    saved: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)  # {"row", "field", "problem"}

    def summary(self) -> dict[str, Any]:
        return {
            "saved": len(self.saved),
            "unchanged": len(self.unchanged),
            "rejected_rows": len({r["row"] for r in self.rejected}),
            "rejected": self.rejected,
        }


# ----------------------------------------------------------------------------- cells


def _cell(col: Column, value: Any) -> Any:
    """The cell as the column's kind; FieldError (on the column's key) saying what was expected."""
    text = workbooks.cell_text(value).strip()
    if not text:
        if col.required:
            raise FieldError(col.key, f"{col.label}为空，应为{col.expected()}")
        return None
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise FieldError(col.key, f"{col.label}“{text}”应为 YYYY-MM-DD 格式的日期") from None
    if col.kind == "whole":
        if not text.isdigit() or int(text) < 1:
            raise FieldError(col.key, f"{col.label}“{text}”应为正整数")
        return int(text)
    if col.kind == "yes_no":
        if text not in (YES, NO):
            raise FieldError(col.key, f"{col.label}“{text}”应为“{YES}”或“{NO}”")
        return text == YES
    if col.kind == "result":
        if text not in PASSED:
            raise FieldError(col.key, f"{col.label}“{text}”应为“合格”或“不合格”")
        return PASSED[text]
    return text


def _row(sheet: Sheet, record: workbooks.Record) -> Row:
    return {c.key: _cell(c, record.values.get(c.key)) for c in sheet.columns}


def _both(row: Row, a: str, b: str, sheet: Sheet) -> None:
    """Two columns filled together or not at all."""
    if (row[a] is None) != (row[b] is None):
        missing = b if row[b] is None else a
        raise FieldError(missing, f"{sheet.labels[a]}与{sheet.labels[b]}应同时填写")


def _in_area(s: Session, user: User, query: Select[Any]) -> list[Any]:
    """The records the query finds in the user's area."""
    return [x for x in s.execute(query).scalars() if covers(user, x.region)]


# ----------------------------------------------------------------------------- trainees


def _trainees(s: Session, user: User, row: Row) -> bool:
    _both(row, "completed_on", "passed", TRAINEES)
    id_number = check_id_number(row["id_number"])
    e = s.execute(
        select(TrainingEnrolment).where(
            TrainingEnrolment.project_id == row["project"], TrainingEnrolment.id_number == id_number
        )
    ).scalar_one_or_none()
    changed = False
    if e is None:
        e = training.enrol(
            s, user, row["project"], name=row["name"], id_number=id_number, enrolled_on=row["enrolled_on"]
        )
        changed = True
    else:
        training.get_project(s, user, row["project"])  # the area and the role, as for a new trainee
    if row["completed_on"] is not None and (e.completed_on, e.passed) != (row["completed_on"], row["passed"]):
        training.record_result(s, user, e.id, completed_on=row["completed_on"], passed=row["passed"])
        changed = True
    return changed


TRAINEES = Sheet(
    "trainees",
    "参训人员报名与结业考核",
    (
        Column("project", "培训项目编号", "whole", note="培训项目备案页上的编号，项目须已通过审批"),
        Column("name", "姓名"),
        Column("id_number", "身份证号", note="18 位公民身份号码"),
        Column("enrolled_on", "报名日期", "date"),
        Column("completed_on", "结业日期", "date", required=False, note="与考核结果同时填写"),
        Column("passed", "考核结果", "result", required=False, note="与结业日期同时填写"),
    ),
    _trainees,
    "/training/projects",
)


# ----------------------------------------------------------------------------- loans


def _loans(s: Session, user: User, row: Row) -> bool:
    id_number = check_id_number(row["id_number"], "借款人身份证号")
    issued = select(GuaranteedLoan).where(
        GuaranteedLoan.id_number == id_number, GuaranteedLoan.issued_on == row["issued_on"]
    )
    loan = next(iter(_in_area(s, user, issued)), None)
    if loan is None:
        raise FieldError("issued_on", "本辖区没有该借款人在该放款日期的创业担保贷款（请核对身份证号与放款日期）")
    if row["on"] is None and row["repaid_on"] is None and row["extended_to"] is None:
        raise FieldError("on", "应至少填写回访日期、结清日期或展期到期日之一")
    if row["repaid_on"] is not None and row["extended_to"] is not None:
        raise FieldError("extended_to", "结清日期与展期到期日只能填写其一")
    changed = False
    if row["on"] is not None and not any(v.on == row["on"] for v in loan.visits):
        guaranteed_loans.visit(s, user, loan.id, on=row["on"], note=row["note"] or "")
        changed = True
    if row["repaid_on"] is not None and loan.repaid_on != row["repaid_on"]:
        guaranteed_loans.settle(s, user, loan.id, repaid_on=row["repaid_on"])
        changed = True
    if row["extended_to"] is not None and loan.extended_to != row["extended_to"]:
        guaranteed_loans.settle(s, user, loan.id, extended_to=row["extended_to"])
        changed = True
    return changed


LOANS = Sheet(
    "loans",
    "创业担保贷款贷后回访、结清与展期",
    (
        Column("id_number", "借款人身份证号"),
        Column("issued_on", "放款日期", "date", note="与身份证号一起确定是哪一笔贷款"),
        Column("on", "回访日期", "date", required=False),
        Column("note", "回访情况", required=False),
        Column("repaid_on", "结清日期", "date", required=False),
        Column("extended_to", "展期到期日", "date", required=False, note="晚于原到期日"),
    ),
    _loans,
    "/loans",
)


# ----------------------------------------------------------------------------- welfare posts


def _welfare(s: Session, user: User, row: Row) -> bool:
    id_number = check_id_number(row["id_number"])
    newest_first = select(WelfareCandidate).where(WelfareCandidate.id_number == id_number)
    c = next(iter(_in_area(s, user, newest_first.order_by(WelfareCandidate.id.desc()))), None)
    if c is None:
        raise FieldError("id_number", "本辖区待安置人员中没有该身份证号（请先登记待安置人员）")
    _both(row, "reviewed_on", "employed", WELFARE)
    _both(row, "post", "placed_on", WELFARE)
    if row["reviewed_on"] is None and row["post"] is None:
        raise FieldError("reviewed_on", "应填写回头看日期与是否就业，或安置岗位与上岗日期")
    changed = False
    if row["reviewed_on"] is not None:
        market_failed = bool(row["market_failed"]) and not row["employed"]
        if (c.reviewed_on, c.employed, c.market_failed) != (row["reviewed_on"], row["employed"], market_failed):
            welfare_posts.review(
                s, user, c.id, on=row["reviewed_on"], employed=row["employed"], market_failed=market_failed
            )
            changed = True
    if row["post"] is not None:
        posts = _in_area(s, user, select(WelfarePost).where(WelfarePost.title == row["post"]))
        if len(posts) != 1:
            found = "没有" if not posts else f"有 {len(posts)} 个"
            raise FieldError("post", f"本辖区{found}名为“{row['post']}”的公益性岗位，应为一个岗位的名称")
        if c.post_id != posts[0].id:
            welfare_posts.place(s, user, c.id, posts[0].id, on=row["placed_on"])
            changed = True
    return changed


WELFARE = Sheet(
    "welfare",
    "公益性岗位“回头看”与安置上岗",
    (
        Column("id_number", "身份证号", note="已登记的待安置人员"),
        Column("reviewed_on", "回头看日期", "date", required=False),
        Column("employed", "已就业", "yes_no", required=False, note="与回头看日期同时填写"),
        Column("market_failed", "市场化渠道难以就业", "yes_no", required=False),
        Column("post", "安置岗位", required=False, note="本辖区公益性岗位的名称"),
        Column("placed_on", "上岗日期", "date", required=False, note="与安置岗位同时填写"),
    ),
    _welfare,
    "/welfare-posts",
    {"on": "reviewed_on", "post_id": "post"},
)


# ----------------------------------------------------------------------------- zero-employment households


def _zero(s: Session, user: User, row: Row) -> bool:
    id_number = check_id_number(row["id_number"], "户主身份证号")
    h = s.execute(
        select(ZeroEmploymentHousehold).where(
            ZeroEmploymentHousehold.id_number == id_number,
            ZeroEmploymentHousehold.identified_on == row["identified_on"],
        )
    ).scalar_one_or_none()
    _both(row, "employed", "employed_on", ZERO)
    changed = False
    if h is None:
        h = zero_employment.identify(
            s,
            user,
            region=row["region"],
            unit=row["unit"],
            head_name=row["head_name"],
            id_number=id_number,
            members=row["members"],
            identified_on=row["identified_on"],
        )
        changed = True
    elif not covers(user, h.region):
        raise FieldError("id_number", "该户不在本辖区")
    if row["employed"] is not None:
        names = [n.strip() for n in row["employed"].replace("，", "、").split("、") if n.strip()]
        if (h.employed_name, h.employed_on) != ("、".join(names), row["employed_on"]):
            zero_employment.clear(s, user, h.id, employed=names, on=row["employed_on"])
            changed = True
    return changed


ZERO = Sheet(
    "zero-employment",
    "零就业家庭认定与消除",
    (
        Column("region", "所在地区代码", note="6 位行政区划代码，本辖区内"),
        Column("unit", "乡镇（街道）", note="目标任务表中的乡镇（街道）"),
        Column("head_name", "户主姓名"),
        Column("id_number", "户主身份证号"),
        Column("members", "劳动年龄内家庭成员数", "whole"),
        Column("identified_on", "认定日期", "date"),
        Column("employed", "就业成员", required=False, note="多人用“、”分隔，与就业日期同时填写"),
        Column("employed_on", "就业日期", "date", required=False),
    ),
    _zero,
    "/zero-employment",
    {"on": "employed_on"},
)

SHEETS = {sheet.name: sheet for sheet in (TRAINEES, LOANS, WELFARE, ZERO)}


def sheet(name: str) -> Sheet:
    if name not in SHEETS:
        raise NotFound(f"没有“{name}”批量导入")
    return SHEETS[name]


# ----------------------------------------------------------------------------- template and run


def template(name: str) -> bytes:
    """An empty workbook with the kind's Chinese column titles, and what each column holds."""
    from openpyxl import Workbook

    kind = sheet(name)
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "导入"
    exports.append_row(ws, [c.label for c in kind.columns])
    guide = wb.create_sheet("填写说明")
    exports.append_row(guide, ["列", "应填写"])
    for c in kind.columns:
        exports.append_row(guide, [c.label, c.expected()])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@implements(
    "xinmi.guaranteed_loan_post_loan_management_2020",
    "xinmi.zero_employment_household_2020",
    "yongzhou.resettlement_review_public_welfare_posts_2022",
    "henan.internet_plus_startup_training_filing_2020",
    tests=["tests/desk/test_ledger_imports.py::test_each_kind_saves_good_rows_reports_bad_ones_and_never_twice"],
)
def run(s: Session, user: User, name: str, data: bytes, filename: str = "") -> Result:
    """Apply a workbook of the kind: each row checked and applied in its own savepoint. A file
    that cannot be read, or lacks a column, raises FieldError on "file" (nothing saved)."""
    kind = sheet(name)
    require(user, WRITERS, "只有经办人员可以批量导入台账")
    result = Result()
    for record in workbooks.field_records(data, filename, kind.labels):
        try:
            with s.begin_nested():
                changed = kind.apply(s, user, _row(kind, record))
        except ServiceError as exc:
            problem = exc.message
            result.rejected.append(
                {"row": record.number, "field": kind.label(getattr(exc, "field", None)), "problem": problem}
            )
            continue
        (result.saved if changed else result.unchanged).append(record.number)
    audit.record(
        s, user, "ledger_imports.run", "ledger_import", name, {"saved": len(result.saved), "file": filename[:100]}
    )
    return result
