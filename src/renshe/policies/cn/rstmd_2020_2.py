"""人社厅明电〔2020〕2号 五 (and 人社厅明电〔2020〕3号 二) — where a region has a
major outbreak, large recruitment events and cross-region labour cooperation
are suspended."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule
from renshe.policies.cn.rsbmd_2020_2 import EVENT_NAMES
from renshe.policies.common import in_regions


@rule("cn.outbreak_suspend_large_recruitment_2020")
def outbreak_suspend_large_recruitment(c: Calc) -> None:
    regions = c.p("outbreak_regions")
    if regions is None:
        c.note(
            "出现重大疫情的地区未设定（参数 cn.outbreak_suspend_large_recruitment_2020.outbreak_regions）；"
            "2020-02-05 起现场招聘一律暂停（人社部明电〔2020〕2号 六）"
        )
        c.require(
            c.aggregate("planned_events", pl.len(), default=0) > 0, None, "未填写拟举办的活动（agency.planned_events）"
        )
        return
    outbreak = in_regions(regions)
    c.note(pl.when(outbreak).then(pl.lit("所在地区出现重大疫情")).otherwise(pl.lit("所在地区未出现重大疫情")))
    kinds = c.p("suspended_kinds")
    banned = c.col(
        "suspended_events",
        c.aggregate(
            "planned_events",
            pl.format("{}（{}）", pl.col("kind").replace_strict(EVENT_NAMES, default=pl.col("kind")), pl.col("date"))
            .filter(pl.col("kind").is_in(kinds))
            .str.join("、"),
        ).fill_null(""),
        "大型招聘或跨地区劳务协作活动",
    )
    c.require(
        c.aggregate("planned_events", pl.len(), default=0) > 0, None, "未填写拟举办的活动（agency.planned_events）"
    )
    c.require(~outbreak | (banned == ""), "可以举办", pl.format("地区出现重大疫情，应暂停：{}", banned))
