"""Quantities several documents define the same way (one definition, many citations)."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc, exact


def layoff_rate(c: Calc, base_month: str, year_end_month: str) -> pl.Expr:
    """裁员率 r = 1 − (insured at year end + natural attrition) / insured a year before.

    r ≤ 0 counts as no layoff (the rate is floored at 0). Null when data is missing."""
    base = c.month_value("insured", base_month, "headcount")
    end = c.month_value("insured", year_end_month, "headcount")
    r = 1 - (end + pl.col("attrition_2019")) / base
    return pl.when(base > 0).then(exact(r.clip(lower_bound=0.0)))


def months_of_benefit(c: Calc, benefit_parameter: str, label: str, months: int, headcount: pl.Expr) -> None:
    """稳岗返还 by the benefit standard: months × monthly unemployment benefit × insured
    headcount. A standard the seeds do not print (no default) leaves the amount
    pending, with a reason naming the parameter to set."""
    benefit = c.p(benefit_parameter)
    if benefit is None:
        c.amount(pl.lit(None, dtype=pl.Float64))
        c.note(f"参数 {benefit_parameter}（{label}）未设定，金额待核定")
        return
    c.amount(pl.lit(months) * pl.lit(float(benefit)) * headcount)
    c.note(pl.format("返还 {} 个月 × {} 元 × {} 人", pl.lit(months), pl.lit(benefit), headcount))
