"""国发明电〔2020〕4号 — 企事业单位复工复产疫情防控措施指南 (guidelines for
returning to work): medical observation of staff from severely affected areas
and the dormitory density limits."""

from __future__ import annotations

import polars as pl
from pydantic import Field

from renshe.engine.calc import Calc, exact
from renshe.engine.case import Date, Facts, Money, Persons, Strict
from renshe.engine.rules import rule
from renshe.policies.common import as_of, iso


# ---- the facts this document reads beyond the core case (事实; docs/case-format.md) ----
class DormitoryRoom(Strict):  # cn.rtw_dormitory_density_2020
    room: str
    occupants: Persons
    area_m2: Money


class EnterpriseFacts(Facts, entity="enterprise"):
    dormitory_rooms: list[DormitoryRoom] = Field(default_factory=list)  # cn.rtw_dormitory_density_2020


class PersonFacts(Facts, entity="person"):
    came_from_severe_area: bool | None = None  # cn.rtw_isolation_from_severe_areas_2020
    severe_area_arrival_date: Date | None = None  # cn.rtw_isolation_from_severe_areas_2020


@rule("cn.rtw_isolation_from_severe_areas_2020")
def isolation_from_severe_areas(c: Calc) -> None:
    came = pl.col("came_from_severe_area")
    c.require(
        came,
        "来自疫情严重地区：应按当地要求实行居家或集中隔离医学观察",
        "不是来自疫情严重地区的人员，无需按本条隔离医学观察",
        "未说明是否来自疫情严重地区（person.came_from_severe_area）",
    )
    days = c.p("observation_period_days")
    arrival = pl.col("severe_area_arrival_date")
    if days is None:
        c.output("deadline", pl.lit(None, dtype=pl.String))
        c.note("观察期由当地规定：参数 cn.rtw_isolation_from_severe_areas_2020.observation_period_days 未设定")
    else:
        end = c.col("observation_end", arrival + pl.duration(days=int(days)), "医学观察期满之日")
        c.output("deadline", iso(end))
        c.require(arrival.is_null() | (end > pl.lit(as_of(c))), None, pl.format("医学观察期已于 {} 期满", iso(end)))
        c.note(
            pl.format(
                "自抵达之日起观察 {} 天，至 {} 期满（工资支付见人社厅明电〔2020〕5号 一）", pl.lit(days), iso(end)
            ),
            when=arrival.is_not_null(),
        )


@rule("cn.rtw_dormitory_density_2020")
def dormitory_density(c: Calc) -> None:
    most, least = c.p("max_occupants_per_room"), c.p("min_area_per_person")
    per_person = exact(pl.col("area_m2") / pl.col("occupants"))
    bad_room = (pl.col("occupants") > most) | ((pl.col("occupants") > 0) & (per_person < least))
    rooms = c.col("rooms", c.aggregate("dormitory_rooms", pl.len(), default=0), "宿舍间数")
    failing = c.col(
        "failing_rooms",
        c.aggregate(
            "dormitory_rooms",
            pl.format("{}（{}人，人均{}平方米）", pl.col("room"), pl.col("occupants"), per_person.round(2))
            .filter(bad_room)
            .str.join("、"),
        ).fill_null(""),
        "不符合要求的宿舍",
    )
    c.require(rooms > 0, None, "未填写员工集体宿舍情况（enterprise.dormitory_rooms）")
    c.require(
        failing == "",
        pl.format("全部 {} 间宿舍每间不超过 {} 人、人均不少于 {} 平方米", rooms, pl.lit(most), pl.lit(least)),
        pl.format("不符合每间不超过 {} 人、人均不少于 {} 平方米（原则上）：{}", pl.lit(most), pl.lit(least), failing),
    )
