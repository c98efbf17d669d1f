"""Beijing HR-services notice of 2020-02-09 — 五: the annual-report publicity and annual
statistics deadlines of HR-service agencies are extended to a date to be notified."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule
from renshe.policies.common import as_date, iso


@rule("beijing.hr_annual_report_deadline_extension_2020")
def hr_annual_report_deadline_extension(c: Calc) -> None:
    new = c.p("beijing.hr_annual_report_deadline_2020")
    due = pl.col("annual_report_due")
    c.note(pl.format("原定期限 {}", iso(due)), when=due.is_not_null())
    if new is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note(
            "年度报告公示和年度人力资源市场统计原时限暂停，延长后的具体时间将另行通知"
            "（参数 beijing.hr_annual_report_deadline_2020 未设定）"
        )
        return
    end = as_date(new)
    c.output("deadline", pl.lit(end.isoformat()))
    c.note(f"年度报告公示和年度人力资源市场统计时限延长至 {end.isoformat()}")
