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
    data = yaml.safe_load((HERE / "parameters.yaml").read_text(encoding="utf-8"))
    return parse_parameters(data["parameters"], "services/parameters.yaml", {"doc_no": data["document"]["doc_no"]})


def setting(name: str, on: dt.date | None = None) -> Any:
    return _parameters()[f"service.{name}"].value_at(on or dt.date.today())


def citation(name: str) -> dict[str, str]:
    return _parameters()[f"service.{name}"].reference.full()
