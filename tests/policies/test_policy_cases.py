"""Runs the data-driven policy cases in tests/policies/cases/*.yaml.

Each file names a policy and the sentence of the source document it checks;
each case patches a base case from bases.yaml and lists the fields expected.
A newcomer adds a case without writing Python."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from renshe.engine.calculator import evaluate_json

HERE = Path(__file__).parent
BASES: dict[str, Any] = {}
for _path in [HERE / "bases.yaml", *sorted((HERE / "bases").glob("*.yaml"))]:
    for _name, _body in (yaml.safe_load(_path.read_text(encoding="utf-8")) or {}).items():
        assert _name not in BASES, f"base {_name} defined twice ({_path.name})"
        BASES[_name] = _body


def merge(base: Any, patch: Any) -> Any:
    """Deep-merge ``patch`` into ``base``; a null value deletes the key."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = merge(out.get(key), value) if key in out else value
        return out
    return copy.deepcopy(patch)


def load_cases() -> list[Any]:
    params = []
    for path in sorted((HERE / "cases").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in doc["cases"]:
            params.append(pytest.param(doc["policy"], doc.get("quote"), case, id=f"{path.stem}:{case['name']}"))
    return params


def build(case: dict[str, Any]) -> dict[str, Any]:
    body = copy.deepcopy(BASES[case["base"]])
    return merge(body, case.get("patch") or {})


@pytest.mark.parametrize(("policy", "quote", "case"), load_cases())
def test_policy_case(policy: str, quote: str | None, case: dict[str, Any]) -> None:
    assert case.get("quote") or quote, "each case names the sentence it checks"
    out = evaluate_json(build(case), policies=[policy], everything=True)
    results = {r["policy"]: r for r in out["results"]}
    assert policy in results, f"{policy} not in results"
    result = results[policy]
    for key, want in case["expect"].items():
        got = result.get(key)
        if key == "reasons_contain":
            joined = "；".join(result["reasons"])
            assert want in joined, f"reason {want!r} not in {joined!r}"
        elif isinstance(want, float) and not isinstance(want, bool):
            assert got is not None and abs(got - want) <= 0.005, f"{key}: {got} != {want}; {result['reasons']}"
        else:
            assert got == want, f"{key}: {got!r} != {want!r}; reasons: {result['reasons']}"
