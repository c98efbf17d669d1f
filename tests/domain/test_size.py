"""Tests for renshe.domain.size — 企业划型 per 工信部联企业〔2011〕300号."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from renshe.domain._data import load
from renshe.domain.size import (
    Classification,
    SizeError,
    citation,
    classify,
    classify_frame,
    industry_class,
    size_classes,
)

WAN = 10_000  # yuan per 万元 — the test restates the unit to check the data file

# facts.md §1, verbatim: class → (upper, medium, small), money in 万元
Bounds = dict[str, float]
FACTS: dict[str, tuple[Bounds, Bounds, Bounds]] = {
    "agriculture": ({"revenue": 20000}, {"revenue": 500}, {"revenue": 50}),
    "industry": ({"employees": 1000, "revenue": 40000}, {"employees": 300, "revenue": 2000}, {"employees": 20, "revenue": 300}),
    "construction": ({"revenue": 80000, "assets": 80000}, {"revenue": 6000, "assets": 5000}, {"revenue": 300, "assets": 300}),
    "wholesale": ({"employees": 200, "revenue": 40000}, {"employees": 20, "revenue": 5000}, {"employees": 5, "revenue": 1000}),
    "retail": ({"employees": 300, "revenue": 20000}, {"employees": 50, "revenue": 500}, {"employees": 10, "revenue": 100}),
    "transport": ({"employees": 1000, "revenue": 30000}, {"employees": 300, "revenue": 3000}, {"employees": 20, "revenue": 200}),
    "warehousing": ({"employees": 200, "revenue": 30000}, {"employees": 100, "revenue": 1000}, {"employees": 20, "revenue": 100}),
    "postal": ({"employees": 1000, "revenue": 30000}, {"employees": 300, "revenue": 2000}, {"employees": 20, "revenue": 100}),
    "accommodation": ({"employees": 300, "revenue": 10000}, {"employees": 100, "revenue": 2000}, {"employees": 10, "revenue": 100}),
    "catering": ({"employees": 300, "revenue": 10000}, {"employees": 100, "revenue": 2000}, {"employees": 10, "revenue": 100}),
    "information_transmission": ({"employees": 2000, "revenue": 100000}, {"employees": 100, "revenue": 1000}, {"employees": 10, "revenue": 100}),
    "software_it_services": ({"employees": 300, "revenue": 10000}, {"employees": 100, "revenue": 1000}, {"employees": 10, "revenue": 50}),
    "real_estate_development": ({"revenue": 200000, "assets": 10000}, {"revenue": 1000, "assets": 5000}, {"revenue": 100, "assets": 2000}),
    "property_management": ({"employees": 1000, "revenue": 5000}, {"employees": 300, "revenue": 1000}, {"employees": 100, "revenue": 500}),
    "leasing_business_services": ({"employees": 300, "assets": 120000}, {"employees": 100, "assets": 8000}, {"employees": 10, "assets": 100}),
    "other": ({"employees": 300}, {"employees": 100}, {"employees": 10}),
}  # fmt: skip

# one code per class
CODE_OF = {
    "agriculture": "A01", "industry": "C38", "construction": "E47", "wholesale": "F51",
    "retail": "F52", "transport": "G54", "warehousing": "G59", "postal": "G60",
    "accommodation": "H61", "catering": "H62", "information_transmission": "I63",
    "software_it_services": "I65", "real_estate_development": "K7010",
    "property_management": "K7020", "leasing_business_services": "L72", "other": "M73",
}  # fmt: skip

SIZES = ["large", "medium", "small", "micro"]


def _yuan(indicator: str, printed: float) -> float:
    return printed * WAN if indicator in ("revenue", "assets") else printed


def _size(code: str, values: Mapping[str, float]) -> str | None:
    """classify(...).size with the indicators taken from a mapping (absent = None)."""
    get = values.get
    return classify(code, get("employees"), get("revenue"), get("assets")).size


# ------------------------------------------------------------------ data file


def test_data_file_matches_facts() -> None:
    raw = load("sme_thresholds")
    assert raw["money_unit"]["yuan"] == WAN
    for key, (upper, medium, small) in FACTS.items():
        entry = raw["classes"][key]
        assert (entry["upper"], entry["medium"], entry["small"]) == (
            upper,
            medium,
            small,
        ), key
    assert raw["classes"]["finance"]["unclassifiable"] is True
    assert set(raw["classes"]) == set(FACTS) | {"finance"}


def test_every_section_has_a_class_entry() -> None:
    table = load("sme_thresholds")["class_by_code"]
    assert set(load("industries")["sections"]) <= set(table)


def test_citation() -> None:
    assert citation() == {"doc_no": "工信部联企业〔2011〕300号"}
    assert classify("I65", 1, 1, 1).citation == citation()


# ------------------------------------------------------------------ industry → class


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("A", "agriculture"), ("A05", "agriculture"), ("B", "industry"), ("B06", "industry"),
        ("C", "industry"), ("C13", "industry"), ("C3811", "industry"), ("D44", "industry"),
        ("E", "construction"), ("E4710", "construction"), ("F51", "wholesale"), ("F5123", "wholesale"),
        ("F52", "retail"), ("G53", "transport"), ("G58", "transport"), ("G59", "warehousing"),
        ("G60", "postal"), ("H61", "accommodation"), ("H62", "catering"),
        ("I63", "information_transmission"), ("I64", "information_transmission"),
        ("I65", "software_it_services"), ("J", "finance"), ("J66", "finance"),
        ("K70", "other"), ("K7010", "real_estate_development"), ("K701", "real_estate_development"),
        ("K7020", "property_management"), ("K702", "property_management"), ("K7030", "other"),
        ("K7090", "other"), ("L", "leasing_business_services"), ("L71", "leasing_business_services"),
        ("L72", "leasing_business_services"), ("M", "other"), ("N77", "other"), ("O80", "other"),
        ("P83", "other"), ("Q84", "other"), ("R86", "other"), ("S94", "other"), ("T97", "other"),
    ],
)  # fmt: skip
def test_industry_class(code: str, key: str) -> None:
    assert industry_class(code) == key


@pytest.mark.parametrize("letter", ["F", "G", "H", "I", "K"])
def test_bare_split_letter_has_no_class(letter: str) -> None:
    assert industry_class(letter) is None
    with pytest.raises(SizeError, match="more precise industry code"):
        classify(letter, 100, 1e8, 1e8)
    assert classify(letter, None, None, None, size="small") == Classification(
        size="small", industry_class=None, basis="经认定为小型企业"
    )


def test_size_error_is_a_value_error() -> None:
    assert issubclass(SizeError, ValueError)


def test_invalid_industry_raises_value_error() -> None:
    with pytest.raises(ValueError, match="not in section C"):
        industry_class("C99")
    with pytest.raises(ValueError):
        classify("Z1", 1, 1, 1)


# ------------------------------------------------------------------ examples


@pytest.mark.parametrize(
    ("industry", "employees", "revenue", "assets", "size"),
    [
        ("I65", 120, 52_000_000, 30_000_000, "medium"),
        ("C38", 2000, 500_000_000, 900_000_000, "large"),
        ("C34", 1500, 800_000_000, 1_200_000_000, "large"),
        ("F52", 25, 3_000_000, 1_500_000, "small"),
        (
            "G54",
            80,
            20_000_000,
            10_000_000,
            "small",
        ),  # transport: medium needs ≥ 300 persons
        ("G54", 5, 20_000_000, None, "micro"),
        (
            "C38",
            2000,
            300_000_000,
            None,
            "medium",
        ),  # revenue below the 40000万元 line → SME
        ("C38", 999, 500_000_000, None, "medium"),
        ("K7010", None, 2_000_000_000, 100_000_000, "large"),
        ("A01", None, 400_000, None, "micro"),
        ("A01", None, 500_000, None, "small"),
        ("M73", 300, None, None, "large"),
        ("M73", 9, None, None, "micro"),
    ],
)
def test_examples(industry: str, employees: float, revenue: float, assets: float, size: str) -> None:
    assert classify(industry, employees, revenue, assets).size == size


def test_basis_of_the_medium_software_example() -> None:
    c = classify("I65", 120, 52_000_000, 30_000_000)
    assert c == Classification(
        size="medium",
        industry_class="software_it_services",
        basis="软件和信息技术服务业：从业人员120人≥100且营业收入5200万元≥1000万元，为中型企业",
    )


def test_basis_of_micro_names_the_failed_bound() -> None:
    c = classify("G54", 5, 20_000_000, None)
    assert c.basis == "交通运输业：从业人员5人<20，为微型企业"


def test_basis_of_large() -> None:
    c = classify("C38", 2000, 500_000_000, None)
    assert c.basis == "工业：从业人员2000人≥1000且营业收入50000万元≥40000万元，为大型企业"


def test_finance_is_unclassifiable() -> None:
    c = classify("J66", 5000, 1e10, 1e11)
    assert c.size == "unclassifiable" and c.industry_class == "finance"
    assert "工信部联企业〔2011〕300号" in c.basis
    assert classify("J", None, None, None, size="large").size == "large"


def test_given_size_overrides() -> None:
    c = classify("I65", 120, 52_000_000, 30_000_000, size="micro")
    assert c.size == "micro" and c.industry_class == "software_it_services"
    assert c.basis == "经认定为微型企业"


def test_unknown_given_size_rejected() -> None:
    with pytest.raises(SizeError, match="size must be one of"):
        classify("I65", 1, 1, 1, size="huge")
    with pytest.raises(SizeError):
        classify("I65", 1, 1, 1, size="unclassifiable")


def test_missing_indicator() -> None:
    c = classify("I65", 120, None, 30_000_000)
    assert c.size is None and c.missing == ("revenue",)
    assert c.basis == "软件和信息技术服务业：缺少营业收入，无法划型"
    c = classify("K7010", 10, float("nan"), None)
    assert c.size is None and c.missing == ("revenue", "assets")


def test_unused_indicators_are_ignored() -> None:
    # agriculture uses revenue only; other uses employees only
    assert classify("A01", None, 300_000_000, None).size == "large"
    assert classify("M73", 150, None, None).size == "medium"
    # employees are not an indicator of construction
    assert classify("E47", 0, 800_000_000, 800_000_000).size == "large"


# ------------------------------------------------------------------ boundaries (every class)


@pytest.mark.parametrize("key", sorted(FACTS))
def test_boundaries_every_class(key: str) -> None:
    upper, medium, small = FACTS[key]
    code = CODE_OF[key]
    assert industry_class(code) == key

    def at(level: Mapping[str, float], lowered: str | None = None) -> dict[str, float]:
        values = {ind: _yuan(ind, b) for ind, b in level.items()}
        if lowered:
            values[lowered] -= 1  # one person / one yuan below
        return values

    assert _size(code, at(upper)) == "large"
    assert _size(code, at(medium)) == "medium"
    assert _size(code, at(small)) == "small"
    for ind in upper:
        assert _size(code, at(upper, ind)) == "medium"
        assert _size(code, at(medium, ind)) == "small"
        assert _size(code, at(small, ind)) == "micro"
    assert _size(code, dict.fromkeys(upper, 0.0)) == "micro"


@st.composite
def _unit_at_bounds(draw: st.DrawFn) -> tuple[str, dict[str, float]]:
    """A class and indicator values picked at, just below and just above its bounds."""
    key = draw(st.sampled_from(sorted(FACTS)))
    levels = FACTS[key]
    values: dict[str, float] = {}
    for ind in levels[0]:
        bound = _yuan(ind, draw(st.sampled_from([lvl[ind] for lvl in levels])))
        values[ind] = bound + draw(st.sampled_from([-1, 0, 1, -0.5]))
    return key, values


@given(_unit_at_bounds())
def test_size_is_monotone_in_indicators(
    case: tuple[str, dict[str, float]],
) -> None:
    """Raising an indicator never lowers the size."""
    key, values = case
    order = {s: i for i, s in enumerate(reversed(SIZES))}
    base = _size(CODE_OF[key], values)
    assert base is not None
    for ind in values:
        raised = {**values, ind: values[ind] + 1e9}
        bigger = _size(CODE_OF[key], raised)
        assert bigger is not None and order[bigger] >= order[base]


@given(_unit_at_bounds())
def test_large_iff_every_upper_bound_reached(
    case: tuple[str, dict[str, float]],
) -> None:
    key, values = case
    upper = FACTS[key][0]
    reached = all(values[ind] >= _yuan(ind, b) for ind, b in upper.items())
    assert (_size(CODE_OF[key], values) == "large") == reached


def test_size_classes_are_in_yuan() -> None:
    classes = size_classes()
    assert classes["industry"].upper == {"employees": 1000, "revenue": 40000 * WAN}
    assert classes["industry"].printed["upper"] == {"employees": 1000, "revenue": 40000}
    assert classes["finance"].unclassifiable


# ------------------------------------------------------------------ frames


Row = tuple[str | None, float | None, float | None, float | None, str | None]


def _frame(
    rows: Sequence[Row],
) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "industry": pl.String,
            "employees": pl.Float64,
            "revenue": pl.Float64,
            "assets": pl.Float64,
            "size": pl.String,
        },
        orient="row",
    )


def _expected_row(
    row: Row,
) -> tuple[str | None, str | None]:
    industry, employees, revenue, assets, size = row
    if industry is None:
        return size, None
    try:
        key = industry_class(industry)
    except ValueError:
        return size, None
    if key is None and size is None:
        return None, None
    c = classify(industry, employees, revenue, assets, size)
    return c.size, c.industry_class


def test_classify_frame_examples_keep_row_order() -> None:
    rows = [
        ("I65", 120.0, 52e6, 3e7, None),
        ("C38", 2000.0, 5e8, 9e8, None),
        ("F", 1.0, 1.0, 1.0, None),  # bare split letter → null, null
        ("J66", 1.0, 1.0, 1.0, None),
        ("X1", 1.0, 1.0, 1.0, None),  # invalid code → null, null
        (None, 1.0, 1.0, 1.0, "micro"),
        ("F52", math.nan, 3e6, None, None),  # NaN counts as missing
        ("K", 1.0, 1.0, 1.0, "large"),
        ("G54", 80.0, 2e7, 1e7, None),
        ("F52", 25.0, 3e6, 1.5e6, None),
    ]
    out = classify_frame(_frame(rows))
    assert out.columns == ["size", "industry_class"]
    assert out.rows() == [
        ("medium", "software_it_services"),
        ("large", "industry"),
        (None, None),
        ("unclassifiable", "finance"),
        (None, None),
        ("micro", None),
        (None, "retail"),
        ("large", None),
        ("small", "transport"),
        ("small", "retail"),
    ]


def test_classify_frame_integer_columns_and_no_size_column() -> None:
    df = pl.DataFrame(
        {
            "industry": ["M73", "I65"],
            "employees": [150, 120],
            "revenue": [None, 52_000_000],
            "assets": [None, 1],
        }
    )
    assert classify_frame(df).rows() == [
        ("medium", "other"),
        ("medium", "software_it_services"),
    ]


def test_classify_frame_empty() -> None:
    out = classify_frame(_frame([]))
    assert out.shape == (0, 2)
    assert out.schema == pl.Schema({"size": pl.String, "industry_class": pl.String})


def test_classify_frame_rejects_unknown_size() -> None:
    with pytest.raises(SizeError, match="size must be one of"):
        classify_frame(_frame([("I65", 1.0, 1.0, 1.0, "huge")]))


CODES = [
    *sorted(CODE_OF.values()),
    "F",
    "G",
    "H",
    "I",
    "K",
    "J66",
    "K70",
    "K7090",
    "C",
    "X12",
    "C99",
]


def _numbers(upper: float) -> st.SearchStrategy[float | None]:
    return st.one_of(
        st.none(),
        st.floats(0, upper, allow_nan=False),
        st.integers(0, int(upper)).map(float),
        st.just(math.nan),
    )


@st.composite
def _row(
    draw: st.DrawFn,
) -> Row:
    industry = draw(st.one_of(st.none(), st.sampled_from(CODES)))
    if draw(st.booleans()):
        key, values = draw(_unit_at_bounds())
        industry = CODE_OF[key]
        employees, revenue, assets = (values.get(k) for k in ("employees", "revenue", "assets"))
    else:
        employees = draw(_numbers(3000))
        revenue = draw(_numbers(3e9))
        assets = draw(_numbers(3e9))
    size = draw(st.one_of(st.none(), st.none(), st.sampled_from(SIZES)))
    return industry, employees, revenue, assets, size


@settings(max_examples=200)
@given(st.lists(_row(), max_size=40))
def test_classify_and_classify_frame_agree(
    rows: Sequence[Row],
) -> None:
    out = classify_frame(_frame(rows))
    assert out.height == len(rows)
    assert out.rows() == [_expected_row(r) for r in rows]
