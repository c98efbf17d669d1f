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

import codecs
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from renshe.engine import registry_headers

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
    check_headers(found)
    return found


def headers(source: Source) -> list[str]:
    """A table's column names as the file has them (its first row; nothing else read)."""
    p = source.path
    if source.sheet is not None or p.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(p, read_only=True)
        try:
            first = next(book[source.sheet or source.name].iter_rows(max_row=1, values_only=True), ())
        finally:
            book.close()
        return [str(v) for v in first if v is not None]
    return _raw(source).collect_schema().names()


def check_headers(found: dict[str, Source]) -> None:
    """Every table's headers understood and its required columns there, before anything
    runs: otherwise one RegistryError naming every such column (registry_headers)."""
    try:
        problems = [p for src in found.values() for p in registry_headers.problems(src.name, headers(src), src.label)]
    except registry_headers.HeaderError as exc:
        raise RegistryError(str(exc)) from None
    if problems:
        raise RegistryError("；".join(problems))


#: bytes of a CSV file looked at to tell UTF-8 from the GB 18030 (GBK) that Excel writes in China
ENCODING_PROBE = 1 << 20


def _is_utf8(path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(ENCODING_PROBE)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _raw(source: Source) -> pl.LazyFrame:
    p = source.path
    if source.sheet is not None or p.suffix == ".xlsx":
        return pl.read_excel(p, sheet_name=source.sheet or source.name, infer_schema_length=0).lazy()
    if p.suffix == ".csv" and not _is_utf8(p):  # a bureau's export saved as GBK: read as GB 18030
        try:
            text = p.read_bytes().decode("gb18030")
        except UnicodeDecodeError:
            raise RegistryError(f"{p.name}: 文件编码既不是 UTF-8 也不是 GBK（GB 18030），请另存为 UTF-8 CSV") from None
        return pl.read_csv(io.BytesIO(text.encode("utf-8")), infer_schema=False).lazy()
    if p.suffix == ".csv":
        return pl.scan_csv(p, infer_schema=False, encoding="utf8")
    if p.is_dir():
        return pl.scan_parquet(sorted(p.glob("*.parquet")))
    return pl.scan_parquet(p)


def scan(source: Source) -> pl.LazyFrame:
    """The table with every column as text (Parquet: as stored), under the registry's
    column names (the bureau's headers and values normalised: registry_headers), plus
    ``_row`` (data rows from 1)."""
    return registry_headers.normalise(_raw(source), source.name).with_row_index("_row", offset=1)
