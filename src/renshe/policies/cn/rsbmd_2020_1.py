"""人社部明电〔2020〕1号 三 — 事业单位工作人员及时奖励 (timely awards for staff of
public institutions who contributed to epidemic control)."""

from __future__ import annotations

from typing import Literal

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.case import UNIT_TYPES, Facts
from renshe.engine.rules import rule
from renshe.policies.common import has_group


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class PersonFacts(Facts, entity="person"):
    employer_unit_type: Literal[UNIT_TYPES] | None = None  # type: ignore[valid-type]  # cn.public_institution_timely_award_2020
    epidemic_contribution: bool = False  # cn.public_institution_timely_award_2020


@rule("cn.public_institution_timely_award_2020")
def public_institution_timely_award(c: Calc) -> None:
    c.require(
        pl.col("employer_unit_type").is_in(c.p("unit_types")),
        "事业单位工作人员",
        "不是事业单位工作人员（person.employer_unit_type）",
        "未填写所在单位类型（person.employer_unit_type）",
    )
    c.require(
        pl.col("epidemic_contribution"),
        "在疫情防控中做出贡献：按《事业单位工作人员奖励规定》开展及时奖励",
        "未认定在疫情防控中做出贡献（person.epidemic_contribution）",
    )
    c.note("奋战在疫情防控一线的优先", when=has_group(["frontline_medical", "hubei_aid_medical_team"]))
