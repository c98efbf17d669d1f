"""京人社劳字〔2020〕17号 三 — the employer may arrange remote work, staggered or flexible
hours, or swap rest days for a worker caring for a child; such time is normal labour."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule
from renshe.policies.beijing.jrslz_2020_13 import require_qualifying_child


@rule("beijing.childcare_flexible_work_options_2020")
def childcare_flexible_work_options(c: Calc) -> None:
    require_qualifying_child(c)
    names = c.p("beijing.childcare_flexible_work_options_2020.arrangements")
    arrangement = pl.col("bj_childcare_2020_arrangement")
    c.require(
        arrangement.is_in(list(names)),
        pl.format("企业安排：{}，视为提供正常劳动", arrangement.replace_strict(names, default=arrangement)),
        "企业未安排远程办公、错时弹性工作或调剂休息日（在家看护的按 beijing.childcare_leave_wage_2020 按出勤照发）",
    )
    wage = c.col("normal_monthly_wage", pl.col("normal_monthly_wage"), "正常月工资")
    c.amount(wage, unit="CNY/month")
    c.note("按正常劳动支付工资", when=wage.is_not_null())
