"""Progress percentages and warnings exactly at their lines."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import polars as pl

from renshe.services import monitoring
from renshe.services.targets.tracking import percent_text, progress_status, year_elapsed
from renshe.services.targets_settings import citation, exact, value

ON = dt.date(2020, 7, 1)


def test_year_elapsed() -> None:
    assert year_elapsed(2020, "2020-06") == Fraction(1, 2)
    assert year_elapsed(2020, "2020-12") == 1
    assert year_elapsed(2020, "2019-12") == 0 and year_elapsed(2020, "2021-03") == 1


def test_progress_exactly_on_the_time_line_is_on_track() -> None:
    half = Fraction(1, 2)
    assert progress_status(Fraction(50), Fraction(100), half, ON) == ("on_track", half)
    assert progress_status(Fraction(4999, 100), Fraction(100), half, ON)[0] == "behind"
    assert progress_status(Fraction(100), Fraction(100), half, ON) == ("done", Fraction(1))
    assert progress_status(Fraction(5), Fraction(0), half, ON) == ("no_target", None)
    # 1/3 of the year (2020-04) against 40 of 120
    assert progress_status(Fraction(40), Fraction(120), year_elapsed(2020, "2020-04"), ON)[0] == "on_track"
    assert progress_status(Fraction(39), Fraction(120), year_elapsed(2020, "2020-04"), ON)[0] == "behind"
    assert percent_text(Fraction(1, 3)) == "33.3%" and percent_text(Fraction(1, 2)) == "50.0%"


def test_parameters_carry_their_documents() -> None:
    assert exact("monitor.layoff_rate_line_henan", ON) == Fraction(55, 1000)
    assert citation("monitor.layoff_rate_line_henan")["doc_no"] == "豫人社〔2020〕4号"
    assert citation("monitor.layoff_rate_line_henan")["article"] == "六"
    assert exact("monitor.layoff_rate_line_beijing", ON) == Fraction(52, 1000)
    assert citation("monitor.layoff_rate_line_beijing")["doc_no"] == "京人社就字〔2020〕15号"
    assert citation("monitor.layoff_rate_line_beijing")["article"].startswith("一（二）")
    assert value("monitor.small_unit_max_insured", ON) == 30


def test_layoff_lines_exactly() -> None:
    henan, beijing = Fraction(55, 1000), Fraction(52, 1000)
    # 不高于 5.5%: exactly 5.5 % is within, above is a warning
    assert not monitoring.passes_line(55, 1000, henan, at_line_warns=False)
    assert monitoring.passes_line(56, 1000, henan, at_line_warns=False)
    # 低于 5.2%: exactly 5.2 % already passes the line
    assert monitoring.passes_line(52, 1000, beijing, at_line_warns=True)
    assert not monitoring.passes_line(51, 1000, beijing, at_line_warns=True)
    assert not monitoring.passes_line(5, 0, henan, at_line_warns=False)


def test_headcount_drop_exactly() -> None:
    ten = Fraction(1, 10)
    assert not monitoring.drop_passes(100, 90, ten, 3)  # exactly 10 % is not "more than"
    assert monitoring.drop_passes(100, 89, ten, 3)
    assert not monitoring.drop_passes(20, 17, ten, 4)  # 15 % but fewer than the minimum persons
    assert not monitoring.drop_passes(0, 0, ten, 3)


def registry() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Units built to sit on and just past each line, 2018-12 → 2019-12 (with 2019 attrition)."""
    units = [  # uscc, region, base (2018-12), end (2019-12), attrition, prev (2019-11)
        ("B_AT", "110108", 1000, 938, 10, 938),  # Beijing: 1 − 948/1000 = 5.2 % → warn (低于)
        ("B_UNDER", "110108", 1000, 939, 10, 939),  # 5.1 % → no warning
        ("H_AT", "410183", 1000, 935, 10, 935),  # Henan: 5.5 % → no warning (不高于)
        ("H_OVER", "410183", 1000, 934, 10, 934),  # 5.6 % → warn
        ("S_AT", "410183", 30, 24, 0, 24),  # ≤ 30 insured: 20 % → no warning
        ("S_OVER", "410183", 30, 23, 1, 23),  # 1 − 24/30 = 20 % → no warning (attrition counted)
        ("S_PAST", "410183", 30, 23, 0, 23),  # 23.3 % → warn
        ("D_AT", "410183", 100, 100, 0, 111),  # month drop 111 → 100: 9.9 % → no drop warning
        ("D_OVER", "410183", 100, 100, 0, 112),  # 112 → 100: 10.7 % → drop warning
    ]
    u = pl.DataFrame(
        {
            "uscc": [x[0] for x in units],
            "name": [x[0] for x in units],
            "region": [x[1] for x in units],
            "attrition_2019": [x[4] for x in units],
        }
    )
    rows = []
    for x in units:
        rows += [(x[0], "2018-12", x[2]), (x[0], "2019-11", x[5]), (x[0], "2019-12", x[3])]
    ins = pl.DataFrame(rows, schema={"uscc": pl.String, "month": pl.String, "headcount": pl.Int64}, orient="row")
    return u, ins


def test_warnings_at_their_lines() -> None:
    units, insured = registry()
    report = monitoring.compute(units, insured, "2019-12", on=ON)
    assert report["attrition_known"] is True and report["base_month"] == "2018-12"
    layoffs = {w["uscc"] for w in report["warnings"] if w["kind"] == "layoff_rate"}
    assert layoffs == {"B_AT", "H_OVER", "S_PAST"}
    drops = {w["uscc"] for w in report["warnings"] if w["kind"] == "headcount_drop"}
    assert drops == {"D_OVER"}
    b_at = next(w for w in report["warnings"] if w["uscc"] == "B_AT")
    assert "5.20%" in b_at["reason"] and "达到或超过预警线 5.2%" in b_at["reason"]
    assert b_at["citation"]["doc_no"] == "京人社就字〔2020〕15号"
    h_over = next(w for w in report["warnings"] if w["uscc"] == "H_OVER")
    assert "5.60%" in h_over["reason"] and "豫人社〔2020〕4号 六" in h_over["reason"]
    s_past = next(w for w in report["warnings"] if w["uscc"] == "S_PAST")
    assert "高于预警线 20.0%" in s_past["reason"]
    d_over = next(w for w in report["warnings"] if w["uscc"] == "D_OVER")
    assert "112 人 → 2019-12 100 人" in d_over["reason"]


def test_region_figures_and_area_filter() -> None:
    units, insured = registry()
    report = monitoring.compute(units, insured, "2019-12", on=ON)
    regions = {r["region"]: r for r in report["regions"]}
    bj = regions["110108"]
    assert bj["headcount"] == 938 + 939 and bj["units"] == 2
    assert bj["layoff_rate"] == round((52 + 51) / 2000, 6)
    assert bj["attrition_rate"] == round(20 / 2000, 6)
    xinmi = monitoring.for_area(report, "410183")
    assert {r["region"] for r in xinmi["regions"]} == {"410183"}
    assert all(w["region"] == "410183" for w in xinmi["warnings"]) and xinmi["summary"]["warnings"] == 3


def test_attrition_unknown_outside_a_calendar_year() -> None:
    units, insured = registry()
    shifted = insured.with_columns(
        pl.col("month").replace({"2018-12": "2018-11", "2019-11": "2019-10", "2019-12": "2019-11"})
    )
    report = monitoring.compute(units, shifted, "2019-11", on=ON)
    assert report["attrition_known"] is False
    s_over = next(w for w in report["warnings"] if w["uscc"] == "S_OVER")  # 23.3 % once attrition is 0
    assert "自然减员（未提供，按 0 计）" in s_over["reason"]


def test_each_unit_is_judged_by_its_own_provinces_line() -> None:
    """豫人社〔2020〕4号 六 binds Henan units; elsewhere the national notice's lines apply
    (人社部明电〔2020〕2号 四: 放宽到不高于上年度全国城镇调查失业率控制目标，对参保职工30人（含）以下的企业，
    裁员率放宽至不超过企业职工总数20%); Beijing's own line for Beijing units."""
    henan = monitoring._line("410183", 100, ON)
    hunan = monitoring._line("431102", 100, ON)
    hunan_small = monitoring._line("431102", 20, ON)
    beijing = monitoring._line("110105", 100, ON)
    assert citation(henan[0])["doc_no"] == "豫人社〔2020〕4号"
    assert citation(hunan[0])["doc_no"] == "人社部明电〔2020〕2号" and hunan[1] == Fraction(55, 1000)
    assert citation(hunan_small[0])["doc_no"] == "人社部明电〔2020〕2号" and hunan_small[1] == Fraction(1, 5)
    assert citation(beijing[0])["doc_no"] == "京人社就字〔2020〕15号"
