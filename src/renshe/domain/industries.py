"""Industry codes — 国民经济行业分类 (GB/T 4754-2017).

A code is a section letter (门类, ``A``–``T``) optionally followed by 2, 3 or
4 digits: division (大类, 2 digits), group (中类, 3) or class (小类, 4), e.g.
``C``, ``C13``, ``F52``, ``K702``, ``K7020``.  The first two digits must be a
division of that section (``data/industries.yaml`` holds each section's
division range).  Groups and classes are not checked beyond their division.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from renshe.domain._data import load

__all__ = ["Industry", "industry_names", "parse_industry", "problem_with_industry", "search_industries", "section_name"]

_STANDARD = "GB/T 4754-2017"


@dataclass(frozen=True)
class Industry:
    """A parsed industry code (国民经济行业代码).

    ``section`` is the letter (门类); ``division`` the 2-digit 大类 or None;
    ``group`` the 3-digit 中类 or None; ``class_code`` the 4-digit 小类 or
    None; ``code`` the whole code as given (e.g. ``"K7020"``).
    """

    section: str
    division: str | None
    group: str | None
    class_code: str | None
    code: str

    @property
    def digits(self) -> str:
        """The digits after the section letter (``""`` for a bare section)."""
        return self.code[len(self.section) :]


@dataclass(frozen=True)
class _Scheme:
    sections: dict[str, tuple[str, int, int]]  # letter → (name, first, last division)
    division_digits: int
    group_digits: int
    class_digits: int

    @property
    def letters(self) -> str:
        letters = list(self.sections)
        return f"{letters[0]}–{letters[-1]}"


@cache
def _scheme() -> _Scheme:
    raw = load("industries")
    structure = raw["structure"]
    sections: dict[str, tuple[str, int, int]] = {}
    for letter, entry in raw["sections"].items():
        first, last = (int(x) for x in entry["divisions"])
        sections[str(letter)] = (str(entry["name"]), first, last)
    return _Scheme(
        sections=sections,
        division_digits=int(structure["division_digits"]),
        group_digits=int(structure["group_digits"]),
        class_digits=int(structure["class_digits"]),
    )


def section_name(letter: str) -> str:
    """Chinese name of a section (门类名称), e.g. ``"I"`` → ``信息传输、软件和信息技术服务业``."""
    try:
        return _scheme().sections[letter][0]
    except KeyError:
        raise ValueError(f'unknown industry section "{letter}" ({_STANDARD})') from None


def _expected(s: _Scheme) -> str:
    return (
        f"expected a section letter {s.letters} optionally followed by "
        f"{s.division_digits}–{s.class_digits} digits whose first {s.division_digits} "
        f'are a division of that section ({_STANDARD}), e.g. "C", "I65", "K7020"'
    )


def parse_industry(code: str) -> Industry:
    """Parse a GB/T 4754-2017 code into an :class:`Industry`.

    Raises ``ValueError`` with an English message naming what is wrong and
    what was expected (a section letter ``A``–``T`` optionally followed by
    2–4 digits whose first two digits are a division of that section).
    """
    s = _scheme()
    if not isinstance(code, str):  # a bad case, reported like any other bad code
        raise ValueError(f"must be a string, got {type(code).__name__}; {_expected(s)}")
    if not code:
        raise ValueError(f"is empty; {_expected(s)}")
    letter, digits = code[0], code[1:]
    if letter not in s.sections:
        if letter.upper() in s.sections:
            raise ValueError(
                f'section letter "{letter}" of "{code}" must be upper case ("{letter.upper()}{digits}"); {_expected(s)}'
            )
        raise ValueError(f'unknown section "{letter}" in "{code}"; {_expected(s)}')
    if digits and not (digits.isascii() and digits.isdigit()):
        raise ValueError(f'"{digits}" after the section letter of "{code}" is not all digits; {_expected(s)}')
    if digits and not s.division_digits <= len(digits) <= s.class_digits:
        raise ValueError(f'"{code}" has {len(digits)} digit(s) after the section letter; {_expected(s)}')
    if not digits:
        return Industry(section=letter, division=None, group=None, class_code=None, code=code)
    division = digits[: s.division_digits]
    name, first, last = s.sections[letter]
    if not first <= int(division) <= last:
        width = s.division_digits
        raise ValueError(
            f'division "{division}" of "{code}" is not in section {letter} '
            f"({name}, divisions {first:0{width}d}–{last:0{width}d}); {_expected(s)}"
        )
    return Industry(
        section=letter,
        division=division,
        group=digits[: s.group_digits] if len(digits) >= s.group_digits else None,
        class_code=digits if len(digits) == s.class_digits else None,
        code=code,
    )


def problem_with_industry(code: object) -> str | None:
    """What is wrong with an industry code, or ``None`` when it parses (see :func:`parse_industry`)."""
    try:
        parse_industry(code)  # type: ignore[arg-type]
    except ValueError as exc:
        return str(exc)
    return None


@cache
def industry_names() -> list[dict[str, str]]:
    """Every section, division and named class with its Chinese name, in code order, for
    searching an industry by name (行业检索): ``{"code": "I65", "name": "软件和信息技术服务业",
    "section": "信息传输、软件和信息技术服务业"}``."""
    raw = load("industries")
    s = _scheme()
    out: list[dict[str, str]] = []
    divisions = {str(k): str(v) for k, v in (raw.get("division_names") or {}).items()}
    classes = {str(k): str(v) for k, v in (raw.get("class_names") or {}).items()}
    for letter, (name, first, last) in s.sections.items():
        out.append({"code": letter, "name": name, "section": name})
        for number in range(first, last + 1):
            division = f"{number:0{s.division_digits}d}"
            if division in divisions:
                out.append({"code": letter + division, "name": divisions[division], "section": name})
            for code, class_name in classes.items():
                if code.startswith(division):
                    out.append({"code": letter + code, "name": class_name, "section": name})
    return out


def search_industries(query: str, limit: int) -> list[dict[str, str]]:
    """Industries whose code or Chinese name contains ``query`` (case-insensitive code),
    exact code first, then divisions and classes before sections; at most ``limit``."""
    q = query.strip()
    if not q:
        return []
    upper = q.upper()
    hits = [
        i
        for i in industry_names()
        if i["code"] == upper or q in i["name"] or (upper.isascii() and i["code"].startswith(upper))
    ]
    hits.sort(key=lambda i: (i["code"] != upper, len(i["code"]) == 1, i["code"]))
    return hits[:limit]
