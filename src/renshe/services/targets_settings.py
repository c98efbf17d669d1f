"""Parameters of targets and monitoring (targets_parameters.yaml), read like policy parameters."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from renshe.engine.parameters import Parameter, parse_parameters

HERE = Path(__file__).parent


@cache
def _parameters() -> dict[str, Parameter]:
    data = yaml.safe_load((HERE / "targets_parameters.yaml").read_text(encoding="utf-8"))
    return parse_parameters(
        data["parameters"], "services/targets_parameters.yaml", {"doc_no": data["document"]["doc_no"]}
    )


def parameter(name: str) -> Parameter:
    return _parameters()[name]


def value(name: str, on: dt.date | None = None) -> Any:
    return parameter(name).value_at(on or dt.date.today())


def exact(name: str, on: dt.date | None = None) -> Fraction:
    """The value as an exact fraction (0.055 → 11/200), for comparisons exactly at a line."""
    return Fraction(str(value(name, on)))


def citation(name: str) -> dict[str, str]:
    return parameter(name).reference.full()


def all_parameters(on: dt.date | None = None) -> list[dict[str, Any]]:
    return [
        {
            "name": p.name,
            "value": p.value_at(on or dt.date.today()),
            "unit": p.unit,
            "description": p.description,
            "reference": p.reference.full(),
        }
        for p in _parameters().values()
    ]
