"""Enterprise size classes — 企业划型 (大型 / 中型 / 小型 / 微型).

Implements 《中小企业划型标准规定》 (工信部联企业〔2011〕300号) with the
GB/T 4754-2017 code mapping of 国统字〔2017〕213号.  The thresholds, the
industry → class mapping and the 万元 → yuan factor live in
``data/sme_thresholds.yaml``.

Semantics (the SME line of a class joins its bounds with 或):

* **large** (大型) — the unit reaches (≥) *every* upper bound of its class;
* otherwise **medium** (中型) — it meets *all* medium lower bounds;
* otherwise **small** (小型) — it meets *all* small lower bounds;
* otherwise **micro** (微型) — it is below at least one small bound.

Indicators a class does not use are ignored.  Finance (section J, 金融业) is
outside the standard: ``unclassifiable``.  A bare section letter that the
table splits (F, G, H, I, K) needs a more precise code or a given size.

:func:`classify` handles one unit and explains itself in Chinese
(``basis``); :func:`classify_frame` does the same for a whole Polars frame
with expressions only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from renshe.domain._data import load
from renshe.domain.industries import parse_industry

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "Classification",
    "SizeClass",
    "SizeError",
    "citation",
    "classify",
    "classify_frame",
    "industry_class",
    "size_classes",
]

#: The levels of a class's bounds, from the SME line down.
_LEVELS = ("upper", "medium", "small")


class SizeError(ValueError):
    """A unit cannot be classified from what was given (划型信息不足或有误)."""


@dataclass(frozen=True)
class SizeClass:
    """One industry class of the standard (划型行业), e.g. ``software_it_services``.

    Each of ``upper`` / ``medium`` / ``small`` maps an indicator
    (``employees``, ``revenue``, ``assets``) to its bound in the units the
    rule compares: persons for employees, **yuan** for money.  ``printed``
    holds the same bounds as printed in the standard (万元 for money).
    """

    key: str
    name: str
    unclassifiable: bool
    upper: dict[str, float]
    medium: dict[str, float]
    small: dict[str, float]
    printed: dict[str, dict[str, float]]

    @property
    def indicators(self) -> tuple[str, ...]:
        """The indicators the class uses, in data-file order."""
        return tuple(self.upper)

    def bounds(self, level: str) -> dict[str, float]:
        """Bounds of one level (``upper``, ``medium`` or ``small``), in persons / yuan."""
        return {"upper": self.upper, "medium": self.medium, "small": self.small}[level]


@dataclass(frozen=True)
class Classification:
    """Result of :func:`classify` — 划型结果.

    ``size`` is ``large``/``medium``/``small``/``micro``/``unclassifiable``,
    or ``None`` when an indicator the class needs is missing (listed in
    ``missing``).  ``industry_class`` is the class key (None for a bare
    section letter).  ``basis`` is a short Chinese explanation of the
    indicators and bounds used.
    """

    size: str | None
    industry_class: str | None
    basis: str
    missing: tuple[str, ...] = ()

    @property
    def citation(self) -> dict[str, str]:
        """The document the classification rests on (``{"doc_no": …}``)."""
        return citation()


@dataclass(frozen=True)
class _Standard:
    doc_no: str
    money_factor: float
    indicator_names: dict[str, str]
    indicator_units: dict[str, str]
    money_indicators: frozenset[str]
    size_names: dict[str, str]
    class_by_code: dict[str, str | None]
    classes: dict[str, SizeClass]

    @property
    def assignable_sizes(self) -> tuple[str, ...]:
        """Sizes a case may give (everything but ``unclassifiable``)."""
        return tuple(s for s in self.size_names if s != "unclassifiable")


@cache
def _standard() -> _Standard:
    raw = load("sme_thresholds")
    reference = raw["reference"]
    primary = reference[0] if isinstance(reference, list) else reference
    factor = float(raw["money_unit"]["yuan"])
    indicators = raw["indicators"]
    money = frozenset(k for k, v in indicators.items() if v.get("money"))
    classes: dict[str, SizeClass] = {}
    for key, entry in raw["classes"].items():
        printed = {lvl: {k: float(v) for k, v in (entry.get(lvl) or {}).items()} for lvl in _LEVELS}
        used = {tuple(printed[lvl]) for lvl in _LEVELS}
        if len(used) != 1 or any(k not in indicators for k in printed["upper"]):
            raise ValueError(f"sme_thresholds.yaml: class {key} must use the same known indicators at every level")
        converted = {lvl: {k: v * factor if k in money else v for k, v in printed[lvl].items()} for lvl in _LEVELS}
        classes[str(key)] = SizeClass(
            key=str(key),
            name=str(entry["name"]),
            unclassifiable=bool(entry.get("unclassifiable", False)),
            upper=converted["upper"],
            medium=converted["medium"],
            small=converted["small"],
            printed=printed,
        )
    class_by_code = {str(k): (None if v is None else str(v)) for k, v in raw["class_by_code"].items()}
    unknown = {v for v in class_by_code.values() if v is not None} - set(classes)
    if unknown:
        raise ValueError(f"sme_thresholds.yaml: class_by_code names unknown classes {sorted(unknown)}")
    return _Standard(
        doc_no=str(primary["doc_no"]),
        money_factor=factor,
        indicator_names={k: str(v["name"]) for k, v in indicators.items()},
        indicator_units={k: str(v["unit"]) for k, v in indicators.items()},
        money_indicators=money,
        size_names={str(k): str(v) for k, v in raw["sizes"].items()},
        class_by_code=class_by_code,
        classes=classes,
    )


def citation() -> dict[str, str]:
    """Citation of the size standard: ``{"doc_no": "工信部联企业〔2011〕300号"}``."""
    return {"doc_no": _standard().doc_no}


def size_classes() -> dict[str, SizeClass]:
    """All classes of the standard by key (a copy of the mapping; the classes are frozen)."""
    return dict(_standard().classes)


def industry_class(code: str) -> str | None:
    """Class key of an industry code (划型行业), e.g. ``"I65"`` → ``"software_it_services"``.

    Returns ``None`` for a bare section letter that the standard splits
    (F, G, H, I, K): a more precise code is needed.  Raises ``ValueError``
    for a code that is not a GB/T 4754-2017 code.  ``K70`` and K70 codes
    other than 7010 / 7020 are ``other`` (其他未列明行业).
    """
    industry = parse_industry(code)
    table = _standard().class_by_code
    for end in range(len(industry.code), 0, -1):
        prefix = industry.code[:end]
        if prefix in table:
            return table[prefix]
    raise ValueError(f'no size class for industry "{code}" in sme_thresholds.yaml')


# ------------------------------------------------------------------ one unit


def _present(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _number(value: float | Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros (``5200``, ``12.5``)."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return format(exact.normalize(), "f")


def _shown(indicator: str, value: float, std: _Standard) -> str:
    """A value in the unit of the standard: ``"120人"``, ``"5200万元"``."""
    if indicator in std.money_indicators:
        value_text = _number(Decimal(repr(float(value))) / Decimal(repr(std.money_factor)))
    else:
        value_text = _number(value)
    return f"{std.indicator_names[indicator]}{value_text}{std.indicator_units[indicator]}"


def _bound(indicator: str, cls: SizeClass, level: str, std: _Standard) -> str:
    unit = std.indicator_units[indicator] if indicator in std.money_indicators else ""
    return f"{_number(cls.printed[level][indicator])}{unit}"


def _comparisons(values: dict[str, float], cls: SizeClass, level: str, std: _Standard, *, met: bool) -> str:
    bounds = cls.bounds(level)
    parts = [
        f"{_shown(ind, values[ind], std)}{'≥' if met else '<'}{_bound(ind, cls, level, std)}"
        for ind in cls.indicators
        if (values[ind] >= bounds[ind]) == met
    ]
    return "且".join(parts)


def _split_hint(letter: str, std: _Standard) -> str:
    codes = [k for k in std.class_by_code if k.startswith(letter) and k != letter]
    return ", ".join(codes)


def classify(
    industry: str,
    employees: float | None,
    revenue: float | None,
    assets: float | None,
    size: str | None = None,
) -> Classification:
    """Classify one unit (企业划型) per 工信部联企业〔2011〕300号.

    ``employees`` in persons (从业人员), ``revenue`` (营业收入) and ``assets``
    (资产总额) in yuan; ``None`` (or NaN) means not given.  A given ``size``
    (large/medium/small/micro, 经认定) overrides the computation.

    Raises ``ValueError`` for an invalid industry code and :class:`SizeError`
    for an unknown ``size`` value or a bare split section letter (F, G, H,
    I, K) without ``size``.
    """
    std = _standard()
    key = industry_class(industry)
    if size is not None:
        if size not in std.assignable_sizes:
            raise SizeError(f'size must be one of {", ".join(std.assignable_sizes)}, got "{size}"')
        return Classification(size=size, industry_class=key, basis=f"经认定为{std.size_names[size]}")
    if key is None:
        raise SizeError(
            f'industry "{industry}" is a bare section that {std.doc_no} splits into several '
            f"classes; give a more precise industry code ({_split_hint(industry, std)}) "
            "or the size (large, medium, small, micro) as classified by an authority"
        )
    cls = std.classes[key]
    if cls.unclassifiable:
        return Classification(
            size="unclassifiable",
            industry_class=key,
            basis=f"{cls.name}不适用《中小企业划型标准规定》（{std.doc_no}），不划型",
        )
    given = {
        "employees": _present(employees),
        "revenue": _present(revenue),
        "assets": _present(assets),
    }
    missing = tuple(ind for ind in cls.indicators if given.get(ind) is None)
    if missing:
        names = "、".join(std.indicator_names[m] for m in missing)
        return Classification(
            size=None,
            industry_class=key,
            basis=f"{cls.name}：缺少{names}，无法划型",
            missing=missing,
        )
    values: dict[str, float] = {ind: v for ind, v in given.items() if v is not None}

    def meets(level: str) -> bool:
        return all(values[ind] >= bound for ind, bound in cls.bounds(level).items())

    if meets("upper"):
        result, why = "large", _comparisons(values, cls, "upper", std, met=True)
    elif meets("medium"):
        result, why = "medium", _comparisons(values, cls, "medium", std, met=True)
    elif meets("small"):
        result, why = "small", _comparisons(values, cls, "small", std, met=True)
    else:
        result, why = "micro", _comparisons(values, cls, "small", std, met=False)
    return Classification(
        size=result,
        industry_class=key,
        basis=f"{cls.name}：{why}，为{std.size_names[result]}",
    )


# ------------------------------------------------------------------ whole frames


def classify_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Vectorised :func:`classify` for a whole registry (批量划型).

    Input columns: ``industry`` (str), ``employees``, ``revenue``, ``assets``
    (numbers, nullable; NaN counts as missing) and optionally ``size`` (str,
    nullable).  Returns a frame with the columns ``size`` and
    ``industry_class`` (both str), one row per input row, same order.

    Rows whose industry is null, not a GB/T 4754-2017 code, or a bare split
    section letter get ``industry_class`` null and, unless ``size`` is given,
    ``size`` null — the caller reports them (:func:`classify` raises for
    these instead).  Raises :class:`SizeError` when a non-null ``size`` is
    not one of large/medium/small/micro.
    """
    import polars as pl

    std = _standard()
    indicators = tuple(std.indicator_names)
    class_keys = list(std.classes)
    class_index = {key: i for i, key in enumerate(class_keys)}

    # The few distinct industry codes are mapped in Python, the rows by one replace.
    mapping: dict[str, int] = {}
    for code in df.get_column("industry").cast(pl.String).unique().drop_nulls().to_list():
        try:
            key = industry_class(code)
        except ValueError:
            continue
        if key is not None:
            mapping[code] = class_index[key]

    if "size" in df.columns:
        given_sizes = set(df.get_column("size").cast(pl.String).unique().drop_nulls().to_list())
        bad = sorted(given_sizes - set(std.assignable_sizes))
        if bad:
            raise SizeError(f"size must be one of {', '.join(std.assignable_sizes)}, got {', '.join(map(repr, bad))}")
        given = pl.col("size").cast(pl.String)
    else:
        given = pl.lit(None, dtype=pl.String)

    def value(ind: str) -> pl.Expr:
        if ind not in df.columns:
            return pl.lit(None, dtype=pl.Float64)
        return pl.col(ind).cast(pl.Float64).fill_nan(None)

    index = (
        pl.col("industry").cast(pl.String).replace_strict(mapping, default=None, return_dtype=pl.UInt32).alias("_class")
    )
    stage1 = [index, given.alias("_given")] + [value(ind).alias(f"_v_{ind}") for ind in indicators]

    klass = pl.col("_class")

    def lookup(values: list[float | None]) -> pl.Expr:
        """Per-row value of a per-class table (null where the class is null)."""
        return pl.lit(pl.Series(values, dtype=pl.Float64)).gather(klass)

    bound_cols: list[pl.Expr] = []
    for level in _LEVELS:
        for ind in indicators:
            table = [std.classes[k].bounds(level).get(ind) for k in class_keys]
            bound_cols.append(lookup(table).alias(f"_b_{level}_{ind}"))

    def meets(level: str) -> pl.Expr:
        return pl.all_horizontal(
            [
                pl.col(f"_b_{level}_{ind}").is_null() | (pl.col(f"_v_{ind}") >= pl.col(f"_b_{level}_{ind}"))
                for ind in indicators
            ]
        )

    missing = pl.any_horizontal(
        [pl.col(f"_b_upper_{ind}").is_not_null() & pl.col(f"_v_{ind}").is_null() for ind in indicators]
    )
    unclassifiable = [class_index[k] for k, c in std.classes.items() if c.unclassifiable]
    result = (
        pl.when(pl.col("_given").is_not_null())
        .then(pl.col("_given"))
        .when(klass.is_in(unclassifiable))
        .then(pl.lit("unclassifiable"))
        .when(klass.is_null() | missing)
        .then(pl.lit(None, dtype=pl.String))
        .when(meets("upper"))
        .then(pl.lit("large"))
        .when(meets("medium"))
        .then(pl.lit("medium"))
        .when(meets("small"))
        .then(pl.lit("small"))
        .otherwise(pl.lit("micro"))
    )
    names = pl.lit(pl.Series(class_keys, dtype=pl.String)).gather(klass)
    return (
        df.lazy()
        .select(stage1)
        .with_columns(bound_cols)
        .select(result.alias("size"), names.alias("industry_class"))
        .collect()
    )
