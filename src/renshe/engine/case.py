"""The case (案例) — the evaluation contract's input, validated strictly.

Every problem is reported as ``Problem(path, message)`` with the JSON path first,
e.g. ``enterprise.contributions[3].month: "2020-13" is not a month (YYYY-MM)``.
See ``../shared/spec/interface.md`` for the field meanings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from renshe.domain import identifiers, industries, regions, size

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
QUARTER_RE = re.compile(r"^\d{4}Q[1-4]$")

UNIT_TYPES = ("enterprise", "individual_business", "private_non_enterprise", "social_group",
              "public_institution", "government_agency")
INSURANCES = ("pension", "unemployment", "work_injury", "medical", "maternity")
SIZES = ("large", "medium", "small", "micro")
FLAGS = (
    "capital_function", "restricted_list", "serious_dishonesty", "epidemic_affected", "severe_difficulty",
    "epidemic_supplies_producer", "job_stabilisation_plan", "hard_hit_industry_confirmed",
    "receives_job_stabilisation_subsidy",
)


def _problem(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _month(value: str) -> str:
    if not MONTH_RE.match(value):
        raise _problem("month", f'"{value}" is not a month (YYYY-MM)')
    return value


def _quarter(value: str) -> str:
    if not QUARTER_RE.match(value):
        raise _problem("quarter", f'"{value}" is not a quarter (YYYYQn, e.g. 2020Q1)')
    return value


def _checked(check: Any, what: str) -> Any:
    def validate(value: str) -> str:
        problem = check(value)
        if problem:
            raise _problem(what, f'"{value}" is not a valid {what}: {problem}')
        return value

    return validate


def _id_number(value: str) -> str:
    normal = identifiers.normalise_id_number(value)
    problem = identifiers.problem_with_id_number(normal)
    if problem:
        raise _problem("id_number", f'"{value}" is not a valid resident ID number: {problem}')
    return normal


Month = Annotated[str, AfterValidator(_month)]
Quarter = Annotated[str, AfterValidator(_quarter)]
Uscc = Annotated[str, AfterValidator(_checked(identifiers.problem_with_uscc, "unified social credit code"))]
Region = Annotated[str, AfterValidator(_checked(regions.problem_with_region, "region code (GB/T 2260)"))]
Industry = Annotated[str, AfterValidator(_checked(industries.problem_with_industry, "industry code (GB/T 4754-2017)"))]
IdNumber = Annotated[str, AfterValidator(_id_number)]
Money = Annotated[float, Field(ge=0)]
Persons = Annotated[int, Field(ge=0)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Contribution(Strict):
    month: Month
    insurance: Literal["pension", "unemployment", "work_injury", "medical", "maternity"]
    employer_due: Money
    employer_paid: Money


class Finance(Strict):
    profit_tax_change_2019: float | None = None
    quarterly_profit: dict[Quarter, float] = Field(default_factory=dict)
    ui_contribution_months: Persons | None = None


class Enterprise(Strict):
    uscc: Uscc | None = None
    name: str | None = None
    region: Region
    unit_type: Literal[
        "enterprise", "individual_business", "private_non_enterprise", "social_group",
        "public_institution", "government_agency",
    ] = "enterprise"
    industry: Industry | None = None
    employees: Money | None = None
    revenue: Money | None = None
    assets: Money | None = None
    size: Literal["large", "medium", "small", "micro"] | None = None
    state_owned: bool = False
    flags: list[Literal[FLAGS]] = Field(default_factory=list)  # type: ignore[valid-type]
    insured: dict[Month, Persons] = Field(default_factory=dict)
    attrition_2019: Persons | None = None
    si_additions: dict[Month, Persons] = Field(default_factory=dict)
    contributions: list[Contribution] = Field(default_factory=list)
    finance: Finance | None = None
    eligible_new_hires_12m: Persons | None = None
    work_injury_class: Annotated[int, Field(ge=1, le=8)] | None = None
    construction_project: bool = False
    contract_value: Money | None = None


class Days(Strict):
    direct_contact: Persons = 0
    other_frontline: Persons = 0


class Person(Strict):
    id_number: IdNumber | None = None
    name: str | None = None
    region: Region
    work_years: Money | None = None
    groups: list[str] = Field(default_factory=list)
    days: Days | None = None


class Placement(Strict):
    enterprise_uscc: Uscc
    count: Persons


class Agency(Strict):
    uscc: Uscc | None = None
    name: str | None = None
    region: Region
    placements: list[Placement] = Field(default_factory=list)


class Loan(Strict):
    applicant: Literal["individual", "partnership", "enterprise"]
    partners: Annotated[int, Field(ge=1)] | None = None


class Case(Strict):
    as_of: dt.date
    parameters: dict[str, float | int | str | list[float] | None] = Field(default_factory=dict)
    enterprise: Enterprise | None = None
    person: Person | None = None
    agency: Agency | None = None
    loan: Loan | None = None


# ---- problems -------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    path: str
    message: str

    def line(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class BadCase(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.line() for p in problems))
        self.problems = problems


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("[key]",):
            continue
        elif isinstance(part, str) and (MONTH_RE.match(part) is None and not part.isidentifier()):
            out += f'["{part}"]'
        elif isinstance(part, str) and MONTH_RE.match(part):
            out += f'["{part}"]'
        else:
            out += ("." if out else "") + str(part)
    return out


_EXPECT = {
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "string_type": "expected a string",
    "dict_type": "expected an object",
    "list_type": "expected a list",
    "model_type": "expected an object",
    "date_type": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)",
    "date_from_datetime_inexact": "expected a date (YYYY-MM-DD)",
}


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    given = err.get("input")
    shown = json.dumps(given, ensure_ascii=False) if not isinstance(given, (dict, list)) else type(given).__name__
    if kind == "extra_forbidden":
        return "unknown field; expected only the fields of the case format (interface.md)"
    if kind == "missing":
        return "required field is missing"
    if kind in ("greater_than_equal", "greater_than"):
        limit = err.get("ctx", {}).get("ge", err.get("ctx", {}).get("gt"))
        what = "negative amount" if limit == 0 else "too small"
        return f"{shown} is a {what}; expected a number ≥ {limit}"
    if kind in ("less_than_equal", "less_than"):
        limit = err.get("ctx", {}).get("le", err.get("ctx", {}).get("lt"))
        return f"{shown} is too large; expected a number ≤ {limit}"
    if kind in ("literal_error", "enum"):
        expected = err.get("ctx", {}).get("expected", "")
        return f"{shown} is not allowed; expected one of {expected}"
    if kind in _EXPECT:
        return f"{shown} is not valid; {_EXPECT[kind]}"
    if kind in ("json_invalid",):
        return f"invalid JSON: {err.get('ctx', {}).get('error', err['msg'])}"
    return str(err["msg"])


def parse_case(raw: str | bytes | dict[str, Any]) -> Case:
    """Validate a case given as JSON text or a decoded object; raise ``BadCase``."""
    if isinstance(raw, (str, bytes)):
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadCase([Problem("", f"invalid JSON: {exc}")]) from exc
    else:
        data = raw
    if not isinstance(data, dict):
        raise BadCase([Problem("", "the case must be a JSON object with as_of and enterprise/person/agency/loan")])
    try:
        case = Case.model_validate_json(json.dumps(data, ensure_ascii=False), strict=True)
    except ValidationError as exc:
        problems = [Problem(_path(tuple(e["loc"])), _message(e)) for e in exc.errors()]
        raise BadCase(problems) from None
    problems = consistency_problems(case)
    if problems:
        raise BadCase(problems)
    return case


def consistency_problems(case: Case) -> list[Problem]:
    """Problems that involve more than one field (each still named by its path)."""
    out: list[Problem] = []
    if not any((case.enterprise, case.person, case.agency)):
        out.append(Problem("", "the case names no enterprise, person or agency; expected at least one"))
    e = case.enterprise
    if e is not None and e.industry and e.size is None and size.industry_class(e.industry) is None \
            and not e.industry.startswith("J"):
        out.append(Problem(
            "enterprise.industry",
            f'"{e.industry}" is a section that the size standard splits (工信部联企业〔2011〕300号); '
            "expected a 2–4 digit division code (e.g. F52, G54, H62, I65, K7020) or enterprise.size",
        ))
    loan = case.loan
    if loan is not None:
        needs = "enterprise" if loan.applicant == "enterprise" else "person"
        if getattr(case, needs) is None:
            out.append(Problem("loan.applicant", f"a loan with applicant {loan.applicant!r} needs the {needs} object"))
        if loan.applicant == "partnership" and loan.partners is None:
            out.append(Problem("loan.partners", "required for a partnership loan (number of partners, ≥ 1)"))
    return out
