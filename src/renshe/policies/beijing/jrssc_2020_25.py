"""京人社市场字〔2020〕25号 — dispatch and HR-service agencies' epidemic duties: a safety
officer per client unit (1), pre-dispatch screening (2, restated by the notice of
2020-02-28 二) and office/dormitory density (4, likewise restated).

Screening days and density limits are read from ``dispatch_settings.yaml`` (through
``_dispatch_schedule``), which the report intake's ``screen_worker`` and ``check_density``
(services/dispatch.py) also use."""

from __future__ import annotations

import polars as pl

from renshe.engine.calc import Calc
from renshe.engine.rules import rule
from renshe.policies.beijing._dispatch_schedule import param as service_param
from renshe.policies.common import as_of, iso, require_fact


@rule("beijing.dispatch_safety_officer_2020")
def dispatch_safety_officer(c: Calc) -> None:
    per = c.p("beijing.dispatch_safety_officer_2020.officers_per_client_unit")
    units = pl.col("bj_client_units")
    officers = pl.col("bj_client_units_with_safety_officer")
    lacking = c.col("units_without_officer", (units - officers).clip(lower_bound=0), "未配备安全员的用人单位数")
    require_fact(c, units, officers,
                 missing="需提供提供派遣/外包服务的用人单位数（agency.bj_client_units）及已配备安全员的单位数"
                         "（agency.bj_client_units_with_safety_officer）",
                 facts=("agency.bj_client_units", "agency.bj_client_units_with_safety_officer"))
    c.require(lacking == 0,
              pl.format("为提供派遣和外包服务的全部 {} 家用人单位各配备 {} 名疫情防控安全员", units, pl.lit(per)),
              pl.format("{} 家用人单位中有 {} 家未配备疫情防控安全员：须为每家用人单位配备 {} 名",
                        units, lacking, pl.lit(per)))
    c.note("机构一把手是第一责任人，各层级都要有专人负责")


@rule("beijing.dispatch_health_record_screening_2020")
def dispatch_health_record_screening(c: Calc) -> None:
    today = as_of(c)
    days = int(service_param("dispatch.quarantine_days", today))
    symptoms = "、".join(str(s) for s in service_param("dispatch.symptoms", today))
    s = "bj_dispatch_screening_"
    c.require(pl.col(s + "health_record"), "已建立电子健康档案并完成防疫排查",
              "没有电子健康档案（健康信息）的人员不得输送：须先建立档案、登记基本信息并排查",
              "需提供输送前防疫排查信息（person.bj_dispatch_screening）")
    iso_end = pl.col(s + "isolation_end")
    contact = pl.col(s + "wuhan_or_close_contact").fill_null(False)
    c.require(~contact | (iso_end.is_not_null() & (iso_end <= pl.lit(today))),
              None, pl.format("有武汉接触史或密切接触史且未过隔离期（隔离期满日：{}），一律不得输送",
                              pl.coalesce(iso(iso_end), pl.lit("未提供"))))
    c.require(~pl.col(s + "symptoms").fill_null(False), None,
              f"有疫情相关不适症状（{symptoms}等）的人员不得输送，须立即报告属地社区（村）并协助到发热门诊就诊")
    c.require(~pl.col(s + "in_hubei").fill_null(False), None, "目前在湖北的员工不得返京，不得输送")
    back = pl.col(s + "returned_to_beijing")
    ends = c.col("observation_end", back + pl.duration(days=days), f"返京后{days}天医学观察期满日")
    c.require(back.is_null() | (ends <= pl.lit(today)), None,
              pl.format("{} 返京，须居家或集中医学观察 {} 天，{} 起方可输送", iso(back), pl.lit(days), iso(ends)))
    c.note("排查通过：有健康信息、无武汉/密切接触史（或已过隔离期）、无不适症状，可输送给用人单位")
    c.note(pl.format("返京医学观察 {} 天已于 {} 期满", pl.lit(days), iso(ends)), when=back.is_not_null())


@rule("beijing.workplace_density_standards_2020")
def workplace_density_standards(c: Calc) -> None:
    today = as_of(c)
    min_office = float(service_param("dispatch.min_office_area_per_person", today))
    max_room = int(service_param("dispatch.max_persons_per_dorm_room", today))
    min_living = float(service_param("dispatch.min_living_area_per_person", today))
    d = "bj_workplace_density_"
    area, heads = pl.col(d + "office_area_m2"), pl.col(d + "office_headcount")
    c.require(pl.when(area.is_not_null()).then(heads > 0), None, "办公人数为 0（enterprise.bj_workplace_density）",
              "需提供办公面积和办公人数（enterprise.bj_workplace_density）", facts=("enterprise.bj_workplace_density",))
    per = c.col("office_area_per_person", area / heads, "人均办公面积（平方米）")
    c.require(per >= min_office, pl.format("人均办公面积 {} 平方米，不少于 {} 平方米", per.round(2), pl.lit(min_office)),
              pl.format("人均办公面积 {} 平方米，低于 {} 平方米：{} 平方米最多容纳 {} 人",
                        per.round(2), pl.lit(min_office), area, (area / min_office).floor().cast(pl.Int64)))
    occ = pl.col(d + "dorm_max_occupants_per_room")
    c.require(occ.is_null() | (occ <= max_room), None,
              pl.format("集体宿舍每间最多住 {} 人，超过 {} 人的上限", occ, pl.lit(max_room)))
    living = pl.col(d + "dorm_min_area_per_person_m2")
    c.require(living.is_null() | (living >= min_living), None,
              pl.format("集体宿舍人均居住面积最低 {} 平方米，低于 {} 平方米", living, pl.lit(min_living)))
    c.note(f"集体宿舍每间不超过 {max_room} 人、人均居住面积不少于 {min_living:g} 平方米（已核）",
           when=occ.is_not_null() | living.is_not_null())
    c.note("提示：有人员住在地下空间——原则上不安排在地下空间居住",
           when=pl.col(d + "dorm_underground").fill_null(False))
