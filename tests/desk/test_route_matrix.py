"""Role × route × area (issue 14 item 2): every route under /api/v1 (read from the
application's OpenAPI) and every desk page that writes has a declared rule in
``renshe.http.access.RULES``; a route's ``require(...)`` roles are the rule's roles; the
wrong roles and the signed-out are refused everywhere; every money route refuses the
right role of another area and the wrong role of the same area, with a real target."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from renshe.http.access import RULES, SIGNED_IN, Rule
from renshe.services import notice
from renshe.store.db import session
from renshe.store.models import ROLES, NoticeBatch, User
from tests.desk.conftest import example

#: one demo user of each role (Beijing for the area roles)
BY_ROLE = {
    "enterprise": "qiye",
    "agency": "jigou",
    "person": "geren",
    "caseworker": "jingban",
    "finance": "caiwu",
    "auditor": "shenji",
    "admin": "admin",
}
#: the same role in another area (Xinmi, 410183) than the Beijing targets below
OTHER_AREA = {"caseworker": "xinmi_jingban", "finance": "xinmi_caiwu"}
PLACEHOLDER = "1"
#: a well-formed bank return file (its rows do not matter: every caller here is refused first)
RETURN_FILE = "申请编号,账号,金额,结果,失败原因\r\n".encode()


def app_routes() -> list[APIRoute]:
    """The application's API routes, through the routers it includes."""
    from fastapi import routing

    from renshe.app import create_app

    return [
        c.original_route
        for c in routing.iter_route_contexts(create_app(migrate=False).routes)
        if isinstance(c.original_route, APIRoute)
    ]


def declared_routes() -> set[tuple[str, str]]:
    """(method, path) of every /api/v1 operation in the OpenAPI, and every desk page that writes."""
    from renshe.app import create_app
    from renshe.web import desk_pages

    spec = create_app(migrate=False).openapi()
    api = {(m.upper(), p) for p, ops in spec["paths"].items() if p.startswith("/api/v1") for m in ops}
    pages = {
        (m, r.path)
        for r in desk_pages.router.routes
        if isinstance(r, APIRoute)
        for m in r.methods
        if m in ("POST", "PUT", "PATCH", "DELETE")
    }
    return api | pages


def required_roles(route: APIRoute) -> set[str] | None:
    """The roles of the route's ``require(...)`` dependency, or None without one."""

    def walk(dep: Any) -> set[str] | None:
        for sub in dep.dependencies:
            call = sub.call
            if getattr(call, "__qualname__", "").startswith("require.") and call.__closure__:
                return {
                    r for cell in call.__closure__ if isinstance(cell.cell_contents, tuple) for r in cell.cell_contents
                }
            found = walk(sub)
            if found is not None:
                return found
        return None

    return walk(route.dependant)


def url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", PLACEHOLDER, path)


def call(client: TestClient, method: str, path: str, headers: dict[str, str], body: Any = None) -> Any:
    if isinstance(body, dict) and "file" in body:  # an upload (the bank's return file)
        return client.request(method, path, files={"file": body["file"]}, headers=headers, follow_redirects=False)
    if path.startswith("/api/"):
        return client.request(method, path, json={} if body is None else body, headers=headers)
    return client.request(method, path, data=body or {}, headers=headers, follow_redirects=False)


def test_every_route_has_a_rule() -> None:
    routes = declared_routes()
    missing = sorted(routes - set(RULES))
    assert not missing, f"routes without an access rule in renshe/http/access.py RULES: {missing}"
    stale = sorted(set(RULES) - routes)
    assert not stale, f"rules for routes that do not exist: {stale}"


def test_required_roles_match_the_rules() -> None:
    checked = 0
    for route in app_routes():
        for method in route.methods:
            rule = RULES.get((method, route.path))
            roles = required_roles(route)
            if rule is None or roles is None:
                continue
            assert roles == set(rule.roles), (
                f"{method} {route.path}: require{sorted(roles)} but rule {sorted(rule.roles)}"
            )
            checked += 1
    assert checked >= 40  # the matrix is not vacuous


def test_money_rules_are_area_scoped() -> None:
    money = {k: r for k, r in RULES.items() if r.money}
    assert len(money) == 14
    assert all(r.area and r.roles and r.roles != SIGNED_IN for r in money.values())
    # maker–checker: the roles that disburse never review, and the other way round
    review = RULES[("POST", "/api/v1/applications/{number}/review")].roles
    for key in (
        ("POST", "/api/v1/disbursements"),
        ("POST", "/api/v1/disbursements/{disbursement_id}/paid"),
        ("POST", "/desk/disburse"),
    ):
        assert not (RULES[key].roles & review), key


@pytest.mark.parametrize(("method", "path"), sorted(k for k, r in RULES.items() if not r.public))
def test_signed_out_is_refused(client: TestClient, method: str, path: str) -> None:
    r = call(client, method, url(path), {})
    if path.startswith("/api/"):
        assert r.status_code == 401, r.text
    else:  # a page: sent to sign in, or refused — never done
        assert r.status_code in (303, 401, 403, 422) and not r.is_success


@pytest.mark.parametrize(
    ("method", "path"), sorted(k for k, r in RULES.items() if not r.public and r.roles != SIGNED_IN)
)
def test_wrong_roles_are_refused(client: TestClient, tokens: dict[str, dict[str, str]], method: str, path: str) -> None:
    rule: Rule = RULES[(method, path)]
    for role in sorted(set(ROLES) - rule.roles):
        r = call(client, method, url(path), tokens[BY_ROLE[role]])
        assert not r.is_success and r.status_code not in (301, 302, 303, 307), (
            f"{role} {method} {path}: {r.status_code}"
        )
        if path.startswith("/api/"):
            assert r.status_code in (403, 404, 422), f"{role} {method} {path}: {r.status_code}"


# ---- the money routes with real Beijing targets -------------------------------------------------


@pytest.fixture(scope="module")
def targets(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A Beijing application for every money step: approved (to publish), objected (to review),
    in a batch (to close), in a disbursement (to export and mark paid), paid (to claw back)."""
    cw, fin = tokens["jingban"], tokens["caiwu"]

    def apply(who: str, policy: str, case: str) -> str:
        r = client.post(
            "/api/v1/applications",
            json={"policy": policy, "case": example(case), "bank_account": "6222020200034343434"},
            headers={**tokens[who], "Idempotency-Key": f"mx-{policy}"},
        )
        assert r.status_code == 201, r.text
        n = str(r.json()["number"])
        assert (
            client.post(f"/api/v1/applications/{n}/review", json={"action": "approve"}, headers=cw).status_code == 200
        )
        return n

    def publish(n: str) -> int:
        r = client.post("/api/v1/notices", json={"applications": [n], "title": "矩阵"}, headers=cw)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    demo = next(
        x["number"]
        for x in client.get("/api/v1/applications", headers=tokens["qiye"]).json()
        if x["policy"] == "beijing.one_time_si_subsidy_2020"
    )
    assert client.post(f"/api/v1/applications/{demo}/review", json={"action": "approve"}, headers=cw).status_code == 200
    objected = apply("geren", "beijing.frontline_allowance_2020", "06_beijing_frontline_nurse")
    batch = publish(objected)
    assert client.post(f"/api/v1/notices/objections/{objected}", json={"text": "异议"}).status_code == 201
    paid = apply("qiye", "cn.si_feb_refund_2020", "01_beijing_medium_software")
    paid_batch = publish(paid)
    with session() as s:
        b = s.get(NoticeBatch, paid_batch)
        assert b is not None
        jingban = s.execute(select(User).where(User.username == "jingban")).scalar_one()
        notice.close_window(s, jingban, paid_batch, today=b.closes_on + dt.timedelta(days=1))
    d = client.post("/api/v1/disbursements", json={"applications": [paid]}, headers=fin).json()["id"]
    objection = client.get(f"/api/v1/applications/{objected}/objections", headers=cw).json()[0]["id"]
    return {
        "approved": demo,
        "objected": objected,
        "batch": batch,
        "paid": paid,
        "disbursement": d,
        "objection": objection,
    }


def money_requests(t: dict[str, Any]) -> dict[tuple[str, str], tuple[str, Any]]:
    """(url, body) of a well-formed request on a Beijing target for every money rule."""
    return {
        ("POST", "/api/v1/notices"): ("/api/v1/notices", {"applications": [t["approved"]], "title": "越权"}),
        ("POST", "/api/v1/notices/{batch_id}/close"): (f"/api/v1/notices/{t['batch']}/close", None),
        ("POST", "/api/v1/applications/{number}/objection-review"): (
            f"/api/v1/applications/{t['objected']}/objection-review",
            {"upheld": True, "note": "越权"},
        ),
        ("POST", "/api/v1/disbursements"): ("/api/v1/disbursements", {"applications": [t["paid"]]}),
        ("GET", "/api/v1/disbursements/{disbursement_id}/export"): (
            f"/api/v1/disbursements/{t['disbursement']}/export?format=csv",
            None,
        ),
        ("POST", "/api/v1/disbursements/{disbursement_id}/paid"): (
            f"/api/v1/disbursements/{t['disbursement']}/paid",
            None,
        ),
        ("POST", "/api/v1/applications/{number}/clawback"): (
            f"/api/v1/applications/{t['paid']}/clawback",
            {"amount": 1.0, "reason": "越权"},
        ),
        ("POST", "/desk/notice"): ("/desk/notice", {"numbers": [t["approved"]], "title": "越权"}),
        ("POST", "/desk/disburse"): ("/desk/disburse", {}),
        ("POST", "/desk/notices/{batch_id}/close"): (f"/desk/notices/{t['batch']}/close", {}),
        ("POST", "/desk/{number}/objections/{objection_id}"): (
            f"/desk/{t['objected']}/objections/{t['objection']}",
            {"decision": "upheld", "note": "越权"},
        ),
        ("POST", "/desk/{number}/clawback"): (f"/desk/{t['paid']}/clawback", {"amount": "1", "reason": "越权"}),
        ("POST", "/api/v1/disbursements/{disbursement_id}/return"): (
            f"/api/v1/disbursements/{t['disbursement']}/return",
            {"file": ("r.csv", RETURN_FILE)},
        ),
        ("POST", "/desk/payouts/{disbursement_id}/return"): (
            f"/desk/payouts/{t['disbursement']}/return",
            {"file": ("r.csv", RETURN_FILE)},
        ),
    }


def test_money_routes_refuse_other_areas_and_wrong_roles(
    client: TestClient, tokens: dict[str, dict[str, str]], targets: dict[str, Any]
) -> None:
    requests = money_requests(targets)
    money = {k for k, r in RULES.items() if r.money}
    assert money == set(requests), f"a money route without a request in this test: {sorted(money ^ set(requests))}"
    tried = 0
    for (method, _), (target, body) in sorted(requests.items()):
        rule = RULES[(method, _)]
        callers = [OTHER_AREA[r] for r in sorted(rule.roles) if r in OTHER_AREA]  # the right role, another area
        callers += [BY_ROLE[r] for r in ("caseworker", "finance", "admin", "enterprise") if r not in rule.roles]
        for who in callers:
            r = call(client, method, target, tokens[who], body)
            # a list with no names is the caller's own area: another area finds nothing there (409)
            allowed = (403, 404, 409) if target == "/desk/disburse" and who in OTHER_AREA.values() else (403, 404)
            assert r.status_code in allowed, f"{who} {method} {target}: {r.status_code} {r.text[:200]}"
            tried += 1
    assert tried >= 30
    # and nothing moved: the targets are where they were
    states = {a["number"]: a["status"] for a in client.get("/api/v1/applications", headers=tokens["jingban"]).json()}
    assert (states[targets["approved"]], states[targets["objected"]], states[targets["paid"]]) == (
        "approved",
        "objected",
        "disbursing",
    )
