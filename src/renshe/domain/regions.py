"""Administrative divisions — 行政区划代码 (GB/T 2260).

A region code has 6 digits: province (省级, 2), prefecture (地级, 4) and
county (县级, 6).  ``data/regions.yaml`` lists every province, the
prefectures of Beijing, Henan, Hubei and Hunan, and the county-level units of
Beijing, Zhengzhou, Wuhan and Yongzhou (plus the province-administered
county-level units of Henan and Hubei).  It also maps each jurisdiction whose
rules renshe implements (``cn``, ``beijing``, ``henan`` …) to its code prefix.

Validation rule (:func:`problem_with_region`): 6 digits; a known province; in
a detailed province a known prefecture; in a complete prefecture a known
county.  ``xx0000`` and ``xxxx00`` name the province / prefecture itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from renshe.domain._data import load

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "jurisdiction_flags",
    "jurisdiction_prefixes",
    "jurisdictions",
    "problem_with_region",
    "region_name",
]

_STANDARD = "GB/T 2260"


@dataclass(frozen=True)
class _Divisions:
    length: int
    province_digits: int
    prefecture_digits: int
    filler: str
    provinces: dict[str, str]
    detailed_provinces: frozenset[str]
    prefectures: dict[str, str]
    complete_prefectures: frozenset[str]
    counties: dict[str, str]
    placeholders: frozenset[str]
    jurisdictions: dict[str, str]


@cache
def _divisions() -> _Divisions:
    raw = load("regions")
    structure = raw["structure"]
    prefectures = {str(code): entry for code, entry in raw["prefectures"].items()}
    return _Divisions(
        length=int(structure["length"]),
        province_digits=int(structure["province_digits"]),
        prefecture_digits=int(structure["prefecture_digits"]),
        filler=str(structure["filler"]),
        provinces={str(k): str(v) for k, v in raw["provinces"].items()},
        detailed_provinces=frozenset(str(p) for p in raw["detailed_provinces"]),
        prefectures={code: str(entry["name"]) for code, entry in prefectures.items()},
        complete_prefectures=frozenset(code for code, entry in prefectures.items() if entry.get("complete")),
        counties={str(k): str(v) for k, v in raw["counties"].items()},
        placeholders=frozenset(str(n) for n in raw["name_placeholders"]),
        jurisdictions={str(k): str(v) for k, v in raw["jurisdictions"].items()},
    )


def _is_filler(part: str, d: _Divisions) -> bool:
    return part == d.filler * len(part)


def problem_with_region(code: object) -> str | None:
    """What is wrong with a region code (行政区划代码), or ``None`` when it is known.

    Rules: 6 ASCII digits; the province (first 2 digits) must be known; in
    Beijing, Henan, Hubei and Hunan the prefecture (first 4 digits) must be
    known; in a prefecture whose county list is complete (Beijing 1101,
    Zhengzhou 4101, Wuhan 4201, Yongzhou 4311, 4190, 4290) the full code must
    be known.  A code ending in ``0000`` (province) or ``00`` (prefecture)
    refers to that level and is accepted when the level is known.
    """
    d = _divisions()
    if not isinstance(code, str):
        return f"must be a string of {d.length} digits, got {type(code).__name__}"
    if len(code) != d.length or not (code.isascii() and code.isdigit()):
        return f'must be {d.length} digits ({_STANDARD}), got "{code}"'
    province = code[: d.province_digits]
    if province not in d.provinces:
        return f'unknown province code "{province}" in "{code}" ({_STANDARD})'
    middle = code[d.province_digits : d.prefecture_digits]
    tail = code[d.prefecture_digits :]
    if _is_filler(middle + tail, d):
        return None
    if _is_filler(middle, d):
        return (
            f'"{code}" has prefecture digits "{middle}" but county digits "{tail}"; '
            f"expected {province}{d.filler * (d.length - d.province_digits)} "
            f"or a prefecture code ({_STANDARD})"
        )
    if province not in d.detailed_provinces:
        return None
    prefecture = code[: d.prefecture_digits]
    if prefecture not in d.prefectures:
        return f'unknown prefecture code "{prefecture}" in {d.provinces[province]} "{code}" ({_STANDARD})'
    if _is_filler(tail, d) or prefecture not in d.complete_prefectures:
        return None
    if code not in d.counties:
        return f'unknown county-level code "{code}" in {_place_name(code, d, short=True)} ({_STANDARD})'
    return None


def _place_name(code: str, d: _Divisions, *, short: bool = False) -> str:
    province = code[: d.province_digits]
    prefecture = code[: d.prefecture_digits]
    parts = [d.provinces[province]]
    prefecture_name = d.prefectures.get(prefecture)
    if prefecture_name and prefecture_name not in d.placeholders:
        parts.append(prefecture_name)
    if not short and code in d.counties:
        parts.append(d.counties[code])
    return "".join(parts)


def region_name(code: str) -> str:
    """Full name of a region, most precise level known (e.g. ``河南省郑州市新密市``).

    Grouping names such as 市辖区 are left out (``110108`` → ``北京市海淀区``).
    For a code whose county is not in the data, the name of the prefecture or
    province is returned.  Raises ``ValueError`` for an unknown code.
    """
    problem = problem_with_region(code)
    if problem is not None:
        raise ValueError(f"region {problem}")
    return _place_name(code, _divisions())


def jurisdiction_prefixes() -> dict[str, str]:
    """Jurisdiction id → region-code prefix (``{"cn": "", "beijing": "11", …}``)."""
    return dict(_divisions().jurisdictions)


@cache
def jurisdictions(code: str) -> frozenset[str]:
    """The jurisdictions whose rules cover a region code (适用地区).

    Always contains ``"cn"``; adds ``"beijing"`` (11), ``"henan"`` (41),
    ``"zhengzhou"`` (4101), ``"xinmi"`` (410183), ``"hubei"`` (42),
    ``"hunan"`` (43), ``"yongzhou"`` (4311) by code prefix.  The code is not
    validated here; use :func:`problem_with_region` for that.
    """
    return frozenset(jid for jid, prefix in _divisions().jurisdictions.items() if code.startswith(prefix))


def jurisdiction_flags(region: pl.Expr) -> dict[str, pl.Expr]:
    """Vectorised :func:`jurisdictions`: one boolean Polars expression per jurisdiction.

    ``region`` is a string expression of region codes; each returned
    expression is ``region.str.starts_with(prefix)`` aliased to the
    jurisdiction id (null where the region is null).
    """
    return {jid: region.str.starts_with(prefix).alias(jid) for jid, prefix in _divisions().jurisdictions.items()}


def region_tree() -> list[dict[str, object]]:
    """The divisions the data knows, for a province → city → district picker (地区选择):
    each province ``{"code": "110000", "name": "北京市", "cities": [{"code": "110100",
    "name": "市辖区", "districts": [{"code": "110101", "name": "东城区"}, …]}, …]}``, in
    code order. A province without listed prefectures has an empty ``cities`` list."""
    d = _divisions()
    fill = d.filler
    out: list[dict[str, object]] = []
    for province, name in sorted(d.provinces.items()):
        cities = []
        for prefecture, city_name in sorted(d.prefectures.items()):
            if not prefecture.startswith(province):
                continue
            districts = [
                {"code": code, "name": county}
                for code, county in sorted(d.counties.items())
                if code.startswith(prefecture)
            ]
            cities.append(
                {
                    "code": prefecture + fill * (d.length - d.prefecture_digits),
                    "name": city_name,
                    "districts": districts,
                }
            )
        out.append({"code": province + fill * (d.length - d.province_digits), "name": name, "cities": cities})
    return out
