"""Identifier checks — 统一社会信用代码 (USCC), 公民身份号码 (resident ID), 手机号码.

* USCC (统一社会信用代码, GB 32100-2015): 18 characters from a 31-character
  alphabet; the 18th is a check character over the first 17.
* Resident ID (公民身份号码, GB 11643-1999): 17 digits (address, birth date,
  sequence) and a check character (ISO 7064 MOD 11-2, ``0``–``9`` or ``X``).
* Mainland mobile number (手机号码): 11 digits starting ``1[3-9]``.

Weights, alphabets and lengths come from ``data/identifiers.yaml``.
The ``problem_with_*`` functions return ``None`` for a valid identifier, or a
short English sentence saying what is wrong and what was expected.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from renshe.domain._data import load

if TYPE_CHECKING:
    import numpy as np
    import polars as pl

__all__ = [
    "IdRule",
    "UsccRule",
    "id_check_char",
    "id_rule",
    "is_mobile",
    "is_valid_id_number",
    "is_valid_uscc",
    "normalise_id_number",
    "problem_with_id_number",
    "problem_with_uscc",
    "uscc_check_char",
    "uscc_check_chars",
    "uscc_rule",
    "uscc_valid_expr",
]

_DIGITS = frozenset(string.digits)


@dataclass(frozen=True)
class UsccRule:
    """The 统一社会信用代码 scheme of GB 32100-2015 (from ``data/identifiers.yaml``):
    ``alphabet`` lists the 31 characters in the order of their values (``values``
    maps each to its value, 0–30), ``weights`` and ``modulus`` give the check character."""

    standard: str
    length: int
    alphabet: str
    values: dict[str, int]
    weights: tuple[int, ...]
    modulus: int


@dataclass(frozen=True)
class IdRule:
    standard: str
    length: int
    weights: tuple[int, ...]
    modulus: int
    check_chars: str
    birth_start: int  # 0-based slice start
    birth_end: int  # 0-based slice end (exclusive)
    birth_format: str


@cache
def uscc_rule() -> UsccRule:
    """The USCC scheme: length, alphabet, character values, weights, modulus."""
    raw = load("identifiers")["uscc"]
    alphabet = str(raw["alphabet"])
    return UsccRule(
        standard=str(raw["standard"]),
        length=int(raw["length"]),
        alphabet=alphabet,
        values={ch: i for i, ch in enumerate(alphabet)},
        weights=tuple(int(w) for w in raw["weights"]),
        modulus=int(raw["modulus"]),
    )


@cache
def id_rule() -> IdRule:
    """The resident ID scheme (GB 11643-1999): length, weights, check characters, birth date digits."""
    raw = load("identifiers")["id_number"]
    first, last = (int(p) for p in raw["birth_date_positions"])
    return IdRule(
        standard=str(raw["standard"]),
        length=int(raw["length"]),
        weights=tuple(int(w) for w in raw["weights"]),
        modulus=int(raw["modulus"]),
        check_chars=str(raw["check_chars"]),
        birth_start=first - 1,
        birth_end=last,
        birth_format=str(raw["birth_date_format"]),
    )


@cache
def _mobile() -> re.Pattern[str]:
    return re.compile(str(load("identifiers")["mobile"]["pattern"]))


# --------------------------------------------------------------------------- USCC


def uscc_check_char(first17: str) -> str:
    """Check character (校验码) of a USCC from its first 17 characters.

    Raises ``ValueError`` when ``first17`` is not 17 characters of the USCC
    alphabet (upper case).
    """
    rule = uscc_rule()
    body_length = len(rule.weights)
    if len(first17) != body_length or any(ch not in rule.values for ch in first17):
        raise ValueError(f"expected {body_length} characters of {rule.alphabet!r}, got {first17!r}")
    total = sum(rule.values[ch] * w for ch, w in zip(first17, rule.weights, strict=True))
    return rule.alphabet[(rule.modulus - total % rule.modulus) % rule.modulus]


def problem_with_uscc(code: object) -> str | None:
    """What is wrong with a 统一社会信用代码, or ``None`` when it is valid.

    Valid means: exactly 18 characters, all from the GB 32100-2015 alphabet
    (digits and upper-case letters except I, O, S, V, Z) and a correct check
    character.  Lower-case letters are not accepted.
    """
    rule = uscc_rule()
    if not isinstance(code, str):
        return f"must be a string of {rule.length} characters, got {type(code).__name__}"
    if len(code) != rule.length:
        return f"must be {rule.length} characters, got {len(code)}"
    for position, ch in enumerate(code, start=1):
        if ch in rule.values:
            continue
        if ch.upper() in rule.values:
            return f'character {position} "{ch}" must be upper case ({rule.standard})'
        excluded = ", ".join(c for c in string.ascii_uppercase if c not in rule.values)
        return (
            f'character {position} "{ch}" is not allowed; expected a digit or an '
            f"upper-case letter other than {excluded} ({rule.standard})"
        )
    body_length = len(rule.weights)
    expected = uscc_check_char(code[:body_length])
    actual = code[body_length:]
    if actual != expected:
        return f'check character is "{actual}", expected "{expected}" ({rule.standard})'
    return None


def is_valid_uscc(code: object) -> bool:
    """True when ``code`` is a valid 统一社会信用代码 (see :func:`problem_with_uscc`)."""
    return problem_with_uscc(code) is None


# --------------------------------------------------------------------------- resident ID


def normalise_id_number(code: str) -> str:
    """Canonical form of a 公民身份号码: whitespace removed, upper case (``x`` → ``X``)."""
    return "".join(code.split()).upper()


def id_check_char(first17: str) -> str:
    """Check character (校验码) of a resident ID from its first 17 digits.

    Raises ``ValueError`` when ``first17`` is not 17 ASCII digits.
    """
    rule = id_rule()
    body_length = len(rule.weights)
    if len(first17) != body_length or any(ch not in _DIGITS for ch in first17):
        raise ValueError(f"expected {body_length} digits, got {first17!r}")
    total = sum(int(ch) * w for ch, w in zip(first17, rule.weights, strict=True))
    return rule.check_chars[total % rule.modulus]


def problem_with_id_number(code: object) -> str | None:
    """What is wrong with a 公民身份号码, or ``None`` when it is valid.

    The number is first normalised (:func:`normalise_id_number`), so a
    lower-case final ``x`` and spaces are accepted.  Valid means: 18
    characters, 17 digits then a check character in ``0``–``9``/``X`` that
    matches GB 11643-1999, and a birth date (characters 7–14, ``YYYYMMDD``)
    that is a real calendar date.
    """
    rule = id_rule()
    if not isinstance(code, str):
        return f"must be a string of {rule.length} characters, got {type(code).__name__}"
    number = normalise_id_number(code)
    if len(number) != rule.length:
        return f"must be {rule.length} characters, got {len(number)}"
    body_length = len(rule.weights)
    for position, ch in enumerate(number[:body_length], start=1):
        if ch not in _DIGITS:
            return f'character {position} "{ch}" must be a digit (the first {body_length} characters are digits)'
    actual = number[body_length:]
    if actual not in rule.check_chars:
        return f'check character "{actual}" must be a digit or X ({rule.standard})'
    birth = number[rule.birth_start : rule.birth_end]
    try:
        datetime.strptime(birth, rule.birth_format)
    except ValueError:
        return (
            f'birth date "{birth}" (characters {rule.birth_start + 1}–{rule.birth_end}) '
            "is not a real date (expected YYYYMMDD)"
        )
    expected = id_check_char(number[:body_length])
    if actual != expected:
        return f'check character is "{actual}", expected "{expected}" ({rule.standard})'
    return None


def is_valid_id_number(code: object) -> bool:
    """True when ``code`` is a valid 公民身份号码 (see :func:`problem_with_id_number`)."""
    return problem_with_id_number(code) is None


# --------------------------------------------------------------------------- mobile


def is_mobile(s: object) -> bool:
    """True when ``s`` is a mainland mobile number (手机号码): 11 digits, ``1[3-9]…``."""
    return isinstance(s, str) and _mobile().fullmatch(s) is not None


# --------------------------------------------------------------------------- columns


def uscc_check_char_expr(first17: pl.Expr) -> pl.Expr:
    """Vectorised :func:`uscc_check_char` over a column of 17-character strings
    (null where a character is outside the alphabet)."""
    import polars as pl

    rule = uscc_rule()
    total: pl.Expr = pl.lit(0, dtype=pl.Int64)
    for i, weight in enumerate(rule.weights):
        value = first17.str.slice(i, 1).replace_strict(rule.values, default=None, return_dtype=pl.Int64)
        total = total + value * weight
    index = (rule.modulus - total % rule.modulus) % rule.modulus
    return index.replace_strict(dict(enumerate(rule.alphabet)), default=None, return_dtype=pl.String)


def uscc_check_chars(values: np.ndarray) -> np.ndarray:
    """Vectorised :func:`uscc_check_char` on character *values* (an n × 17 array of
    0–30, the alphabet's positions): the n check characters as ASCII bytes."""
    import numpy as np

    rule = uscc_rule()
    total = values @ np.array(rule.weights, dtype=np.int64)
    alphabet = np.frombuffer(rule.alphabet.encode("ascii"), dtype=np.uint8)
    return alphabet[(rule.modulus - total % rule.modulus) % rule.modulus]  # type: ignore[no-any-return]


@cache
def _uscc_byte_values() -> np.ndarray:
    import numpy as np

    value = np.full(np.iinfo(np.uint8).max + 1, -1, dtype=np.int64)  # one slot per byte value
    for ch, v in uscc_rule().values.items():
        value[ord(ch)] = v
    return value


def _uscc_valid_batch(codes: pl.Series) -> pl.Series:
    import numpy as np
    import polars as pl

    rule = uscc_rule()
    length = rule.length
    right_length = (codes.str.len_bytes() == length).fill_null(False)
    out = np.zeros(codes.len(), dtype=bool)
    candidates = codes.filter(right_length)
    if candidates.len():
        raw = np.frombuffer(candidates.str.join("").item().encode("utf-8"), dtype=np.uint8).reshape(-1, length)
        values = _uscc_byte_values()[raw[:, : length - 1]]
        ok = (values >= 0).all(axis=1)
        out[right_length.to_numpy()] = ok & (uscc_check_chars(np.where(values >= 0, values, 0)) == raw[:, length - 1])
    return pl.Series(codes.name, out)


def uscc_valid_expr(code: pl.Expr) -> pl.Expr:
    """Vectorised :func:`is_valid_uscc`: true where the code is a valid USCC (numpy over
    the codes' bytes, batch by batch: ~1 s for 10M codes, where 17 one-character
    slices and lookups per row took 13 s and 3 GB)."""
    import polars as pl

    return code.map_batches(_uscc_valid_batch, return_dtype=pl.Boolean, is_elementwise=True)
