"""Dated settings (设定): cited values of any unit read from a YAML file.

The rules' own parameters (``parameters.py``) are numbers for money rules; the
labour-market services also need dates, clock times, lists and areas. Each
setting still has dated values and the sentence that sets it::

    parameters:
      dispatch.cycle_days:
        description: 报送周期（天）
        unit: days
        values: {2020-02-28: 3}
        reference: {doc_no: …, article: 三（1）, quote: 每3天为一个周期…}
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from renshe.engine.parameters import Parameter
from renshe.engine.references import Reference


@cache
def load_settings(file: Path) -> dict[str, Parameter]:
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    out: dict[str, Parameter] = {}
    for name, spec in data["parameters"].items():
        where = f"{file.name}: {name}"
        if not isinstance(spec, dict) or "values" not in spec or "unit" not in spec:
            raise ValueError(f"{where}: needs 'unit' and 'values'")
        reference = Reference.from_mapping(spec.get("reference"), where)
        values = tuple(
            sorted(
                (
                    (k if isinstance(k, dt.date) else dt.date.fromisoformat(str(k)), v)
                    for k, v in spec["values"].items()
                ),
                key=lambda kv: kv[0],
            )
        )
        out[name] = Parameter(
            name=name,
            unit=str(spec["unit"]),
            values=values,
            reference=reference,
            description=str(spec.get("description", "")),
        )
    return out


def setting(settings: dict[str, Parameter], name: str, on: dt.date | None = None) -> Any:
    """The value in force on ``on`` (today by default); a day before the first value
    takes the first value, a day after the last change keeps the last value."""
    p = settings[name]
    day = on or dt.date.today()
    if day < p.values[0][0]:
        day = p.values[0][0]
    return p.value_at(day)
