"""The case (案例) — the evaluation contract's input, validated strictly.

Every problem is reported as ``Problem(path, message)`` with the JSON path first,
e.g. ``enterprise.contributions[3].month: "2020-13" is not a month (YYYY-MM)``.
See ``../shared/spec/interface.md`` for the field meanings.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic_core import ErrorDetails, PydanticCustomError

from renshe.domain import identifiers, industries, regions, size

MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
QUARTER_RE = re.compile(r"^\d{4}Q[1-4]$")

# ---- plausibility limits (validation limits, not policy numbers) ----------------------------
# A number or a date beyond them is a typo or a unit slip (分 typed for 元, a year typed 9999),
# never a fact: refusing it names the field, where letting it through would overflow the rules'
# date arithmetic or print absurd money. Every number and date field below is bounded through
# its type (Money, Persons, DayCount, Date…; tests/cli/test_bad_numbers.py finds any left bare),
# NaN and Infinity are refused everywhere (``parse_case``), and parameter overrides are checked
# against the registry by ``parameters.override_problems``.

#: ten trillion yuan (十万亿元): above any Chinese enterprise's annual revenue (the largest are
#: about 3e12) and any relief amount; below it a yuan amount still keeps its fen exact in a
#: float (15 significant digits)
MAX_MONEY = 1e13
#: ten million persons (一千万人): above the workforce of any employer (the largest have about
#: 1.5 million) and any placement or training count
MAX_PERSONS = 10_000_000
#: a span of time of at most a century, in days or in months (years fall well within it): a longer
#: one is a typo, and would carry the rules' date arithmetic past the calendar (year 9999)
MAX_DAYS = 36_600
MAX_MONTHS = 1_200
#: a rate, as a ratio or a percent (费率、缴存比例), is never above 100
MAX_RATE = 100
#: no record a relief case cites predates 1950 (as for disputes, services/disputes.py); 2100
#: leaves room for deadlines, contract ends and the months people retire
EARLIEST_DATE = dt.date(1950, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)

UNIT_TYPES = (
    "enterprise",
    "individual_business",
    "private_non_enterprise",
    "social_group",
    "public_institution",
    "government_agency",
)
INSURANCES = ("pension", "unemployment", "work_injury", "medical", "maternity")
SIZES = ("large", "medium", "small", "micro")


def _problem(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _month(value: str) -> str:
    if not MONTH_RE.match(value):
        raise _problem("month", f'"{value}" is not a month (YYYY-MM)')
    if not EARLIEST_DATE.year <= int(value[:4]) <= LATEST_DATE.year:
        raise _problem(
            "month_range",
            f'"{value}" is outside the months a case can hold (月份超出范围); '
            f"expected a month from {EARLIEST_DATE:%Y-%m} to {LATEST_DATE:%Y-%m}",
        )
    return value


def _quarter(value: str) -> str:
    if not QUARTER_RE.match(value):
        raise _problem("quarter", f'"{value}" is not a quarter (YYYYQn, e.g. 2020Q1)')
    if not EARLIEST_DATE.year <= int(value[:4]) <= LATEST_DATE.year:
        raise _problem(
            "quarter_range",
            f'"{value}" is outside the quarters a case can hold (季度超出范围); '
            f"expected a quarter from {EARLIEST_DATE.year}Q1 to {LATEST_DATE.year}Q4",
        )
    return value


def _date(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise _problem(
            "date_range",
            f'"{value.isoformat()}" is outside the dates a case can hold (日期超出范围); '
            f"expected a date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}",
        )
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
#: a date from EARLIEST_DATE to LATEST_DATE
Date = Annotated[dt.date, AfterValidator(_date)]
#: yuan (and the few other non-negative quantities the case format gives in the same type: m², hours)
Money = Annotated[float, Field(ge=0, le=MAX_MONEY)]
#: a profit, or a change in it, that may be negative
SignedAmount = Annotated[float, Field(ge=-MAX_MONEY, le=MAX_MONEY)]
#: persons (and other whole counts that are not spans of time)
Persons = Annotated[int, Field(ge=0, le=MAX_PERSONS)]
#: a count of at least one (partners of a loan)
AtLeastOne = Annotated[int, Field(ge=1, le=MAX_PERSONS)]
#: whole days (of quarantine, of care, of delay); days that may be fractional (leave taken in half days)
DayCount = Annotated[int, Field(ge=0, le=MAX_DAYS)]
DaySpan = Annotated[float, Field(ge=0, le=MAX_DAYS)]
#: whole months, or whole years (of contributions, of a contract, a child's age); at least one month
MonthCount = Annotated[int, Field(ge=0, le=MAX_MONTHS)]
MonthsAtLeastOne = Annotated[int, Field(ge=1, le=MAX_MONTHS)]
#: months or years that may be fractional (work_years 12.5, a span of 1.5 months)
Span = Annotated[float, Field(ge=0, le=MAX_MONTHS)]
#: a headcount that may be an average (从业人员 as a yearly average), so not necessarily whole
Headcount = Annotated[float, Field(ge=0, le=MAX_PERSONS)]
Rate = Annotated[float, Field(ge=0, le=MAX_RATE)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


# ---- the core case, and the facts the documents declare beside it ---------------------------
# The engine holds what many documents share: the subjects (enterprise, person, agency, loan,
# bureau), who and where they are, the kind of unit, the size facts, contributions and headcounts
# — the contract's fields (interface.md). Every other fact is declared by the policy document that
# reads it, beside its rules (policies/<jurisdiction>/<document>.py), as OpenFisca declares
# variables per entity::
#
#     class PersonFacts(Facts, entity="person"):
#         <fact>: DayCount | None = None  # <rule id that reads it>
#
# ``rules.registry()`` assembles them into the case model when the rules load: ``Enterprise``,
# ``Person``, ``Agency``, ``Bureau``, ``Case`` and ``FLAGS`` of this module are the assembled ones
# (read on first use, see ``__getattr__`` below), ``case_models()`` gives them all.

#: the flags of the contract (interface.md); a document adds the ones it reads (``Facts(flags=…)``)
CORE_FLAGS = (
    "capital_function",
    "restricted_list",
    "serious_dishonesty",
    "epidemic_affected",
    "severe_difficulty",
    "epidemic_supplies_producer",
    "job_stabilisation_plan",
    "hard_hit_industry_confirmed",
    "receives_job_stabilisation_subsidy",
)
#: the subjects a document may declare facts of
SUBJECTS = ("enterprise", "person", "agency", "bureau")


class Contribution(Strict):
    month: Month
    insurance: Literal["pension", "unemployment", "work_injury", "medical", "maternity"]
    employer_due: Money
    employer_paid: Money


class Finance(Strict):
    profit_tax_change_2019: SignedAmount | None = None
    quarterly_profit: dict[Quarter, SignedAmount] = Field(default_factory=dict)
    ui_contribution_months: MonthCount | None = None


class EnterpriseCore(Strict):
    model_config = ConfigDict(defer_build=True)  # validated only as the assembled model (``assemble``)
    uscc: Uscc | None = None
    name: str | None = None
    region: Region
    unit_type: Literal[
        "enterprise",
        "individual_business",
        "private_non_enterprise",
        "social_group",
        "public_institution",
        "government_agency",
    ] = "enterprise"
    industry: Industry | None = None
    employees: Headcount | None = None
    revenue: Money | None = None
    assets: Money | None = None
    size: Literal["large", "medium", "small", "micro"] | None = None
    state_owned: bool = False
    #: the assembled model lists every declared flag (``FLAGS``)
    flags: list[Literal[CORE_FLAGS]] = Field(default_factory=list)  # type: ignore[valid-type]
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
    direct_contact: DayCount = 0
    other_frontline: DayCount = 0


class PersonCore(Strict):
    model_config = ConfigDict(defer_build=True)  # validated only as the assembled model (``assemble``)
    id_number: IdNumber | None = None
    name: str | None = None
    region: Region
    work_years: Span | None = None
    groups: list[str] = Field(default_factory=list)
    days: Days | None = None


class Placement(Strict):
    enterprise_uscc: Uscc
    count: Persons


class AgencyCore(Strict):
    model_config = ConfigDict(defer_build=True)  # validated only as the assembled model (``assemble``)
    uscc: Uscc | None = None
    name: str | None = None
    region: Region
    placements: list[Placement] = Field(default_factory=list)


class BureauCore(Strict):
    model_config = ConfigDict(defer_build=True)  # validated only as the assembled model (``assemble``)
    region: Region


#: the bureau's description in the schema; the ids of the measures whose subject it is follow
BUREAU_NOTE = "A province's or city's fund, for the measures whose subject is the fund itself"


class Loan(Strict):
    applicant: Literal["individual", "partnership", "enterprise"]
    partners: AtLeastOne | None = None


class CaseCore(Strict):
    model_config = ConfigDict(defer_build=True)  # validated only as the assembled model (``assemble``)
    as_of: Date
    #: any JSON value here; its type is checked against the parameter's unit and registry values
    #: (``parameters.override_problems``, called by the calculator)
    parameters: dict[str, Any] = Field(default_factory=dict)
    enterprise: EnterpriseCore | None = None
    person: PersonCore | None = None
    agency: AgencyCore | None = None
    loan: Loan | None = None
    bureau: BureauCore | None = None


_declared: list[type[Facts]] = []


class Facts:
    """The facts of one subject that a policy document reads, declared beside its rules::

        class EnterpriseFacts(Facts, entity="enterprise", flags=("<flag>",)):
            <fact>: Money | None = None  # <rule id that reads it>

    Each annotated name becomes a field of the subject in the case model, typed and bounded as
    written (the types of this module); it needs a default, since no document may make a case
    without it invalid. ``flags`` adds confirmations to ``enterprise.flags``. A fact is declared
    once, by one document; any rule may read it."""

    entity: ClassVar[str]
    flags: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, *, entity: str, flags: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if entity not in SUBJECTS:
            raise ValueError(f"{cls.__module__}.{cls.__name__}: entity must be one of {SUBJECTS}, not {entity!r}")
        if flags and entity != "enterprise":
            raise ValueError(f"{cls.__module__}.{cls.__name__}: flags are the enterprise's")
        cls.entity = entity
        cls.flags = tuple(flags)
        _declared.append(cls)

    @classmethod
    def fields(cls) -> dict[str, tuple[Any, Any]]:
        """The declared facts as ``{name: (type, default or FieldInfo)}``."""
        out = {}
        for name, annotation in inspect.get_annotations(cls, eval_str=True).items():
            if name not in cls.__dict__:
                raise ValueError(f"{cls.__module__}.{cls.__name__}.{name}: a fact needs a default (None, False, [] …)")
            out[name] = (annotation, cls.__dict__[name])
        return out


def declared_in(module: str) -> list[type[Facts]]:
    """The fact declarations of one module, in the order they are written."""
    return [f for f in _declared if f.__module__ == module]


@dataclass(frozen=True)
class CaseModels:
    """The case model assembled from the core and the documents' facts."""

    Case: type[CaseCore]
    Enterprise: type[EnterpriseCore]
    Person: type[PersonCore]
    Agency: type[AgencyCore]
    Bureau: type[BureauCore]
    FLAGS: tuple[str, ...]
    #: where each fact was declared: ``{"enterprise.<fact>": "renshe.policies.<jurisdiction>.<document>"}``
    origins: dict[str, str]


def assemble(declarations: list[type[Facts]], bureau_rules: tuple[str, ...] = ()) -> CaseModels:
    """The case model: the core subjects with every declared fact (in the order declared) and
    every declared flag. A fact declared twice, or over a core field, is refused."""
    cores: dict[str, type[Strict]] = {
        "enterprise": EnterpriseCore,
        "person": PersonCore,
        "agency": AgencyCore,
        "bureau": BureauCore,
    }
    fields: dict[str, dict[str, tuple[Any, Any]]] = {s: {} for s in SUBJECTS}
    origins: dict[str, str] = {}
    flags = list(CORE_FLAGS)
    for decl in declarations:
        here = f"{decl.__module__}.{decl.__name__}"
        for name, spec in decl.fields().items():
            path = f"{decl.entity}.{name}"
            if name in cores[decl.entity].model_fields or path in origins:
                raise ValueError(f"{here}: {path} is already declared ({origins.get(path, 'the core case')})")
            fields[decl.entity][name] = spec
            origins[path] = decl.__module__
        for flag in decl.flags:
            if flag in flags:
                raise ValueError(
                    f"{here}: flag {flag!r} is already declared ({origins.get('flag.' + flag, 'the core case')})"
                )
            flags.append(flag)
            origins["flag." + flag] = decl.__module__
    all_flags = tuple(flags)
    fields["enterprise"]["flags"] = (list[Literal[all_flags]], Field(default_factory=list))  # type: ignore[valid-type]
    notes = {"bureau": f"{BUREAU_NOTE}\n({', '.join(bureau_rules)})." if bureau_rules else f"{BUREAU_NOTE}."}
    made: dict[str, Any] = {
        subject: create_model(
            subject.capitalize(),
            __base__=cores[subject],
            __module__=__name__,
            __doc__=notes.get(subject),
            **fields[subject],
        )  # type: ignore[call-overload]
        for subject in SUBJECTS
    }
    subjects: dict[str, Any] = {  # each subject optional in a case
        "enterprise": (made["enterprise"] | None, None),
        "person": (made["person"] | None, None),
        "agency": (made["agency"] | None, None),
        "loan": (Loan | None, None),
        "bureau": (made["bureau"] | None, None),
    }
    case = create_model("Case", __base__=CaseCore, __module__=__name__, **subjects)
    return CaseModels(case, made["enterprise"], made["person"], made["agency"], made["bureau"], all_flags, origins)


def case_models() -> CaseModels:
    """The assembled case model (the rules' registry assembles it when it loads)."""
    from renshe.engine.rules import registry

    return registry().case_models


if TYPE_CHECKING:  # the assembled models, as a type checker sees them
    Case = CaseCore
    Enterprise = EnterpriseCore
    Person = PersonCore
    Agency = AgencyCore
    Bureau = BureauCore
    FLAGS: tuple[str, ...]
else:

    def __getattr__(name: str) -> Any:
        """``Enterprise``, ``Person``, ``Agency``, ``Bureau``, ``Case`` and ``FLAGS``: the assembled ones."""
        if name in CaseModels.__dataclass_fields__ and name != "origins":
            return getattr(case_models(), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
        elif (isinstance(part, str) and (MONTH_RE.match(part) is None and not part.isidentifier())) or (
            isinstance(part, str) and MONTH_RE.match(part)
        ):
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

#: NaN, Infinity and -Infinity (and a number too large for a float, such as 1e400, which reads as Infinity)
NOT_FINITE = "is not a finite number (NaN and Infinity are refused; 1e400 reads as Infinity)"


def _limit(value: Any) -> str:
    """A bound as written in a message: 10000000000000, not 1e+13 or 10000000000000.0."""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _message(err: ErrorDetails) -> str:
    kind = err["type"]
    given = err.get("input")
    shown = json.dumps(given, ensure_ascii=False) if not isinstance(given, (dict, list)) else type(given).__name__
    if len(shown) > 40:  # a number of 400 digits
        shown = f"{shown[:24]}…({len(shown)} characters)"
    if kind == "extra_forbidden":
        return "unknown field; expected only the fields of the case format (interface.md)"
    if kind == "missing":
        return "required field is missing"
    if kind in ("greater_than_equal", "greater_than"):
        limit = err.get("ctx", {}).get("ge", err.get("ctx", {}).get("gt"))
        what = "a negative amount" if limit == 0 else "too small"
        return f"{shown} is {what}; expected a number ≥ {_limit(limit)}"
    if kind in ("less_than_equal", "less_than"):
        limit = err.get("ctx", {}).get("le", err.get("ctx", {}).get("lt"))
        return f"{shown} is too large (超出合理范围); expected a number ≤ {_limit(limit)}"
    if kind == "finite_number":
        return f"{shown} {NOT_FINITE}; expected a number"
    if kind in ("literal_error", "enum"):
        expected = err.get("ctx", {}).get("expected", "")
        return f"{shown} is not allowed; expected one of {expected}"
    if kind in _EXPECT:
        return f"{shown} is not valid; {_EXPECT[kind]}"
    if kind in ("json_invalid",):
        return f"invalid JSON: {err.get('ctx', {}).get('error', err['msg'])}"
    return str(err["msg"])


def _shown_path(loc: tuple[Any, ...]) -> str:
    """A problem's path; a parameter override is named ``parameters.<name>`` (as when unknown)."""
    if len(loc) >= 2 and loc[0] == "parameters" and isinstance(loc[1], str):
        rest = _path(loc[2:])
        return f"parameters.{loc[1]}" + ("." + rest if rest and not rest.startswith("[") else rest)
    return _path(loc)


def _not_finite(data: Any) -> list[tuple[Any, ...]]:
    """Where the decoded JSON holds NaN or ±Infinity (Python's JSON reader accepts them, and reads
    1e400 as Infinity): the locations, in document order."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:  # not recursive: JSON nested as deep as the reader allows is still walked
        loc, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            out.append(loc)
        elif isinstance(value, dict):
            stack.extend(((*loc, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in reversed(list(enumerate(value))))
    return out


def parse_case(raw: str | bytes | dict[str, Any]) -> Case:
    """Validate a case given as JSON text or a decoded object; raise ``BadCase``."""
    if isinstance(raw, (str, bytes)):
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadCase([Problem("", f"invalid JSON: {exc}")]) from exc
        except ValueError as exc:  # an integer of more than 4300 digits
            raise BadCase([Problem("", f"invalid JSON: {exc}")]) from exc
        except RecursionError as exc:
            raise BadCase([Problem("", "invalid JSON: nested too deeply")]) from exc
    else:
        data = raw
    if not isinstance(data, dict):
        raise BadCase([Problem("", "the case must be a JSON object with as_of and enterprise/person/agency/loan")])
    # NaN and ±Infinity are refused wherever they stand, each named once with what the field expects;
    # in parameter overrides by ``parameters.override_problems``, which knows what each one expects
    bad_numbers = [loc for loc in _not_finite(data) if loc[:1] != ("parameters",)]
    problems: list[Problem] = []
    named: set[tuple[Any, ...]] = set()
    try:
        case = case_models().Case.model_validate_json(json.dumps(data, ensure_ascii=False), strict=True)
    except ValidationError as exc:
        for e in exc.errors():
            loc = tuple(e["loc"])
            bad = next((b for b in bad_numbers if loc[: len(b)] == b), None)
            if bad is None:
                problems.append(Problem(_shown_path(loc), _message(e)))
            elif bad not in named:
                named.add(bad)
                problems.append(
                    Problem(_path(bad), _not_finite_message(_value_of(data, bad), e if loc == bad else None))
                )
    except RecursionError as exc:
        raise BadCase([Problem("", "invalid JSON: nested too deeply")]) from exc
    problems += [
        Problem(_path(b), _not_finite_message(_value_of(data, b), None)) for b in bad_numbers if b not in named
    ]
    if problems:
        raise BadCase(problems)
    problems = consistency_problems(case)
    if problems:
        raise BadCase(problems)
    return case


def _not_finite_message(shown: str, err: ErrorDetails | None) -> str:
    """NaN or ±Infinity where the field (``err``: pydantic's error there) expects something."""
    kind = err["type"] if err else "finite_number"
    if kind in _EXPECT:
        return f"{shown} {NOT_FINITE}; {_EXPECT[kind]}"
    if kind in ("finite_number", "greater_than_equal", "less_than_equal"):
        return f"{shown} {NOT_FINITE}; expected a number"
    return _message(err) if err else f"{shown} {NOT_FINITE}"


def _value_of(data: Any, loc: tuple[Any, ...]) -> str:
    for part in loc:
        data = data[part]
    return json.dumps(data)  # NaN, Infinity or -Infinity


def consistency_problems(case: Case) -> list[Problem]:
    """Problems that involve more than one field (each still named by its path)."""
    out: list[Problem] = []
    if not any((case.enterprise, case.person, case.agency, case.bureau)):
        out.append(Problem("", "the case names no enterprise, person or agency; expected at least one"))
    e = case.enterprise
    if (
        e is not None
        and e.industry
        and e.size is None
        and size.industry_class(e.industry) is None
        and not e.industry.startswith("J")
    ):
        out.append(
            Problem(
                "enterprise.industry",
                f'"{e.industry}" is a section that the size standard splits (工信部联企业〔2011〕300号); '
                "expected a 2–4 digit division code (e.g. F52, G54, H62, I65, K7020) or enterprise.size",
            )
        )
    loan = case.loan
    if loan is not None:
        needs = "enterprise" if loan.applicant == "enterprise" else "person"
        if getattr(case, needs) is None:
            out.append(Problem("loan.applicant", f"a loan with applicant {loan.applicant!r} needs the {needs} object"))
        if loan.applicant == "partnership" and loan.partners is None:
            out.append(Problem("loan.partners", "required for a partnership loan (number of partners, ≥ 1)"))
    return out
