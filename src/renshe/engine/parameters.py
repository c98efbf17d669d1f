"""Parameters (参数): every number a rule uses, with dated values, a unit and its citation.

A parameter file is YAML::

    cn.si_relief_2020.exemption_ratio:
      description: 中小微企业免征比例
      unit: ratio
      values:
        2020-02-01: 1.0
      reference: {article: 一, quote: 免征中小微企业三项社会保险单位缴费部分}

``values`` maps the date a value takes effect to the value (a number, a
string, a list, or null where the seeds give no default and the case or the
bureau must set it). ``value_at(as_of)`` returns the value in force.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from renshe.engine.references import Reference

UNITS = {
    "CNY", "CNY/month", "CNY/person", "CNY/day", "CNY/year", "ratio", "percent", "permille",
    "months", "month", "days", "day", "date", "persons", "count", "years", "code", "insurance",
    "text", "flag",
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


class ParameterView:
    """The parameter values in force on one date, with a case's or a reform's overrides.

    Records which parameters a rule read, so that ``--explain`` can print them
    with their citations."""

    def __init__(self, parameters: dict[str, Parameter], as_of: dt.date, overrides: dict[str, Any] | None = None):
        self._parameters = parameters
        self.as_of = as_of
        self.overrides = dict(overrides or {})
        self.used: dict[str, dict[str, Any]] = {}

    def __call__(self, name: str) -> Any:
        param = self._parameters[name]
        if name in self.overrides:
            value = self.overrides[name]
            overridden = True
        else:
            value = param.value_at(self.as_of)
            overridden = False
        ref = param.reference_at(self.as_of)
        self.used[name] = {
            "name": name,
            "value": value,
            "unit": param.unit,
            "overridden": overridden,
            "citation": ref.full(),
        }
        return value

    @cached_property
    def key(self) -> str:
        """The overrides as a hashable key (plans are cached per date and overrides)."""
        return json.dumps(self.overrides, sort_keys=True, default=str, ensure_ascii=False)

    def fork(self) -> ParameterView:
        return ParameterView(self._parameters, self.as_of, self.overrides)
