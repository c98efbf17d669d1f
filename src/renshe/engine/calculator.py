"""The calculator (政策计算器): one case in, cited results out (interface.md)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from renshe.engine import gates, same_money, single
from renshe.engine.case import BadCase, Case, Problem, parse_case
from renshe.engine.evaluate import OUT_OF_SCOPE, UNDETERMINED, Outcome, check_overrides, missing_paths, run
from renshe.engine.fast import plans
from renshe.engine.population import from_cases
from renshe.engine.rules import registry

#: groups of at most this many cases are evaluated case by case on the fast path
#: (``engine.single``); larger groups as one Polars population
SINGLE_CASES = 40
SIZE_CITATION = {"doc_no": "工信部联企业〔2011〕300号", "title": "中小企业划型标准规定"}


Columns = dict[str, list[Any]]
HIDDEN = ("period_from", "period_to", "unit")


def _columns(out: Outcome) -> Columns:
    """An outcome's result columns as Python lists (read once for every row)."""
    return plans.columns_of(out.results)


@cache
def _cited(rule_id: str, articles: tuple[str, ...] | None) -> tuple[list[Any], list[dict[str, str]]]:
    """The citations a result prints: the rule's, or those of the articles that applied."""
    r = registry().rules[rule_id]
    cites = list(r.citations)
    if articles is not None:  # an article, or "doc_no article" where two documents share an article's name
        cites = [c for c in r.citations if c.article in articles or f"{c.doc_no} {c.article}" in articles] or cites
    return cites, [c.brief() for c in cites]


def _results(
    out: Outcome, cols: Columns, regions: list[str | None], explains: list[bool], everything: list[bool]
) -> list[dict[str, Any] | None]:
    """The result of one rule for every row of its entity (``explains[row]``: add the trace;
    None for a row out of the rule's scope unless ``everything[row]``: the caller asked for all)."""
    r = out.rule
    n = len(regions)
    nothing = [None] * n
    eligible, amount, reasons = cols["eligible"], cols["amount"], cols["reasons"]
    statuses, missing = cols.get("status", nothing), cols.get("missing", nothing)
    marks = [(name, cols.get(name, nothing)) for name in same_money.MARK.values()]
    units, chosen = cols.get("unit", nothing), cols.get("_citations", nothing)
    starts, ends = cols.get("period_from", nothing), cols.get("period_to", nothing)
    shown = [(name, cols[name]) for name in out.outputs if not name.startswith("_") and name not in HIDDEN]
    local = local_standards(out)
    out_list: list[dict[str, Any] | None] = []
    for row in range(n):
        # outside the rule's jurisdiction: the gate reason only, as when the rule is not
        # computed at all (no other row of the population lies in its jurisdiction)
        outside = not gates.covers(r, regions[row])
        articles = None if outside else chosen[row]
        cites, briefs = _cited(r.id, None if articles is None else tuple(articles))
        status = statuses[row] or (OUT_OF_SCOPE if outside else None)
        if status == OUT_OF_SCOPE and not everything[row]:
            out_list.append(None)
            continue
        result: dict[str, Any] = {
            "policy": r.id,
            "title": r.title,
            "status": status,
            "eligible": bool(eligible[row]),
            "amount": amount[row],
            "unit": r.unit if outside else (units[row] or out.unit),
            "flow": r.flow,
        }
        if not outside:
            if starts[row] is not None or ends[row] is not None:
                result["period"] = {"from": starts[row], "to": ends[row]}
            for name, values in shown:
                result[name] = values[row]
        for name, values in marks:
            if values[row]:
                result[name] = values[row]
        if status == UNDETERMINED:
            result["missing"] = missing_paths(missing[row])
        result["reasons"] = list(reasons[row] or [])
        result["citations"] = list(briefs)  # shared, read-only
        if local and not outside:  # the local documents that supplied a value (renshe's addition)
            result["citations"] += [c for c in (u["citation"] for u in local) if c not in briefs]
            result["local_standards"] = local
        trace: list[dict[str, Any]] = []
        if explains[row]:
            if not outside:
                for name, label in out.traced:
                    trace.append({"quantity": name, "label": label, "value": cols[f"trace.{name}"][row]})
                for used in out.parameters.values():
                    trace.append(
                        {
                            "parameter": used["name"],
                            "value": plans.jsonable(used["value"]),
                            "unit": used["unit"],
                            "overridden": used["overridden"],
                            "citation": used["citation"],
                        }
                    )
            trace.append({"rule": r.id, "citations": [c.full() for c in cites]})
        result["trace"] = trace
        out_list.append(result)
    return out_list


def local_standards(out: Outcome) -> list[dict[str, Any]]:
    """The local standards (地方标准) the rule's plan read: parameter, value and the local document."""
    return [
        {
            "parameter": u["name"],
            "value": plans.jsonable(u["value"]),
            "unit": u["unit"],
            "citation": {k: u["local"][k] for k in ("doc_no", "article") if k in u["local"]},
            **({"title": u["local"]["title"]} if u["local"].get("title") else {}),
        }
        for u in (out.parameters or {}).values()
        if "local" in u
    ]


def _with_overlaps(policies: list[str]) -> list[str]:
    """The policies asked for and those they may overlap with (to pay one of them)."""
    reg = registry()
    chosen = [p for p in policies if p in reg.rules]
    for group in reg.overlap_groups:
        if set(group) & set(chosen):
            chosen += [p for p in group if p not in chosen and p in reg.rules]
    return chosen


def _check(case: Case) -> None:
    unknown = check_overrides(registry(), case.parameters)
    if unknown:
        raise BadCase(
            [
                Problem(
                    f"parameters.{n}",
                    "unknown parameter; expected a name listed by "
                    "'renshe policies show' (e.g. beijing.ui_benefit_monthly_2019)",
                )
                for n in unknown
            ]
        )
    from renshe.engine.parameters import override_problems  # the value's type: the parameter's unit and values

    wrong = override_problems(registry().parameters, case.parameters)
    if wrong:
        raise BadCase(wrong)


def _classification(size: Any, industry_class: Any) -> dict[str, Any]:
    return {"size": size, "industry_class": industry_class, "citation": SIZE_CITATION}


def _finish(body: dict[str, Any], results: list[dict[str, Any] | None], policies: list[str] | None) -> dict[str, Any]:
    """The body's results (those asked for, in scope unless all were asked for) and their totals by flow."""
    kept = [r for r in results if r is not None]
    body["totals"] = same_money.totals(kept, body["as_of"])
    if policies is not None:  # partners brought along to decide the same money are not shown
        kept = [r for r in kept if r["policy"] in policies]
    body["results"] = kept
    return body


def _body(case: Case, explain: bool, policies: list[str] | None = None, everything: bool = False) -> dict[str, Any]:
    """One case on the fast path (``engine.single``): the same answer as a population of one."""
    answers, ents = single.evaluate(case, _with_overlaps(policies) if policies is not None else None)
    body: dict[str, Any] = {"as_of": case.as_of.isoformat()}
    if "enterprise" in ents:
        row = ents["enterprise"].row
        body["classification"] = _classification(row["size"], row["industry_class"])
    results = [
        _results(a.outcome, a.cols, [ents[a.outcome.rule.entity].row["region"]], [explain], [everything])[0]
        for a in answers.values()
    ]
    return _finish(body, results, policies)


def _bodies(
    cases: list[Case], explains: list[bool], policies: list[str] | None = None, everything: list[bool] | None = None
) -> list[dict[str, Any]]:
    """Evaluate cases that share ``as_of`` and parameters as one population
    (one case alone takes the fast path, ``engine.single``)."""
    alls = everything if everything is not None else [False] * len(cases)
    if len(cases) <= SINGLE_CASES:
        return [
            _body(case, explain, policies, every) for case, explain, every in zip(cases, explains, alls, strict=True)
        ]
    return _population_bodies(cases, explains, policies, alls)


def _population_bodies(
    cases: list[Case], explains: list[bool], policies: list[str] | None = None, everything: list[bool] | None = None
) -> list[dict[str, Any]]:
    """Cases that share ``as_of`` and parameters evaluated as one Polars population."""
    first = cases[0]
    pop, rows = from_cases(cases)
    outcomes = run(pop, first.as_of, first.parameters, _with_overlaps(policies) if policies is not None else None)
    row_of = {name: {case: row for row, case in enumerate(owners)} for name, owners in rows.items()}
    units = pop.entities.get("enterprise")
    regions = {name: frame["region"].to_list() for name, frame in pop.entities.items()}
    explains_of = {name: [explains[case] for case in owners] for name, owners in rows.items()}
    alls = everything if everything is not None else [False] * len(cases)
    everything_of = {name: [alls[case] for case in owners] for name, owners in rows.items()}
    results: list[list[dict[str, Any] | None]] = [[] for _ in cases]
    for out in outcomes.values():
        entity = out.rule.entity
        for case, result in zip(
            rows[entity],
            _results(out, _columns(out), regions[entity], explains_of[entity], everything_of[entity]),
            strict=True,
        ):
            results[case].append(result)
    bodies = []
    for i in range(len(cases)):
        body: dict[str, Any] = {"as_of": first.as_of.isoformat()}
        if i in row_of.get("enterprise", {}):
            assert units is not None
            row = row_of["enterprise"][i]
            body["classification"] = _classification(units["size"][row], units["industry_class"][row])
        bodies.append(_finish(body, results[i], policies))
    return bodies


def evaluate_case(
    case: Case,
    explain: bool = False,
    policies: list[str] | None = None,
    one_off: bool = False,
    everything: bool = False,
) -> dict[str, Any]:
    """Evaluate every policy (or only ``policies``; their same-money partners are evaluated
    too, to count the money once). Results out of scope are left out unless ``everything``.
    ``one_off``: the process evaluates this one case and exits (``renshe evaluate``), so
    compiling the plans for the fast path would not pay: Polars runs them (same answer)."""
    _check(case)
    if one_off:
        return _population_bodies([case], [explain], policies, [everything])[0]
    return _bodies([case], [explain], policies, [everything])[0]


def _group_key(case: Case) -> str:
    return json.dumps([case.as_of.isoformat(), case.parameters], sort_keys=True, default=str)


def evaluate_cases(
    cases: list[Case], explains: list[bool], everything: list[bool] | None = None
) -> list[dict[str, Any] | Exception]:
    """Evaluate many cases at once (the API's concurrent requests): cases judged on
    the same day with the same parameters share one population, so the rules'
    plans are built and run once for all of them. Each case gets its own body,
    equal to ``evaluate_case``'s, or the exception its evaluation raised."""
    answers: list[dict[str, Any] | Exception | None] = [None] * len(cases)
    alls = everything if everything is not None else [False] * len(cases)
    groups: dict[str, list[int]] = {}
    for i, case in enumerate(cases):
        try:
            _check(case)
        except BadCase as bad:
            answers[i] = bad
            continue
        groups.setdefault(_group_key(case), []).append(i)
    for members in groups.values():
        try:
            bodies = _bodies(
                [cases[i] for i in members], [explains[i] for i in members], None, [alls[i] for i in members]
            )
        except Exception:
            for i in members:
                try:
                    answers[i] = _bodies([cases[i]], [explains[i]], None, [alls[i]])[0]
                except Exception as exc:
                    answers[i] = exc
            continue
        for i, body in zip(members, bodies, strict=True):
            answers[i] = body
    return [a if a is not None else RuntimeError("not evaluated") for a in answers]


def evaluate_json(
    raw: str | bytes | dict[str, Any],
    explain: bool = False,
    policies: list[str] | None = None,
    one_off: bool = False,
    everything: bool = False,
) -> dict[str, Any]:
    """Parse and evaluate; raises ``BadCase`` with every problem found."""
    return evaluate_case(parse_case(raw), explain=explain, policies=policies, one_off=one_off, everything=everything)
