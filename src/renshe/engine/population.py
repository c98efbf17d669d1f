"""The population (总体) an evaluation runs over: one table per entity, plus the
long tables of each entity's repeated facts, keyed by ``_u`` (the entity's row).

A single case becomes a population of one row; a registry partition becomes a
population of many rows. Rules see the same columns either way.

Columns are derived from the case model (``case.case_models()``: the core case with the
facts each document declares beside its rules), so a new fact becomes a column here with
no further code:

- a scalar field → a column of the same name (``size`` becomes ``size_given``;
  the classified ``size`` is added beside it);
- a nested object → its fields as ``<field>_<sub>`` columns (``days_direct_contact``);
- ``flags`` → one boolean column ``flag_<name>`` per known flag;
- a list of strings → a list column;
- a mapping keyed by month or quarter → a long table named after the field
  (``insured``: month, headcount);
- a list of objects → a long table named after the field (``contributions``).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

import polars as pl
from pydantic import BaseModel

from renshe.domain.size import classify_frame
from renshe.engine.calc import UNIT_KEY
from renshe.engine.case import FLAGS, Agency, Bureau, Case, Enterprise, Month, Person, Quarter

KEY = pl.UInt32
Schema = dict[str, Any]

#: the value column of each mapping-valued field (default "value")
VALUE_COLUMN = {"insured": "headcount", "si_additions": "count", "quarterly_profit": "profit"}
RENAMED = {"size": "size_given"}


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated wrappers."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def _dtype(annotation: Any) -> Any:
    a = _unwrap(annotation)
    if get_origin(a) is Literal:
        return pl.String
    if get_origin(a) is list:
        return pl.List(_dtype(get_args(a)[0]))
    return {int: pl.Int64, float: pl.Float64, str: pl.String, bool: pl.Boolean, dt.date: pl.Date}.get(a, pl.String)


def _key_column(annotation: Any) -> str:
    key = get_args(_unwrap(annotation))[0]
    return "month" if key is Month else "quarter" if key is Quarter else "key"


@dataclass(frozen=True)
class Layout:
    """How one case model maps to an entity table and its long tables."""

    columns: Schema
    tables: dict[str, Schema]
    #: the case field (JSON path below the entity) of each column and long table
    paths: dict[str, str]


def _layout_fields(
    model: type[BaseModel],
    prefix: str,
    columns: Schema,
    tables: dict[str, Schema],
    paths: dict[str, str],
    path: str = "",
) -> None:
    for name, info in model.model_fields.items():
        ann = info.annotation
        a = _unwrap(ann)
        origin = get_origin(a)
        column = prefix + RENAMED.get(name, name)
        if name == "flags" and not prefix:
            columns.update({f"flag_{f}": pl.Boolean for f in FLAGS})
            paths.update({f"flag_{f}": "flags" for f in FLAGS})
        elif isinstance(a, type) and issubclass(a, BaseModel):
            _layout_fields(a, f"{prefix}{name}_", columns, tables, paths, f"{path}{name}.")
        elif origin is dict:
            value = _dtype(get_args(a)[1])
            tables[name] = {UNIT_KEY: KEY, _key_column(a): pl.String, VALUE_COLUMN.get(name, "value"): value}
            paths[name] = path + name
        elif origin is list and isinstance(get_args(a)[0], type) and issubclass(get_args(a)[0], BaseModel):
            item = get_args(a)[0]
            tables[name] = {UNIT_KEY: KEY, **{k: _dtype(v.annotation) for k, v in item.model_fields.items()}}
            paths[name] = path + name
        else:
            columns[column] = _dtype(ann)
            paths[column] = path + name


@cache
def layout(model: type[BaseModel]) -> Layout:
    columns: Schema = {UNIT_KEY: KEY}
    tables: dict[str, Schema] = {}
    paths: dict[str, str] = {}
    _layout_fields(model, "", columns, tables, paths)
    return Layout(columns, tables, paths)


#: the case fields behind the columns the engine adds (classification, the loan's row)
DERIVED_PATHS = {
    "enterprise": {"size": "enterprise.size", "industry_class": "enterprise.industry"},
    "loan": {
        "applicant": "loan.applicant",
        "partners": "loan.partners",
        "region": "region",
        "size": "enterprise.size",
        "employees": "enterprise.employees",
        "eligible_new_hires_12m": "enterprise.eligible_new_hires_12m",
    },
}


@cache
def fact_paths(entity: str) -> dict[str, str]:
    """JSON path in the case of each column and long table of ``entity`` (what a case
    must carry for a rule reading that column), e.g. ``days_direct_contact`` →
    ``person.days.direct_contact``, ``quarterly_profit`` → ``enterprise.finance.quarterly_profit``."""
    models = {"enterprise": Enterprise, "person": Person, "agency": Agency, "bureau": Bureau}
    out = {}
    if entity in models:
        out = {name: f"{entity}.{path}" for name, path in layout(models[entity]).paths.items()}
    out.update(DERIVED_PATHS.get(entity, {}))
    return out


@cache
def dated_facts(entity: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The entity's date columns, and its long tables keyed by month or quarter with
    their key column: the facts that place a case in time (a 2022 case with no 2020
    rows holds no facts inside a 2020 measure's window)."""
    models = {"enterprise": Enterprise, "person": Person, "agency": Agency, "bureau": Bureau}
    if entity not in models:
        return (), ()
    lay = layout(models[entity])
    dates = tuple(name for name, dtype in lay.columns.items() if dtype == pl.Date)
    tables = tuple((name, key) for name, schema in lay.tables.items() for key in ("month", "quarter") if key in schema)
    return dates, tables


@cache
def _plan(model: type[BaseModel]) -> tuple[tuple[str, str, Any], ...]:
    """How each field of ``model`` goes into a row or a long table (worked out once)."""
    steps: list[tuple[str, str, Any]] = []
    for name, info in model.model_fields.items():
        a = _unwrap(info.annotation)
        origin = get_origin(a)
        if name == "flags":
            steps.append((name, "flags", None))
        elif isinstance(a, type) and issubclass(a, BaseModel):
            steps.append((name, "object", a))
        elif origin is dict:
            steps.append((name, "mapping", (_key_column(a), VALUE_COLUMN.get(name, "value"))))
        elif origin is list and isinstance(get_args(a)[0], type) and issubclass(get_args(a)[0], BaseModel):
            steps.append((name, "items", None))
        else:
            steps.append((name, "scalar", RENAMED.get(name, name)))
    return tuple(steps)


def fill_row(
    obj: BaseModel, key: int, prefix: str, row: dict[str, Any], tables: dict[str, list[dict[str, Any]]]
) -> None:
    for name, kind, extra in _plan(type(obj)):
        value = getattr(obj, name)
        if kind == "flags" and not prefix:
            row.update({f"flag_{f}": f in value for f in FLAGS})
        elif kind == "object":
            if value is not None:
                fill_row(value, key, f"{prefix}{name}_", row, tables)
        elif kind == "mapping":
            kcol, vcol = extra
            tables.setdefault(name, []).extend({UNIT_KEY: key, kcol: k, vcol: v} for k, v in value.items())
        elif kind == "items":
            tables.setdefault(name, []).extend({UNIT_KEY: key, **item.model_dump()} for item in value)
        else:
            row[prefix + (extra if kind == "scalar" else name)] = value


def entity_frames(model: type[BaseModel], objects: list[BaseModel]) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """The entity table and long tables for a list of case objects of one model."""
    lay = layout(model)
    rows: list[dict[str, Any]] = []
    table_rows: dict[str, list[dict[str, Any]]] = {}
    for key, obj in enumerate(objects):
        row: dict[str, Any] = {UNIT_KEY: key}
        fill_row(obj, key, "", row, table_rows)
        rows.append(row)
    frame = pl.DataFrame(rows, schema=lay.columns)
    tables = {name: pl.DataFrame(table_rows.get(name, []), schema=schema) for name, schema in lay.tables.items()}
    return frame, tables


#: the columns that hold, per entity row, the first and last month (or quarter) of each
#: monthly or quarterly table: ``__first_<table>``, ``__last_<table>`` (``with_fact_bounds``)
FIRST, LAST = "__first_", "__last_"


def with_fact_bounds(entity: str, frame: pl.DataFrame, tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The entity frame with the first and last month or quarter of each of its dated
    tables (null when the row has none), computed once for every rule that asks whether
    a case holds facts inside a window that has passed (``gates.apply``)."""
    _, dated = dated_facts(entity)
    if not dated or FIRST + dated[0][0] in frame.columns:
        return frame
    held = {
        table: rows.lazy()
        .group_by(UNIT_KEY)
        .agg(pl.col(key).min().alias(FIRST + table), pl.col(key).max().alias(LAST + table))
        for table, key in dated
        if (rows := tables.get(table)) is not None and rows.height
    }
    # one query for all the tables' group-bys (~40 % less CPU than one eager group-by after another)
    bounds = dict(zip(held, pl.collect_all(list(held.values())), strict=True))
    out = frame
    for table, _ in dated:
        if table not in bounds:
            out = out.with_columns(
                pl.lit(None, dtype=pl.String).alias(FIRST + table), pl.lit(None, dtype=pl.String).alias(LAST + table)
            )
            continue
        out = out.join(bounds[table], on=UNIT_KEY, how="left", maintain_order="left")
    return out


def fact_bounds_row(entity: str, tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """``with_fact_bounds`` for one case's rows (the single-case path)."""
    _, dated = dated_facts(entity)
    out: dict[str, Any] = {}
    for table, key in dated:
        keys = [r[key] for r in tables.get(table, []) if r.get(key) is not None]
        out[FIRST + table], out[LAST + table] = (min(keys), max(keys)) if keys else (None, None)
    return out


@dataclass
class Population:
    entities: dict[str, pl.DataFrame] = field(default_factory=dict)
    tables: dict[str, dict[str, pl.DataFrame]] = field(default_factory=dict)
    _shapes: dict[str, str] = field(default_factory=dict, repr=False)

    def with_fact_bounds(self) -> None:
        """Add the fact bounds (``with_fact_bounds``) to every entity that lacks them."""
        for name, frame in self.entities.items():
            bounded = with_fact_bounds(name, frame, self.tables.get(name, {}))
            if bounded is not frame:
                self.entities[name] = bounded
                self._shapes.pop(name, None)

    def shape(self, entity: str) -> str:
        """The column names and types of an entity and its long tables (a rule's plan
        is built for one shape and replayed over every population of that shape)."""
        if entity not in self._shapes:
            tables = self.tables.get(entity, {})
            self._shapes[entity] = repr(
                (self.entities[entity].schema, sorted((n, t.schema) for n, t in tables.items()))
            )
        return self._shapes[entity]


def with_classification(units: pl.DataFrame) -> pl.DataFrame:
    """Add ``size`` (given, else per 工信部联企业〔2011〕300号) and ``industry_class``."""
    classified = classify_frame(
        units.select(
            pl.col("industry"),
            pl.col("employees"),
            pl.col("revenue"),
            pl.col("assets"),
            pl.col("size_given").alias("size"),
        )
    )
    return units.with_columns(classified["size"].alias("size"), classified["industry_class"].alias("industry_class"))


LOAN_SCHEMA: Schema = {
    UNIT_KEY: KEY,
    "applicant": pl.String,
    "partners": pl.Int64,
    "region": pl.String,
    "size": pl.String,
    "employees": pl.Float64,
    "eligible_new_hires_12m": pl.Int64,
}


def from_cases(cases: list[Case]) -> tuple[Population, dict[str, list[int]]]:
    """One population for many cases (the API evaluates concurrent requests together):
    each entity's table holds a row for every case that has that entity, and
    ``rows[entity]`` names the case of each row, in order."""
    pop = Population()
    rows: dict[str, list[int]] = {}
    for name, model in (("enterprise", Enterprise), ("person", Person), ("agency", Agency), ("bureau", Bureau)):
        owners = [i for i, case in enumerate(cases) if getattr(case, name) is not None]
        if not owners:
            continue
        frame, tables = entity_frames(model, [getattr(cases[i], name) for i in owners])
        pop.entities[name] = with_classification(frame) if name == "enterprise" else frame
        pop.tables[name] = tables
        rows[name] = owners
    with_loan = [i for i, case in enumerate(cases) if case.loan is not None]
    if with_loan:
        units = pop.entities.get("enterprise")
        size_of = dict(zip(rows.get("enterprise", []), units["size"].to_list())) if units is not None else {}
        pop.entities["loan"] = pl.DataFrame(
            [loan_row(key, cases[i], size_of.get(i)) for key, i in enumerate(with_loan)], schema=LOAN_SCHEMA
        )
        pop.tables["loan"] = {}
        rows["loan"] = with_loan
    pop.with_fact_bounds()
    return pop, rows


def loan_row(key: int, case: Case, size: str | None) -> dict[str, Any]:
    loan, e, p = case.loan, case.enterprise, case.person
    assert loan is not None
    by_enterprise = loan.applicant == "enterprise"
    return {
        UNIT_KEY: key,
        "applicant": loan.applicant,
        "partners": loan.partners,
        "region": (e.region if by_enterprise and e else (p.region if p else None)),
        "size": size if by_enterprise else None,
        "employees": e.employees if by_enterprise and e else None,
        "eligible_new_hires_12m": e.eligible_new_hires_12m if by_enterprise and e else None,
    }


def from_case(case: Case) -> Population:
    return from_cases([case])[0]
