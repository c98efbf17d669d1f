"""Issue 18, done when: `renshe catalog coverage --json` lists every catalog entry,
each implemented or with a reason (information, or missing with what is lacking);
every `implemented_by` target exists (rule registered, function importable, route
served by the app) and every named test exists."""

from __future__ import annotations

import ast
import importlib
import json
from functools import cache

import pytest
import yaml
from fastapi import routing
from fastapi.routing import APIRoute

from renshe import coverage
from renshe.app import create_app
from renshe.engine.rules import registry
from tests.conftest import CATALOG, ROOT, run_cli

NOT_COMPUTABLE = set(coverage.NOT_COMPUTABLE_KINDS)


def catalog_ids() -> list[str]:
    ids = []
    for path in sorted(CATALOG.glob("*.yaml")):
        ids += [entry["id"] for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    return ids


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    done = run_cli("catalog", "coverage", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_catalog_entry_is_listed_once(rows: list[dict]) -> None:
    ids = catalog_ids()
    assert len(ids) == 694
    assert [r["id"] for r in rows] == ids
    assert {r["status"] for r in rows} <= {"implemented", "information", "missing"}


def test_each_entry_is_implemented_or_has_a_reason(rows: list[dict]) -> None:
    for r in rows:
        if r["status"] == "implemented":
            assert r["implemented_by"] and r["tests"], r["id"]
        else:
            assert len(r.get("reason") or "") >= 8, r["id"]
    notes = coverage.notes()
    undeclared = [r["id"] for r in rows if r["status"] == "missing" and r["id"] not in notes["missing"]]
    assert not undeclared, f"entries with neither an implementation nor a note: {undeclared}"
    # a note names a real entry, and an information note is not left on an implemented entry
    ids = set(catalog_ids())
    assert set(notes["information"]) <= ids and set(notes["missing"]) <= ids
    status = {r["id"]: r["status"] for r in rows}
    stale = [i for i in notes["information"] if status[i] != "information"]
    assert not stale, f"implemented now, drop the information note: {stale}"


def test_information_only_where_no_software_of_renshes_users_does_it(rows: list[dict]) -> None:
    """Legal references are information; every computable entry is a rule."""
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        if r["kind"] == "legal_reference":
            assert r["status"] == "information", r["id"]
    computable = [r for r in rows if r["kind"] not in NOT_COMPUTABLE]
    assert len(computable) == 308
    not_rules = sorted(r["id"] for r in computable if not any(t.startswith("rule:") for t in r["implemented_by"]))
    assert not_rules == []
    assert by_id["cn.pension_central_adjustment_ratio_2020"]["status"] == "implemented"


@cache
def served_paths() -> list[APIRoute]:
    """The application's routes, through the routers it includes (as test_route_matrix)."""
    return [
        c.original_route
        for c in routing.iter_route_contexts(create_app(migrate=False).routes)
        if isinstance(c.original_route, APIRoute)
    ]


def served(path: str) -> bool:
    return any(route.path_regex.match(path) and "GET" in route.methods for route in served_paths())


def importable(target: str) -> bool:
    module, _, name = target.partition(":")
    obj = importlib.import_module(module)
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return False
    return callable(obj)


def test_every_target_exists(rows: list[dict]) -> None:
    rules = registry().rules
    bad = []
    for r in rows:
        for target in r["implemented_by"]:
            if target.startswith("rule:"):
                ok = target.removeprefix("rule:") in rules
            elif target.startswith("/"):
                ok = served(target)
            else:
                ok = importable(target)
            if not ok:
                bad.append((r["id"], target))
    assert not bad


@cache
def functions_in(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_"))


def test_every_named_test_exists(rows: list[dict]) -> None:
    from tests.policies.test_policy_cases import load_cases

    case_ids = {p.id for p in load_cases()}
    bad = []
    for r in rows:
        for node in r["tests"]:
            path, _, name = node.partition("::")
            func, _, param = name.partition("[")
            if (
                not (ROOT / path).is_file()
                or func not in functions_in(path)
                or (param and path == "tests/policies/test_policy_cases.py" and param.rstrip("]") not in case_ids)
            ):
                bad.append(node)
    assert not bad, bad


def test_a_declaration_names_its_page() -> None:
    """page_for: a service function's entry also names the page where the user meets it."""
    by_id = coverage.report_by_id()
    notice = by_id["beijing.stable_job_subsidy_online_publicity_2020"]
    assert "renshe.services.notice:publish" in notice["implemented_by"]
    assert "/notice" in notice["implemented_by"]
    jobs = by_id["beijing.urgent_vacancy_posting_review_2020"]
    assert {"renshe.services.jobs:review", "/jobs"} <= set(jobs["implemented_by"])


def test_text_output_counts_by_kind() -> None:
    done = run_cli("catalog", "coverage")
    assert done.returncode == 0, done.stderr
    assert "共 694 项" in done.stdout
    assert "法律适用（legal_reference）：仅供查阅 13" in done.stdout
    missing = [line for line in done.stdout.splitlines() if line.startswith("尚未实现 ")]
    assert len(missing) == len(coverage.notes()["missing"])
