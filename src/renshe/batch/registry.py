"""Registry input (参保单位登记库): read and validate the tables of a registry.

A registry is a directory holding ``units``, ``contributions``, ``insured`` and
optionally ``si_additions`` and ``quarterly_profit`` as Parquet, CSV or xlsx
files (``units.parquet``, ``contributions.csv``…), or one xlsx workbook with
sheets of those names. Rows that fail a check are reported (file, row, field,
problem) and skipped; the good rows still run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from renshe.domain.identifiers import uscc_valid_expr
from renshe.domain.industries import problem_with_industry
from renshe.domain.regions import problem_with_region
from renshe.domain.size import industry_class
from renshe.engine.case import FLAGS, INSURANCES, MONTH_RE, QUARTER_RE, SIZES, UNIT_TYPES, Enterprise
from renshe.engine.population import layout

FORMATS = (".parquet", ".csv", ".xlsx")
TABLES = ("units", "contributions", "insured", "si_additions", "quarterly_profit")
REQUIRED_TABLES = ("units",)
FLAG_SPLIT = r"[;,，、\s]+"
TRUE_WORDS = {"true", "1", "是", "yes", "y", "t"}
FALSE_WORDS = {"false", "0", "否", "no", "n", "f", ""}

PROBLEM_SCHEMA = {"file": pl.String, "row": pl.Int64, "field": pl.String, "problem": pl.String}


class RegistryError(ValueError):
    """The registry cannot be read at all (missing units table, unreadable file)."""


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
class Source:
    name: str
    path: Path
    sheet: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name}:{self.sheet}" if self.sheet else self.path.name


def find_sources(path: Path) -> dict[str, Source]:
    """Which file (or workbook sheet) holds each table."""
    if not path.exists():
        raise RegistryError(f"{path}: no such file or directory")
    found: dict[str, Source] = {}
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise RegistryError(f"{path}: a registry is a directory or an .xlsx workbook")
        from openpyxl import load_workbook

        sheets = load_workbook(path, read_only=True).sheetnames
        for name in TABLES:
            if name in sheets:
                found[name] = Source(name, path, sheet=name)
    else:
        for name in TABLES:
            folder = path / name
            if folder.is_dir() and any(folder.glob("*.parquet")):
                found[name] = Source(name, folder)
                continue
            for ext in FORMATS:
                candidate = path / f"{name}{ext}"
                if candidate.exists():
                    found[name] = Source(name, candidate)
                    break
    for name in REQUIRED_TABLES:
        if name not in found:
            raise RegistryError(f"{path}: the registry has no {name} table ({', '.join(name + e for e in FORMATS)})")
    return found


def scan(source: Source) -> pl.LazyFrame:
    """The raw table with every column as text, plus ``_row`` (data rows from 1)."""
    p = source.path
    if source.sheet is not None or p.suffix == ".xlsx":
        frame = pl.read_excel(p, sheet_name=source.sheet or source.name, infer_schema_length=0)
        lf = frame.lazy()
    elif p.suffix == ".csv":
        lf = pl.scan_csv(p, infer_schema=False, encoding="utf8")
    elif p.is_dir():
        lf = pl.scan_parquet(sorted(p.glob("*.parquet")))
    else:
        lf = pl.scan_parquet(p)
    return lf.with_row_index("_row", offset=1)


@dataclass
class Check:
    field: str
    bad: pl.Expr
    message: pl.Expr


def _text(col: str) -> pl.Expr:
    return pl.col(col).cast(pl.String).str.strip_chars()


def _number_checks(col: str, dtype: Any, minimum: float | None = 0.0) -> tuple[pl.Expr, list[Check]]:
    raw = _text(col)
    value = raw.cast(dtype, strict=False)
    checks = [Check(col, raw.is_not_null() & (raw != "") & value.is_null(),
                    pl.format("“{}”不是数字", raw))]
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
    return Check(col, _text(col).is_in(keys),
                 pl.format("“{}”不是有效的{}：{}", _text(col), pl.lit(what),
                           _text(col).replace_strict(unknown, default="", return_dtype=pl.String)))


def _first_problem(checks: list[Check]) -> pl.Expr:
    return pl.coalesce([
        pl.when(c.bad.fill_null(False)).then(pl.struct(field=pl.lit(c.field), problem=c.message)) for c in checks
    ])


def _missing_columns(lf: pl.LazyFrame, name: str, label: str) -> list[dict[str, Any]]:
    present = set(lf.collect_schema().names())
    return [{"file": label, "row": 0, "field": c, "problem": f"缺少必需的列 {c}"}
            for c in REQUIRED_COLUMNS[name] if c not in present]


def _split_list(col: str) -> pl.Expr:
    """"a;b、c" → ["a", "b", "c"] (empty parts dropped)."""
    parts = pl.col(col).fill_null("").str.replace_all(FLAG_SPLIT, ";").str.split(";")
    return parts.list.eval(pl.element().filter(pl.element() != ""))


def _boolean(col: str) -> tuple[pl.Expr, Check]:
    raw = _text(col).str.to_lowercase()
    value = pl.when(raw.is_in(list(TRUE_WORDS))).then(True).when(raw.is_in(list(FALSE_WORDS)) | raw.is_null()) \
        .then(False).otherwise(None)
    return value, Check(col, value.is_null(), pl.format("“{}”不是是/否（true/false）", _text(col)))


@dataclass
class Validated:
    good: pl.LazyFrame
    problems: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PROBLEM_SCHEMA))


def validate_units(source: Source) -> Validated:
    lf = scan(source)
    missing = _missing_columns(lf, "units", source.label)
    if missing:
        raise RegistryError("; ".join(f"{m['file']}: {m['problem']}" for m in missing))
    raw = lf.collect()
    cols = unit_columns()
    for c in cols:
        if c not in raw.columns:
            raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias(c))
    raw = raw.with_columns([_text(c).alias(c) for c in cols])
    checks: list[Check] = [
        Check("uscc", ~uscc_valid_expr(pl.col("uscc")), pl.format("“{}”不是有效的统一社会信用代码（GB 32100-2015 校验位不符）",
                                                               pl.col("uscc").fill_null(""))),
        Check("uscc", pl.col("uscc").is_duplicated() & (pl.int_range(pl.len()).over("uscc") > 0),
              pl.format("统一社会信用代码 {} 与前面的行重复", pl.col("uscc"))),
        _code_check("region", raw["region"], problem_with_region, "行政区划代码（GB/T 2260）"),
        Check("region", pl.col("region").is_null(), pl.lit("缺少行政区划代码")),
        _code_check("industry", raw["industry"], problem_with_industry, "行业代码（GB/T 4754-2017）"),
        Check("unit_type", pl.col("unit_type").is_not_null() & ~pl.col("unit_type").is_in(list(UNIT_TYPES)),
              pl.format("“{}”不是有效的单位类型，应为 {}", pl.col("unit_type"), pl.lit(" | ".join(UNIT_TYPES)))),
        Check("size", pl.col("size").is_not_null() & ~pl.col("size").is_in(list(SIZES)),
              pl.format("“{}”不是有效的企业规模，应为 {}", pl.col("size"), pl.lit(" | ".join(SIZES)))),
    ]
    split_codes = [v for v in raw["industry"].drop_nulls().unique().to_list()
                   if not problem_with_industry(v) and industry_class(v) is None and not v.startswith("J")]
    checks.append(Check("industry", pl.col("industry").is_in(split_codes) & pl.col("size").is_null(),
                        pl.format("“{}”为划型标准细分的门类，需填写更具体的行业代码或企业规模（size）", pl.col("industry"))))
    flag_list = _split_list("flags")
    checks.append(Check("flags", flag_list.list.eval(~pl.element().is_in(list(FLAGS))).list.any(),
                        pl.format("含未知标志：{}；已知标志为 {}", pl.col("flags"), pl.lit(", ".join(FLAGS)))))
    typed: dict[str, pl.Expr] = {}
    for c, dtype in cols.items():
        if c in ("uscc", "region", "industry", "unit_type", "size", "flags", "name"):
            continue
        if dtype == pl.Boolean:
            typed[c], check = _boolean(c)
            checks.append(check)
        elif isinstance(dtype, pl.List):
            typed[c] = _split_list(c)
        elif dtype == pl.Date:
            typed[c] = _text(c).str.to_date(strict=False)
            checks.append(Check(c, _text(c).is_not_null() & typed[c].is_null(),
                                pl.format("“{}”不是日期，应为 YYYY-MM-DD", _text(c))))
        elif dtype == pl.String:
            typed[c] = _text(c)
        elif dtype in (pl.Int64, pl.Float64):
            minimum = None if c.startswith("finance_profit") else 0.0
            typed[c], number_checks = _number_checks(c, dtype, minimum)
            checks.extend(number_checks)
    checks.append(Check("work_injury_class", typed["work_injury_class"].is_not_null()
                        & ~typed["work_injury_class"].is_between(1, 8),
                        pl.format("“{}”不是工伤保险行业风险类别（1-8）", pl.col("work_injury_class"))))
    checked = raw.with_columns(_first_problem(checks).alias("_problem"))
    problems = checked.filter(pl.col("_problem").is_not_null()).select(
        pl.lit(source.label).alias("file"), pl.col("_row").cast(pl.Int64).alias("row"),
        pl.col("_problem").struct.field("field"), pl.col("_problem").struct.field("problem"),
    )
    good = checked.filter(pl.col("_problem").is_null()).select(
        pl.col("_row"), pl.col("uscc"), pl.col("name"), pl.col("region"),
        pl.col("unit_type").fill_null("enterprise"), pl.col("industry"), pl.col("size"),
        flag_list.alias("flags"), *[v.alias(k) for k, v in typed.items()],
    ).with_columns(pl.col("state_owned").fill_null(False), pl.col("construction_project").fill_null(False))
    return Validated(good.lazy(), problems)


def validate_table(source: Source, keys: pl.LazyFrame) -> Validated:
    """Validate a long table (contributions, insured…) against the good units.

    ``keys`` maps each good unit's uscc to its partition and row (``_part``, ``_u``);
    the good rows come back keyed by those instead of the uscc."""
    name = source.name
    lf = scan(source)
    missing = _missing_columns(lf, name, source.label)
    if missing:
        return Validated(pl.LazyFrame(schema={k: v for k, v in table_columns(name).items()}),
                         pl.DataFrame(missing, schema=PROBLEM_SCHEMA))
    schema = table_columns(name)
    checks: list[Check] = []
    typed: dict[str, pl.Expr] = {"uscc": _text("uscc")}
    for c, dtype in schema.items():
        if c == "uscc":
            continue
        if c == "month":
            typed[c] = _text(c)
            checks.append(Check(c, ~_text(c).str.contains(MONTH_RE.pattern).fill_null(False),
                                pl.format("“{}”不是有效月份，应为 YYYY-MM", _text(c).fill_null(""))))
        elif c == "quarter":
            typed[c] = _text(c)
            checks.append(Check(c, ~_text(c).str.contains(QUARTER_RE.pattern).fill_null(False),
                                pl.format("“{}”不是有效季度，应为 YYYYQn", _text(c).fill_null(""))))
        elif c == "insurance":
            typed[c] = _text(c)
            checks.append(Check(c, ~_text(c).is_in(list(INSURANCES)).fill_null(False),
                                pl.format("“{}”不是险种，应为 {}", _text(c).fill_null(""), pl.lit(" | ".join(INSURANCES)))))
        else:
            minimum = None if c == "profit" else 0.0
            value, number_checks = _number_checks(c, dtype, minimum)
            typed[c] = value
            checks.extend(number_checks)
            checks.append(Check(c, _text(c).is_null(), pl.lit("缺少数值")))
    joined = lf.join(keys, left_on=_text("uscc"), right_on="uscc", how="left", maintain_order="left")
    checks.insert(0, Check("uscc", pl.col("_part").is_null(),
                           pl.format("统一社会信用代码 {} 不在单位表中（或该单位的行有误）", _text("uscc"))))
    checked = joined.with_columns(_first_problem(checks).alias("_problem"))
    problems = checked.filter(pl.col("_problem").is_not_null()).select(
        pl.lit(source.label).alias("file"), pl.col("_row").cast(pl.Int64).alias("row"),
        pl.col("_problem").struct.field("field"), pl.col("_problem").struct.field("problem"),
    ).collect(engine="streaming")
    good = checked.filter(pl.col("_problem").is_null()).select(
        pl.col("_part"), pl.col("_u"), *[v.alias(k) for k, v in typed.items() if k != "uscc"])
    return Validated(good, problems)

