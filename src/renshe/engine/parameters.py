"""Parameters (参数): every number a rule uses, with dated values, a unit and its citation.

A parameter file is YAML::

    <rule id>.exemption_ratio:
      description: 中小微企业免征比例
      unit: ratio
      values:
        2020-02-01: 1.0
      reference: {article: 一, quote: 免征中小微企业三项社会保险单位缴费部分}

``values`` maps the date a value takes effect to the value (a number, a
string, a list, or null where the seeds give no default and the case or the
bureau must set it). ``value_at(as_of)`` returns the value in force.

A bureau's approved local standards (地方标准) lay an :class:`Overlay` over the
parameters: "these values, from these dates, cited to these local documents".
The overlay in force (``use_overlay``) is read by every :class:`ParameterView`
below a case's own overrides; a rule that reads a local value records its citation
(``used[name]["local"]``) so the result can show which local document supplied it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from renshe.engine.case import (
    EARLIEST_DATE,
    INSURANCES,
    LATEST_DATE,
    MAX_DAYS,
    MAX_MONEY,
    MAX_MONTHS,
    MAX_PERSONS,
    MONTH_RE,
    QUARTER_RE,
    Problem,
)
from renshe.engine.references import Reference

UNITS = {
    "CNY",
    "CNY/month",
    "CNY/person",
    "CNY/day",
    "CNY/year",
    "ratio",
    "percent",
    "permille",
    "months",
    "month",
    "days",
    "day",
    "date",
    "persons",
    "count",
    "years",
    "code",
    "insurance",
    "text",
    "flag",
}


class NotInForce(LookupError):
    """No value of the parameter is in force on the date asked."""


@dataclass(frozen=True)
class Parameter:
    name: str
    unit: str
    values: tuple[tuple[dt.date, Any], ...]
    reference: Reference
    description: str = ""
    value_references: dict[dt.date, Reference] = field(default_factory=dict)

    def value_at(self, as_of: dt.date) -> Any:
        current: Any = NotInForce
        for start, value in self.values:
            if start <= as_of:
                current = value
            else:
                break
        if current is NotInForce:
            raise NotInForce(f"{self.name}: no value in force on {as_of.isoformat()}")
        return current

    def reference_at(self, as_of: dt.date) -> Reference:
        chosen = self.reference
        for start, _ in self.values:
            if start <= as_of:
                chosen = self.value_references.get(start, self.reference)
        return chosen

    def is_numeric(self) -> bool:
        return any(isinstance(v, (int, float)) and not isinstance(v, bool) for _, v in self.values) or all(
            v is None for _, v in self.values
        )


def _as_date(key: Any, where: str) -> dt.date:
    if isinstance(key, dt.date):
        return key
    try:
        return dt.date.fromisoformat(str(key))
    except ValueError as exc:
        raise ValueError(f"{where}: value key {key!r} is not a date (YYYY-MM-DD)") from exc


def parse_parameters(data: dict[str, Any], where: str, doc_defaults: dict[str, Any]) -> dict[str, Parameter]:
    """Read the ``parameters`` mapping of a policy YAML file."""
    out: dict[str, Parameter] = {}
    for name, spec in (data or {}).items():
        here = f"{where}: parameter {name}"
        if not isinstance(spec, dict) or "values" not in spec or "unit" not in spec:
            raise ValueError(f"{here}: needs 'unit' and 'values'")
        if spec["unit"] not in UNITS:
            raise ValueError(f"{here}: unknown unit {spec['unit']!r}")
        reference = Reference.from_mapping(spec.get("reference"), here, doc_defaults)
        values: list[tuple[dt.date, Any]] = []
        value_refs: dict[dt.date, Reference] = {}
        for key, raw in spec["values"].items():
            start = _as_date(key, here)
            if isinstance(raw, dict) and "value" in raw:
                values.append((start, raw["value"]))
                if raw.get("reference"):
                    value_refs[start] = Reference.from_mapping(raw["reference"], f"{here} @{start}", reference.full())
            else:
                values.append((start, raw))
        values.sort(key=lambda kv: kv[0])
        out[name] = Parameter(
            name=name,
            unit=spec["unit"],
            values=tuple(values),
            reference=reference,
            description=str(spec.get("description", "")),
            value_references=value_refs,
        )
    return out


# ---- local standards (地方标准): an overlay of approved values with their citations ----------
@dataclass(frozen=True)
class LocalValue:
    """One approved local value of a parameter: in force from ``start`` to ``end`` (inclusive;
    None: until further notice), cited to the local document that set it."""

    name: str
    value: Any
    start: dt.date
    end: dt.date | None
    reference: Reference

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def as_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.name,
            "value": self.value,
            "from": self.start.isoformat(),
            "to": self.end.isoformat() if self.end else None,
            "citation": self.reference.full(),
        }


@dataclass(frozen=True)
class Overlay:
    """Approved local values over the parameter set (several per parameter for different dates)."""

    values: tuple[LocalValue, ...] = ()

    def at(self, name: str, day: dt.date) -> LocalValue | None:
        found = None
        for local in self.values:
            if local.name == name and local.covers(day):
                found = local  # the latest approved of any that overlap
        return found

    @cached_property
    def key(self) -> str:
        """Identity of the overlay (part of a plan's cache key); "" when empty."""
        if not self.values:
            return ""
        return json.dumps([v.as_dict() for v in self.values], sort_keys=True, default=str, ensure_ascii=False)

    def to_json(self) -> str:
        return json.dumps(
            {"local_standards": [v.as_dict() for v in self.values]}, ensure_ascii=False, indent=1, default=str
        )

    @classmethod
    def from_json(cls, text: str, where: str = "local standards") -> Overlay:
        """Read an overlay written by :meth:`to_json`; ``ValueError`` naming the entry and field."""
        try:
            data = json.loads(text) if text.strip() else {"local_standards": []}
        except json.JSONDecodeError as exc:
            raise ValueError(f"{where}: not JSON ({exc.msg}, line {exc.lineno})") from exc
        entries = data.get("local_standards") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ValueError(f"{where}: expected an object with a list 'local_standards'")
        values = []
        for i, entry in enumerate(entries):
            here = f"{where}: local_standards[{i}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("parameter"), str) or "value" not in entry:
                raise ValueError(f"{here}: needs 'parameter', 'value', 'from' and 'citation'")
            end = entry.get("to")
            values.append(
                LocalValue(
                    entry["parameter"],
                    entry["value"],
                    _as_date(entry.get("from"), here),
                    None if end is None else _as_date(end, here),
                    Reference.from_mapping(entry.get("citation"), here),
                )
            )
        return cls(tuple(values))

    def problems(self, parameters: dict[str, Parameter]) -> list[str]:
        """Unknown parameters and values not of the parameter's kind (as a case's overrides)."""
        out = [f"{v.name}: unknown parameter" for v in self.values if v.name not in parameters]
        for v in self.values:
            if v.name in parameters:
                out += [
                    f"{p.path.removeprefix('parameters.')}: {p.message}"
                    for p in override_problems(parameters, {v.name: v.value})
                ]
        return out


#: how a local value's unit is read in a reason
UNIT_WORDS = {
    "CNY": "元",
    "CNY/month": "元/月",
    "CNY/person": "元/人",
    "CNY/day": "元/天",
    "CNY/year": "元/年",
    "months": "个月",
    "month": "个月",
    "days": "天",
    "day": "天",
    "persons": "人",
    "years": "年",
}


def local_note(used: dict[str, Any]) -> str:
    """The reason a result gives for a local value it used: which local document supplied it."""
    local = used["local"]
    value = (
        json.dumps(used["value"], ensure_ascii=False, default=str)
        if isinstance(used["value"], (list, dict))
        else str(used["value"])
    )
    what = re.sub(r"（[^（）]*）$", "", local.get("description") or "") or used["name"]
    return (
        f"地方标准：{what}按 {value}{UNIT_WORDS.get(used['unit'], '')}（{used['name']}），"
        f"依据 {local['doc_no']} {local['article']}"
    )


_overlay = Overlay()
_overlay_lock = threading.Lock()


def current_overlay() -> Overlay:
    """The local standards in force in this process (empty unless :func:`use_overlay` set them)."""
    return _overlay


def use_overlay(overlay: Overlay) -> Overlay:
    """Put ``overlay`` in force for every evaluation of this process; returns the previous one."""
    global _overlay
    with _overlay_lock:
        previous, _overlay = _overlay, overlay
    return previous


@contextmanager
def overlay_in_force(overlay: Overlay) -> Iterator[None]:
    previous = use_overlay(overlay)
    try:
        yield
    finally:
        use_overlay(previous)


class ParameterView:
    """The parameter values in force on one date, with a case's or a reform's overrides
    over the local standards in force (``current_overlay``) over the registry's values.

    Records which parameters a rule read, so that ``--explain`` can print them
    with their citations."""

    def __init__(
        self,
        parameters: dict[str, Parameter],
        as_of: dt.date,
        overrides: dict[str, Any] | None = None,
        overlay: Overlay | None = None,
    ):
        self._parameters = parameters
        self.as_of = as_of
        self.overrides = dict(overrides or {})
        self.overlay = overlay if overlay is not None else current_overlay()
        self.used: dict[str, dict[str, Any]] = {}

    def __call__(self, name: str) -> Any:
        param = self._parameters[name]
        local = None
        if name in self.overrides:
            value = self.overrides[name]
            overridden = True
        else:
            local = self.overlay.at(name, self.as_of) if self.overlay.values else None
            value = param.value_at(self.as_of) if local is None else local.value
            overridden = False
        ref = param.reference_at(self.as_of) if local is None else local.reference
        self.used[name] = {
            "name": name,
            "value": value,
            "unit": param.unit,
            "overridden": overridden,
            "citation": ref.full(),
        }
        if local is not None:
            self.used[name]["local"] = {"description": param.description, **ref.full()}
        return value

    @cached_property
    def key(self) -> str:
        """The overrides (and local standards) as a hashable key (plans are cached per date and parameters)."""
        key = json.dumps(self.overrides, sort_keys=True, default=str, ensure_ascii=False)
        return key + self.overlay.key

    def fork(self) -> ParameterView:
        return ParameterView(self._parameters, self.as_of, self.overrides, self.overlay)


# ---- the type of an override (a case's ``parameters``) ----------------------------------------
# An override takes the place of a registry value in the rules, so it must be of the same kind:
# the kind is derived from the parameter's declared unit and the values the registry gives it
# (a number of CNY/month, a whole number of months, a date, a list of codes, a table of tiers…).
# A value of another kind would fail inside a rule (a traceback, a 500), or, being NaN, print NaN.

#: units counted in whole numbers where every registry value is whole (21.75 paid days is not)
WHOLE_UNITS = frozenset({"months", "month", "days", "day", "years", "persons", "count"})
#: validation limits, not policy numbers, shared with the case's fields (case.py): a duration of at
#: most a century keeps the rules' date arithmetic inside the calendar
DURATION_LIMITS = {
    "days": MAX_DAYS,
    "day": MAX_DAYS,
    "months": MAX_MONTHS,
    "month": MAX_MONTHS,
    "years": MAX_MONTHS // 12,
}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else f"{text[:24]}…({len(text)} characters)"


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


Found = list[tuple[str, str]]  # (path below the parameter, what is wrong; expected …)


@dataclass(frozen=True)
class _Number:
    unit: str
    whole: bool
    low: float
    high: float

    def expected(self) -> str:
        what = "a whole number" if self.whole else "a number"
        return f"{what} from {_bound(self.low)} to {_bound(self.high)} ({self.unit})"

    def check(self, value: Any, at: str = "") -> Found:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (self.whole and isinstance(value, float)):
            return [(at, f"{_shown(value)} is not valid; expected {self.expected()}")]
        if isinstance(value, float) and not math.isfinite(value):  # (an int of 400 digits is finite, and too large)
            return [(at, f"{_shown(value)} is not a finite number; expected {self.expected()}")]
        if value < self.low:
            what = "is a negative amount" if self.low == 0 else "is too small"
            return [(at, f"{_shown(value)} {what}; expected {self.expected()}")]
        if value > self.high:
            return [(at, f"{_shown(value)} is too large (超出合理范围); expected {self.expected()}")]
        return []


@dataclass(frozen=True)
class _Text:
    """A string: a date, a month, a quarter, a fraction ("2/3") or a code; ``choices`` if only some."""

    form: str  # "date" | "month" | "quarter" | "fraction" | "code"
    choices: tuple[str, ...] = ()

    def expected(self) -> str:
        if self.form == "date":
            return f"a date (YYYY-MM-DD) from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"
        if self.form == "month":
            return f"a month (YYYY-MM) from {EARLIEST_DATE:%Y-%m} to {LATEST_DATE:%Y-%m}"
        if self.form == "quarter":
            return "a quarter (YYYYQn, e.g. 2020Q1)"
        if self.form == "fraction":
            return 'a fraction written as a string, e.g. "2/3"'
        if self.choices:
            return "one of " + ", ".join(f'"{c}"' for c in self.choices)
        return "a string (a code)"

    def check(self, value: Any, at: str = "") -> Found:
        bad = [(at, f"{_shown(value)} is not valid; expected {self.expected()}")]
        if isinstance(value, dt.date) and self.form == "date":
            value = value.isoformat()
        if not isinstance(value, str):
            return bad
        if self.form == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return bad
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                return bad
            return [] if EARLIEST_DATE <= day <= LATEST_DATE else bad
        if self.form in ("month", "quarter"):
            pattern = MONTH_RE if self.form == "month" else QUARTER_RE
            ok = pattern.match(value) and EARLIEST_DATE.year <= int(value[:4]) <= LATEST_DATE.year
            return [] if ok else bad
        if self.form == "fraction":
            try:
                share = Fraction(value)
            except (ValueError, ZeroDivisionError):
                return bad
            return [] if 0 <= share <= 1 else bad
        if self.choices and value not in self.choices:
            return bad
        return []


@dataclass(frozen=True)
class _Flag:
    def expected(self) -> str:
        return "true or false (or 1 or 0)"

    def check(self, value: Any, at: str = "") -> Found:
        return (
            []
            if isinstance(value, bool) or (type(value) is int and value in (0, 1))
            else [(at, f"{_shown(value)} is not valid; expected {self.expected()}")]
        )


@dataclass(frozen=True)
class _List:
    """A list of items of one kind; ``length``: exactly that many (a rate per class, a window's first
    and last day or month); ``nonempty``: at least one (a table of tiers)."""

    item: Any
    length: int | None = None
    nonempty: bool = False

    def expected(self) -> str:
        count = f"{self.length} " if self.length is not None else "one or more " if self.nonempty else ""
        return f"a list of {count}items, each {self.item.expected()}"

    def check(self, value: Any, at: str = "") -> Found:
        if not isinstance(value, list):
            return [(at, f"{_shown(value)} is not valid; expected {self.expected()}")]
        if (self.length is not None and len(value) != self.length) or (self.nonempty and not value):
            return [(at, f"a list of {len(value)} items is not valid; expected {self.expected()}")]
        return [found for i, item in enumerate(value) for found in self.item.check(item, f"{at}[{i}]")]


@dataclass(frozen=True)
class _Object:
    """An object: fixed ``fields`` each of kind ``item`` (a tier), or any keys (a table of labels)."""

    item: Any
    fields: tuple[str, ...] = ()

    def expected(self) -> str:
        if self.fields:
            return "an object with " + ", ".join(f'"{f}"' for f in self.fields) + f", each {self.item.expected()}"
        return f"an object whose values are each {self.item.expected()}"

    def check(self, value: Any, at: str = "") -> Found:
        if not isinstance(value, dict) or (self.fields and sorted(value) != sorted(self.fields)):
            return [(at, f"{_shown(value)} is not valid; expected {self.expected()}")]
        return [found for key, item in value.items() for found in self.item.check(item, f'{at}["{key}"]')]


def _numbers(unit: str, samples: list[Any]) -> _Number:
    if unit == "years" and samples and all(type(v) is int and v > DURATION_LIMITS["years"] for v in samples):
        return _Number("calendar year", True, EARLIEST_DATE.year, LATEST_DATE.year)  # a year such as 2020
    if unit in DURATION_LIMITS:
        high: float = DURATION_LIMITS[unit]
    elif unit in ("persons", "count"):
        high = MAX_PERSONS
    else:
        high = MAX_MONEY
    whole = unit in WHOLE_UNITS and all(type(v) is int for v in samples)
    low = -high if any(v < 0 for v in samples) else 0
    return _Number(unit, whole, low, high)


def _text(unit: str, samples: list[Any]) -> _Text:
    strings = [v.isoformat() if isinstance(v, dt.date) else str(v) for v in samples]
    if unit == "date" or any(isinstance(v, dt.date) for v in samples):
        return _Text("date")
    if unit == "ratio":
        return _Text("fraction")
    if unit == "insurance":
        return _Text("code", INSURANCES)
    if (strings and all(MONTH_RE.match(s) for s in strings)) or (unit == "month" and not strings):
        return _Text("month")
    if strings and all(QUARTER_RE.match(s) for s in strings):
        return _Text("quarter")
    return _Text("code")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def override_kinds(param: Parameter) -> list[Any]:
    """The kinds of value an override of ``param`` may take (any one of them)."""
    samples = [v for _, v in param.values if v is not None]
    kinds: list[Any] = []
    if param.unit == "flag" or any(isinstance(v, bool) for v in samples):
        return [_Flag()]
    numbers = [v for v in samples if _is_number(v)]
    strings = [v for v in samples if isinstance(v, (str, dt.date))]
    lists = [v for v in samples if isinstance(v, list)]
    objects = [v for v in samples if isinstance(v, dict)]
    if numbers or (not samples and param.unit not in ("date", "month", "code", "text", "insurance")):
        kinds.append(_numbers(param.unit, numbers))
    if strings or (not samples and param.unit in ("date", "month", "code", "text", "insurance")):
        if param.unit == "ratio" and not numbers:
            kinds.append(_numbers(param.unit, []))  # a ratio written "2/3" may also be given as a number
        kinds.append(_text(param.unit, strings))
    if lists or (not samples and param.unit in ("code", "text", "insurance")):
        items = [x for v in lists for x in v]
        lengths = {len(v) for v in lists}
        if items and all(isinstance(x, dict) for x in items):
            fields = tuple(sorted({k for x in items for k in x}))
            tier = [y for x in items for y in x.values()]
            kinds.append(
                _List(_Object(_numbers(param.unit, [y for y in tier if _is_number(y)]), fields), nonempty=True)
            )
        elif items and all(_is_number(x) for x in items):
            kinds.append(_List(_numbers(param.unit, items), lengths.pop() if len(lengths) == 1 else None))
        else:
            item = (
                _Text("date")
                if (items and all(isinstance(x, dt.date) for x in items)) or param.unit == "date"
                else _text(param.unit, [x for x in items if isinstance(x, (str, dt.date))])
            )
            # two dates or two months are a window, its first and its last (month_range(*window))
            window = lengths == {2} and item.form in ("date", "month", "quarter")
            kinds.append(_List(item, 2 if window else None))
    if objects:
        values = [y for v in objects for y in v.values()]
        member = _numbers(param.unit, values) if values and all(_is_number(y) for y in values) else _Text("code")
        kinds.append(_Object(member))
    return kinds


def override_problems(parameters: dict[str, Parameter], overrides: dict[str, Any]) -> list[Problem]:
    """Problems for the overrides whose value is not of the parameter's kind, named
    ``parameters.<name>`` (or an item below it); unknown names are left to ``check_overrides``."""
    problems: list[Problem] = []
    for name, value in overrides.items():
        param = parameters.get(name)
        if param is None:
            continue
        nullable = any(v is None for _, v in param.values)
        if value is None and nullable:
            continue
        kinds = override_kinds(param)
        found = [k.check(value) for k in kinds]
        if any(not f for f in found):
            continue
        path = f"parameters.{name}"
        if len(kinds) == 1:
            problems.extend(Problem(path + at, message) for at, message in found[0])
        else:
            expected = " or ".join(k.expected() for k in kinds) + (" or null" if nullable else "")
            problems.append(Problem(path, f"{_shown(value)} is not valid; expected {expected}"))
    return problems
