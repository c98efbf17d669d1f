"""京能指文〔2020〕1号 — providers that trained Beijing workers free online during the
epidemic get priority admission to the online training-subsidy scheme."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import Facts
from renshe.engine.rules import rule


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class AgencyFacts(Facts, entity="agency"):
    bj_free_online_training_provided: bool | None = None  # beijing.free_training_providers_priority_2020


@rule("beijing.free_training_providers_priority_2020")
def free_training_providers_priority(c: Calc) -> None:
    c.require(
        pl.col("bj_free_online_training_provided"),
        "疫情防控期间免费向本市劳动者提供在线培训",
        "未在疫情防控期间免费向本市劳动者提供在线培训，不享受优先纳入",
        "需说明是否免费提供在线培训（agency.bj_free_online_training_provided）",
    )
    c.output("priority", pl.lit(True))
    c.note("优先纳入本市线上培训补贴政策体系")
