"""京人社毕字〔2020〕20号 七（二） — graduate spring online recruitment month: no postings
excluding graduates from severely affected areas, no discrimination against graduates who
were quarantined or infected or who return from epidemic areas."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule
from renshe.policies.common import known_any

LP = "bj_labour_practices_2020_"


@rule("beijing.graduate_recruitment_non_discrimination_2020")
def graduate_recruitment_non_discrimination(c: Calc) -> None:
    posting = pl.col(LP + "posting_excludes_severe_areas")
    quarantined = pl.col(LP + "graduate_discrimination_quarantined_or_infected")
    origin = pl.col(LP + "refused_hire_for_origin")
    c.require(
        known_any(posting, quarantined, origin),
        None,
        "需提供招聘信息和招聘情况（enterprise.bj_labour_practices_2020）",
        "需提供招聘信息和招聘情况（enterprise.bj_labour_practices_2020）",
        facts=("enterprise.bj_labour_practices_2020",),
    )
    c.require(
        ~posting.fill_null(False),
        "岗位信息未拒绝招录疫情严重地区毕业生",
        "发布了拒绝招录疫情严重地区毕业生的招聘信息：不得发布",
    )
    c.require(
        ~quarantined.fill_null(False),
        "未对被隔离或感染过的毕业生有聘用歧视",
        "对被隔离或感染过的毕业生有聘用歧视：不得以此为由拒绝聘用",
    )
    c.require(
        ~origin.fill_null(False), "未对疫区返京毕业生有地域歧视", "对疫区返京的毕业生有地域歧视：不得以此为由拒绝聘用"
    )
    c.note("困难毕业生由各区建立台账、提供困难帮扶")
