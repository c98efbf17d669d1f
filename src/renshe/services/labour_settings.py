"""Parameters of the labour-market services, read from ``labour_parameters.yaml``.

Each parameter has dated values and a citation (doc_no, article, quote), like the
policy parameters; units here include m² and lists, so they are read by this small
loader rather than the engine's (whose unit list is for money rules)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from renshe.engine.parameters import Parameter
from renshe.engine.references import Reference

HERE = Path(__file__).parent
FILE = HERE / "labour_parameters.yaml"


@cache
def _parameters() -> dict[str, Parameter]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    out: dict[str, Parameter] = {}
    for name, spec in data["parameters"].items():
        where = f"services/labour_parameters.yaml: {name}"
        if not isinstance(spec, dict) or "values" not in spec or "unit" not in spec:
            raise ValueError(f"{where}: needs 'unit' and 'values'")
        reference = Reference.from_mapping(spec.get("reference"), where)
        values = tuple(sorted(((k if isinstance(k, dt.date) else dt.date.fromisoformat(str(k)), v)
                               for k, v in spec["values"].items()), key=lambda kv: kv[0]))
        out[name] = Parameter(name=name, unit=str(spec["unit"]), values=values, reference=reference,
                              description=str(spec.get("description", "")))
    return out


def param(name: str, on: dt.date | None = None) -> Any:
    """The value of ``name`` in force on ``on``; a date after the last change keeps the last value."""
    p = _parameters()[name]
    day = on or dt.date.today()
    if day < p.values[0][0]:
        day = p.values[0][0]
    return p.value_at(day)


def citation(name: str) -> dict[str, str]:
    return _parameters()[name].reference.full()


def described(name: str, on: dt.date | None = None) -> dict[str, Any]:
    p = _parameters()[name]
    return {"name": name, "description": p.description, "unit": p.unit, "value": param(name, on),
            "citation": p.reference.full()}


def all_parameters() -> dict[str, Parameter]:
    return dict(_parameters())
