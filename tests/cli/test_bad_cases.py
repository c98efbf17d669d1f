"""Bad cases: exit 2, one stderr line per problem, JSON path first; never a traceback."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli


def evaluate(case: Any, tmp_path: Path) -> tuple[int, str, str]:
    f = tmp_path / "case.json"
    f.write_text(case if isinstance(case, str) else json.dumps(case, ensure_ascii=False), encoding="utf-8")
    proc = run_cli("evaluate", str(f))
    return proc.returncode, proc.stdout, proc.stderr


def patched(case: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(case)
    node: Any = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


BAD = [
    (
        "enterprise.contributions.3.month",
        "2020-13",
        'enterprise.contributions[3].month: "2020-13" is not a month (YYYY-MM)',
    ),
    ("enterprise.uscc", "91110108MA01C7LM3X", "enterprise.uscc:"),
    ("enterprise.region", "999999", "enterprise.region:"),
    ("enterprise.industry", "Z99", "enterprise.industry:"),
    ("enterprise.industry", "F", "enterprise.industry:"),
    ("enterprise.employees", "many", "enterprise.employees:"),
    ("enterprise.revenue", -1, "enterprise.revenue:"),
    ("enterprise.contributions.0.employer_due", -5.0, "enterprise.contributions[0].employer_due:"),
    ("enterprise.unit_type", "company", "enterprise.unit_type:"),
    ("enterprise.flags", ["lucky"], "enterprise.flags[0]:"),
    ("enterprise.insured", {"2019-1": 3}, 'enterprise.insured["2019-1"]'),
    ("enterprise.colour", "red", "enterprise.colour: unknown field"),
    ("as_of", "2020-02-30", "as_of:"),
    ("parameters", {"no.such_parameter": 1}, "parameters.no.such_parameter: unknown parameter"),
    ("enterprise.state_owned", "no", "enterprise.state_owned:"),
]


@pytest.mark.parametrize(("path", "value", "line"), BAD, ids=[b[0] + "=" + json.dumps(b[1]) for b in BAD])
def test_bad_field(example_case: dict[str, Any], tmp_path: Path, path: str, value: Any, line: str) -> None:
    code, out, err = evaluate(patched(example_case, path, value), tmp_path)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert any(x.startswith(line) for x in lines), lines


def test_every_problem_reported_once_per_line(example_case: dict[str, Any], tmp_path: Path) -> None:
    case = patched(example_case, "enterprise.region", "999999")
    case = patched(case, "enterprise.contributions.1.month", "2020-00")
    case = patched(case, "enterprise.employees", -3)
    code, _, err = evaluate(case, tmp_path)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3
    assert {x.split(":")[0] for x in lines} == {
        "enterprise.region",
        "enterprise.contributions[1].month",
        "enterprise.employees",
    }


def test_bad_id_number(tmp_path: Path) -> None:
    case = {"as_of": "2020-03-31", "person": {"id_number": "110105198001011239", "region": "110105"}}
    code, _, err = evaluate(case, tmp_path)
    assert code == 2 and err.startswith("person.id_number:")


def test_lower_case_x_id_number_is_accepted(tmp_path: Path) -> None:
    from renshe.domain.identifiers import id_check_char

    first = "11010519800101123"
    check = id_check_char(first)
    number = first + (check.lower() if check == "X" else check)
    code, _, err = evaluate({"as_of": "2020-03-31", "person": {"id_number": number, "region": "110105"}}, tmp_path)
    assert code == 0, err


@pytest.mark.parametrize("text", ["{", "[]", "null", '{"as_of": "2020-01-01"}', ""])
def test_not_a_case(tmp_path: Path, text: str) -> None:
    code, _, err = evaluate(text, tmp_path)
    assert code == 2
    assert err.strip() and "Traceback" not in err


def test_missing_file(tmp_path: Path) -> None:
    proc = run_cli("evaluate", str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "nope.json" in proc.stderr


def test_bare_letter_with_size_is_fine(example_case: dict[str, Any], tmp_path: Path) -> None:
    case = patched(patched(example_case, "enterprise.industry", "F"), "enterprise.size", "small")
    code, out, err = evaluate(case, tmp_path)
    assert code == 0, err
    assert json.loads(out)["classification"]["size"] == "small"


def test_finance_is_unclassifiable(example_case: dict[str, Any], tmp_path: Path) -> None:
    code, out, err = evaluate(patched(example_case, "enterprise.industry", "J66"), tmp_path)
    assert code == 0, err
    assert json.loads(out)["classification"]["size"] == "unclassifiable"


def test_stdin(example_case: dict[str, Any]) -> None:
    proc = run_cli("evaluate", "-", stdin=json.dumps(example_case))
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["as_of"] == example_case["as_of"]
