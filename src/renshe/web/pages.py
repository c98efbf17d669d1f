"""Server-rendered Chinese pages (网页): the policy calculator and the catalogue."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from renshe.domain import times as formats
from renshe.engine import same_money
from renshe.engine.catalog import implements
from renshe.engine.rules import FLOW_NAMES, JURISDICTION_NAMES, Relation, registry
from renshe.services.applications import relation_citation

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["jurisdiction_names"] = JURISDICTION_NAMES
router = APIRouter(include_in_schema=False)

ENTITY_NAMES = {
    "enterprise": "企业等用人单位",
    "individual_business": "个体工商户",
    "person": "个人",
    "agency": "人力资源服务机构",
    "bureau": "人社部门和经办机构",
    "loan": "贷款",
}
UNIT_LABELS = {"CNY": "元", "CNY/month": "元/月", "days": "天", "percent": "%", "permille": "‰"}
templates.env.globals["unit_labels"] = UNIT_LABELS
templates.env.filters["beijing_time"] = formats.beijing_time  # 2020年3月2日 16:00, on every page
templates.env.filters["chinese_date"] = formats.chinese_date  # 2020年7月31日


@cache
def demo_cases() -> list[dict[str, Any]]:
    out = []
    for path in sorted((HERE / "demo_cases").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out.append(
            {"key": path.stem, "title": data["title"], "json": json.dumps(data["case"], ensure_ascii=False, indent=2)}
        )
    return out


#: what a result's amount is (interface.md, contract version 2: ``flow``)
FLOW_LABELS = FLOW_NAMES
#: the result groups of the page, by ``status``, in order
STATUS_GROUPS = (
    ("eligible", "可享受"),
    ("ineligible", "不符合"),
    ("undetermined", "待补充信息"),
    ("out_of_scope", "不在适用范围"),
)


def money(value: float | int | None, unit: str = "CNY") -> str:
    """An amount as the page prints it: ``1,234.00 元`` (``元/月`` for a monthly rate);
    days, percent and permille as numbers with their unit."""
    if value is None:
        return "—"
    if unit in ("CNY", "CNY/month"):
        return f"{value:,.2f} {UNIT_LABELS[unit]}"
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{shown} {UNIT_LABELS.get(unit, unit)}"


@cache
def _field_names() -> dict[str, str]:
    return dict(yaml.safe_load((HERE / "field_names.yaml").read_text(encoding="utf-8")) or {})


def field_name(path: str) -> str | None:
    """The Chinese name of a case fact by its JSON path (``enterprise.attrition_2019`` →
    2019年自然减员人数); a nested path not listed is named by its nearest listed parent and
    the rest of the path; None when nothing along the path is named."""
    names = _field_names()
    if path in names:
        return names[path]
    parts = path.split(".")
    for cut in range(len(parts) - 1, 1, -1):  # the subject alone (enterprise, person) names nothing
        parent = ".".join(parts[:cut])
        if parent in names:
            return f"{names[parent]}：{'.'.join(parts[cut:])}"
    return None


def _relation(kind: str, a: str, b: str) -> Relation | None:
    """The declared same-money relation of ``kind`` between two policies."""
    for rel in registry().relations:
        if rel.kind == kind and a in rel.members and b in rel.members:
            return rel
    return None


def _title(policy: str, by_id: dict[str, dict[str, Any]]) -> str:
    if policy in by_id:
        return str(by_id[policy]["title"])
    rule = registry().rules.get(policy)
    return rule.title if rule is not None else policy


def _window(r: dict[str, Any]) -> str | None:
    parts = []
    period = r.get("period") or {}
    start, end = period.get("from"), period.get("to")
    if start and end:
        parts.append(start if start == end else f"{start} 至 {end}")
    elif start:
        parts.append(f"{start} 起")
    elif end:
        parts.append(f"至 {end}")
    if isinstance(r.get("deadline"), str):
        parts.append(f"缓缴至 {r['deadline']}" if r.get("flow") == "deferral" else f"期限 {r['deadline']}")
    return "；".join(parts) or None


def _notes(
    r: dict[str, Any], by_id: dict[str, dict[str, Any]], parts: dict[str, list[dict[str, Any]]], as_of: str
) -> list[str]:
    """What the page says about a result's money beside its reasons: a part of another
    result, the whole a part was taken from, or money not counted and under which result."""
    notes = []
    flow = FLOW_LABELS.get(r["flow"], r["flow"])
    if r.get("part_of"):
        whole_id = r["part_of"]
        whole = by_id.get(whole_id)
        rel = _relation("part_of", whole_id, r["policy"])
        cite = f"（{relation_citation(rel)}）" if rel is not None else ""
        text = f"属于「{_title(whole_id, by_id)}」的一部分，以{flow}方式兑现，同一笔资金只计一次{cite}：本项计入{flow}"
        if (
            whole is not None
            and whole.get("amount") is not None
            and r.get("amount") is not None
            and same_money.counted(whole, as_of)
            and same_money.counted(r, as_of)
        ):
            net = whole["amount"] - r["amount"]
            text += (
                f"；「{_title(whole_id, by_id)}」的{FLOW_LABELS.get(whole['flow'], whole['flow'])}"
                f"按扣除本项后的 {money(net)} 计"
            )
        notes.append(text)
    for part in parts.get(r["policy"], []):
        if part.get("amount") is None:
            continue
        text = f"其中 {money(part['amount'])} 已由「{part['title']}」以{FLOW_LABELS.get(part['flow'], part['flow'])}方式兑现"
        if r.get("amount") is not None and same_money.counted(r, as_of) and same_money.counted(part, as_of):
            text += f"，本项{flow}按 {money(r['amount'] - part['amount'])} 计，不重复计算"
        notes.append(text)
    for field, how in (("overlaps", "为同一笔资金"), ("excluded_by", "不可同时享受")):
        other = r.get(field)
        if other:
            kind = "overlaps" if field == "overlaps" else "exclusive_with"
            rel = _relation(kind, other, r["policy"])
            cite = f"（{relation_citation(rel)}）" if rel is not None else ""
            notes.append(f"不计入：与「{_title(other, by_id)}」（{other}）{how}{cite}，按「{_title(other, by_id)}」计")
    if (
        r["status"] == "eligible"
        and r["flow"] == "deferral"
        and r.get("amount") is not None
        and not r.get("overlaps")
        and not r.get("excluded_by")
        and not same_money.counted(r, as_of)
    ):
        notes.append("缓缴期限已过，不计入缓缴")
    if r["status"] == "eligible" and r.get("unit") == "CNY/month" and r["flow"] in same_money.MONEY_FLOWS:
        notes.append("按月标准，不计入上方按性质分列的金额")
    return notes


def _quoted(r: dict[str, Any]) -> list[dict[str, str]]:
    """A result's citations with the sentence each quotes, from the rule's references."""
    rule = registry().rules.get(r["policy"])
    refs = rule.citations if rule is not None else ()
    out = []
    for c in r.get("citations") or []:
        ref = next((x for x in refs if x.doc_no == c.get("doc_no") and x.article == c.get("article")), None)
        ref = ref or next((x for x in refs if x.doc_no == c.get("doc_no")), None)
        out.append(
            {
                "doc_no": str(c.get("doc_no", "")),
                "article": str(c.get("article", "")),
                "quote": str(getattr(ref, "quote", "") or ""),
            }
        )
    return out


def shown(body: dict[str, Any]) -> dict[str, Any]:
    """The body as the page shows it: results grouped by status, each with its amount,
    flow, window, same-money notes and (待补充信息) the facts missing by name; and the
    body's ``totals`` by flow with the parts each flow holds."""
    results = body["results"]
    as_of = body["as_of"]
    by_id = {r["policy"]: r for r in results}
    parts: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        if r.get("part_of"):
            parts.setdefault(r["part_of"], []).append(r)
    groups: dict[str, list[dict[str, Any]]] = {status: [] for status, _ in STATUS_GROUPS}
    for r in results:
        item = dict(r)
        item["flow_label"] = FLOW_LABELS.get(r["flow"], r["flow"])
        item["amount_text"] = money(r.get("amount"), r.get("unit") or "CNY")
        item["window"] = _window(r)
        item["notes"] = _notes(r, by_id, parts, as_of)
        item["counted"] = same_money.counted(r, as_of)
        item["missing_named"] = [{"path": p, "name": field_name(p)} for p in r.get("missing") or []]
        item["citations_shown"] = _quoted(r)
        groups.setdefault(r["status"], []).append(item)
    totals = body.get("totals") or {}
    flows = []
    for flow in same_money.MONEY_FLOWS:
        held = []
        for r in results:
            whole = by_id.get(r.get("part_of") or "")
            if (
                whole is None
                or r.get("amount") is None
                or not same_money.counted(r, as_of)
                or not same_money.counted(whole, as_of)
            ):
                continue
            if r["flow"] == flow:
                held.append(f"含「{r['title']}」{money(r['amount'])}（属「{whole['title']}」的一部分）")
            if whole["flow"] == flow:
                held.append(f"已扣除其中以{FLOW_LABELS.get(r['flow'], r['flow'])}方式兑现的 {money(r['amount'])}")
        flows.append(
            {
                "flow": flow,
                "label": FLOW_LABELS[flow],
                "value": totals.get(flow, 0.0),
                "text": money(totals.get(flow, 0.0)),
                "held": held,
            }
        )
    # money first (what the unit gets), then the rest in the catalogue's order
    groups["eligible"].sort(key=lambda r: not (r["flow"] in same_money.MONEY_FLOWS and r.get("amount")))
    return {
        "groups": [
            {"status": status, "label": label, "rows": groups.get(status, [])} for status, label in STATUS_GROUPS
        ],
        "flows": flows,
    }


# the calculator's routes (/, /calculate, the form and the letter): web/calculator_pages.py


#: the pages a catalog entry may lead to, by path, with what the user does there
PAGE_NAMES = {
    "/": "政策计算器：填写单位或个人情况，测算能享受的政策和金额",
    "/my": "我的申请：从计算结果在线申请（告知承诺、容缺受理），补交材料",
    "/desk": "经办审核台：数据比对审核、公示、拨付",
    "/notice": "公示：查看公示名单，在公示期内提出异议",
    "/jobs": "急聘岗位与求职：发布岗位（审核、歧视性表述筛查）、搜索、投递",
    "/dispatch": "派遣实名报告：报送与核对",
    "/dispatch/district": "区级汇总：各机构报送情况，逾期与未报",
    "/transport": "点对点返岗：出行登记、一车一方案、乘客名单",
    "/followup311": "“311”就业帮扶：登记、记录服务、落后名单",
    "/disputes": "欠薪投诉与劳动争议：登记、受理、审理期限",
    "/targets": "目标任务：目标表、进度填报与看板",
    "/monitor": "监测预警：裁员和参保人数下降预警",
    "/policies": "政策目录",
}
#: service functions that no page shows, with how a user runs them
FUNCTION_NAMES = {
    "renshe.batch.runner:run_batch": "免申即享批量测算：命令 renshe batch（拨付、减免、缓缴名单和工作簿）",
}


def _uses(row: dict[str, Any]) -> list[dict[str, str]]:
    """Where a user meets the entry: pages first (linked), then commands and API routes."""
    out = []
    for target in row["implemented_by"]:
        if target.startswith("rule:"):
            continue
        if target.startswith("/policies/"):
            rule_id = target.removeprefix("/policies/")
            if rule_id == row["id"]:  # this very page: lead to the calculator
                out.append({"href": "/", "text": f"{PAGE_NAMES['/']}（本条的计算规则见下）"})
            else:
                out.append({"href": target, "text": f"计算规则 {rule_id}（可在政策计算器中测算）"})
        elif target in PAGE_NAMES:
            out.append({"href": target, "text": PAGE_NAMES[target]})
        elif target in FUNCTION_NAMES:
            out.append({"href": "", "text": FUNCTION_NAMES[target]})
    return list({u["href"] + u["text"]: u for u in out}.values())


def _coverage_rows() -> dict[str, dict[str, Any]]:
    from renshe import coverage

    return coverage.report_by_id()


@router.get("/policies", response_class=HTMLResponse)
@implements(
    "cn.hr_services_policy_publicity_2020",
    "cn.medical_insurance_halving_policy_disclosure_2020",
    "xinmi.policy_publicity_2020",
    "cn.ui_online_claim_provincial_publicity_2020",
    tests=["tests/browser/test_policy_pages.py::test_three_kinds_lead_to_where_they_are_done"],
)
def catalogue(request: Request, jurisdiction: str | None = None, kind: str | None = None) -> HTMLResponse:
    from renshe import coverage

    entries = [
        e
        for e in coverage.catalog().values()
        if jurisdiction in (None, "", e["jurisdiction"]) and kind in (None, "", e["kind"])
    ]
    rows = _coverage_rows() if entries else {}
    rules = sorted(registry().rules.values(), key=lambda r: (r.jurisdiction, r.id))
    if jurisdiction:
        rules = [r for r in rules if r.jurisdiction == jurisdiction]
    return templates.TemplateResponse(
        request,
        "policies.html",
        {
            "entries": entries,
            "rows": rows,
            "rules": rules,
            "jurisdiction": jurisdiction,
            "kind": kind,
            "kind_names": coverage.KIND_NAMES,
            "status_names": coverage.STATUS_NAMES,
        },
    )


@router.get("/policies/{policy_id}", response_class=HTMLResponse)
def policy_page(request: Request, policy_id: str) -> HTMLResponse:
    """One catalog entry or rule: its quote, kind, status, and where renshe does it."""
    from renshe import coverage

    reg = registry()
    rule = reg.rules.get(policy_id)
    entry = coverage.catalog().get(policy_id)
    if rule is None and entry is None:
        return templates.TemplateResponse(
            request, "message.html", {"message": f"未找到政策 {policy_id}"}, status_code=404
        )
    row = _coverage_rows().get(policy_id) if entry else None
    catalog = coverage.catalog()
    return templates.TemplateResponse(
        request,
        "policy.html",
        {
            "rule": rule,
            "parameters": reg.parameters_of(policy_id) if rule else {},
            "entry": entry,
            "row": row,
            "uses": _uses(row) if row else [],
            "kind_names": coverage.KIND_NAMES,
            "status_names": coverage.STATUS_NAMES,
            "entity_names": ENTITY_NAMES,
            "implemented": [
                (i, catalog.get(i, {}).get("title")) for i in (rule.implements if rule else ()) if i != policy_id
            ],
            "restated": [(i, catalog.get(i, {}).get("title")) for i in (entry or {}).get("restated_by") or []],
        },
    )
