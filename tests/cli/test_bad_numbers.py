"""Numbers that can't be: NaN, Infinity, absurd amounts and dates, overrides of the wrong type.

Each is a bad case (exit 2, one stderr line per problem naming the JSON path, no traceback),
never an answer; and no answer ever holds NaN or Infinity, whatever a rule divides by."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest

from renshe.engine.calculator import evaluate_case, evaluate_json
from renshe.engine.case import EARLIEST_DATE, LATEST_DATE, MAX_MONEY, MAX_PERSONS, BadCase, Case, parse_case
from renshe.engine.rules import registry
from tests.cli.test_bad_cases import patched
from tests.conftest import example_files, run_cli
from tests.policies.test_policy_cases import build, load_cases

MARK = "__NUMBER__"


def text_with(case: dict[str, Any], path: str, token: str) -> str:
    """The case as JSON text with the raw ``token`` (NaN, 1e400…) at ``path``."""
    return json.dumps(patched(case, path, MARK), ensure_ascii=False).replace(f'"{MARK}"', token)


def evaluate_text(text: str, tmp_path: Path) -> tuple[int, str, str]:
    f = tmp_path / "case.json"
    f.write_text(text, encoding="utf-8")
    proc = run_cli("evaluate", str(f))
    return proc.returncode, proc.stdout, proc.stderr


def assert_bad(code: int, out: str, err: str, line: str) -> None:
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert any(x.startswith(line) for x in lines), lines


# ---- 1. NaN and Infinity in the input -------------------------------------------------------

TOKENS = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"]
NON_FINITE_FIELDS = [
    "enterprise.employees",  # a headcount (float)
    "enterprise.revenue",  # money
    "enterprise.contributions.0.employer_paid",  # money in a list of objects
    "enterprise.insured.2019-06",  # a whole number in a mapping keyed by month
]


@pytest.mark.parametrize("token", TOKENS)
def test_non_finite_number_is_a_bad_case(example_case: dict[str, Any], tmp_path: Path, token: str) -> None:
    code, out, err = evaluate_text(text_with(example_case, "enterprise.revenue", token), tmp_path)
    assert_bad(code, out, err, "enterprise.revenue: ")
    assert "not a finite number" in err


@pytest.mark.parametrize("path", NON_FINITE_FIELDS)
def test_non_finite_number_named_in_every_kind_of_field(example_case: dict[str, Any], path: str) -> None:
    for token in TOKENS:
        with pytest.raises(BadCase) as info:
            parse_case(text_with(example_case, path, token))
        shown = path.replace(".0.", "[0].").replace(".2019-06", '["2019-06"]')
        assert [p.path for p in info.value.problems] == [shown], (token, info.value.problems)
        assert "not a finite number" in info.value.problems[0].message


def test_non_finite_where_a_date_or_a_code_is_expected(example_case: dict[str, Any]) -> None:
    with pytest.raises(BadCase) as info:
        parse_case(
            text_with(patched(example_case, "enterprise.unit_type", MARK), "as_of", "NaN").replace(
                f'"{MARK}"', "Infinity"
            )
        )
    lines = {p.path: p.message for p in info.value.problems}
    assert set(lines) == {"as_of", "enterprise.unit_type"}
    assert "expected a date (YYYY-MM-DD)" in lines["as_of"]
    assert "expected one of" in lines["enterprise.unit_type"]


def test_every_non_finite_number_reported_once(example_case: dict[str, Any], tmp_path: Path) -> None:
    text = text_with(patched(example_case, "enterprise.employees", MARK), "enterprise.assets", "NaN")
    code, out, err = evaluate_text(text.replace(f'"{MARK}"', "-Infinity"), tmp_path)
    assert code == 2 and out == "" and "Traceback" not in err
    assert sorted(x.split(":")[0] for x in err.strip().splitlines()) == ["enterprise.assets", "enterprise.employees"]


def test_overlong_integer_and_deep_nesting_are_bad_json(tmp_path: Path) -> None:
    code, out, err = evaluate_text(
        '{"as_of": "2020-03-31", "person": {"region": "110105", "work_years": ' + "9" * 5000 + "}}", tmp_path
    )
    assert code == 2 and out == "" and "Traceback" not in err and err.startswith("invalid JSON")
    with pytest.raises(BadCase) as info:
        parse_case("[" * 100_000 + "]" * 100_000)
    assert info.value.problems[0].message.startswith("invalid JSON")


# ---- 2. amounts, headcounts and dates beyond what a case can hold ---------------------------

TOO_LARGE = [
    ("enterprise.revenue", 1e20, "enterprise.revenue: 1e+20 is too large"),
    ("enterprise.assets", MAX_MONEY * 10, "enterprise.assets:"),
    ("enterprise.contributions.0.employer_due", 5e13, "enterprise.contributions[0].employer_due:"),
    ("enterprise.employees", MAX_PERSONS + 1, "enterprise.employees:"),
    ("enterprise.insured.2019-06", 10**12, 'enterprise.insured["2019-06"]:'),
    ("enterprise.si_additions", {"2020-01": -3}, 'enterprise.si_additions["2020-01"]: -3 is a negative amount'),
    ("enterprise.attrition_2019", 10**30, "enterprise.attrition_2019:"),
    ("as_of", "9999-12-31", 'as_of: "9999-12-31" is outside the dates a case can hold'),
    ("as_of", "1949-12-31", "as_of:"),
    ("enterprise.contributions.0.month", "9999-02", "enterprise.contributions[0].month:"),
    ("enterprise.insured", {"2101-01": 3}, 'enterprise.insured["2101-01"]:'),
    ("enterprise.finance", {"quarterly_profit": {"9999Q1": 1}}, 'enterprise.finance.quarterly_profit["9999Q1"]:'),
    ("enterprise.finance", {"quarterly_profit": {"2020Q1": -1e20}}, 'enterprise.finance.quarterly_profit["2020Q1"]:'),
    ("enterprise.tax_original_due_date", "0999-01-01", "enterprise.tax_original_due_date:"),
    # spans of time: a century at most (10 million months would overflow the rules' date arithmetic)
    (
        "enterprise.medical_deferral",
        {"start_month": "2020-02", "months": 10_000_000},
        "enterprise.medical_deferral.months: 10000000 is too large (超出合理范围); expected a number ≤ 1200",
    ),
]


@pytest.mark.parametrize(("path", "value", "line"), TOO_LARGE, ids=[f"{t[0]}={t[1]}" for t in TOO_LARGE])
def test_beyond_the_limits_is_a_bad_case(
    example_case: dict[str, Any], tmp_path: Path, path: str, value: Any, line: str
) -> None:
    code, out, err = evaluate_text(json.dumps(patched(example_case, path, value)), tmp_path)
    assert_bad(code, out, err, line)


def test_limits_are_stated_in_the_message(example_case: dict[str, Any]) -> None:
    with pytest.raises(BadCase) as info:
        parse_case(patched(patched(example_case, "enterprise.revenue", 2e13), "as_of", "9999-12-31"))
    lines = [p.line() for p in info.value.problems]
    assert any(x.startswith("as_of:") and "1950-01-01 to 2100-12-31" in x for x in lines), lines
    assert any(x.startswith("enterprise.revenue:") and "≤ 10000000000000" in x for x in lines), lines


def test_the_limits_themselves_are_accepted(example_case: dict[str, Any]) -> None:
    case = patched(example_case, "enterprise.revenue", MAX_MONEY)
    case = patched(case, "enterprise.employees", MAX_PERSONS)
    case = patched(case, "enterprise.insured", {"1950-01": MAX_PERSONS, "2100-12": 0})
    assert parse_case(patched(case, "as_of", LATEST_DATE.isoformat())).enterprise is not None
    assert parse_case(patched(case, "as_of", EARLIEST_DATE.isoformat())).enterprise is not None


def test_a_span_of_days_is_at_most_a_century() -> None:
    case = {
        "as_of": "2020-03-31",
        "person": {"region": "110105", "labour_dispute": {"epidemic_delay_days": 10_000_000}},
    }
    with pytest.raises(BadCase) as info:
        parse_case(case)
    assert [p.line() for p in info.value.problems] == [
        "person.labour_dispute.epidemic_delay_days: 10000000 is too large (超出合理范围); expected a number ≤ 36600"
    ]


def test_a_person_date_list_names_the_item() -> None:
    case = {
        "as_of": "2020-03-31",
        "person": {"region": "110105", "spring_festival_holiday_dates_worked": ["2020-01-25", "2200-01-01"]},
    }
    with pytest.raises(BadCase) as info:
        parse_case(case)
    assert [p.path for p in info.value.problems] == ["person.spring_festival_holiday_dates_worked[1]"]


def _leaves(annotation: Any) -> list[tuple[Any, tuple[Any, ...]]]:
    """The scalar types in a field's annotation, each with the metadata (Field bounds, validators)
    of the ``Annotated`` it came from."""
    import typing

    from pydantic.fields import FieldInfo

    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        flat: list[Any] = []
        for m in meta:
            flat += list(m.metadata) if isinstance(m, FieldInfo) else [m]
        return [(b, (*flat, *inner)) for b, inner in _leaves(base)]
    if origin is not None:
        return [leaf for arg in typing.get_args(annotation) for leaf in _leaves(arg)]
    return [(annotation, ())]


def test_every_number_and_date_of_the_case_is_bounded() -> None:
    """Each numeric or date field of every case model goes through a bounded type (Money, Persons,
    Date…), so a field added later with a bare float, int or date is caught here."""
    import datetime as dt

    import annotated_types
    from pydantic import BaseModel

    unbounded: list[str] = []
    seen: set[type] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            if name == "parameters":  # checked against the registry (parameters.override_problems)
                continue
            for base, meta in _leaves(info.annotation):
                meta = (*meta, *info.metadata) if base is info.annotation else meta
                if isinstance(base, type) and issubclass(base, BaseModel):
                    walk(base)
                elif base in (int, float):
                    if not (
                        any(isinstance(m, (annotated_types.Le, annotated_types.Lt)) for m in meta)
                        and any(isinstance(m, (annotated_types.Ge, annotated_types.Gt)) for m in meta)
                    ):
                        unbounded.append(f"{model.__name__}.{name}")
                elif base is dt.date:
                    if not any(getattr(getattr(m, "func", None), "__name__", "") == "_date" for m in meta):
                        unbounded.append(f"{model.__name__}.{name}")

    walk(Case)
    assert len(seen) > 40
    assert unbounded == [], "use the bounded types of engine/case.py (Money, Persons, Date…) for " + ", ".join(
        unbounded
    )


# ---- 3. parameter overrides of the wrong type -----------------------------------------------

BAD_OVERRIDES = [
    ("beijing.ui_benefit_monthly_2019", "abc", "expected a number"),
    ("beijing.ui_benefit_monthly_2019", [1800, 1900], "expected a number"),
    ("beijing.ui_benefit_monthly_2019", -5, "is a negative amount"),
    ("beijing.ui_benefit_monthly_2019", 1e20, "is too large"),
    ("beijing.ui_benefit_monthly_2019", 10**400, "is too large"),
    ("beijing.ui_benefit_monthly_2019", {"value": 1}, "expected a number"),
    ("beijing.ui_benefit_monthly_2019", True, "expected a number"),
    ("henan.epidemic_end_date", "2020-02-30", "expected a date (YYYY-MM-DD)"),
    ("henan.epidemic_end_date", "soon", "expected a date (YYYY-MM-DD)"),
    ("henan.epidemic_end_date", 20200630, "expected a date (YYYY-MM-DD)"),
    ("beijing.guaranteed_loan_extension_infected_2020.max_extension_months", 12.5, "expected a whole number"),
    ("beijing.guaranteed_loan_extension_infected_2020.max_extension_months", 10**9, "is too large"),
    ("yongzhou.work_injury_base_rate.class_rates", [0.4, 0.5], "expected a list of 8 items"),
    ("cn.si_relief_2020.insurances", "pension", "expected a list"),
    ("beijing.hiring_subsidy_2020.months", ["2020-01", "2020-13"], "expected a month (YYYY-MM)"),
    ("beijing.hiring_subsidy_2020.months", [], "expected a list of 2 items"),
    ("beijing.job_intro_service_subsidy_2020.tiers", [], "one or more"),
    ("henan.guaranteed_loan_extension_2020.interest_subsidy_continues", "yes", "expected true or false"),
    ("xinmi.flexible_employment_si_subsidy_2020.share", "two thirds", 'a fraction written as a string, e.g. "2/3"'),
]


@pytest.mark.parametrize(
    ("name", "value", "expected"), BAD_OVERRIDES, ids=[f"{b[0]}={json.dumps(b[1])}" for b in BAD_OVERRIDES]
)
def test_override_of_the_wrong_type_is_a_bad_case(
    example_case: dict[str, Any], name: str, value: Any, expected: str
) -> None:
    assert name in registry().parameters
    with pytest.raises(BadCase) as info:
        evaluate_json(patched(example_case, "parameters", {name: value}))
    (problem,) = info.value.problems
    assert problem.path.startswith(f"parameters.{name}")
    assert expected in problem.message, problem.message


@pytest.mark.parametrize(
    ("name", "token"),
    [
        ("beijing.ui_benefit_monthly_2019", "NaN"),
        ("beijing.ui_benefit_monthly_2019", "1e400"),
        ("henan.epidemic_end_date", "-Infinity"),
    ],
)
def test_non_finite_override(example_case: dict[str, Any], tmp_path: Path, name: str, token: str) -> None:
    text = json.dumps(patched(example_case, "parameters", {name: MARK})).replace(f'"{MARK}"', token)
    code, out, err = evaluate_text(text, tmp_path)
    assert_bad(code, out, err, f"parameters.{name}: ")


@pytest.mark.parametrize(
    ("value", "expected"), [("abc", "expected a number"), ([1, 2], "expected a number"), (-5, "negative amount")]
)
def test_override_through_the_cli(example_case: dict[str, Any], tmp_path: Path, value: Any, expected: str) -> None:
    case = patched(example_case, "parameters", {"beijing.ui_benefit_monthly_2019": value})
    code, out, err = evaluate_text(json.dumps(case), tmp_path)
    assert_bad(code, out, err, "parameters.beijing.ui_benefit_monthly_2019: ")
    assert expected in err


def test_override_item_named_by_its_path(example_case: dict[str, Any]) -> None:
    tiers = [{"min_placements": 200, "amount": "lots"}]
    with pytest.raises(BadCase) as info:
        evaluate_json(patched(example_case, "parameters", {"beijing.job_intro_service_subsidy_2020.tiers": tiers}))
    assert [p.path for p in info.value.problems] == [
        'parameters.beijing.job_intro_service_subsidy_2020.tiers[0]["amount"]'
    ]


def test_every_registry_value_is_a_valid_override() -> None:
    """The kinds derived from unit and values accept what the registry itself holds (as JSON gives it)."""
    from renshe.engine.parameters import override_problems

    reg = registry()
    for name, param in reg.parameters.items():
        for _, value in param.values:
            as_json = json.loads(json.dumps(value, default=str))
            assert override_problems(reg.parameters, {name: as_json}) == [], (name, value)


def test_good_overrides_still_change_the_answer(example_case: dict[str, Any]) -> None:
    good = {
        "henan.epidemic_end_date": "2020-06-30",
        "xinmi.flexible_employment_si_subsidy_2020.share": "1/2",
        "henan.guaranteed_loan_extension_2020.interest_subsidy_continues": False,
        "yongzhou.work_injury_base_rate.class_rates": [0.5] * 8,
    }
    body = evaluate_json(patched(example_case, "parameters", good))
    assert body["results"]


# ---- 4. no NaN or Infinity in any answer ---------------------------------------------------


def _cases() -> list[Any]:
    out = [pytest.param(build(p.values[2]), id=p.id) for p in load_cases()]
    out += [
        pytest.param(json.loads(f.read_text(encoding="utf-8"))["case"], id=f"{f.parent.name}/{f.stem}")
        for f in example_files()
    ]
    return out


def _finite(node: Any, where: str = "") -> list[str]:
    if isinstance(node, float) and not math.isfinite(node):
        return [where]
    if isinstance(node, dict):
        return [w for k, v in node.items() for w in _finite(v, f"{where}.{k}")]
    if isinstance(node, list):
        return [w for i, v in enumerate(node) for w in _finite(v, f"{where}[{i}]")]
    return []


@pytest.mark.parametrize("case", _cases())
def test_no_nan_or_infinity_in_any_answer(case: dict[str, Any]) -> None:
    """Every policy case's and every example's case, with every policy, explained; serialised as
    strict JSON (``allow_nan=False`` fails on NaN or Infinity anywhere)."""
    body = evaluate_json(copy.deepcopy(case), explain=True)
    rules = sorted({r["policy"] for r in body["results"] if _finite(r)})
    assert not rules and not _finite(body), f"NaN or Infinity from {rules}: {_finite(body)[:5]}"
    json.dumps(body, allow_nan=False, default=str)


@pytest.mark.parametrize("path", example_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_nan_or_infinity_on_the_polars_path(path: Path) -> None:
    """The examples as ``renshe evaluate`` computes them (one case, run by Polars)."""
    case = parse_case(json.loads(path.read_text(encoding="utf-8"))["case"])
    body = evaluate_case(case, explain=True, one_off=True)
    rules = sorted({r["policy"] for r in body["results"] if _finite(r)})
    assert not rules and not _finite(body), f"NaN or Infinity from {rules}: {_finite(body)[:5]}"
    json.dumps(body, allow_nan=False, default=str)


def test_a_simulation_refuses_a_parameter_of_the_wrong_kind(tmp_path: Path) -> None:
    """``renshe simulate --set`` checks values as a case's ``parameters`` are checked: exit 2, no traceback."""
    proc = run_cli(
        "simulate",
        str(tmp_path),
        "--as-of",
        "2020-07-31",
        "--set",
        "cn.si_relief_2020.halving_ratio=abc",
        "--out",
        str(tmp_path / "sim"),
    )
    assert proc.returncode == 2, proc.stderr
    assert "cn.si_relief_2020.halving_ratio" in proc.stderr and "Traceback" not in proc.stderr


def test_an_override_of_zero_as_a_divisor_gives_no_infinity() -> None:
    """A divisor overridden to 0 (月计薪天数) makes no ±inf or NaN amount: the amount is null."""
    from tests.policies.test_policy_cases import build

    case = build(
        {
            "base": "beijing_worker",
            "patch": {"person": {"quarantine_lawful": True, "contract_wage_monthly": 8700, "quarantine_paid_days": 14}},
        }
    )
    case["parameters"] = {"cn.stable_labour_quarantine_wage_2020.monthly_paid_days": 0}
    for body in (evaluate_json(case), evaluate_json(case, one_off=True)):
        json.dumps(body, allow_nan=False)
        result = {r["policy"]: r for r in body["results"]}["cn.stable_labour_quarantine_wage_2020"]
        assert result["amount"] is None
