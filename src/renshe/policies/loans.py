"""Shared shape of guaranteed start-up loan limits (创业担保贷款额度): a limit by
applicant type, and for small and micro enterprises a hiring condition."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc

APPLICANT_NAMES = {"individual": "个人自主创业", "partnership": "合伙创业", "enterprise": "小微企业"}


def enterprise_hiring_condition(
    c: Calc, sizes: list[str], share: float, share_large: float, large_above: float
) -> pl.Expr:
    """Small/micro enterprise whose qualifying new hires in 12 months reach the share of its staff."""
    needed = c.col(
        "hires_needed",
        pl.when(pl.col("employees") > large_above)
        .then(pl.col("employees") * share_large)
        .otherwise(pl.col("employees") * share),
        "须新招用人数",
    )
    hires = pl.col("eligible_new_hires_12m")
    is_enterprise = pl.col("applicant") == "enterprise"
    c.require(
        ~is_enterprise | pl.col("size").is_in(sizes),
        None,
        pl.format("企业划型为 {}，非小微企业", pl.col("size")),
        "未能划型，无法确认小微企业条件",
    )
    c.require(
        ~is_enterprise | (hires >= needed),
        None,
        pl.format("前12个月新招用符合条件人员 {} 人，未达到 {} 人", hires, needed.round(1)),
        "缺少前12个月新招用符合条件人数（enterprise.eligible_new_hires_12m）或从业人员数",
    )
    return is_enterprise


def limit_by_applicant(c: Calc, limits: dict[str, pl.Expr], _enterprise: pl.Expr | None = None) -> None:
    limit = pl.lit(None, dtype=pl.Float64)
    for applicant, value in limits.items():
        limit = pl.when(pl.col("applicant") == applicant).then(value).otherwise(limit)
    c.amount(limit)
    names = pl.col("applicant").replace_strict(APPLICANT_NAMES, default="")
    c.note(pl.format("{}：创业担保贷款最高 {} 元", names, limit.round(0).cast(pl.Int64)))
