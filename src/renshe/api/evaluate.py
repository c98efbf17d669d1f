"""POST /api/v1/evaluate and the policy catalogue, exactly per interface.md."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from renshe.api.coalesce import Coalescer
from renshe.engine.case import BadCase, parse_case
from renshe.engine.rules import registry
from renshe.services.local_standards import refresh_if_stale

router = APIRouter(prefix="/api/v1", tags=["evaluate"])


def coalescer(app: FastAPI) -> Coalescer:
    """The app's queue of evaluations (concurrent requests are evaluated together)."""
    if not hasattr(app.state, "coalescer"):
        app.state.coalescer = Coalescer()
    return app.state.coalescer  # type: ignore[no-any-return]


@router.post("/evaluate", summary="Evaluate one case (政策测算)")
async def evaluate(
    request: Request,
    explain: bool = Query(False, description="add each result's trace"),
    all: bool = Query(False, description="also list the policies out of the case's scope (status out_of_scope)"),
) -> Any:
    """Body: a case (interface.md). 200 with the results (status, flow, totals by flow);
    422 with the problem list on a bad case."""
    raw = await request.body()
    refresh_if_stale()  # the approved local standards (地方标准) another worker may have approved
    try:
        case = parse_case(raw)
        body = await coalescer(request.app).evaluate(case, explain, all)
        return Response(orjson.dumps(body), media_type="application/json")
    except BadCase as bad:
        return JSONResponse(
            status_code=422,
            content={
                "detail": "bad case",
                "problems": [p.as_dict() for p in bad.problems],
                "lines": [p.line() for p in bad.problems],
            },
        )


@router.get("/policies", summary="List every policy (政策目录)")
def policies(jurisdiction: str | None = None) -> list[dict[str, Any]]:
    rules = registry().rules.values()
    return [r.summary() for r in sorted(rules, key=lambda r: r.id) if jurisdiction in (None, r.jurisdiction)]


@router.get("/policies/{policy_id}", summary="One policy with citations and parameters")
def policy(policy_id: str) -> dict[str, Any]:
    reg = registry()
    if policy_id not in reg.rules:
        raise HTTPException(404, f"unknown policy id {policy_id}")
    r = reg.rules[policy_id]
    body = r.summary()
    body["citations"] = [c.full() for c in r.citations]
    body["parameters"] = [
        {
            "name": n,
            "unit": p.unit,
            "description": p.description,
            "values": {d.isoformat(): v for d, v in p.values},
            "reference": p.reference.full(),
        }
        for n, p in sorted(reg.parameters_of(policy_id).items())
    ]
    return body
