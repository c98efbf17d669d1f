"""Parameters of the training and employment programmes and the public-institution desk,
read from ``programmes_parameters.yaml`` (dated values with the sentence that sets them)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from renshe.engine.settings import load_settings, setting

FILE = Path(__file__).parent / "programmes_parameters.yaml"


def param(name: str, on: dt.date | None = None) -> Any:
    """The value of ``name`` in force on ``on`` (today by default)."""
    return setting(load_settings(FILE), name, on)


def citation(name: str) -> dict[str, str]:
    return load_settings(FILE)[name].reference.full()
