"""The overlay of local standards (地方标准) on the parameter set: a value is used only on the
days it is in force, below a case's own parameters, cited to its document, and a plan built
with one overlay is never reused for another."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from renshe.engine.parameters import LocalValue, Overlay, ParameterView, overlay_in_force
from renshe.engine.references import Reference
from renshe.engine.rules import registry

PARAM = "henan.ui_benefit_monthly_2019"
REF = Reference("郑人社〔2019〕12号", "二", "郑州市失业保险金标准调整为每月1520元", title="测试文件")


def overlay(value: float, start: str = "2019-01-01", end: str | None = None) -> Overlay:
    return Overlay(
        (
            LocalValue(
                PARAM, value, dt.date.fromisoformat(start), None if end is None else dt.date.fromisoformat(end), REF
            ),
        )
    )


def test_the_local_value_in_force_with_its_citation() -> None:
    params = registry().parameters
    view = ParameterView(params, dt.date(2020, 7, 31), overlay=overlay(1520, end="2020-12-31"))
    assert view(PARAM) == 1520
    assert view.used[PARAM]["citation"]["doc_no"] == REF.doc_no and view.used[PARAM]["local"]["article"] == "二"
    later = ParameterView(params, dt.date(2021, 1, 1), overlay=overlay(1520, end="2020-12-31"))
    assert later(PARAM) is None and "local" not in later.used[PARAM]  # past its end: the seed's (none)
    own = ParameterView(params, dt.date(2020, 7, 31), {PARAM: 1000}, overlay=overlay(1520))
    assert own(PARAM) == 1000 and own.used[PARAM]["overridden"] and "local" not in own.used[PARAM]


def test_the_later_approval_wins_where_dates_overlap() -> None:
    both = Overlay(overlay(1500).values + overlay(1600, start="2020-01-01").values)
    assert ParameterView(registry().parameters, dt.date(2019, 6, 1), overlay=both)(PARAM) == 1500
    assert ParameterView(registry().parameters, dt.date(2020, 6, 1), overlay=both)(PARAM) == 1600


def test_plans_are_kept_apart_per_overlay() -> None:
    import yaml

    from renshe.engine.calculator import evaluate_json
    from tests.conftest import ROOT

    case = yaml.safe_load((ROOT / "tests" / "policies" / "bases.yaml").read_text(encoding="utf-8"))["small_henan"]
    case = json.loads(json.dumps({k: v for k, v in case.items() if k != "parameters"}, default=str))

    def amount() -> float | None:
        body = evaluate_json(case, policies=["henan.stable_job_refund_2020"])
        return next(r["amount"] for r in body["results"] if r["policy"] == "henan.stable_job_refund_2020")

    assert amount() is None
    with overlay_in_force(overlay(1500)):
        first = amount()
    with overlay_in_force(overlay(1600)):
        second = amount()
    assert first is not None and second is not None and second / first == pytest.approx(1600 / 1500)
    assert amount() is None  # the overlay is gone with its block


def test_an_overlay_file_round_trips_and_bad_ones_are_named() -> None:
    o = overlay(1520, end="2020-12-31")
    assert Overlay.from_json(o.to_json()).values == o.values
    assert Overlay.from_json(o.to_json()).problems(registry().parameters) == []
    with pytest.raises(ValueError, match="not JSON"):
        Overlay.from_json("{", "f.json")
    with pytest.raises(ValueError, match=r"local_standards\[0\]"):
        Overlay.from_json(json.dumps({"local_standards": [{"parameter": PARAM}]}))
    bad = Overlay.from_json(
        json.dumps(
            {
                "local_standards": [
                    {"parameter": PARAM, "value": -3, "from": "2019-01-01", "citation": REF.full()},
                    {"parameter": "no.such", "value": 1, "from": "2019-01-01", "citation": REF.full()},
                ]
            }
        )
    )
    problems = bad.problems(registry().parameters)
    assert any(PARAM in p and "negative" in p for p in problems) and any("no.such" in p for p in problems)
