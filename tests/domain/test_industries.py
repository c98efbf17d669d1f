"""Tests for renshe.domain.industries — 国民经济行业分类 (GB/T 4754-2017)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renshe.domain._data import load
from renshe.domain.industries import (
    Industry,
    parse_industry,
    problem_with_industry,
    section_name,
)

SECTIONS = {
    "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50),
    "F": (51, 52), "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69),
    "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79), "O": (80, 82),
    "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97),
}  # fmt: skip


def test_sections_match_gb_t_4754_2017() -> None:
    raw = load("industries")["sections"]
    assert {k: (int(v["divisions"][0]), int(v["divisions"][1])) for k, v in raw.items()} == SECTIONS


def test_divisions_01_to_97_belong_to_exactly_one_section() -> None:
    owners = {d: [s for s, (a, b) in SECTIONS.items() if a <= d <= b] for d in range(1, 98)}
    assert all(len(v) == 1 for v in owners.values())


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("C", Industry("C", None, None, None, "C")),
        ("C13", Industry("C", "13", None, None, "C13")),
        ("F52", Industry("F", "52", None, None, "F52")),
        ("G59", Industry("G", "59", None, None, "G59")),
        ("I65", Industry("I", "65", None, None, "I65")),
        ("K701", Industry("K", "70", "701", None, "K701")),
        ("K7020", Industry("K", "70", "702", "7020", "K7020")),
        ("L72", Industry("L", "72", None, None, "L72")),
        ("A01", Industry("A", "01", None, None, "A01")),
        ("T97", Industry("T", "97", None, None, "T97")),
    ],
)
def test_parse_valid(code: str, expected: Industry) -> None:
    assert parse_industry(code) == expected
    assert problem_with_industry(code) is None
    assert parse_industry(code).digits == code[1:]


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "is empty"),
        ("U", 'unknown section "U"'),
        ("Z12", 'unknown section "Z"'),
        ("1", 'unknown section "1"'),
        ("i65", "must be upper case"),
        ("C1", "1 digit(s)"),
        ("C13456", "5 digit(s)"),
        ("C1a", "not all digits"),
        ("C 13", "not all digits"),
        ("C99", 'division "99" of "C99" is not in section C (制造业, divisions 13–43)'),
        ("F53", "divisions 51–52"),
        ("A06", "divisions 01–05"),
        ("K71", "divisions 70–70"),
    ],
)
def test_parse_invalid(code: str, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_industry(code)
    assert fragment in str(info.value)
    assert "expected a section letter A–T" in str(info.value)
    assert problem_with_industry(code) == str(info.value)


def test_problem_with_non_string() -> None:
    assert problem_with_industry(None) is not None
    assert problem_with_industry(65) is not None


def test_section_name() -> None:
    assert section_name("I") == "信息传输、软件和信息技术服务业"
    with pytest.raises(ValueError):
        section_name("Z")


@given(st.data())
def test_every_division_of_its_section_parses(data: st.DataObject) -> None:
    letter = data.draw(st.sampled_from(sorted(SECTIONS)))
    first, last = SECTIONS[letter]
    division = data.draw(st.integers(first, last))
    extra = data.draw(st.text(alphabet="0123456789", max_size=2))
    code = f"{letter}{division:02d}{extra}"
    parsed = parse_industry(code)
    assert parsed.section == letter and parsed.division == f"{division:02d}"
    assert parsed.group == (code[1:4] if len(extra) >= 1 else None)
    assert parsed.class_code == (code[1:5] if len(extra) == 2 else None)


@given(st.sampled_from(sorted(SECTIONS)), st.integers(0, 99))
def test_division_outside_its_section_is_rejected(letter: str, division: int) -> None:
    first, last = SECTIONS[letter]
    code = f"{letter}{division:02d}"
    if first <= division <= last:
        assert problem_with_industry(code) is None
    else:
        assert problem_with_industry(code) is not None
