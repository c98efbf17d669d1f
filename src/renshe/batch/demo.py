"""Synthetic demo registry (演示参保单位库): deterministic for a seed, realistic
mixes of sizes, unit types, regions (Hubei included), industries, 12+ months of
contributions and headcount histories, so users and benchmarks have data at any
scale.

    renshe demo registry --units 100000 --seed 1 --out data/demo
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml

from renshe.domain.identifiers import uscc_check_char_expr
from renshe.engine.calc import month_range

HERE = Path(__file__).parent
Progress = Callable[[int, int], None]


@cache
def mix() -> dict[str, Any]:
    return dict(yaml.safe_load((HERE / "data" / "demo_registry.yaml").read_text(encoding="utf-8")))


def _choice(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _uscc(start: int, n: int, regions: np.ndarray) -> pl.Series:
    """Valid codes: 91 + region + a base-31 serial, check character computed."""
    serial = np.arange(start, start + n, dtype=np.int64)
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    digits = []
    for _ in range(9):
        digits.append(serial % 31)
        serial = serial // 31
    body = ["".join(alphabet[d[i]] for d in reversed(digits)) for i in range(n)]
    first17 = pl.Series([f"91{r}{b}" for r, b in zip(regions, body, strict=True)])
    frame = pl.DataFrame({"f": first17}).select(pl.col("f") + uscc_check_char_expr(pl.col("f")))
    return frame["f"]


def units_chunk(rng: np.random.Generator, start: int, n: int) -> tuple[pl.DataFrame, np.ndarray]:
    m = mix()
    regions = _choice(rng, m["regions"], n)
    employees = np.maximum(1, np.round(rng.lognormal(m["employees_lognormal"]["mean"], m["employees_lognormal"]["sigma"], n)))
    revenue = np.round(employees * rng.lognormal(m["revenue_per_employee_lognormal"]["mean"],
                                                 m["revenue_per_employee_lognormal"]["sigma"], n), -2)
    lo, hi = m["assets_to_revenue"]
    assets = np.round(revenue * rng.uniform(lo, hi, n), -2)
    flags = []
    draws = {f: rng.random(n) < p for f, p in m["flags"].items()}
    for i in range(n):
        mine = [f for f, d in draws.items() if d[i] and (f != "capital_function" or regions[i].startswith("11"))]
        flags.append(";".join(mine))
    frame = pl.DataFrame({
        "uscc": _uscc(start, n, regions),
        "name": [f"示例单位{start + i + 1:08d}" for i in range(n)],
        "region": regions.astype(str),
        "unit_type": _choice(rng, m["unit_types"], n).astype(str),
        "industry": _choice(rng, m["industries"], n).astype(str),
        "employees": employees,
        "revenue": revenue,
        "assets": assets,
        "state_owned": rng.random(n) < m["state_owned"],
        "flags": flags,
        "work_injury_class": rng.integers(1, m["work_injury_classes"] + 1, n),
        "finance_ui_contribution_months": rng.integers(*m["ui_contribution_months"], n),
        "finance_profit_tax_change_2019": np.round(rng.normal(m["profit_tax_change"]["mean"], m["profit_tax_change"]["sd"], n), 3),
    })
    return frame, employees


def long_tables(rng: np.random.Generator, units: pl.DataFrame, employees: np.ndarray) -> dict[str, pl.DataFrame]:
    m = mix()
    n = units.height
    uscc = units["uscc"].to_numpy()
    lo, hi = m["headcount_share"]
    base = np.maximum(1, np.round(employees * rng.uniform(lo, hi, n)))
    months = month_range(*m["insured_months"])
    steps = rng.normal(0, m["headcount_monthly_change_sd"], (n, len(months))).cumsum(axis=1)
    heads = np.maximum(0, np.round(base[:, None] * (1 + steps))).astype(np.int64)
    insured = pl.DataFrame({"uscc": np.repeat(uscc, len(months)), "month": np.tile(months, n),
                            "headcount": heads.ravel()})
    end_2019 = heads[:, months.index("2019-12")]
    attrition = rng.binomial(end_2019, m["attrition_rate"])
    adds = rng.poisson(base[:, None] * m["si_additions_mean"], (n, 2))
    si_additions = pl.DataFrame({"uscc": np.repeat(uscc, 2), "month": np.tile(["2020-01", "2020-02"], n),
                                 "count": adds.ravel()})
    cmonths = month_range(*m["contribution_months"])
    rates = m["employer_rates"]
    wage = np.where(units["region"].str.starts_with("11").to_numpy(), m["monthly_wage"]["11"], m["monthly_wage"]["other"])
    head_at = {mo: heads[:, months.index(mo)] if mo in months else heads[:, -1] for mo in cmonths}
    rows_uscc, rows_month, rows_ins, rows_due, rows_paid = [], [], [], [], []
    for mo in cmonths:
        for ins, rate in rates.items():
            due = np.round(head_at[mo] * wage * rate, 2)
            if mo < "2020-02":
                paid = due
            elif mo == "2020-02":
                paid = np.where(rng.random(n) < m["paid_share_feb_2020"], due, 0.0)
            else:
                paid = np.where(rng.random(n) < m["paid_share_after_feb_2020"], due, 0.0)
            rows_uscc.append(uscc)
            rows_month.append(np.full(n, mo))
            rows_ins.append(np.full(n, ins))
            rows_due.append(due)
            rows_paid.append(paid)
    contributions = pl.DataFrame({
        "uscc": np.concatenate(rows_uscc), "month": np.concatenate(rows_month), "insurance": np.concatenate(rows_ins),
        "employer_due": np.concatenate(rows_due), "employer_paid": np.concatenate(rows_paid),
    }).sort("uscc", "month", "insurance")
    q = m["quarterly_profit"]
    quarterly = pl.DataFrame({"uscc": np.repeat(uscc, len(q["quarters"])), "quarter": np.tile(q["quarters"], n),
                              "profit": np.round(rng.normal(q["mean"], q["sd"], n * len(q["quarters"])), 2)})
    units_extra = pl.DataFrame({"attrition_2019": attrition})
    return {"insured": insured, "si_additions": si_additions, "contributions": contributions,
            "quarterly_profit": quarterly, "_units_extra": units_extra}


def make_registry(units: int, seed: int, out: Path, fmt: str = "parquet", progress: Progress | None = None) -> dict[str, int]:
    """Write a registry of ``units`` units to ``out`` (parquet: long tables as folders of parts;
    csv: one file per table; xlsx: one workbook ``registry.xlsx``)."""
    rng = np.random.default_rng(seed)
    chunk = int(mix()["chunk_units"])
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    frames: dict[str, list[pl.DataFrame]] = {}
    done = 0
    part = 0
    while done < units:
        n = min(chunk, units - done)
        u, employees = units_chunk(rng, done, n)
        tables = long_tables(rng, u, employees)
        u = pl.concat([u, tables.pop("_units_extra")], how="horizontal")
        tables = {"units": u, **tables}
        for name, frame in tables.items():
            counts[name] = counts.get(name, 0) + frame.height
            if fmt == "parquet" and name != "units":
                folder = out / name
                folder.mkdir(exist_ok=True)
                frame.write_parquet(folder / f"part-{part:05d}.parquet")
            else:
                frames.setdefault(name, []).append(frame)
        done += n
        part += 1
        if progress:
            progress(done, units)
    for name, parts in frames.items():
        frame = pl.concat(parts)
        if fmt == "parquet":
            frame.write_parquet(out / f"{name}.parquet")
        elif fmt == "csv":
            frame.write_csv(out / f"{name}.csv")
    if fmt == "xlsx":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(out / "registry.xlsx"))
        for name, parts in frames.items():
            pl.concat(parts).write_excel(workbook, worksheet=name)
        workbook.close()
    return counts
