"""The calculator (政策计算器): one case in, cited results out (interface.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from renshe.engine.case import BadCase, Case, Problem, parse_case
from renshe.engine.evaluate import Outcome, check_overrides, run
from renshe.engine.population import from_case
from renshe.engine.rules import registry

SIZE_CITATION = {"doc_no": "工信部联企业〔2011〕300号", "title": "中小企业划型标准规定"}


def _jsonable(value: Any) -> Any:
    """Dates (deadlines, traced dates) as ISO strings; lists and mappings inside too."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _result(out: Outcome, row: int, explain: bool) -> dict[str, Any]:
    rec = {k: _jsonable(v) for k, v in out.results.row(row, named=True).items()}
    r = out.rule
    cites = list(r.citations)
    chosen = rec.get("_citations")
    if chosen is not None:
        cites = [c for c in r.citations if c.article in chosen] or cites
    result: dict[str, Any] = {
        "policy": r.id,
        "title": r.title,
        "eligible": bool(rec["eligible"]),
        "amount": rec["amount"],
        "unit": rec.get("unit") or out.unit,
    }
    if rec.get("period_from") is not None or rec.get("period_to") is not None:
        result["period"] = {"from": rec.get("period_from"), "to": rec.get("period_to")}
    for name in out.outputs:
        if name.startswith("_") or name in ("period_from", "period_to", "unit"):
            continue
        result[name] = rec[name]
    if rec.get("overlaps"):
        result["overlaps"] = rec["overlaps"]
    result["reasons"] = list(rec["reasons"] or [])
    result["citations"] = [c.brief() for c in cites]
    trace: list[dict[str, Any]] = []
    if explain:
        for name, label in out.traced:
            trace.append({"quantity": name, "label": label, "value": rec[f"trace.{name}"]})
        for used in out.parameters.values():
            trace.append({"parameter": used["name"], "value": _jsonable(used["value"]), "unit": used["unit"],
                          "overridden": used["overridden"], "citation": used["citation"]})
        trace.append({"rule": r.id, "citations": [c.full() for c in cites]})
    result["trace"] = trace
    return result


def _with_overlaps(policies: list[str]) -> list[str]:
    """The policies asked for and those they may overlap with (to pay one of them)."""
    reg = registry()
    chosen = [p for p in policies if p in reg.rules]
    for group in reg.overlap_groups:
        if set(group) & set(chosen):
            chosen += [p for p in group if p not in chosen and p in reg.rules]
    return chosen


def evaluate_case(case: Case, explain: bool = False, policies: list[str] | None = None) -> dict[str, Any]:
    """Evaluate every policy (or only ``policies`` and their overlap partners)."""
    reg = registry()
    unknown = check_overrides(reg, case.parameters)
    if unknown:
        raise BadCase([Problem(f"parameters.{n}", "unknown parameter; expected a name listed by "
                               "'renshe policies show' (e.g. beijing.ui_benefit_monthly_2019)") for n in unknown])
    pop = from_case(case)
    outcomes = run(pop, case.as_of, case.parameters, _with_overlaps(policies) if policies is not None else None)
    body: dict[str, Any] = {"as_of": case.as_of.isoformat()}
    units = pop.entities.get("enterprise")
    if units is not None:
        size = units["size"][0]
        body["classification"] = {
            "size": size,
            "industry_class": units["industry_class"][0],
            "citation": SIZE_CITATION,
        }
    body["results"] = [_result(out, 0, explain) for out in outcomes.values()]
    return body


def evaluate_json(raw: str | bytes | dict[str, Any], explain: bool = False,
                  policies: list[str] | None = None) -> dict[str, Any]:
    """Parse and evaluate; raises ``BadCase`` with every problem found."""
    return evaluate_case(parse_case(raw), explain=explain, policies=policies)
