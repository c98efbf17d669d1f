"""Where renshe implements each entry of the policy catalog (政策目录覆盖).

The mapping lives beside the code that does the work:

- rules declare the catalog ids they compute in their YAML (``implements``);
- service functions and web pages carry ``@implements("cn.xxx", …, tests=[…])``
  (``renshe.engine.catalog``; a route handler's path is found from the app, so a
  page is named by its URL), and a web module names the pages where its service
  functions are met with ``page_for("renshe.services.jobs", "/jobs")``;
- entries that no software of renshe's users carries out (a court's rule, an
  order to customs or a bank, disinfecting a hall) are ``information`` with a
  one-line reason, and entries renshe should do but does not yet are
  ``missing`` with what is lacking — both in ``catalog_notes.yaml`` next to
  this module, because there is no code to put them beside.

``report()`` puts the three together for every catalog entry; ``renshe
catalog coverage`` prints it.
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from renshe.engine.catalog import _DECLARED, _PAGES, implements, page_for  # noqa: F401  (the declaration API)

HERE = Path(__file__).parent
NOTES = HERE / "catalog_notes.yaml"
NOT_COMPUTABLE_KINDS = ("service_rule", "reporting_obligation", "target", "legal_reference")

#: the catalog kinds in Chinese, as a user reads them on the policy page
KIND_NAMES = {
    "fee_relief": "社保费减免缓",
    "subsidy": "补贴",
    "refund": "返还",
    "loan": "贷款",
    "rate": "费率",
    "eligibility": "资格认定",
    "deadline": "期限",
    "labour_standard": "劳动待遇标准",
    "service_rule": "经办服务规定",
    "reporting_obligation": "报送义务",
    "target": "目标任务",
    "legal_reference": "法律适用",
}
STATUS_NAMES = {"implemented": "已实现", "information": "仅供查阅", "missing": "尚未实现"}


def catalog_dir() -> Path:
    """../shared/spec/policies beside the checkout, or RENSHE_CATALOG."""
    if os.environ.get("RENSHE_CATALOG"):
        return Path(os.environ["RENSHE_CATALOG"])
    for parent in HERE.parents:
        candidate = parent / "shared" / "spec" / "policies"
        if candidate.is_dir():
            return candidate
    return HERE.parents[2].parent / "shared" / "spec" / "policies"


@cache
def catalog() -> dict[str, dict[str, Any]]:
    """Every catalog entry by id, in the files' order (empty when the catalog is not there)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(catalog_dir().glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out[entry["id"]] = {**entry, "file": path.name}
    return out


@cache
def notes() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(NOTES.read_text(encoding="utf-8")) or {}
    return {"information": data.get("information") or {}, "missing": data.get("missing") or {}}


def _import_declaring_modules() -> None:
    """Import every renshe module that declares coverage, so that its
    ``@implements`` and ``page_for`` have run."""
    for path in sorted(HERE.rglob("*.py")):
        if "migrations" in path.parts or path == Path(__file__):
            continue
        if "renshe.engine.catalog import" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(HERE.parent).with_suffix("").parts
            importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))


@cache
def routes_by_endpoint() -> dict[str, list[str]]:
    """'module:function' of every page and API handler -> the paths it serves."""
    from fastapi import routing

    from renshe.app import create_app

    out: dict[str, list[str]] = {}
    for context in routing.iter_route_contexts(create_app(migrate=False).routes):
        route = context.original_route
        if isinstance(route, routing.APIRoute):
            key = f"{route.endpoint.__module__}:{route.endpoint.__qualname__}"
            out.setdefault(key, []).append(context.path or route.path)
    return out


ROOT = HERE.parents[1]  # the checkout (src/renshe -> .)


@cache
def _rule_tests() -> dict[str, list[str]]:
    """Rule id -> the node ids of its data-driven cases (tests/policies/cases)."""
    out: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests" / "policies" / "cases").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in doc.get("cases") or []:
            out.setdefault(doc["policy"], []).append(
                f"tests/policies/test_policy_cases.py::test_policy_case[{path.stem}:{case['name']}]"
            )
    return out


def rules_implementing() -> dict[str, list[str]]:
    from renshe.engine.rules import registry

    out: dict[str, list[str]] = {}
    for rule in registry().rules.values():
        for i in rule.implements:
            out.setdefault(i, []).append(rule.id)
    return out


@cache
def report() -> list[dict[str, Any]]:
    """One row per catalog entry: id, kind, implemented_by, tests, status, reason."""
    _import_declaring_modules()
    by_rule = rules_implementing()
    routes = routes_by_endpoint()
    rule_tests = _rule_tests()
    info, missing = notes()["information"], notes()["missing"]
    rows = []
    for cid, entry in catalog().items():
        implemented_by: list[str] = []
        tests: list[str] = []
        for rule_id in sorted(by_rule.get(cid, [])):
            implemented_by += [f"rule:{rule_id}", f"/policies/{rule_id}"]
            tests += rule_tests.get(rule_id, [])
        for d in _DECLARED.get(cid, []):
            implemented_by.append(d.target)
            implemented_by += routes.get(d.target, [])
            implemented_by += _PAGES.get(d.target.split(":")[0], [])
            tests += d.tests
        row: dict[str, Any] = {
            "id": cid,
            "kind": entry["kind"],
            "implemented_by": list(dict.fromkeys(implemented_by)),
            "tests": list(dict.fromkeys(tests)),
        }
        if cid in missing:
            row["status"], row["reason"] = "missing", missing[cid]
        elif implemented_by:
            row["status"] = "implemented"
        elif cid in info:
            row["status"], row["reason"] = "information", info[cid]
        else:
            row["status"], row["reason"] = "missing", "没有任何实现或说明（未声明）"
        rows.append(row)
    return rows


def report_by_id() -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in report()}


def summary(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Counts per kind and status."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = out.setdefault(row["kind"], {})
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return out
