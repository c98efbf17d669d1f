"""Registry input (参保单位登记库): read and validate the tables of a registry.

A registry is a directory holding ``units``, ``contributions``, ``insured`` and
optionally ``si_additions`` and ``quarterly_profit`` as Parquet, CSV or xlsx
files (``units.parquet``, ``contributions.csv``…), or one xlsx workbook with
sheets of those names. Rows that fail a check are reported (file, row, field,
problem) and skipped; the good rows still run. Finding the tables and reading
them as text is ``renshe.engine.registry_files`` (shared with the monitoring
service); the checks and the staging layout are here.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, reduce
from typing import Any, cast

import polars as pl

from renshe.domain.identifiers import uscc_valid_expr
from renshe.domain.industries import problem_with_industry
from renshe.domain.regions import problem_with_region
from renshe.domain.size import industry_class
from renshe.engine.case import FLAGS, INSURANCES, MONTH_RE, QUARTER_RE, SIZES, UNIT_TYPES, Enterprise
from renshe.engine.population import layout
from renshe.engine.registry_files import (  # noqa: F401  (the registry's file layer, re-exported)
    FORMATS,
    REQUIRED_TABLES,
    TABLES,
    RegistryError,
    Source,
    find_sources,
)
from renshe.engine.registry_files import scan as scan_file

FLAG_SPLIT = r"[;,，、\s]+"
TRUE_WORDS = {"true", "1", "是", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "否", "no", "n", "f", ""}

PROBLEM_SCHEMA = {"file": pl.String, "row": pl.Int64, "field": pl.String, "problem": pl.String}


@cache
def unit_columns() -> dict[str, Any]:
    """Columns a units file may carry: the enterprise fields of the case format."""
    cols = {k: v for k, v in layout(Enterprise).columns.items() if k != "_u" and not k.startswith("flag_")}
    cols["size"] = cols.pop("size_given")
    cols["flags"] = pl.String
    return cols


def table_columns(name: str) -> dict[str, Any]:
    if name == "units":
        return unit_columns()
    schema = dict(layout(Enterprise).tables[name])
    schema.pop("_u")
    return {"uscc": pl.String, **schema}


REQUIRED_COLUMNS = {
    "units": ("uscc", "region"),
    "contributions": ("uscc", "month", "insurance", "employer_due", "employer_paid"),
    "insured": ("uscc", "month", "headcount"),
    "si_additions": ("uscc", "month", "count"),
    "quarterly_profit": ("uscc", "quarter", "profit"),
}


@dataclass
class Check:
    """One check of a column: ``bad`` is evaluated on every row (vectorised, streamed);
    ``message`` only on the rows found bad."""

    field: str
    bad: pl.Expr
    message: pl.Expr
    #: false: ``bad`` reads a column known only after the streamed pass (``_dup``)
    streamed: bool = True


CODE = "_code"  # index of a row's first failing check (null: the row is good)
BAD = "_bad"  # true where some check fails
DUP = "_dup"  # units: a second or later row of a USCC


def _text(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).str.strip_chars()


INT64_SAFE = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32)


def _numeric_as_is(source: Any, dtype: Any) -> bool:
    """Whether a column stored as ``source`` (Parquet) casts to ``dtype`` without loss, so
    that it needs no round trip through text (and no "not a number" check)."""
    if dtype == pl.Float64:
        return bool(source.is_numeric())
    return dtype == pl.Int64 and any(source == t for t in INT64_SAFE)


def _number_checks(
    col: str, dtype: Any, minimum: float | None = 0.0, source: Any = pl.String
) -> tuple[pl.Expr, list[Check]]:
    """The typed value of a number column and its checks. A column already stored as
    numbers (Parquet) is cast directly, without the round trip through text."""
    raw = _text(col)
    if _numeric_as_is(source, dtype):
        value = pl.col(col).cast(dtype)
        checks = []
    else:
        value = raw.cast(dtype, strict=False)
        checks = [Check(col, raw.is_not_null() & (raw != "") & value.is_null(), pl.format("“{}”不是数字", raw))]
    if minimum is not None:
        checks.append(Check(col, value < minimum, pl.format("{} 为负数，应不小于 {}", raw, pl.lit(minimum))))
    return value, checks


def _known(values: pl.Series, problem: Callable[[str], str | None]) -> dict[str, str]:
    """Problem text for each distinct code that is not known (few distinct codes)."""
    out = {}
    for v in values.drop_nulls().unique().to_list():
        message = problem(v)
        if message:
            out[v] = message
    return out


def _code_check(col: str, frame_values: pl.Series, problem: Callable[[str], str | None], what: str) -> Check:
    unknown = _known(frame_values, problem)
    keys = list(unknown)
    return Check(
        col,
        _text(col).is_in(keys),
        pl.format(
            "“{}”不是有效的{}：{}",
            _text(col),
            pl.lit(what),
            _text(col).replace_strict(unknown, default="", return_dtype=pl.String),
        ),
    )


def _any_failing(checks: list[Check]) -> pl.Expr:
    """True where a row fails some (streamed) check: one boolean per row, cheap enough
    for every row of the long tables; which check fails is found for the bad rows only."""
    bads = [c.bad.fill_null(False) for c in checks if c.streamed]
    return reduce(operator.or_, bads, pl.lit(False)).alias(BAD)


def _first_failing(checks: list[Check]) -> pl.Expr:
    """The index of the first failing check of a row (null when all pass)."""
    if not checks:
        return pl.lit(None, dtype=pl.UInt16).alias(CODE)
    chain: Any = pl
    for i, c in enumerate(checks):
        chain = chain.when(c.bad.fill_null(False)).then(pl.lit(i, dtype=pl.UInt16))
    return chain.otherwise(pl.lit(None, dtype=pl.UInt16)).alias(CODE)


def describe(bad: pl.DataFrame, checks: list[Check], label: str) -> pl.DataFrame:
    """The problem rows (file, row, field, problem) of the bad rows (``_row`` and the
    columns the checks and messages read): each row's first failing check."""
    if bad.is_empty():
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    code = pl.col(CODE)
    return (
        bad.with_columns(_first_failing(checks))
        .select(
            pl.lit(label).alias("file"),
            pl.col("_row").cast(pl.Int64).alias("row"),
            code.replace_strict({i: c.field for i, c in enumerate(checks)}, return_dtype=pl.String).alias("field"),
            pl.coalesce([pl.when(code == i).then(c.message) for i, c in enumerate(checks)]).alias("problem"),
        )
        .sort("row")
    )


def _missing_columns(lf: pl.LazyFrame, name: str, label: str) -> list[dict[str, Any]]:
    present = set(lf.collect_schema().names())
    return [
        {"file": label, "row": 0, "field": c, "problem": f"缺少必需的列 {c}"}
        for c in REQUIRED_COLUMNS[name]
        if c not in present
    ]


def _split_list(col: str) -> pl.Expr:
    """ "a;b、c" → ["a", "b", "c"] (empty parts dropped)."""
    parts = pl.col(col).fill_null("").str.replace_all(FLAG_SPLIT, ";").str.split(";")
    return parts.list.eval(pl.element().filter(pl.element() != ""))


def _boolean(col: str) -> tuple[pl.Expr, Check]:
    raw = _text(col).str.to_lowercase()
    value = (
        pl.when(raw.is_in(list(TRUE_WORDS)))
        .then(True)
        .when(raw.is_in(list(FALSE_WORDS)) | raw.is_null())
        .then(False)
        .otherwise(None)
    )
    return value, Check(col, value.is_null(), pl.format("“{}”不是是/否（true/false）", _text(col)))


def _constant(col: str, expr: pl.Expr, dtype: Any) -> pl.Expr:
    """``expr`` of an absent (all-null) text column ``col``, as one broadcast value."""
    value = pl.DataFrame({col: [None]}, schema={col: pl.String}).select(expr.alias(col)).to_series()
    return pl.lit(value.cast(dtype)).first()


def _typed_units(schema: Any) -> tuple[dict[str, pl.Expr], list[Check]]:
    """The typed value of each non-text unit column and the checks of those the file has
    (a column the file lacks: the one value every row gets, no checks)."""
    cols = unit_columns()
    typed: dict[str, pl.Expr] = {}
    checks: list[Check] = []
    for c, dtype in cols.items():
        if c in UNIT_TEXT:
            continue
        own: list[Check] = []
        if dtype == pl.Boolean:
            typed[c], check = _boolean(c)
            own.append(check)
        elif isinstance(dtype, pl.List):
            typed[c] = _split_list(c)
        elif dtype == pl.Date:
            typed[c] = _text(c).str.to_date(strict=False)
            own.append(
                Check(
                    c, _text(c).is_not_null() & typed[c].is_null(), pl.format("“{}”不是日期，应为 YYYY-MM-DD", _text(c))
                )
            )
        elif dtype == pl.String:
            typed[c] = _text(c)
        elif dtype in (pl.Int64, pl.Float64):
            minimum = None if c.startswith("finance_profit") else 0.0
            typed[c], own = _number_checks(c, dtype, minimum, schema.get(c, pl.String))
        if c in schema:
            checks.extend(own)
        else:  # absent from the file: the value every row gets, no checks
            typed[c] = _constant(c, typed[c], dtype)
    if "work_injury_class" in schema:
        checks.append(
            Check(
                "work_injury_class",
                typed["work_injury_class"].is_not_null() & ~typed["work_injury_class"].is_between(1, 8),
                pl.format("“{}”不是工伤保险行业风险类别（1-8）", pl.col("work_injury_class")),
            )
        )

    return typed, checks


@dataclass
class Validated:
    good: pl.LazyFrame
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))
    #: units only: ``_row`` and ``uscc`` of the good rows, in USCC order
    keys: pl.DataFrame | None = None
    #: long tables only: the bad rows (their raw columns), to ``describe``
    bad: pl.LazyFrame | None = None
    checks: list[Check] = field(default_factory=list)


UNIT_TEXT = ("uscc", "region", "industry", "unit_type", "size", "flags", "name")


def validate_units(source: Source) -> Validated:
    """Validate the units table in three streamed passes over the file, holding only the
    ``_row`` and USCC of every row (and the bad rows) in memory:

    1. the distinct region and industry codes (to check each code once);
    2. every check but the duplicate one → whether a row fails one, and its USCC; the bad
       rows in full; then the duplicates (second and later rows of a USCC) in memory;
    3. (``good``, lazy, run by the caller) the typed columns of every row, which the
       caller keys by row to the good units' partitions (:class:`UnitKeys`).
    """
    lf = scan(source)
    missing = _missing_columns(lf, "units", source.label)
    if missing:
        raise RegistryError("; ".join(f"{m['file']}: {m['problem']}" for m in missing))
    schema = lf.collect_schema()
    cols = unit_columns()
    present = [c for c in cols if c in schema]
    distinct = pl.collect_all(
        [
            lf.select(_text(c).unique().alias(c)) if c in schema else pl.LazyFrame({c: []}, schema={c: pl.String})
            for c in ("region", "industry")
        ],
        engine="streaming",
    )
    regions, industries = distinct[0].to_series(), distinct[1].to_series()

    text = _unit_text(lf, schema)
    checks: list[Check] = [
        Check(
            "uscc",
            ~uscc_valid_expr(pl.col("uscc")),
            pl.format("“{}”不是有效的统一社会信用代码（GB 32100-2015 校验位不符）", pl.col("uscc").fill_null("")),
        ),
        # found in memory over the USCCs of all rows (pass 2), not streamed
        Check("uscc", pl.col(DUP), pl.format("统一社会信用代码 {} 与前面的行重复", pl.col("uscc")), streamed=False),
        _code_check("region", regions, problem_with_region, "行政区划代码（GB/T 2260）"),
        Check("region", pl.col("region").is_null(), pl.lit("缺少行政区划代码")),
        _code_check("industry", industries, problem_with_industry, "行业代码（GB/T 4754-2017）"),
        Check(
            "unit_type",
            pl.col("unit_type").is_not_null() & ~pl.col("unit_type").is_in(list(UNIT_TYPES)),
            pl.format("“{}”不是有效的单位类型，应为 {}", pl.col("unit_type"), pl.lit(" | ".join(UNIT_TYPES))),
        ),
        Check(
            "size",
            pl.col("size").is_not_null() & ~pl.col("size").is_in(list(SIZES)),
            pl.format("“{}”不是有效的企业规模，应为 {}", pl.col("size"), pl.lit(" | ".join(SIZES))),
        ),
    ]
    split_codes = [
        v
        for v in industries.drop_nulls().to_list()
        if not problem_with_industry(v) and industry_class(v) is None and not v.startswith("J")
    ]
    checks.append(
        Check(
            "industry",
            pl.col("industry").is_in(split_codes) & pl.col("size").is_null(),
            pl.format("“{}”为划型标准细分的门类，需填写更具体的行业代码或企业规模（size）", pl.col("industry")),
        )
    )
    flag_list = _split_list("flags")
    checks.append(
        Check(
            "flags",
            flag_list.list.eval(~pl.element().is_in(list(FLAGS))).list.any(),
            pl.format("含未知标志：{}；已知标志为 {}", pl.col("flags"), pl.lit(", ".join(FLAGS))),
        )
    )
    typed, own_checks = _typed_units(schema)
    checks.extend(own_checks)

    # pass 2: of every row, the USCC and whether a check fails; the bad rows in full
    # (two queries, not one with two outputs: that keeps the whole shared input in memory)
    rows = text.select("_row", "uscc", _any_failing(checks)).collect(engine="streaming")
    bad_rows = rows.filter(pl.col(BAD))["_row"]
    bad = (
        text.filter(pl.col("_row").is_in(bad_rows.implode()))
        .select("_row", *UNIT_TEXT, *[c for c in present if c not in UNIT_TEXT])
        .collect(engine="streaming")
    )
    # duplicates: the second and later rows of a USCC (rows whose USCC is not valid have the
    # same invalid code, and that check comes first); by sorting, which the keys need anyway
    rows = rows.sort("uscc", "_row", nulls_last=True).with_columns(
        (pl.col("uscc").is_not_null() & (pl.col("uscc") == pl.col("uscc").shift(1)).fill_null(False)).alias(DUP)
    )
    dup = rows.filter(pl.col(DUP))["_row"]
    bad = bad.with_columns(pl.col("_row").is_in(dup.implode()).alias(DUP))
    if dup.len():
        only_dup = rows.filter(pl.col(DUP) & ~pl.col(BAD)).select("_row", "uscc")
        bad = pl.concat([bad, only_dup.with_columns(pl.lit(True).alias(DUP))], how="diagonal_relaxed")
    problems = describe(bad, checks, source.label)
    keys = rows.filter(~pl.col(BAD) & ~pl.col(DUP)).select("_row", "uscc")
    del rows

    return Validated(_good_units(text, typed), problems, keys=keys, checks=checks)


def _unit_text(lf: pl.LazyFrame, schema: Any) -> pl.LazyFrame:
    """The text columns as the checks and messages read them."""
    return lf.with_columns([_text(c).alias(c) for c in UNIT_TEXT if c in schema]).with_columns(
        [pl.lit(None, dtype=pl.String).alias(c) for c in UNIT_TEXT if c not in schema]
    )


def _good_units(text: pl.LazyFrame, typed: dict[str, pl.Expr]) -> pl.LazyFrame:
    return text.select(
        pl.col("_row"),
        pl.col("uscc"),
        pl.col("name"),
        pl.col("region"),
        pl.col("unit_type").fill_null("enterprise"),
        pl.col("industry"),
        pl.col("size"),
        _split_list("flags").alias("flags"),
        *[v.alias(k) for k, v in typed.items()],
    ).with_columns(pl.col("state_owned").fill_null(False), pl.col("construction_project").fill_null(False))


def units_rows(source: Source, rows: tuple[int, int] | None = None) -> pl.LazyFrame:
    """The typed columns of the units file's rows (``rows``: offset and length of a slice),
    as :func:`validate_units` gives them in ``good`` — for a staging task that stages a
    slice of the units whose checks the client has already run."""
    lf = scan(source, rows)
    schema = lf.collect_schema()
    typed, _ = _typed_units(schema)
    return _good_units(_unit_text(lf, schema), typed)


PACK = 2**32  # ``_part * PACK + _u``: a unit's partition and row as one integer


@dataclass
class UnitKeys:
    """Each good unit's partition and row (``_part``, ``_u``), looked up by USCC or by row
    of the units file, without a join (a join carries every column of the long table
    through a hash table; this is an expression, so the long tables stream through it in
    order, in parallel).

    By USCC: the sorted good USCCs are searched (binary search) once per *run* of equal
    USCCs in a batch — long tables list a unit's rows together, so a batch of 100 000
    contribution rows holds ~1 500 runs — and the result spread over the run. Memory: the
    sorted USCCs and one integer per unit (a hash table or an ``Enum`` of 10M USCCs takes
    3–4 times as much)."""

    uscc: pl.Series  # the good units' USCCs, sorted
    by_rank: pl.Series  # _part * PACK + _u, in the same order
    by_row: pl.Series  # the same, indexed by row of the units file (null: a bad row)
    units: int

    @classmethod
    def of(cls, keys: pl.DataFrame) -> UnitKeys:
        """From the good units' ``_row``, ``uscc``, ``_part``, ``_u``."""
        packed = (pl.col("_part") * PACK + pl.col("_u").cast(pl.Int64)).alias("_pk")
        ranked = keys.select("_row", "uscc", packed).sort("uscc")
        rows = int(cast(int, keys["_row"].max()) or 0) + 1 if keys.height else 1  # (an integer column)
        by_row = pl.repeat(None, rows, dtype=pl.Int64, eager=True).alias("_pk").scatter(ranked["_row"], ranked["_pk"])
        return cls(uscc=ranked["uscc"], by_rank=ranked["_pk"], by_row=by_row, units=keys.height)

    @staticmethod
    def _split(packed: pl.Expr) -> list[pl.Expr]:
        return [(packed // PACK).alias("_part"), (packed % PACK).cast(pl.UInt32).alias("_u")]

    def packed(self, uscc: pl.Series) -> pl.Series:
        """``_part * PACK + _u`` of each USCC of a batch (null: not a good unit)."""
        if uscc.is_empty() or self.units == 0:
            return pl.repeat(None, uscc.len(), dtype=pl.Int64, eager=True)
        starts = uscc.ne_missing(uscc.shift(1)).fill_null(True)
        heads = uscc.filter(starts)
        at = self.uscc.search_sorted(heads, side="left").clip(0, self.units - 1)
        found = (self.uscc.gather(at) == heads).fill_null(False)
        values = pl.select(pl.when(pl.lit(found)).then(pl.lit(self.by_rank.gather(at)))).to_series()
        return values.gather(starts.cast(pl.UInt32).cum_sum() - 1)

    def by_uscc_expr(self, uscc: pl.Expr) -> list[pl.Expr]:
        """``_part`` and ``_u`` of the unit of ``uscc`` (null: not a good unit)."""
        return self._split(uscc.map_batches(self.packed, return_dtype=pl.Int64, is_elementwise=True))

    def by_row_expr(self, row: pl.Expr) -> list[pl.Expr]:
        """``_part`` and ``_u`` of the unit on ``row`` of the units file (null: a bad row)."""
        last = self.by_row.len() - 1  # the last good row: later rows are bad
        return self._split(pl.when(row <= last).then(pl.lit(self.by_row).gather(row.clip(0, last))))


def scan(source: Source, rows: tuple[int, int] | None = None) -> pl.LazyFrame:
    """The raw table (``registry_files.scan``), or a slice of its rows (offset, length; ``_row``
    still numbers the file's rows)."""
    lf = scan_file(source)
    return lf if rows is None else lf.slice(*rows)


def validate_table(source: Source, keys: UnitKeys, rows: tuple[int, int] | None = None) -> Validated:
    """Validate a long table (contributions, insured…) against the good units.

    ``keys`` gives each good unit's partition and row (``_part``, ``_u``) by USCC;
    the good rows come back keyed by those instead of the uscc (``good``, lazy), the
    bad rows as they are in the file (``bad``, lazy, for :func:`describe`): the caller
    runs both in one streamed pass over the file."""
    name = source.name
    lf = scan(source, rows)
    missing = _missing_columns(lf, name, source.label)
    if missing:
        return Validated(
            pl.LazyFrame(schema={k: v for k, v in table_columns(name).items()}),
            pl.DataFrame(missing, schema=PROBLEM_SCHEMA),
        )
    columns = table_columns(name)
    present = lf.collect_schema()
    checks: list[Check] = []
    typed: dict[str, pl.Expr] = {}
    for c, dtype in columns.items():
        if c == "uscc":
            continue
        if c == "month":
            typed[c] = _text(c)
            checks.append(
                Check(
                    c,
                    ~_text(c).str.contains(MONTH_RE.pattern).fill_null(False),
                    pl.format("“{}”不是有效月份，应为 YYYY-MM", _text(c).fill_null("")),
                )
            )
        elif c == "quarter":
            typed[c] = _text(c)
            checks.append(
                Check(
                    c,
                    ~_text(c).str.contains(QUARTER_RE.pattern).fill_null(False),
                    pl.format("“{}”不是有效季度，应为 YYYYQn", _text(c).fill_null("")),
                )
            )
        elif c == "insurance":
            typed[c] = _text(c)
            checks.append(
                Check(
                    c,
                    ~_text(c).is_in(list(INSURANCES)).fill_null(False),
                    pl.format("“{}”不是险种，应为 {}", _text(c).fill_null(""), pl.lit(" | ".join(INSURANCES))),
                )
            )
        elif c in present:
            minimum = None if c == "profit" else 0.0
            value, number_checks = _number_checks(c, dtype, minimum, present[c])
            typed[c] = value
            checks.extend(number_checks)
            checks.append(Check(c, pl.col(c).is_null(), pl.lit("缺少数值")))
        else:  # an optional value column the file lacks
            typed[c] = pl.lit(None, dtype=dtype)
    joined = lf.with_columns(keys.by_uscc_expr(_text("uscc")))
    checks.insert(
        0,
        Check(
            "uscc",
            pl.col("_part").is_null(),
            pl.format("统一社会信用代码 {} 不在单位表中（或该单位的行有误）", _text("uscc")),
        ),
    )
    checked = joined.with_columns(_any_failing(checks))
    raw = [c for c in present.names() if c in columns or c == "_row"]
    bad = checked.filter(pl.col(BAD)).select(*raw, "_part")
    good = checked.filter(~pl.col(BAD)).select(pl.col("_part"), pl.col("_u"), *[v.alias(k) for k, v in typed.items()])
    return Validated(good, bad=bad, checks=checks)
