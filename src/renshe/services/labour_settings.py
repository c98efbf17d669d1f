"""Parameters of the labour-market services, read from ``labour_parameters.yaml``.

Each parameter has dated values and a citation (doc_no, article, quote), like the
policy parameters; units here include m² and lists (``engine/settings.py`` reads them).
The dispatch settings (``dispatch.*``) are read by rules too and live beside them in
``policies/beijing/dispatch_settings.yaml``."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

from renshe.engine.parameters import Parameter
from renshe.engine.settings import load_settings, setting
from renshe.policies.beijing import _dispatch_schedule as schedule

HERE = Path(__file__).parent
FILE = HERE / "labour_parameters.yaml"


@cache
def _parameters() -> dict[str, Parameter]:
    # the dispatch schedule and screening lines are read by rules too, so they live with them
    return {**load_settings(FILE), **schedule.settings()}


def param(name: str, on: dt.date | None = None) -> Any:
    """The value of ``name`` in force on ``on``; a date after the last change keeps the last value."""
    return setting(_parameters(), name, on)


def citation(name: str) -> dict[str, str]:
    return _parameters()[name].reference.full()


def described(name: str, on: dt.date | None = None) -> dict[str, Any]:
    p = _parameters()[name]
    return {
        "name": name,
        "description": p.description,
        "unit": p.unit,
        "value": param(name, on),
        "citation": p.reference.full(),
    }


def all_parameters() -> dict[str, Parameter]:
    return _parameters()
