"""Registry files (参保单位登记库的文件): where each table of a registry is, and its rows
as raw text. The file layer under both readers of a registry — the batch
(``renshe.batch.registry`` validates and stages the tables) and the employment
monitoring service (``renshe.services.monitoring`` reads ``units`` and ``insured``) —
so that neither depends on the other.

A registry is a directory holding ``units``, ``contributions``, ``insured`` and
optionally ``si_additions`` and ``quarterly_profit`` as Parquet, CSV or xlsx files
(``units.parquet``, ``contributions.csv``…, or a directory of Parquet parts), or one
xlsx workbook with sheets of those names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

FORMATS = (".parquet", ".csv", ".xlsx")
TABLES = ("units", "contributions", "insured", "si_additions", "quarterly_profit")
REQUIRED_TABLES = ("units",)


class RegistryError(ValueError):
    """The registry cannot be read at all (missing units table, unreadable file)."""


@dataclass
class Source:
    name: str
    path: Path
    sheet: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name}:{self.sheet}" if self.sheet else self.path.name


def find_sources(path: Path) -> dict[str, Source]:
    """Which file (or workbook sheet) holds each table."""
    if not path.exists():
        raise RegistryError(f"{path}: no such file or directory")
    found: dict[str, Source] = {}
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise RegistryError(f"{path}: a registry is a directory or an .xlsx workbook")
        from openpyxl import load_workbook

        sheets = load_workbook(path, read_only=True).sheetnames
        for name in TABLES:
            if name in sheets:
                found[name] = Source(name, path, sheet=name)
    else:
        for name in TABLES:
            folder = path / name
            if folder.is_dir() and any(folder.glob("*.parquet")):
                found[name] = Source(name, folder)
                continue
            for ext in FORMATS:
                candidate = path / f"{name}{ext}"
                if candidate.exists():
                    found[name] = Source(name, candidate)
                    break
    for name in REQUIRED_TABLES:
        if name not in found:
            raise RegistryError(f"{path}: the registry has no {name} table ({', '.join(name + e for e in FORMATS)})")
    return found


def scan(source: Source) -> pl.LazyFrame:
    """The raw table with every column as text, plus ``_row`` (data rows from 1)."""
    p = source.path
    if source.sheet is not None or p.suffix == ".xlsx":
        frame = pl.read_excel(p, sheet_name=source.sheet or source.name, infer_schema_length=0)
        lf = frame.lazy()
    elif p.suffix == ".csv":
        lf = pl.scan_csv(p, infer_schema=False, encoding="utf8")
    elif p.is_dir():
        lf = pl.scan_parquet(sorted(p.glob("*.parquet")))
    else:
        lf = pl.scan_parquet(p)
    return lf.with_row_index("_row", offset=1)
