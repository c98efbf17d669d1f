"""Monthly series (月度序列): long tables pivoted into per-unit columns, once per partition.

The rules read the contributions (fee month × insurance) and the insured headcounts
(by month) through the helpers of ``Calc`` (``sum_contributions``, ``months_mean``,
``month_value``, ``months_present``). Over long tables each helper call is one
group-by and one join; a partition of a registry staged with its series pivoted
(``pivot``: one column per value and cell, e.g. ``contributions|employer_due|2020-02|pension``,
and one row count per month, ``contributions|#rows|2020-02``) lets the same helpers add
columns instead. The helpers use a series only when the entity frame carries it;
a single case carries none and keeps the long tables (``engine.single``).

A table is pivoted only when each unit has at most one row per cell (its keys), so
that a cell holds that row's values: a row expression (``clip``, a month compared
with a bound) then gives on the cell what it gave on the row.
"""

from __future__ import annotations

import io
import json
from typing import Any

import polars as pl

#: the long tables that are pivoted, with their key columns (the cell of a row)
SERIES: dict[str, tuple[str, ...]] = {"contributions": ("month", "insurance"), "insured": ("month",)}
SEP = "|"
#: a series column's name has a table, a value and at least one key
MIN_PARTS = 3
#: the value name of a month's row count (rows of any cell of that month)
ROWS = "#rows"
#: the key that counts rows per month
MONTH = "month"
#: the unit key of an entity's rows (as ``calc.UNIT_KEY``, which imports this module)
UNIT_KEY = "_u"


def column(table: str, value: str, *keys: str) -> str:
    """The name of a series column: ``table|value|key…``."""
    return SEP.join((table, value, *keys))


def parse(name: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(table, value, keys) of a series column name, None for another column."""
    parts = name.split(SEP)
    if len(parts) < MIN_PARTS or parts[0] not in SERIES:
        return None
    return parts[0], parts[1], tuple(parts[2:])


def cells(schema: Any) -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """The series an entity frame carries: table → value → its cells' keys (in column order)."""
    out: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for name in schema:
        parsed = parse(name)
        if parsed is not None:
            table, value, keys = parsed
            out.setdefault(table, {}).setdefault(value, []).append(keys)
    return out


class NotUnique(ValueError):
    """A unit holds two rows of one cell: the table cannot be pivoted."""


def pivot(table: str, rows: pl.DataFrame, units: pl.Series, cell_list: list[tuple[str, ...]]) -> pl.DataFrame:
    """Per unit of ``units`` (``_u``, in their order): one column per value and cell of
    ``cell_list`` (null where the unit has no such row) and, per month, how many rows
    the unit has in that month. Raises ``NotUnique`` when a unit has two rows of one cell."""
    import numpy as np  # staging only: a one-case evaluation never pivots (cold start, benchmarks/cold_start.py)

    keys = SERIES[table]
    values = [c for c in rows.columns if c != UNIT_KEY and c not in keys]
    rows = rows.drop_nulls(list(keys))  # a row without its month or insurance is in no window
    n = units.len()
    unit_ids = units.to_numpy()
    position = np.full(int(unit_ids.max()) + 1 if n else 0, -1, dtype=np.int64)
    position[unit_ids] = np.arange(n)
    at = position[rows[UNIT_KEY].to_numpy()] if rows.height else np.zeros(0, dtype=np.int64)
    if (at < 0).any():
        raise ValueError(f"{table}: rows of units that are not in the partition")
    rows = rows.with_columns(pl.Series("__at", at))
    parts = (
        {tuple(str(k) for k in key): part for key, part in rows.partition_by(list(keys), as_dict=True).items()}
        if rows.height
        else {}
    )
    for part in parts.values():
        if part["__at"].n_unique() != part.height:
            raise NotUnique(table)
    out = [pl.Series(UNIT_KEY, units)]
    for value in values:
        dtype = rows.schema[value]
        for cell in cell_list:
            column_ = pl.repeat(None, n, dtype=dtype, eager=True).alias(column(table, value, *cell))
            found = parts.get(cell)
            out.append(column_ if found is None or not n else column_.scatter(found["__at"], found[value]))
    month_of = keys.index(MONTH)
    for month in sorted({cell[month_of] for cell in cell_list}):
        at_month = [parts[cell]["__at"].to_numpy() for cell in cell_list if cell[month_of] == month and cell in parts]
        hits = np.concatenate(at_month) if at_month else np.zeros(0, dtype=np.int64)
        out.append(pl.Series(column(table, ROWS, month), np.bincount(hits, minlength=n).astype(np.uint32)))
    return pl.DataFrame(out)


# ---- a row expression over one cell ----------------------------------------------------
def _node(expr: pl.Expr) -> Any:
    return json.loads(expr.meta.serialize(format="json"))


def _substituted(node: Any, mapping: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if len(node) == 1 and "Column" in node and node["Column"] in mapping:
            return mapping[node["Column"]]
        return {k: _substituted(v, mapping) for k, v in node.items()}
    if isinstance(node, list):
        return [_substituted(v, mapping) for v in node]
    return node


def on_cell(expr: pl.Expr, columns: dict[str, str], literals: dict[str, str]) -> pl.Expr:
    """``expr`` (written over a long table's row) over one cell: the row's value columns
    read from the cell's series ``columns``, its key columns as the cell's ``literals``."""
    mapping: dict[str, Any] = {name: {"Column": col} for name, col in columns.items()}
    mapping.update({name: _node(pl.lit(value)) for name, value in literals.items()})
    node = _substituted(_node(expr), mapping)
    return pl.Expr.deserialize(io.StringIO(json.dumps(node)), format="json")
