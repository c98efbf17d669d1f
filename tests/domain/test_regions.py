"""Tests for renshe.domain.regions — 行政区划代码 (GB/T 2260) and jurisdictions."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from renshe.domain._data import load
from renshe.domain.regions import (
    jurisdiction_flags,
    jurisdiction_prefixes,
    jurisdictions,
    problem_with_region,
    region_name,
)

BEIJING_DISTRICTS = {
    "110101": "东城区", "110102": "西城区", "110105": "朝阳区", "110106": "丰台区",
    "110107": "石景山区", "110108": "海淀区", "110109": "门头沟区", "110111": "房山区",
    "110112": "通州区", "110113": "顺义区", "110114": "昌平区", "110115": "大兴区",
    "110116": "怀柔区", "110117": "平谷区", "110118": "密云区", "110119": "延庆区",
}  # fmt: skip


def test_all_34_provincial_units() -> None:
    provinces = load("regions")["provinces"]
    assert len(provinces) == 34
    assert provinces["11"] == "北京市" and provinces["82"] == "澳门特别行政区"
    for prefix in provinces:
        assert problem_with_region(f"{prefix}0000") is None


def test_beijing_has_its_16_districts() -> None:
    counties = load("regions")["counties"]
    assert {k: v for k, v in counties.items() if k.startswith("11")} == BEIJING_DISTRICTS
    for code, name in BEIJING_DISTRICTS.items():
        assert region_name(code) == "北京市" + name


@pytest.mark.parametrize(
    "code",
    [
        "110108", "110000", "110100", "410183", "410105", "410100", "410000", "410305",
        "419001", "420102", "429004", "431102", "431103", "431121", "431181", "431129",
        "430102", "433101", "320102", "440305", "500101",
    ],
)  # fmt: skip
def test_known_regions(code: str) -> None:
    assert problem_with_region(code) is None


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("11010", "must be 6 digits"),
        ("1101080", "must be 6 digits"),
        ("11010a", "must be 6 digits"),
        ("１１０１０８", "must be 6 digits"),
        ("990000", 'unknown province code "99"'),
        ("000000", 'unknown province code "00"'),
        ("110103", 'unknown county-level code "110103"'),  # 崇文区, merged in 2010
        ("110200", 'unknown prefecture code "1102"'),
        ("411800", 'unknown prefecture code "4118"'),
        ("420400", 'unknown prefecture code "4204"'),
        ("410199", 'unknown county-level code "410199" in 河南省郑州市'),
        ("420199", 'unknown county-level code "420199"'),
        ("431199", 'unknown county-level code "431199" in 湖南省永州市'),
        ("429099", 'unknown county-level code "429099"'),
        ("320001", 'county digits "01"'),
    ],
)
def test_unknown_regions(code: str, fragment: str) -> None:
    problem = problem_with_region(code)
    assert problem is not None and fragment in problem, problem


def test_non_string_region() -> None:
    assert problem_with_region(110108) is not None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("110108", "北京市海淀区"),
        ("110000", "北京市"),
        ("110100", "北京市"),
        ("410183", "河南省郑州市新密市"),
        ("410100", "河南省郑州市"),
        ("410305", "河南省洛阳市"),
        ("419001", "河南省济源市"),
        ("420102", "湖北省武汉市江岸区"),
        ("429021", "湖北省神农架林区"),
        ("431102", "湖南省永州市零陵区"),
        ("431181", "湖南省永州市祁阳市"),
        ("433101", "湖南省湘西土家族苗族自治州"),
        ("320102", "江苏省"),
    ],
)
def test_region_name(code: str, name: str) -> None:
    assert region_name(code) == name


def test_region_name_unknown_raises() -> None:
    with pytest.raises(ValueError, match="unknown"):
        region_name("110103")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("110108", {"cn", "beijing"}),
        ("410183", {"cn", "henan", "zhengzhou", "xinmi"}),
        ("410105", {"cn", "henan", "zhengzhou"}),
        ("410305", {"cn", "henan"}),
        ("420102", {"cn", "hubei"}),
        ("431102", {"cn", "hunan", "yongzhou"}),
        ("430102", {"cn", "hunan"}),
        ("320102", {"cn"}),
    ],
)
def test_jurisdictions(code: str, expected: set[str]) -> None:
    assert jurisdictions(code) == frozenset(expected)


def test_jurisdiction_ids() -> None:
    assert set(jurisdiction_prefixes()) == {
        "cn", "beijing", "hubei", "henan", "zhengzhou", "xinmi", "hunan", "yongzhou",
    }  # fmt: skip


REGION_SAMPLE = [
    "110108",
    "410183",
    "410105",
    "410305",
    "420102",
    "431102",
    "430102",
    "320102",
]


@given(st.lists(st.sampled_from(REGION_SAMPLE), max_size=30))
def test_jurisdiction_flags_agree_with_jurisdictions(codes: list[str]) -> None:
    df = pl.DataFrame({"region": codes}, schema={"region": pl.String})
    flags = jurisdiction_flags(pl.col("region"))
    out = df.select(list(flags.values()))
    assert set(out.columns) == set(jurisdiction_prefixes())
    for i, code in enumerate(codes):
        row = out.row(i, named=True)
        assert {jid for jid, flag in row.items() if flag} == jurisdictions(code)


def test_jurisdiction_flags_null_region() -> None:
    df = pl.DataFrame({"region": [None, "110108"]}, schema={"region": pl.String})
    out = df.select(list(jurisdiction_flags(pl.col("region")).values()))
    assert out.row(0) == tuple(None for _ in out.columns)
    assert out.row(1, named=True)["beijing"] is True
