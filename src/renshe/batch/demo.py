"""Synthetic demo registry (演示参保单位库): deterministic for a seed, realistic
mixes of sizes, unit types, regions (Hubei included), industries, 12+ months of
contributions and headcount histories, so users and benchmarks have data at any
scale.

    renshe demo registry --units 100000 --seed 1 --out data/demo

Made in chunks of :data:`CHUNK_UNITS` units, each with its own random stream
(``seed``, chunk number), every column drawn with numpy and assembled with
Polars (no per-row Python); each chunk is written out before the next is made,
so memory stays bounded whatever the number of units. The same seed gives the
same bytes.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import IO, Any

import numpy as np
import polars as pl
import yaml

from renshe.domain.identifiers import uscc_check_chars, uscc_rule
from renshe.engine.calc import month_range

HERE = Path(__file__).parent
Progress = Callable[[int, int], None]

#: units per chunk (one random stream and one part file per table each); fixed, so
#: a registry does not depend on anything but its size and seed
CHUNK_UNITS = 50_000
LONG_TABLES = ("insured", "si_additions", "contributions", "quarterly_profit")
#: rows of an xlsx worksheet, header included
XLSX_MAX_ROWS = 1_048_576


@cache
def mix() -> dict[str, Any]:
    return dict(yaml.safe_load((HERE / "data" / "demo_registry.yaml").read_text(encoding="utf-8")))


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int) -> tuple[list[str], np.ndarray]:
    """The keys and, for each of ``n`` rows, the index of its key drawn by weight."""
    keys = [str(k) for k in weights]
    p = np.array([weights[k] for k in weights], dtype=float)
    return keys, rng.choice(len(keys), size=n, p=p / p.sum()).astype(np.uint32)


def _take(values: list[str], index: np.ndarray, name: str = "") -> pl.Series:
    """``values[index]`` as a text column."""
    return pl.Series(name, values, dtype=pl.String).gather(pl.Series(index, dtype=pl.UInt32))


def _uscc(start: int, region_keys: list[str], region_i: np.ndarray) -> pl.Series:
    """Valid codes (GB 32100-2015): 91 + region + a base-31 serial (the unit's number), then
    the check character, computed on the digits' values with numpy."""
    rule = uscc_rule()
    n = len(region_i)
    value = np.zeros((n, rule.length - 1), dtype=np.int64)
    value[:, 0], value[:, 1] = rule.values["9"], rule.values["1"]
    value[:, 2:8] = np.array([[rule.values[c] for c in k] for k in region_keys], dtype=np.int64)[region_i]
    serial = np.arange(start, start + n, dtype=np.int64)
    for pos in range(rule.length - 2, 7, -1):
        value[:, pos] = serial % 31
        serial = serial // 31
    alphabet = np.frombuffer(rule.alphabet.encode("ascii"), dtype=np.uint8)
    chars = np.concatenate([alphabet[value], uscc_check_chars(value)[:, None]], axis=1)
    return pl.Series("uscc", np.ascontiguousarray(chars).view(f"S{rule.length}").ravel()).cast(pl.String)


def units_chunk(rng: np.random.Generator, start: int, n: int) -> tuple[pl.DataFrame, np.ndarray]:
    """``n`` units numbered from ``start``; also their employees (for the long tables)."""
    m = mix()
    region_keys, region_i = _pick(rng, m["regions"], n)
    regions = _take(region_keys, region_i, "region")
    employees = np.maximum(
        1, np.round(rng.lognormal(m["employees_lognormal"]["mean"], m["employees_lognormal"]["sigma"], n))
    )
    revenue = np.round(
        employees
        * rng.lognormal(m["revenue_per_employee_lognormal"]["mean"], m["revenue_per_employee_lognormal"]["sigma"], n),
        -2,
    )
    lo, hi = m["assets_to_revenue"]
    assets = np.round(revenue * rng.uniform(lo, hi, n), -2)
    beijing = np.array([k.startswith("11") for k in region_keys])[region_i]
    flag_cols = []
    for f, p in m["flags"].items():
        drawn = rng.random(n) < p
        if f == "capital_function":
            drawn &= beijing
        flag_cols.append(pl.when(pl.lit(pl.Series(drawn))).then(pl.lit(f)))
    flags = pl.select(pl.concat_str(flag_cols, separator=";", ignore_nulls=True).alias("flags")).to_series()
    type_keys, type_i = _pick(rng, m["unit_types"], n)
    industry_keys, industry_i = _pick(rng, m["industries"], n)
    numbers = pl.Series("number", np.arange(start + 1, start + n + 1, dtype=np.int64))
    frame = pl.DataFrame(
        {
            "uscc": _uscc(start, region_keys, region_i),
            "name": pl.select(pl.format("示例单位{}", pl.lit(numbers).cast(pl.String).str.zfill(8))).to_series(),
            "region": regions,
            "unit_type": _take(type_keys, type_i),
            "industry": _take(industry_keys, industry_i),
            "employees": employees,
            "revenue": revenue,
            "assets": assets,
            "state_owned": rng.random(n) < m["state_owned"],
            "flags": flags,
            "work_injury_class": rng.integers(1, m["work_injury_classes"] + 1, n),
            "finance_ui_contribution_months": rng.integers(
                m["ui_contribution_months"][0], m["ui_contribution_months"][1], n
            ),
            "finance_profit_tax_change_2019": np.round(
                rng.normal(m["profit_tax_change"]["mean"], m["profit_tax_change"]["sd"], n), 3
            ),
        }
    )
    return frame, employees


def _long(uscc: pl.Series, keys: dict[str, list[str]], values: dict[str, np.ndarray]) -> pl.DataFrame:
    """A long table of ``len(uscc)`` units × the product of the ``keys`` (unit-major, then the
    keys in order), with ``values`` of shape (units, *key lengths)."""
    n = uscc.len()
    shape = [len(v) for v in keys.values()]
    per_unit = int(np.prod(shape))
    cols: dict[str, pl.Series] = {"uscc": uscc.gather(pl.Series(np.repeat(np.arange(n, dtype=np.uint32), per_unit)))}
    inner = per_unit
    for name, labels in keys.items():
        inner //= len(labels)
        pattern = np.repeat(np.arange(len(labels), dtype=np.uint32), inner)
        cols[name] = _take(labels, np.tile(pattern, n * per_unit // len(pattern)), name)
    for name, v in values.items():
        cols[name] = pl.Series(name, v.reshape(-1))
    return pl.DataFrame(cols)


def long_tables(rng: np.random.Generator, units: pl.DataFrame, employees: np.ndarray) -> dict[str, pl.DataFrame]:
    m = mix()
    n = units.height
    uscc = units["uscc"]
    lo, hi = m["headcount_share"]
    base = np.maximum(1, np.round(employees * rng.uniform(lo, hi, n)))
    months = month_range(*m["insured_months"])
    steps = rng.normal(0, m["headcount_monthly_change_sd"], (n, len(months))).cumsum(axis=1)
    heads = np.maximum(0, np.round(base[:, None] * (1 + steps))).astype(np.int64)
    insured = _long(uscc, {"month": months}, {"headcount": heads})
    end_2019 = heads[:, months.index("2019-12")]
    attrition = rng.binomial(end_2019, m["attrition_rate"])
    adds = rng.poisson(base[:, None] * m["si_additions_mean"], (n, 2))
    si_additions = _long(uscc, {"month": ["2020-01", "2020-02"]}, {"count": adds})
    cmonths = month_range(*m["contribution_months"])
    insurances = list(m["employer_rates"])
    rates = np.array([m["employer_rates"][k] for k in insurances])
    wage = np.where(
        units["region"].str.starts_with("11").to_numpy(), m["monthly_wage"]["11"], m["monthly_wage"]["other"]
    )
    head_at = heads[:, [months.index(mo) if mo in months else len(months) - 1 for mo in cmonths]]
    due = np.round(head_at[:, :, None] * wage[:, None, None] * rates[None, None, :], 2)
    share = np.array(
        [
            1.0 if mo < "2020-02" else m["paid_share_feb_2020"] if mo == "2020-02" else m["paid_share_after_feb_2020"]
            for mo in cmonths
        ]
    )
    later = share < 1.0
    paid_mask = np.ones(due.shape, dtype=bool)
    paid_mask[:, later, :] = rng.random((n, int(later.sum()), len(insurances))) < share[later][None, :, None]
    contributions = _long(
        uscc,
        {"month": cmonths, "insurance": insurances},
        {"employer_due": due, "employer_paid": np.where(paid_mask, due, 0.0)},
    )
    q = m["quarterly_profit"]
    quarterly = _long(
        uscc,
        {"quarter": list(q["quarters"])},
        {"profit": np.round(rng.normal(q["mean"], q["sd"], (n, len(q["quarters"]))), 2)},
    )
    return {
        "insured": insured,
        "si_additions": si_additions,
        "contributions": contributions,
        "quarterly_profit": quarterly,
        "_units_extra": pl.DataFrame({"attrition_2019": attrition}),
    }


def chunk_tables(seed: int, index: int, n: int) -> dict[str, pl.DataFrame]:
    """Chunk ``index`` (units ``index * CHUNK_UNITS`` …) of the registry of ``seed``: every table."""
    rng = np.random.default_rng([seed, index])
    units, employees = units_chunk(rng, index * CHUNK_UNITS, n)
    tables = long_tables(rng, units, employees)
    units = pl.concat([units, tables.pop("_units_extra")], how="horizontal")
    return {"units": units, **tables}


def make_registry(
    units: int, seed: int, out: Path, fmt: str = "parquet", progress: Progress | None = None
) -> dict[str, int]:
    """Write a registry of ``units`` units to ``out`` (parquet: ``units.parquet`` and the long
    tables as folders of parts; csv: one file per table; xlsx: one workbook ``registry.xlsx``).
    Returns the rows written per table."""
    if fmt not in ("parquet", "csv", "xlsx"):
        raise ValueError(f"format {fmt!r} is not one of parquet, csv, xlsx")
    out.mkdir(parents=True, exist_ok=True)
    per_unit = {"units": 1, **{name: _rows_per_unit(name) for name in LONG_TABLES}}
    if fmt == "xlsx" and units * max(per_unit.values()) >= XLSX_MAX_ROWS:
        raise ValueError(f"an xlsx worksheet holds {XLSX_MAX_ROWS - 1:,} rows: {units:,} units need parquet or csv")
    tmp_units = out / ".units-parts"
    if fmt == "parquet":
        for name in (*LONG_TABLES, tmp_units.name):
            shutil.rmtree(out / name, ignore_errors=True)  # parts of an earlier, larger registry
            (out / name).mkdir()
    counts = dict.fromkeys(per_unit, 0)
    frames: dict[str, list[pl.DataFrame]] = {}
    csv_files: dict[str, IO[bytes]] = {}

    def write(index: int, tables: dict[str, pl.DataFrame]) -> None:
        for name, frame in tables.items():
            if fmt == "parquet":
                folder = tmp_units if name == "units" else out / name
                frame.write_parquet(folder / f"part-{index:05d}.parquet")
            elif fmt == "csv":
                if name not in csv_files:
                    csv_files[name] = (out / f"{name}.csv").open("wb")
                frame.write_csv(csv_files[name], include_header=index == 0)
            else:
                frames.setdefault(name, []).append(frame)

    # chunk i is written (Polars, without the GIL) while chunk i + 1 is drawn (numpy):
    # at most two chunks in memory
    writing: Future[None] | None = None
    try:
        with ThreadPoolExecutor(max_workers=1) as writer:
            for index, start in enumerate(range(0, units, CHUNK_UNITS)):
                tables = chunk_tables(seed, index, min(CHUNK_UNITS, units - start))
                for name, frame in tables.items():
                    counts[name] += frame.height
                if writing is not None:
                    writing.result()
                    if progress:
                        progress(start, units)
                writing = writer.submit(write, index, tables)
                del tables
            if writing is not None:
                writing.result()
    finally:
        for f in csv_files.values():
            f.close()
    if progress:
        progress(units, units)
    if fmt == "parquet":
        parts = sorted(tmp_units.glob("*.parquet"))
        if parts:
            pl.scan_parquet(parts).sink_parquet(out / "units.parquet")
        else:
            chunk_tables(seed, 0, 0)["units"].write_parquet(out / "units.parquet")
        shutil.rmtree(tmp_units)
    elif fmt == "xlsx":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(out / "registry.xlsx"))
        for name, chunks in frames.items():
            pl.concat(chunks).write_excel(workbook, worksheet=name)
        workbook.close()
    return counts


def _rows_per_unit(name: str) -> int:
    m = mix()
    if name == "insured":
        return len(month_range(*m["insured_months"]))
    if name == "si_additions":
        return 2
    if name == "contributions":
        return len(month_range(*m["contribution_months"])) * len(m["employer_rates"])
    return len(m["quarterly_profit"]["quarters"])
