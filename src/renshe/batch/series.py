"""The staged monthly series (月度序列): each partition's contributions and insured
headcounts pivoted once at staging into one column per cell (``engine.series``), so
that the rules' helpers add columns instead of grouping and joining the long tables.

Written to ``_work/series/<table>/part-<k>.parquet`` (``_u`` in the partition's unit
order, then the cells of the whole stage in one order: every partition has the same
columns, so one plan serves them all). A table with a unit holding two rows of one cell
(two rows of one month and insurance) gets no series: its rules read the long table.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from renshe.batch.store import Store
from renshe.engine import series
from renshe.engine.calc import UNIT_KEY
from renshe.engine.case import Enterprise
from renshe.engine.population import dated_facts, layout, with_fact_bounds

FOLDER = "series"
#: the folder of the staged fact bounds, beside the series
BOUNDS = "_bounds"


def series_rel(table: str, part: int) -> str:
    return f"{FOLDER}/{table}/part-{part:05d}.parquet"


def _rows(work: Path, table: str, part: int) -> pl.DataFrame | None:
    folder = work / "tables" / table / f"_part={part}"
    files = sorted(folder.glob("*.parquet")) if folder.exists() else []
    return pl.read_parquet(files) if files else None


def _columns(table: str, values: list[str], cells: list[tuple[str, ...]]) -> list[str]:
    months = sorted({cell[series.SERIES[table].index(series.MONTH)] for cell in cells})
    return [
        UNIT_KEY,
        *[series.column(table, v, *cell) for v in values for cell in cells],
        *[series.column(table, series.ROWS, m) for m in months],
    ]


def stage_series(work_url: str, parts: int) -> None:
    """Pivot the series tables of every partition of a staged registry (after the
    units and long tables are staged)."""
    store = Store(work_url)
    tables = layout(Enterprise).tables
    with store.reading("units.parquet", "tables") as r, store.writing() as w:
        units = pl.read_parquet(r / "units.parquet", columns=["_part", "_u"])
        for table, keys in series.SERIES.items():
            schema = tables[table]
            values = [c for c in schema if c != UNIT_KEY and c not in keys]
            written: list[Path] = []
            union: set[tuple[str, ...]] = set()
            unique = True
            for part in range(parts):
                rows = _rows(r, table, part)
                rows = (
                    pl.DataFrame(schema=schema)
                    if rows is None
                    else rows.select([pl.col(c).cast(t) for c, t in schema.items()])
                )
                clean = rows.drop_nulls(list(keys))
                cells = sorted({tuple(str(v) for v in row) for row in clean.select(keys).unique().iter_rows()})
                ids = units.filter(pl.col("_part") == part)["_u"].cast(pl.UInt32)
                try:
                    wide = series.pivot(table, rows, ids, cells)
                except series.NotUnique:
                    unique = False
                    break
                union |= set(cells)
                target = w / series_rel(table, part)
                target.parent.mkdir(parents=True, exist_ok=True)
                wide.write_parquet(target)
                written.append(target)
            if not unique:
                for target in written:
                    target.unlink()
                continue
            # every partition with the stage's cells, in one order (absent cells: null, no rows)
            names = _columns(table, values, sorted(union))
            for target in written:
                frame = pl.read_parquet(target)
                if frame.columns == names:
                    continue
                frame.select(
                    pl.col(n)
                    if n in frame.columns
                    else pl.lit(0, dtype=pl.UInt32).alias(n)
                    if series.parse(n)[1] == series.ROWS  # type: ignore[index]
                    else pl.lit(None, dtype=schema[series.parse(n)[1]]).alias(n)  # type: ignore[index]
                    for n in names
                ).write_parquet(target)


def stage_bounds(work_url: str, parts: int) -> None:
    """Each partition's fact bounds (``population.with_fact_bounds``: the first and last
    month or quarter of each dated table per unit), computed once at staging so that a
    run reads no long table only for them."""
    store = Store(work_url)
    lay = layout(Enterprise)
    _, dated = dated_facts("enterprise")
    with store.reading("units.parquet", "tables") as r, store.writing() as w:
        units = pl.read_parquet(r / "units.parquet", columns=["_part", "_u"])
        for part in range(parts):
            ids = pl.DataFrame({UNIT_KEY: units.filter(pl.col("_part") == part)["_u"].cast(pl.UInt32)})
            tables = {}
            for table, _ in dated:
                rows = _rows(r, table, part)
                schema = lay.tables[table]
                tables[table] = (
                    pl.DataFrame(schema=schema)
                    if rows is None
                    else rows.select([pl.col(c).cast(t) for c, t in schema.items()])
                )
            target = w / series_rel(BOUNDS, part)
            target.parent.mkdir(parents=True, exist_ok=True)
            with_fact_bounds("enterprise", ids, tables).write_parquet(target)


def series_paths(work: Path, part: int) -> list[Path]:
    """The partition's staged series and fact bounds (each ``_u`` first, in the partition's unit order)."""
    return [path for table in (*series.SERIES, BOUNDS) if (path := work / series_rel(table, part)).exists()]
