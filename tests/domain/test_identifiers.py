"""Tests for renshe.domain.identifiers — 统一社会信用代码 / 公民身份号码 / 手机号码."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renshe.domain.identifiers import (
    id_check_char,
    is_mobile,
    is_valid_id_number,
    is_valid_uscc,
    normalise_id_number,
    problem_with_id_number,
    problem_with_uscc,
    uscc_check_char,
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

VALID_USCC = [
    "91110108MA01C7LM3W",
    "91420100MA4K0AAA17",
    "91410105MA44BBBB2T",
    "91410183MA45CCCC35",
    "91110105MA00DDDD45",
    "91110105MA00EEEE5X",
    "91431100MA4LFFFF6K",
]
VALID_IDS = ["110105198001011238", "410183199002150023"]


@pytest.mark.parametrize("code", VALID_USCC)
def test_example_usccs_are_valid(code: str) -> None:
    assert problem_with_uscc(code) is None
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]


def test_uscc_wrong_check_character_names_expected() -> None:
    assert problem_with_uscc("91110108MA01C7LM3E") == 'check character is "E", expected "W" (GB 32100-2015)'
    assert not is_valid_uscc("91110108MA01C7LM3E")


def test_uscc_length() -> None:
    assert problem_with_uscc("91110108MA01C7LM3") == "must be 18 characters, got 17"
    assert problem_with_uscc("") == "must be 18 characters, got 0"


def test_uscc_lower_case_rejected() -> None:
    problem = problem_with_uscc("91110108ma01c7lm3w")
    assert problem is not None and "upper case" in problem
    assert not is_valid_uscc("91110108MA01C7LM3w")


@pytest.mark.parametrize("bad", ["I", "O", "S", "V", "Z", "-", "é"])
def test_uscc_letters_outside_alphabet(bad: str) -> None:
    code = "91110108MA01C7LM3W"
    code = code[:5] + bad + code[6:]
    problem = problem_with_uscc(code)
    assert problem is not None and "character 6" in problem and "not allowed" in problem


def test_uscc_non_string() -> None:
    assert problem_with_uscc(None) is not None
    assert not is_valid_uscc(911101)


def test_uscc_check_char_rejects_bad_body() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("91110108MA01C7LM")  # 16 characters
    with pytest.raises(ValueError):
        uscc_check_char("91110108MA01C7LMI")


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_uscc_check_char_round_trip(body: str) -> None:
    check = uscc_check_char(body)
    assert check in USCC_ALPHABET
    assert is_valid_uscc(body + check)


@given(
    st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17),
    st.sampled_from(USCC_ALPHABET),
)
def test_uscc_any_other_check_char_is_invalid(body: str, other: str) -> None:
    check = uscc_check_char(body)
    if other != check:
        problem = problem_with_uscc(body + other)
        assert problem == f'check character is "{other}", expected "{check}" (GB 32100-2015)'


@given(
    st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17),
    st.integers(0, 16),
    st.data(),
)
def test_uscc_single_substitution_is_detected(body: str, position: int, data: st.DataObject) -> None:
    """MOD 31 with weights coprime to 31 catches every single-character error."""
    code = body + uscc_check_char(body)
    replacement = data.draw(st.sampled_from([c for c in USCC_ALPHABET if c != code[position]]))
    assert not is_valid_uscc(code[:position] + replacement + code[position + 1 :])


# --------------------------------------------------------------------------- resident ID


@pytest.mark.parametrize("code", VALID_IDS)
def test_example_ids_are_valid(code: str) -> None:
    assert problem_with_id_number(code) is None
    assert is_valid_id_number(code)
    assert id_check_char(code[:17]) == code[17]


def _body_with_check(check: str) -> str:
    for seq in range(1000):
        body = f"11010519800101{seq:03d}"
        if id_check_char(body) == check:
            return body
    raise AssertionError("no body found")


def test_lower_case_x_is_accepted_and_normalised() -> None:
    body = _body_with_check("X")
    assert is_valid_id_number(body + "X")
    assert is_valid_id_number(body + "x")
    assert normalise_id_number(f" {body[:6]} {body[6:]}x ") == body + "X"
    assert is_valid_id_number(f"{body[:6]} {body[6:]}x")


def test_id_wrong_check_character() -> None:
    assert problem_with_id_number("110105198001011239") == 'check character is "9", expected "8" (GB 11643-1999)'


def test_id_length() -> None:
    assert problem_with_id_number("11010519800101123") == "must be 18 characters, got 17"


def test_id_non_digit_body() -> None:
    problem = problem_with_id_number("1101051980010A1238")
    assert problem is not None and "character 14" in problem and "digit" in problem


def test_id_bad_check_character_kind() -> None:
    problem = problem_with_id_number("11010519800101123Y")
    assert problem is not None and "digit or X" in problem


@pytest.mark.parametrize("birth", ["19800230", "19801301", "19800001", "19000229", "00000101"])
def test_id_birth_date_must_be_real(birth: str) -> None:
    body = "110105" + birth + "123"
    code = body + id_check_char(body)
    problem = problem_with_id_number(code)
    assert problem is not None and "birth date" in problem and birth in problem


def test_id_leap_day_is_a_real_date() -> None:
    body = "110105" + "20000229" + "123"
    assert is_valid_id_number(body + id_check_char(body))


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)
def test_id_round_trip(birth: date, address: str, seq: str) -> None:
    body = address + birth.strftime("%Y%m%d") + seq
    check = id_check_char(body)
    assert check in "0123456789X"
    assert is_valid_id_number(body + check)
    assert is_valid_id_number(body + check.lower())
    for other in "0123456789X":
        if other != check:
            assert not is_valid_id_number(body + other)


def test_id_check_char_rejects_bad_body() -> None:
    with pytest.raises(ValueError):
        id_check_char("1101051980010112")
    with pytest.raises(ValueError):
        id_check_char("1101051980010112X")


def test_id_non_string() -> None:
    assert problem_with_id_number(110105198001011238) is not None


# --------------------------------------------------------------------------- mobile


@pytest.mark.parametrize("s", ["13800138000", "19912345678", "15011112222"])
def test_mobile_valid(s: str) -> None:
    assert is_mobile(s)


@pytest.mark.parametrize(
    "s",
    [
        "12800138000",
        "1380013800",
        "138001380000",
        "2380013800a",
        "+8613800138000",
        "",
        "1３800138000",
    ],
)
def test_mobile_invalid(s: str) -> None:
    assert not is_mobile(s)


def test_mobile_non_string() -> None:
    assert not is_mobile(13800138000)
