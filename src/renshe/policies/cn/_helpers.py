"""Helpers of the national rules: the epidemic-control period (疫情防控期间), amounts at a
local standard the seeds leave to a parameter without a default, and the local
minimum wage of a worker's region. The helpers every jurisdiction shares (dates,
groups, regions, literals) are in ``renshe.policies.common``."""

from __future__ import annotations

import datetime as dt

import polars as pl

from renshe.domain.regions import jurisdiction_flags
from renshe.engine.calc import Calc
from renshe.policies.common import as_date, as_of, num, pending_amount

EPIDEMIC_END = "cn.epidemic_end_date"
#: the jurisdiction whose minimum wage renshe carries as a parameter
BEIJING = "beijing"


def require_epidemic_period(c: Calc, what: str) -> dt.date | None:
    """The measure runs 疫情防控期间: fail once ``cn.epidemic_end_date`` is set and passed."""
    end = as_date(c.p(EPIDEMIC_END))
    if end is not None:
        c.require(
            pl.lit(as_of(c) <= end),
            f"{what}：测算日在疫情防控期间内（截至 {end.isoformat()}）",
            f"{what}：疫情防控期间已于 {end.isoformat()} 结束，测算日 {as_of(c).isoformat()} 不再适用",
        )
    return end


def local_amount(c: Calc, name: str, quantity: pl.Expr, label: str, unit: str = "CNY") -> None:
    """amount = quantity × the local standard ``name``; null (with the parameter to set) when unset."""
    rate = c.p(name)
    if rate is None:
        pending_amount(c, f"{label}由地方确定，参数 {name} 未设定，金额待核定（可在案例 parameters 中设定）", unit=unit)
    else:
        c.amount(quantity * pl.lit(float(rate)), unit)
        c.note(pl.format("{} × {} 元（{}）", quantity, pl.lit(rate), pl.lit(label)))


def local_minimum_wage(c: Calc, local_param: str) -> pl.Expr:
    """Monthly minimum wage of the person's/unit's region: Beijing's standard where
    the region lies in Beijing, else the rule's ``local_param`` (null until set)."""
    in_beijing = jurisdiction_flags(pl.col("region"))[BEIJING]
    return pl.when(in_beijing).then(num(c.p("beijing.minimum_wage_monthly"))).otherwise(num(c.p(local_param)))


MEDICAL_HALVING = "cn.medical_insurance_halving_2020."


def medical_due_net_of_halving(c: Calc) -> pl.Expr:
    """A contribution row's employer medical due net of the halving (医保发〔2020〕6号 一): the
    halved half is exempt (a reduction), so it is never also deferred. Adds the halving
    window as columns ``halving_from``/``halving_to``, which an aggregation must ``use``."""
    start = c.p(MEDICAL_HALVING + "start_month")
    end = c.p(MEDICAL_HALVING + "pooling_end_month") or c.p(MEDICAL_HALVING + "max_end_month")
    c.col("halving_from", pl.lit(start), "减征起始费款所属期")
    c.col("halving_to", pl.lit(end), "减征终止费款所属期")
    halved = (pl.col("month") >= pl.col("halving_from")) & (pl.col("month") <= pl.col("halving_to"))
    return pl.col("employer_due") * pl.when(halved).then(1 - c.p(MEDICAL_HALVING + "halving_ratio")).otherwise(1.0)
