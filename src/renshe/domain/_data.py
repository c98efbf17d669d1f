"""Loader for the YAML data files of :mod:`renshe.domain` (数据文件).

Every threshold, weight table and date the domain rules use lives in a YAML
file in ``renshe/domain/data/`` together with its ``reference`` (document
number, article, source).  This module reads each file once per process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).with_name("data")


def data_files() -> list[Path]:
    """All YAML data files of the domain package (数据文件清单), sorted by name."""
    return sorted(DATA_DIR.glob("*.yaml"))


@cache
def load(name: str) -> dict[str, Any]:
    """Parse ``data/<name>.yaml`` once and return its top-level mapping.

    The result is shared between callers: treat it as read-only.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (DATA_DIR / f"{name}.yaml").open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=loader)
    if not isinstance(data, dict):
        raise TypeError(f"data/{name}.yaml: expected a mapping at the top level")
    return data
