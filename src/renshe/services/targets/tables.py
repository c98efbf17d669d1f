"""Shipped target tables (目标任务分解表): YAML files beside this module, transcribed
from the documents (e.g. ``xinmi-2020.yaml`` — the attachment of 新密政〔2020〕4号)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from renshe.engine.catalog import implements

HERE = Path(__file__).parent


class UnknownTable(KeyError):
    pass


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    unit: str


@dataclass(frozen=True)
class TargetTable:
    """A table of targets: one row per responsible unit, one column per kind of target."""

    name: str
    title: str
    year: int
    doc_no: str
    region: str | None
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, tuple[float | int | None, ...]], ...]
    total: tuple[float | int | None, ...] | None
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def column_sums(self) -> list[float | int]:
        return [sum(v[i] or 0 for _, v in self.rows) for i in range(len(self.columns))]

    def discrepancies(self) -> list[str]:
        """Columns whose unit rows do not add up to the printed total (empty when they all do)."""
        if self.total is None:
            return []
        out = []
        for col, summed, printed in zip(self.columns, self.column_sums(), self.total, strict=True):
            if printed is not None and summed != printed:
                out.append(f"{col.header}：各单位合计 {summed}，表中合计 {printed}，相差 {summed - printed}")
        return out

    def as_json(self) -> dict[str, Any]:
        """``{"name", "year", "columns", "rows": [{"unit", <column>: <number>}], "total"}``."""
        keys = [c.key for c in self.columns]
        return {
            "name": self.name,
            "year": self.year,
            "columns": keys,
            "rows": [{"unit": unit, **dict(zip(keys, values, strict=True))} for unit, values in self.rows],
            "total": dict(zip(keys, self.total, strict=True)) if self.total is not None else None,
        }


def _number(value: Any, where: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}: “{value}”不是数字")
    return value


def parse(data: dict[str, Any], where: str) -> TargetTable:
    columns = tuple(Column(c["key"], c["header"], c.get("unit", "persons")) for c in data["columns"])
    rows = []
    for i, row in enumerate(data["rows"], start=1):
        if len(row) != len(columns) + 1:
            raise ValueError(
                f"{where}: 第 {i} 行应有 {len(columns) + 1} 项（单位 + {len(columns)} 列），实有 {len(row)} 项"
            )
        rows.append((str(row[0]), tuple(_number(v, f"{where} 第 {i} 行") for v in row[1:])))
    total = data.get("total")
    return TargetTable(
        name=str(data["name"]),
        title=str(data["title"]),
        year=int(data["year"]),
        doc_no=str(data.get("doc_no", "")),
        region=str(data["region"]) if data.get("region") else None,
        columns=columns,
        rows=tuple(rows),
        total=tuple(_number(v, f"{where} 合计") for v in total) if total is not None else None,
        meta={k: v for k, v in data.items() if k not in ("columns", "rows", "total")},
    )


def names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.yaml"))


@cache
@implements(
    "xinmi.employment_targets_2020",
    "xinmi.target_new_urban_jobs_2020",
    "xinmi.target_unemployed_reemployed_2020",
    "xinmi.target_hard_to_employ_employed_2020",
    "xinmi.target_rural_labour_transferred_2020",
    "xinmi.target_guaranteed_loans_2020",
    "xinmi.target_unemployed_skills_training_2020",
    "xinmi.target_rural_labour_skills_training_2020",
    "xinmi.target_returnee_startup_coaching_2020",
    "xinmi.target_return_to_countryside_startups_2020",
    "xinmi.target_sandan_linkage_training_2020",
    tests=["tests/targets/test_table.py::test_every_row_matches_the_seed_cell_by_cell"],
)
def load(name: str) -> TargetTable:
    path = HERE / f"{name}.yaml"
    if "/" in name or "\\" in name or not path.exists():
        raise UnknownTable(f"没有名为 {name} 的目标表（可用：{'、'.join(names())}）")
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
