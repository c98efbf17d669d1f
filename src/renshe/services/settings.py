"""Service-desk parameters (time limits, windows), read like policy parameters."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from renshe.engine.parameters import Parameter, parse_parameters

HERE = Path(__file__).parent


@cache
def _parameters() -> dict[str, Parameter]:
    out: dict[str, Parameter] = {}
    for name in ("parameters.yaml", "security_parameters.yaml"):
        data = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
        out |= parse_parameters(data["parameters"], f"services/{name}", {"doc_no": data["document"]["doc_no"]})
    return out


def setting(name: str, on: dt.date | None = None) -> Any:
    return _parameters()[f"service.{name}"].value_at(on or dt.date.today())


def citation(name: str) -> dict[str, str]:
    return _parameters()[f"service.{name}"].reference.full()
