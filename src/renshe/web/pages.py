"""Server-rendered Chinese pages (网页): the policy calculator and the catalogue."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from renshe.engine.calculator import evaluate_json
from renshe.engine.case import BadCase
from renshe.api.deps import optional_user
from renshe.engine.rules import JURISDICTION_NAMES, registry
from renshe.store.models import User

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals["jurisdiction_names"] = JURISDICTION_NAMES
router = APIRouter(include_in_schema=False)

UNIT_LABELS = {"CNY": "元", "CNY/month": "元/月", "days": "天", "percent": "%", "permille": "‰"}
templates.env.globals["unit_labels"] = UNIT_LABELS


@cache
def demo_cases() -> list[dict[str, Any]]:
    out = []
    for path in sorted((HERE / "demo_cases").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        out.append({"key": path.stem, "title": data["title"],
                    "json": json.dumps(data["case"], ensure_ascii=False, indent=2)})
    return out


def _grouped(results: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Eligible first; ineligible in the unit's jurisdiction next; other places last."""
    groups: dict[str, list[dict[str, Any]]] = {"eligible": [], "ineligible": [], "elsewhere": []}
    for r in results:
        if r["eligible"]:
            groups["eligible"].append(r)
        elif any(("不在" in x and "不适用" in x) or "尚未施行" in x for x in r["reasons"]):
            groups["elsewhere"].append(r)
        else:
            groups["ineligible"].append(r)
    return groups


@router.get("/", response_class=HTMLResponse)
def calculator(request: Request, example: str | None = None,
               user: User | None = Depends(optional_user)) -> HTMLResponse:
    cases = demo_cases()
    chosen = next((c for c in cases if c["key"] == example), cases[0])
    return templates.TemplateResponse(request, "calculator.html",
                                      {"cases": cases, "chosen": chosen, "case_json": chosen["json"], "user": user})


@router.post("/calculate", response_class=HTMLResponse)
def calculate(request: Request, case_json: str = Form(...),
              user: User | None = Depends(optional_user)) -> HTMLResponse:
    cases = demo_cases()
    context: dict[str, Any] = {"cases": cases, "chosen": None, "case_json": case_json, "user": user}
    try:
        body = evaluate_json(case_json)
    except BadCase as bad:
        context["problems"] = bad.problems
        return templates.TemplateResponse(request, "calculator.html", context, status_code=422)
    context["body"] = body
    context["groups"] = _grouped(body["results"])
    total = sum(r["amount"] or 0 for r in body["results"]
                if r["eligible"] and r["unit"] == "CNY" and not r.get("overlaps"))
    context["total"] = total
    return templates.TemplateResponse(request, "calculator.html", context)


@router.get("/policies", response_class=HTMLResponse)
def catalogue(request: Request, jurisdiction: str | None = None) -> HTMLResponse:
    rules = sorted(registry().rules.values(), key=lambda r: (r.jurisdiction, r.id))
    if jurisdiction:
        rules = [r for r in rules if r.jurisdiction == jurisdiction]
    return templates.TemplateResponse(request, "policies.html", {"rules": rules, "jurisdiction": jurisdiction})


@router.get("/policies/{policy_id}", response_class=HTMLResponse)
def policy_page(request: Request, policy_id: str) -> HTMLResponse:
    reg = registry()
    rule = reg.rules.get(policy_id)
    if rule is None:
        return templates.TemplateResponse(request, "message.html", {"message": f"未找到政策 {policy_id}"}, status_code=404)
    return templates.TemplateResponse(request, "policy.html", {"rule": rule, "parameters": reg.parameters_of(policy_id)})
