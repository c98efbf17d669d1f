"""Local standards (地方标准): the values a bureau sets for the parameters the seeds leave to
local rules — a null parameter or one whose value is "not in the seed" — with the local
document's number, article and effective dates.

Maker–checker: one administrator proposes (待审核), a second one — never the proposer —
approves (已生效) or rejects (已驳回); every step is audited. Approved values are laid over
the parameter set (``engine.parameters.Overlay``) for the calculator, the batch and the desk;
each result that used one names the local document that supplied it. An administrator
with an area (``users.region``) sets only the parameters of documents of that area (a
Henan administrator Henan's, Xinmi's…); one without an area sets any.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import re
import threading
import time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from renshe.domain.regions import jurisdiction_prefixes
from renshe.engine.case import EARLIEST_DATE, LATEST_DATE
from renshe.engine.parameters import (
    LocalValue,
    Overlay,
    Parameter,
    ParameterView,
    override_kinds,
    override_problems,
    use_overlay,
)
from renshe.engine.references import Reference
from renshe.engine.rules import JURISDICTION_NAMES, registry
from renshe.services import audit
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.store.models import LocalStandard, User, now

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATUS_NAMES = {PENDING: "待审核", APPROVED: "已生效", REJECTED: "已驳回"}
#: how a YAML parameter says its value is not printed in the seeds
NOT_IN_SEED = re.compile(r"not in the seeds?\b", re.IGNORECASE)
#: a document number as printed: the year in 〔〕 and 号 (or 无文号 for an unnumbered notice)
DOC_NO = re.compile(r"^(无文号.*|.+〔\d{4}〕.*号)$")
#: field lengths (the table's columns)
LIMITS = {"doc_no": 128, "doc_title": 200, "article": 64, "quote": 2000, "reason": 500, "value": 2000}
#: seconds between reloads of the approved values by a process that did not approve them
#: (another worker of ``renshe serve --workers N``)
REFRESH_S = 5.0

FIELD_NAMES = {
    "parameter": "参数",
    "value": "数值",
    "doc_no": "文号",
    "doc_title": "文件标题",
    "article": "条款",
    "quote": "原文摘录",
    "effective_from": "生效日期",
    "effective_to": "截止日期",
    "reason": "驳回理由",
}


class BadProposal(ServiceError):
    """Every problem of a proposal, each naming its field (nothing is saved)."""

    status = 422

    def __init__(self, problems: dict[str, str]):
        super().__init__("；".join(f"{FIELD_NAMES[k]}：{v}" for k, v in problems.items()))
        self.problems = problems


# ---- which parameters wait on a local standard, and which results wait on them -------------


def is_local(param: Parameter) -> bool:
    """A parameter the seeds leave to local rules: a null value, or a value "not in the seed"."""
    refs = [param.reference, *param.value_references.values()]
    return any(v is None for _, v in param.values) or any(NOT_IN_SEED.search(r.source or "") for r in refs)


def jurisdiction_of(name: str) -> str:
    """The jurisdiction of the document a parameter belongs to (its name's first part)."""
    head = name.split(".", 1)[0]
    return head if head in JURISDICTION_NAMES else "cn"


def _read_by(rule_id: str) -> frozenset[str]:
    """The parameters a rule's plan reads (on its first day in force, else its last)."""
    from renshe.engine.evaluate import plan_for
    from renshe.engine.single import _shapes

    reg = registry()
    r = reg.rules[rule_id]
    own = frozenset(n for n in reg.parameters if n.startswith(r.id + "."))  # read on some path, if not this one
    for day in (r.effective_from, r.effective_to):
        if day is None:
            continue
        view = ParameterView(reg.parameters, day, overlay=Overlay())
        try:
            plan = plan_for(r, view, False, _shapes())
        except Exception:
            break
        if not isinstance(plan, str):
            return own | frozenset(plan.parameters)
    source = inspect.getsource(r.compute)
    return own | frozenset(n for n in reg.parameters if f'"{n}"' in source)


@cache
def waiting_rules() -> dict[str, tuple[str, ...]]:
    """Parameter name → the rules that read it (computed once per process)."""
    reg = registry()
    out: dict[str, list[str]] = {}
    for rid in sorted(reg.rules):
        for name in _read_by(rid):
            out.setdefault(name, []).append(rid)
    return {name: tuple(rules) for name, rules in out.items()}


def _covers(user: User, jurisdiction: str) -> bool:
    """An administrator's area covers the jurisdiction's documents (no area: every one)."""
    if not user.region:
        return True
    area = str(user.region)
    while area.endswith("00"):
        area = area[:-2]
    return jurisdiction_prefixes().get(jurisdiction, "").startswith(area) and bool(area)


def _require_admin(user: User, doing: str) -> None:
    if user.role != "admin":
        raise Forbidden(f"只有管理员可以{doing}")


def _row(r: LocalStandard) -> dict[str, Any]:
    return {
        "id": r.id,
        "parameter": r.parameter,
        "value": r.value,
        "doc_no": r.doc_no,
        "doc_title": r.doc_title,
        "article": r.article,
        "quote": r.quote,
        "effective_from": r.effective_from.isoformat(),
        "effective_to": r.effective_to.isoformat() if r.effective_to else None,
        "jurisdiction": r.jurisdiction,
        "status": r.status,
        "status_name": STATUS_NAMES[r.status],
        "proposed_by": r.proposer.username,
        "proposed_at": r.proposed_at.isoformat(timespec="seconds"),
        "decided_by": r.decider.username if r.decider else None,
        "decided_at": r.decided_at.isoformat(timespec="seconds") if r.decided_at else None,
        "decision_reason": r.decision_reason,
    }


def parameters_list(s: Session, user: User) -> list[dict[str, Any]]:
    """Every parameter left to local rules with the results waiting on it, its seed value,
    the proposals and approved values, and whether ``user`` may set it."""
    _require_admin(user, "查看地方标准")
    reg = registry()
    waiting = waiting_rules()
    rows: dict[str, list[dict[str, Any]]] = {}
    for r in s.execute(select(LocalStandard).order_by(LocalStandard.id)).scalars():
        rows.setdefault(r.parameter, []).append(_row(r))
    out = []
    for name in sorted(n for n, p in reg.parameters.items() if is_local(p)):
        p = reg.parameters[name]
        jur = jurisdiction_of(name)
        out.append(
            {
                "name": name,
                "description": p.description,
                "unit": p.unit,
                "jurisdiction": jur,
                "jurisdiction_name": JURISDICTION_NAMES[jur],
                "seed_values": {d.isoformat(): v for d, v in p.values},
                "reference": p.reference.full(),
                "waiting": [{"id": rid, "title": reg.rules[rid].title} for rid in waiting.get(name, ())],
                "standards": rows.get(name, []),
                "editable": _covers(user, jur),
            }
        )
    return out


# ---- propose, approve, reject --------------------------------------------------------------


def _kind_words(kind: Any) -> str:
    """What a value of one kind looks like, in Chinese (the form's error)."""
    if hasattr(kind, "low"):
        what = "整数" if kind.whole else "数"
        high = int(kind.high) if float(kind.high).is_integer() else kind.high
        low = int(kind.low) if float(kind.low).is_integer() else kind.low
        return f"{low} 到 {high} 之间的{what}"
    if hasattr(kind, "form"):
        return {
            "date": "日期（YYYY-MM-DD）",
            "month": "月份（YYYY-MM）",
            "quarter": "季度（如 2020Q1）",
            "fraction": '比例（如 0.5 或 "1/2"）',
        }.get(kind.form, "代码" + ("（" + "、".join(kind.choices) + " 之一）" if kind.choices else ""))
    if hasattr(kind, "item"):
        return 'JSON 列表或对象（如 ["2020-02", "2020-06"]）'
    return "true 或 false"


def _value(name: str, raw: str) -> tuple[Any, str | None]:
    """The typed value of what was typed (JSON where it parses, else the text), or the problem."""
    text = raw.strip()
    if not text:
        return None, "请填写"
    if len(text) > LIMITS["value"]:
        return None, f"最多 {LIMITS['value']} 个字符"
    try:
        value: Any = json.loads(text)
    except ValueError:
        value = text
    param = registry().parameters[name]
    if value is None or override_problems(registry().parameters, {name: value}):
        words = " 或 ".join(_kind_words(k) for k in override_kinds(param))
        return None, f"{text} 不是有效的取值，应为{words}（单位 {param.unit}）"
    return value, None


def _date(raw: str, required: bool) -> tuple[dt.date | None, str | None]:
    text = raw.strip()
    if not text:
        return None, "请填写（YYYY-MM-DD）" if required else None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None, f"{text} 不是日期，应为 YYYY-MM-DD（如 2019-01-01）"
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return None, f"{text} 超出范围（{EARLIEST_DATE.isoformat()} 至 {LATEST_DATE.isoformat()}）"
    return day, None


def propose(s: Session, user: User, form: dict[str, str]) -> LocalStandard:
    """A proposed value (待审核); it changes nothing until a second administrator approves it.
    ``form``: parameter, value, doc_no, doc_title, article, quote, effective_from, effective_to
    (text as typed). ``BadProposal`` names every bad field; nothing is saved."""
    _require_admin(user, "提出地方标准")
    field = {k: str(form.get(k) or "") for k in FIELD_NAMES}
    problems: dict[str, str] = {}
    name = field["parameter"].strip()
    param = registry().parameters.get(name)
    if not name:
        problems["parameter"] = "请选择参数"
    elif param is None:
        problems["parameter"] = f"{name} 不是已知参数"
    elif not is_local(param):
        problems["parameter"] = f"{name} 的数值由种子文件规定，不是待地方设定的参数"
    elif not _covers(user, jurisdiction_of(name)):
        raise Forbidden(
            f"参数：{name} 属于{JURISDICTION_NAMES[jurisdiction_of(name)]}的文件，不在本管理员的辖区（{user.region}）内"
        )
    value = None
    if param is not None and "parameter" not in problems:
        value, problem = _value(name, field["value"])
        if problem:
            problems["value"] = problem
    doc_no = field["doc_no"].strip()
    if not doc_no:
        problems["doc_no"] = "请填写地方文件的文号"
    elif len(doc_no) > LIMITS["doc_no"] or not DOC_NO.match(doc_no):
        problems["doc_no"] = f"{doc_no} 不是印发的文号：年份用六角括号〔〕，以“号”结尾，如 郑人社〔2019〕12号"
    for key in ("article", "quote"):
        if not field[key].strip():
            problems[key] = "请填写" + (
                "规定该数值的条款（如 三、第五条）" if key == "article" else "规定该数值的原文句子"
            )
        elif len(field[key].strip()) > LIMITS[key]:
            problems[key] = f"最多 {LIMITS[key]} 个字符"
    if len(field["doc_title"].strip()) > LIMITS["doc_title"]:
        problems["doc_title"] = f"最多 {LIMITS['doc_title']} 个字符"
    start, problem = _date(field["effective_from"], True)
    if problem:
        problems["effective_from"] = problem
    end, problem = _date(field["effective_to"], False)
    if problem:
        problems["effective_to"] = problem
    elif start and end and end < start:
        problems["effective_to"] = f"{end.isoformat()} 早于生效日期 {start.isoformat()}"
    if problems:
        raise BadProposal(problems)
    assert start is not None
    row = LocalStandard(
        parameter=name,
        value=value,
        doc_no=doc_no,
        doc_title=field["doc_title"].strip() or None,
        article=field["article"].strip(),
        quote=" ".join(field["quote"].split()),
        effective_from=start,
        effective_to=end,
        jurisdiction=jurisdiction_of(name),
        status=PENDING,
        proposed_by=user.id,
        proposed_at=now(),
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        user,
        "local_standard.propose",
        "local_standard",
        row.id,
        {
            "parameter": name,
            "value": value,
            "doc_no": doc_no,
            "article": row.article,
            "from": start.isoformat(),
            "to": end.isoformat() if end else None,
        },
    )
    return row


def _pending(s: Session, user: User, standard_id: int, doing: str) -> LocalStandard:
    _require_admin(user, doing)
    row = s.get(LocalStandard, standard_id)
    if row is None:
        raise NotFound(f"未找到地方标准 {standard_id}")
    if not _covers(user, row.jurisdiction):
        raise Forbidden(f"地方标准 {standard_id} 不在本管理员的辖区（{user.region}）内，不能{doing}")
    if row.status != PENDING:
        raise Conflict(f"地方标准 {standard_id} 已{STATUS_NAMES[row.status].removeprefix('已')}，不能再{doing}")
    if row.proposed_by == user.id:
        raise Forbidden(f"不能{doing}自己提出的地方标准：须由另一名管理员审核（双人复核）")
    return row


def approve(s: Session, user: User, standard_id: int) -> LocalStandard:
    """A second administrator puts the proposed value in force (已生效)."""
    row = _pending(s, user, standard_id, "审核通过")
    row.status, row.decided_by, row.decided_at = APPROVED, user.id, now()
    s.flush()
    audit.record(
        s,
        user,
        "local_standard.approve",
        "local_standard",
        row.id,
        {"parameter": row.parameter, "value": row.value, "doc_no": row.doc_no, "proposed_by": row.proposer.username},
    )
    refresh(s)
    return row


def reject(s: Session, user: User, standard_id: int, reason: str) -> LocalStandard:
    row = _pending(s, user, standard_id, "驳回")
    reason = " ".join((reason or "").split())
    if not reason:
        raise BadProposal({"reason": "请填写驳回理由"})
    if len(reason) > LIMITS["reason"]:
        raise BadProposal({"reason": f"最多 {LIMITS['reason']} 个字符"})
    row.status, row.decided_by, row.decided_at, row.decision_reason = REJECTED, user.id, now(), reason
    audit.record(
        s,
        user,
        "local_standard.reject",
        "local_standard",
        row.id,
        {"parameter": row.parameter, "reason": reason, "proposed_by": row.proposer.username},
    )
    return row


def describe(row: LocalStandard) -> dict[str, Any]:
    return _row(row)


# ---- the overlay: approved values for the calculator, the batch and the desk ------------------


def overlay(s: Session) -> Overlay:
    """The approved values, oldest approval first (a later approval wins where dates overlap)."""
    rows = s.execute(
        select(LocalStandard)
        .where(LocalStandard.status == APPROVED)
        .order_by(LocalStandard.decided_at, LocalStandard.id)
    ).scalars()
    return Overlay(
        tuple(
            LocalValue(
                r.parameter,
                r.value,
                r.effective_from,
                r.effective_to,
                Reference(r.doc_no, r.article, r.quote, title=r.doc_title, source="地方标准（本局审核生效）"),
            )
            for r in rows
            if r.parameter in registry().parameters
        )
    )


_loaded_at = 0.0
_refresh_lock = threading.Lock()


def refresh(s: Session) -> Overlay:
    """Put the approved values in force in this process."""
    global _loaded_at
    current = overlay(s)
    use_overlay(current)
    _loaded_at = time.monotonic()
    return current


def refresh_if_stale(force: bool = False) -> None:
    """Reload the approved values when the last load is older than ``REFRESH_S`` (another
    process may have approved one), or now (``force``: at start-up). A database without the
    table yet keeps what is in force."""
    global _loaded_at
    if not force and time.monotonic() - _loaded_at < REFRESH_S:
        return
    if not _refresh_lock.acquire(blocking=force):
        return
    try:
        from renshe.store.db import session

        with session() as s:
            refresh(s)
    except SQLAlchemyError:
        _loaded_at = time.monotonic()
    finally:
        _refresh_lock.release()


def export(s: Session) -> str:
    """The approved values as the overlay file ``renshe batch --local-standards FILE`` reads."""
    return overlay(s).to_json()


def load_file(path: Path) -> Overlay:
    """An exported overlay file, checked against the parameters (``ValueError`` naming the entry)."""
    result = Overlay.from_json(path.read_text(encoding="utf-8"), str(path))
    problems = result.problems(registry().parameters)
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return result


def load_database(url: str) -> Overlay:
    """The approved values of the database at ``url``."""
    from renshe.store.db import session

    with session(url) as s:
        return overlay(s)
