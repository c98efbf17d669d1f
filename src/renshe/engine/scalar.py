"""Polars expressions evaluated in plain Python, one row at a time (单案快算).

A rule's plan (``evaluate.Plan``) is a list of Polars expressions. For a
population of thousands of rows Polars is the fastest way to run it; for the
calculator's single case its fixed cost per plan (about a millisecond) is
most of the time. This module reads the same expressions (through Polars'
own serialisation, ``Expr.meta.serialize``) and compiles each into a Python
function over one row, with Polars' semantics: nulls propagate, ``&``/``|``
are three-valued, a null ``when`` predicate takes the ``otherwise`` branch,
``round`` rounds the scaled value half to even, floats print as Polars prints
them, and values are coerced to the expression's data type where Polars
would coerce them (``fill_null(0)`` on a float column gives ``0.0``).

Aggregations over a long table (``Calc.aggregate``) compile to functions over
a list of rows. Anything not covered raises ``Unsupported`` at compile time:
the caller then runs that rule through Polars. ``tests/engine/test_scalar.py``
checks every operation against Polars, and every policy case's answer against
the Polars path.

Nothing here knows about a rule, a policy or the case format.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import polars as pl

Row = dict[str, Any]
RowFn = Callable[[Row], Any]
ListFn = Callable[[list[Row]], Any]

# data types, as the few kinds Python values need: int, float, bool, str, date,
# datetime, duration, null, list (("l", inner)), unknown
INT, FLOAT, BOOL, STR, DATE, DATETIME, DURATION, NULL, UNKNOWN = "i", "f", "b", "s", "d", "t", "u", "n", "?"
DType = Any  # one of the above, or ("l", inner)
#: builds the one-row function of a serialised function node from its inputs' functions and types
Maker = Callable[["Compiler", list[RowFn], list[DType], Any], tuple[RowFn, DType]]

EPOCH = dt.date(1970, 1, 1)
MONTHS_PER_YEAR, MONTHS_PER_QUARTER, DAYS_PER_WEEK, NS_PER_US, DECIMAL_BASE = 12, 3, 7, 1000, 10
#: Polars prints floats as Python's repr, but writes this negative power of ten positionally
POSITIONAL_EXPONENT = 5
_MICRO = {"Microseconds": 1, "Milliseconds": 1000, "Nanoseconds": 0.001}


class Unsupported(Exception):
    """An expression this module cannot evaluate: run the rule through Polars."""


@lru_cache(maxsize=1024)
def dtype_of(dtype: Any) -> DType:
    """The kind of a Polars data type."""
    if isinstance(dtype, pl.List):
        return ("l", dtype_of(dtype.inner))
    if dtype.is_integer():
        return INT
    if dtype.is_float():
        return FLOAT
    if dtype == pl.Boolean:
        return BOOL
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        return STR
    if dtype == pl.Date:
        return DATE
    if isinstance(dtype, pl.Datetime):
        return DATETIME
    if isinstance(dtype, pl.Duration):
        return DURATION
    if dtype == pl.Null:
        return NULL
    return UNKNOWN


_NAMED = {"String": STR, "Float64": FLOAT, "Float32": FLOAT, "Int64": INT, "Int32": INT, "Int16": INT, "Int8": INT,
          "UInt64": INT, "UInt32": INT, "UInt16": INT, "UInt8": INT, "Boolean": BOOL, "Date": DATE, "Null": NULL}


def _named(dtype: Any) -> DType:
    """A data type as serialised (``{"Literal": "Float64"}`` or its inner name)."""
    if isinstance(dtype, dict) and "Literal" in dtype:
        dtype = dtype["Literal"]
    if isinstance(dtype, str) and dtype in _NAMED:
        return _NAMED[dtype]
    if isinstance(dtype, dict) and "List" in dtype:
        return ("l", _named(dtype["List"]))
    raise Unsupported(f"data type {dtype!r}")


def supertype(a: DType, b: DType) -> DType:
    if a == b:
        return a
    if a == NULL:
        return b
    if b == NULL:
        return a
    if {a, b} == {INT, FLOAT}:
        return FLOAT
    if a == UNKNOWN or b == UNKNOWN:
        return UNKNOWN
    if BOOL in (a, b) and (INT in (a, b) or FLOAT in (a, b)):
        return b if a == BOOL else a
    return UNKNOWN


def _common(types: list[DType]) -> DType:
    """The type several inputs are brought to (min/max_horizontal, coalesce)."""
    dtype = types[0]
    for t in types[1:]:
        dtype = supertype(dtype, t)
    return dtype


def coerce(value: Any, dtype: DType) -> Any:
    """``value`` as a value of ``dtype`` where Python's type differs from Polars' (an int in a float column)."""
    if dtype == FLOAT and value is not None and type(value) is not float:
        if isinstance(value, (int, bool)):
            return float(value)
    if dtype == INT and type(value) is bool:
        return int(value)
    return value


def _coercer(dtype: DType) -> Callable[[Any], Any] | None:
    return (lambda v: coerce(v, dtype)) if dtype in (FLOAT, INT) else None


# ---- values as Polars prints and computes them ---------------------------------
def float_text(x: float) -> str:
    """A float as Polars casts it to a string (``1e-7``, ``0.000025``, ``1e+16``, ``3.0``)."""
    if math.isnan(x):
        return "NaN"
    text = repr(x)
    if "e-" not in text:
        return text
    mantissa, exponent = text.split("e-")
    power = int(exponent)
    if power == POSITIONAL_EXPONENT:  # Polars writes 1e-5 ≤ |x| < 1e-4 positionally
        sign = "-" if mantissa.startswith("-") else ""
        digits = mantissa.lstrip("-").replace(".", "")
        return f"{sign}0.{'0' * (power - 1)}{digits}"
    return f"{mantissa}e-{power}"


def to_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat() if type(value) is dt.date else value.isoformat(sep=" ")
    if isinstance(value, (int, str)):
        return str(value)
    raise Unsupported(f"text of {type(value).__name__}")


def round_half_even(x: Any, decimals: int) -> Any:
    if x is None or not isinstance(x, float):
        return x
    if math.isnan(x) or math.isinf(x):
        return x
    scale = float(DECIMAL_BASE) ** decimals
    return round(x * scale) / scale


def kahan_sum(values: list[float]) -> float:
    """Σ as Polars' group-by sums floats (compensated, in order)."""
    total, carry = 0.0, 0.0
    for x in values:
        y = x + carry
        t = total + y
        carry = y - (t - total)
        total = t
    return total


def _div(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if b == 0:
        a = float(a)
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, float(b))
    return a / b


def _floordiv(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return None if b == 0 else a // b
    quotient = _div(a, b)  # floats: the floor of the rounded quotient, as Polars (1.0 // 0.001 = 1000.0)
    return float(math.floor(quotient)) if math.isfinite(quotient) else quotient


def _mod(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if b == 0:
        return None if isinstance(a, int) and isinstance(b, int) else math.nan
    return a % b


def _and(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a & b
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a | b
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _nullable(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def f(a: Any, b: Any) -> Any:
        return None if a is None or b is None else op(a, b)
    return f


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "Plus": _nullable(lambda a, b: a + b),
    "Minus": _nullable(lambda a, b: a - b),
    "Multiply": _nullable(lambda a, b: a * b),
    "TrueDivide": _div,
    "FloorDivide": _floordiv,
    "Modulus": _mod,
    "Eq": _nullable(lambda a, b: a == b),
    "NotEq": _nullable(lambda a, b: a != b),
    "Lt": _nullable(lambda a, b: a < b),
    "LtEq": _nullable(lambda a, b: a <= b),
    "Gt": _nullable(lambda a, b: a > b),
    "GtEq": _nullable(lambda a, b: a >= b),
    "And": _and,
    "LogicalAnd": _and,
    "Or": _or,
    "LogicalOr": _or,
    "EqValidity": lambda a, b: a == b,
    "NotEqValidity": lambda a, b: a != b,
}
_COMPARISONS = {"Eq", "NotEq", "Lt", "LtEq", "Gt", "GtEq", "EqValidity", "NotEqValidity"}


def _binary_dtype(op: str, a: DType, b: DType) -> DType:
    if op in _COMPARISONS:
        return BOOL
    if op in ("And", "Or", "LogicalAnd", "LogicalOr"):
        return INT if a == INT and b == INT else BOOL
    if op == "TrueDivide":
        return FLOAT
    if DATE in (a, b):
        if op == "Minus" and a == DATE and b == DATE:
            return DURATION
        return DATE
    if a == STR or b == STR:
        return STR
    return supertype(a, b)


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * MONTHS_PER_YEAR + d.month - 1 + months
    year, month = divmod(index, MONTHS_PER_YEAR)
    month += 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


_OFFSET = re.compile(r"(-?)(\d+)(mo|y|q|w|d|h|m|s|ms|us|ns)")


def offset_by(value: Any, by: Any) -> Any:
    if value is None or by is None:
        return None
    text = by.strip()
    negative = text.startswith("-")
    parts = _OFFSET.findall(text.lstrip("-"))
    if not parts or "".join(s + n + u for s, n, u in parts) != text.lstrip("-"):
        raise Unsupported(f"offset {by!r}")
    months, days = 0, 0
    for _, number, unit in parts:
        n = int(number)
        if unit == "mo":
            months += n
        elif unit == "y":
            months += n * MONTHS_PER_YEAR
        elif unit == "q":
            months += n * MONTHS_PER_QUARTER
        elif unit == "w":
            days += n * DAYS_PER_WEEK
        elif unit == "d":
            days += n
        else:
            raise Unsupported(f"offset unit {unit}")
    sign = -1 if negative else 1
    if type(value) is not dt.date:
        raise Unsupported("offset of a non-date")
    if months:
        value = _add_months(value, sign * months)
    return value + dt.timedelta(days=sign * days)


def month_end(d: Any) -> Any:
    if d is None:
        return None
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _strptime(fmt: str, strict: bool) -> Callable[[Any], Any]:
    def parse(s: Any) -> Any:
        if s is None:
            return None
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            if strict:
                raise
            return None
    return parse


def cast(value: Any, to: DType) -> Any:
    if value is None:
        return None
    if to == STR:
        return to_text(value)
    if to == FLOAT:
        if isinstance(value, str):
            return float(value)
        if isinstance(value, (int, float)):
            return float(value)
    if to == INT:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            if math.isnan(value) or math.isinf(value):
                raise ValueError("strict cast of a non-finite float")
            return int(value)
        if isinstance(value, str):
            return int(value)
        if type(value) is dt.date:
            return (value - EPOCH).days
    if to == BOOL:
        if isinstance(value, (bool, int, float)):
            return bool(value)
    if to == DATE:
        if type(value) is dt.date:
            return value
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
    raise Unsupported(f"cast of {type(value).__name__} to {to}")


def _ipc_values(data: list[int]) -> tuple[list[Any], DType]:
    frame = pl.read_ipc_stream(io.BytesIO(bytes(data)))
    series = frame.to_series(0)
    return series.to_list(), dtype_of(series.dtype)


def _literal(node: Any) -> tuple[Any, DType]:
    kind, inner = next(iter(node.items()))
    if kind == "Dyn":
        name, value = next(iter(inner.items()))
        if name == "Int":
            return value, INT
        if name == "Float":
            if value is None:  # NaN and ±inf are all written as null: which one is lost
                raise Unsupported("a non-finite float literal")
            return float(value), FLOAT
        if name == "Str":
            return value, STR
        raise Unsupported(f"literal {node!r}")
    if kind == "Series":
        values, dtype = _ipc_values(inner)
        if len(values) == 1:
            return values[0], dtype
        return values, ("l", dtype)  # the old/new values of a replace
    if kind != "Scalar":
        raise Unsupported(f"literal {kind}")
    name, value = next(iter(inner.items()))
    if name == "String":
        return value, STR
    if name == "Boolean":
        return value, BOOL
    if name == "Null":
        return None, _named(value) if value != "Null" else NULL
    if name in ("Int64", "Int32", "Int16", "Int8", "UInt64", "UInt32", "UInt16", "UInt8", "Int"):
        return int(value), INT
    if name in ("Float64", "Float32", "Float"):
        if value is None:
            raise Unsupported("a non-finite float literal")
        return float(value), FLOAT
    if name == "Date":
        return EPOCH + dt.timedelta(days=value), DATE
    if name == "Duration":
        amount, unit = value
        return dt.timedelta(microseconds=amount * _MICRO[unit]), DURATION
    if name == "List":
        values, dtype = _ipc_values(value)
        return values, ("l", dtype)
    raise Unsupported(f"literal {name}")


# ---- the compiler ----------------------------------------------------------------
class Group:
    """The value of an expression over a list of rows (a long table's rows of one
    unit, or a list's elements): a column of values, or one value."""

    __slots__ = ("values", "single")

    def __init__(self, values: Any, single: bool) -> None:
        self.values = values
        self.single = single


def _zip(groups: list[Group], n: int) -> tuple[list[list[Any]], bool]:
    """Columns of equal length (single values repeated), and whether all were single."""
    if all(g.single for g in groups):
        return [[g.values] for g in groups], True
    lengths = {len(g.values) for g in groups if not g.single}
    if len(lengths) != 1:
        raise Unsupported("columns of different lengths")
    length = lengths.pop()
    return [[g.values] * length if g.single else g.values for g in groups], False


class Compiler:
    """Compiles serialised Polars expressions over rows whose column types are ``schema``."""

    def __init__(self, schema: dict[str, DType]) -> None:
        self.schema = schema

    # -- one row --------------------------------------------------------------
    def row(self, expr: pl.Expr) -> tuple[RowFn, DType]:
        return self._row(json.loads(expr.meta.serialize(format="json")))

    def _row(self, node: Any) -> tuple[RowFn, DType]:
        if isinstance(node, str):
            raise Unsupported(node)
        kind, body = next(iter(node.items()))
        if kind == "Column":
            if body not in self.schema:
                raise Unsupported(f"column {body}")
            return (lambda row, name=body: row[name]), self.schema[body]
        if kind == "Literal":
            value, dtype = _literal(body)
            return (lambda row: value), dtype
        if kind == "Alias":
            return self._row(body[0])
        if kind == "Cast":
            inner, _ = self._row(body["expr"])
            to = _named(body["dtype"])
            return (lambda row: cast(inner(row), to)), to
        if kind == "BinaryExpr":
            return self._binary(body)
        if kind == "Ternary":
            return self._ternary(body)
        if kind == "Function":
            return self._function(body)
        if kind == "Eval":
            return self._eval(body)
        raise Unsupported(kind)

    def _binary(self, body: Any) -> tuple[RowFn, DType]:
        left, ltype = self._row(body["left"])
        right, rtype = self._row(body["right"])
        op = _BINARY.get(body["op"])
        if op is None:
            raise Unsupported(body["op"])
        dtype = _binary_dtype(body["op"], ltype, rtype)
        if body["op"] in ("And", "LogicalAnd") and dtype == BOOL:
            def both(row: Row) -> Any:
                a = left(row)
                return False if a is False else _and(a, right(row))
            return both, dtype
        if body["op"] in ("Or", "LogicalOr") and dtype == BOOL:
            def either(row: Row) -> Any:
                a = left(row)
                return True if a is True else _or(a, right(row))
            return either, dtype
        return (lambda row: op(left(row), right(row))), dtype

    def _ternary(self, body: Any) -> tuple[RowFn, DType]:
        predicate, _ = self._row(body["predicate"])
        truthy, ttype = self._row(body["truthy"])
        falsy, ftype = self._row(body["falsy"])
        dtype = supertype(ttype, ftype)
        fix = _coercer(dtype)
        if fix is None:
            return (lambda row: truthy(row) if predicate(row) is True else falsy(row)), dtype
        return (lambda row: fix(truthy(row) if predicate(row) is True else falsy(row))), dtype

    def _inputs(self, body: Any) -> tuple[list[RowFn], list[DType]]:
        fns, types = [], []
        for node in body["input"]:
            fn, dtype = self._row(node)
            fns.append(fn)
            types.append(dtype)
        return fns, types

    def _function(self, body: Any) -> tuple[RowFn, DType]:
        fn = body["function"]
        name, options = (fn, None) if isinstance(fn, str) else next(iter(fn.items()))
        args, types = self._inputs(body)
        make = _ROW_FUNCTIONS.get(name)
        if make is None:
            raise Unsupported(f"function {name}")
        return make(self, args, types, options)

    def _eval(self, body: Any) -> tuple[RowFn, DType]:
        """``list.eval``: the evaluation over each row's list, its elements as ``pl.element()``."""
        source, stype = self._row(body["expr"])
        inner = stype[1] if isinstance(stype, tuple) else UNKNOWN
        evaluation, etype = ListCompiler(self.schema, inner).compile(body["evaluation"])
        aggregated = body["variant"] == "ListAgg"

        def each(row: Row) -> Any:
            values = source(row)
            if values is None:
                return None
            out = evaluation(values, row)
            if aggregated:
                if not out.single:
                    raise Unsupported("list aggregation that is not one value")
                return out.values
            return [out.values] * len(values) if out.single else out.values
        return each, (etype if aggregated else ("l", etype))

    # -- many rows --------------------------------------------------------------
    def group(self, expr: pl.Expr, table: dict[str, DType]) -> tuple[Callable[[list[Row]], Any], DType]:
        """An aggregation over the rows of a long table: a function of the rows to one value."""
        fn, dtype = ListCompiler(table, None).compile(json.loads(expr.meta.serialize(format="json")))

        def value(rows: list[Row]) -> Any:
            out = fn(rows, None)
            if not out.single:
                raise Unsupported("aggregation that is not one value")
            return out.values
        return value, dtype

    def predicate(self, expr: pl.Expr, table: dict[str, DType]) -> Callable[[Row], Any]:
        """A filter over a long table's rows, one row at a time."""
        fn, _ = Compiler(table)._row(json.loads(expr.meta.serialize(format="json")))
        return fn


def _elementwise(op: Callable[..., Any], dtype: DType) -> Callable[[Compiler, list[RowFn], list[DType], Any],
                                                                   tuple[RowFn, DType]]:
    def make(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
        if len(args) == 1:
            (a,) = args
            return (lambda row: op(a(row))), dtype
        if len(args) == 2:
            a, b = args
            return (lambda row: op(a(row), b(row))), dtype
        return (lambda row: op(*[f(row) for f in args])), dtype
    return make


def _same(op: Callable[..., Any]) -> Callable[[Compiler, list[RowFn], list[DType], Any], tuple[RowFn, DType]]:
    """An elementwise function whose result has the type of its first input."""
    def make(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
        return _elementwise(op, types[0])(c, args, types, options)
    return make


def _fill_null(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    value, default = args
    dtype = supertype(types[0], types[1])
    fix = _coercer(dtype)

    def fill(row: Row) -> Any:
        v = value(row)
        return default(row) if v is None else v
    return (fill if fix is None else (lambda row: fix(fill(row)))), dtype


def _horizontal(decisive: bool) -> Callable[..., tuple[RowFn, DType]]:
    """``all_horizontal`` (``decisive`` False) or ``any_horizontal`` (True), three-valued:
    the decisive value wins, else null if any input is null."""
    def make(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
        def combine(row: Row) -> Any:
            seen_null = False
            for f in args:
                v = f(row)
                if v is decisive:
                    return decisive
                if v is None:
                    seen_null = True
            return None if seen_null else not decisive
        return combine, BOOL
    return make


def _extreme(pick: Callable[..., Any]) -> Callable[..., tuple[RowFn, DType]]:
    def make(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
        dtype = _common(types)
        fix = _coercer(dtype) or (lambda v: v)

        def f(row: Row) -> Any:
            present = [v for v in (g(row) for g in args) if v is not None]
            return fix(pick(present)) if present else None
        return f, dtype
    return make


def _coalesce(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    dtype = _common(types)
    fix = _coercer(dtype) or (lambda v: v)

    def f(row: Row) -> Any:
        for g in args:
            v = g(row)
            if v is not None:
                return fix(v)
        return None
    return f, dtype


def _clip(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    value = args[0]
    low = args[1] if options["has_min"] else None
    high = args[1 + options["has_min"]] if options["has_max"] else None
    dtype = types[0]
    fix = _coercer(dtype) or (lambda v: v)

    def f(row: Row) -> Any:
        v = value(row)
        if v is None:
            return None
        if low is not None:
            lo = low(row)
            if lo is not None and v < lo:
                v = lo
        if high is not None:
            hi = high(row)
            if hi is not None and v > hi:
                v = hi
        return fix(v)
    return f, dtype


def _round(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    if options.get("mode") != "HalfToEven":
        raise Unsupported(f"round mode {options.get('mode')}")
    (value,), decimals = args, options["decimals"]
    return (lambda row: round_half_even(value(row), decimals)), types[0]


def _floor(x: Any) -> Any:
    if x is None or not isinstance(x, float):
        return x
    return float(math.floor(x)) if math.isfinite(x) else x


def _sign(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, float):
        if math.isnan(x):
            return x
        return 1.0 if x > 0 else -1.0 if x < 0 else 0.0
    return (x > 0) - (x < 0)


def _is_in(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    value, members = args
    nulls_equal = bool(options.get("nulls_equal"))

    def f(row: Row) -> Any:
        v = value(row)
        pool = members(row)
        if pool is None:
            return None
        if v is None:
            return (None in pool) if nulls_equal else None
        return v in pool
    return f, BOOL


def _is_between(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    value, low, high = args
    closed = options["closed"]

    def f(row: Row) -> Any:
        v, lo, hi = value(row), low(row), high(row)
        if v is None or lo is None or hi is None:
            return None
        left = v >= lo if closed in ("Both", "Left") else v > lo
        right = v <= hi if closed in ("Both", "Right") else v < hi
        return left and right
    return f, BOOL


def _format(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    raw = options["format"].encode("utf-8")
    cuts = options["insertions"]
    pieces = [raw[a:b].decode("utf-8") for a, b in zip([0, *cuts], [*cuts, len(raw)])]
    tail = pieces[-1]

    def f(row: Row) -> Any:
        out = []
        for piece, g in zip(pieces, args):
            text = to_text(g(row))
            if text is None:
                return None
            out.append(piece)
            out.append(text)
        out.append(tail)
        return "".join(out)
    return f, STR


def _concat_str(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    sep, ignore_nulls = options["delimiter"], options["ignore_nulls"]

    def f(row: Row) -> Any:
        texts = [to_text(g(row)) for g in args]
        if ignore_nulls:
            return sep.join(t for t in texts if t is not None)
        if any(t is None for t in texts):
            return None
        return sep.join(texts)  # type: ignore[arg-type]
    return f, STR


def _concat_list(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    inner = NULL
    for t in types:
        inner = supertype(inner, t[1] if isinstance(t, tuple) else t)
    lists = [isinstance(t, tuple) for t in types]
    if not any(lists):
        return (lambda row: [g(row) for g in args]), ("l", inner)

    def f(row: Row) -> Any:
        out: list[Any] = []
        for g, is_list in zip(args, lists):
            v = g(row)
            if is_list:
                if v is None:
                    return None
                out.extend(v)
            else:
                out.append(v)
        return out
    return f, ("l", inner)


def _list_of(op: Callable[[list[Any]], Any], dtype: Callable[[DType], DType]) -> Callable[..., tuple[RowFn, DType]]:
    def make(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
        (values,) = args[:1]
        inner = types[0][1] if isinstance(types[0], tuple) else UNKNOWN

        def f(row: Row) -> Any:
            v = values(row)
            return None if v is None else op(v)
        return f, dtype(inner)
    return make


def _list_sum_make(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    inner = types[0][1] if isinstance(types[0], tuple) else UNKNOWN
    if inner == BOOL:
        inner_out = INT
    elif inner in (INT, FLOAT):
        inner_out = inner
    else:
        raise Unsupported("list.sum of non-numbers")
    zero = 0.0 if inner_out == FLOAT else 0
    values = args[0]

    def f(row: Row) -> Any:
        v = values(row)
        if v is None:
            return None
        return sum((x for x in v if x is not None), zero)
    return f, inner_out


def _list_contains(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    values, item = args

    def f(row: Row) -> Any:
        v = values(row)
        if v is None:
            return None
        return item(row) in v
    return f, BOOL


def _list_join(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    values, sep = args
    ignore_nulls = options is True

    def f(row: Row) -> Any:
        v, s = values(row), sep(row)
        if v is None or s is None:
            return None
        if not ignore_nulls and any(x is None for x in v):
            return None
        return s.join(to_text(x) for x in v if x is not None)  # type: ignore[misc]
    return f, STR


def _set_operation(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    if options != "Intersection":
        raise Unsupported(f"set operation {options}")
    a, b = args

    def f(row: Row) -> Any:
        left, right = a(row), b(row)
        if left is None or right is None:
            return None
        keep = set(right)
        seen: list[Any] = []
        for x in left:
            if x in keep and x not in seen:
                seen.append(x)
        return seen
    return f, types[0]


def _replace(strict: bool) -> Callable[..., tuple[RowFn, DType]]:
    def make(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
        value, old, new = args[:3]
        default = args[3] if len(args) > 3 else None
        last: list[Any] = [None, None, None]  # the old values last seen (kept alive, so compared by identity), their mapping
        new_type = types[2][1] if isinstance(types[2], tuple) else types[2]
        if strict:
            declared = options.get("return_dtype") if isinstance(options, dict) else None
            dtype = _named(declared) if declared is not None else (
                supertype(new_type, types[3]) if default is not None else new_type)
        else:
            dtype = supertype(types[0], new_type)
        fix = _coercer(dtype) or (lambda v: v)

        def mapping(row: Row) -> dict[Any, Any]:
            keys, values = old(row), new(row)
            if last[0] is keys and last[2] is values:  # literal old/new values: built once
                return last[1]  # type: ignore[no-any-return]
            table = dict(zip(keys if isinstance(keys, list) else [keys],
                             values if isinstance(values, list) else [values] * (len(keys) if isinstance(keys, list)
                                                                                else 1)))
            last[:] = [keys, table, values]
            return table

        def f(row: Row) -> Any:
            v = value(row)
            if v is None:  # null is in no mapping: replace_strict gives its default
                return fix(default(row)) if strict and default is not None else None
            table = mapping(row)
            if v in table:
                return fix(table[v])
            if strict:
                if default is None:
                    raise ValueError(f"replace_strict: {v!r} has no replacement")
                return fix(default(row))
            return fix(v)
        return f, dtype
    return make


def _starts_with(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    value, prefix = args

    def f(row: Row) -> Any:
        v, p = value(row), prefix(row)
        return None if v is None or p is None else v.startswith(p)
    return f, BOOL


def _slice(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    value, offset, length = args

    def f(row: Row) -> Any:
        v, start, n = value(row), offset(row), length(row)
        if v is None or start is None:
            return None
        if start < 0:
            start = max(len(v) + start, 0)
        return v[start:] if n is None else v[start:start + n]
    return f, STR


def _strptime_make(c: Compiler, args: list[RowFn], types: list[DType], detail: Any) -> tuple[RowFn, DType]:
    to, opts = detail
    if _named(to) != DATE or not opts.get("exact", True):
        raise Unsupported("strptime other than exact dates")
    parse = _strptime(opts["format"], bool(opts["strict"]))
    value = args[0]
    return (lambda row: parse(value(row))), DATE


def _temporal(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    name, detail = (options, None) if isinstance(options, str) else next(iter(options.items()))
    value = args[0]
    if name == "ToString":
        fmt = detail

        def to_string(row: Row) -> Any:
            v = value(row)
            return None if v is None else v.strftime(fmt)
        return to_string, STR
    if name in ("Year", "Month", "Day"):
        attr = name.lower()

        def part(row: Row) -> Any:
            v = value(row)
            return None if v is None else getattr(v, attr)
        return part, INT
    if name == "MonthEnd":
        return (lambda row: month_end(value(row))), types[0]
    if name == "OffsetBy":
        by = args[1]
        return (lambda row: offset_by(value(row), by(row))), types[0]
    if name == "TotalDays":
        if detail.get("fractional"):
            raise Unsupported("fractional days")

        def days(row: Row) -> Any:
            v = value(row)
            if v is None:
                return None
            return int(v / dt.timedelta(days=1))
        return days, INT
    if name == "DatetimeFunction":
        if detail.get("time_zone") is not None:
            raise Unsupported("time zones")
        parts = args[:7]

        def make_datetime(row: Row) -> Any:
            vs = [g(row) for g in parts]
            if any(v is None for v in vs):
                return None
            y, mo, d, h, mi, s, us = vs
            return dt.datetime(y, mo, d, h, mi, s, us)
        return make_datetime, DATETIME
    if name == "Duration":
        if detail not in _MICRO:
            raise Unsupported(f"duration in {detail}")
        parts = args[:8]

        def duration(row: Row) -> Any:
            vs = [g(row) for g in parts]
            if any(v is None for v in vs):
                return None
            weeks, days, hours, minutes, seconds, ms, us, ns = vs
            return dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds,
                                milliseconds=ms, microseconds=us + ns / NS_PER_US)
        return duration, DURATION
    raise Unsupported(f"dt.{name}")


def _not(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    (value,) = args

    def negate(row: Row) -> Any:
        v = value(row)
        if v is None:
            return None
        return (not v) if type(v) is bool else ~v
    return negate, types[0]


def _is_null(negated: bool) -> Maker:
    def make(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
        (value,) = args
        return (lambda row: (value(row) is None) is not negated), BOOL
    return make


def _date_ranges(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    name, detail = next(iter(options.items()))
    if name != "DateRanges" or detail.get("arg_type") != "StartEndInterval":
        raise Unsupported(f"range {name}")
    interval = detail["interval"]
    if interval["negative"] or interval["nsecs"] or interval.get("parsed_int"):
        raise Unsupported("date range interval")
    months, days = interval["months"], interval["weeks"] * DAYS_PER_WEEK + interval["days"]
    if bool(months) == bool(days):
        raise Unsupported("date range interval")
    closed = detail["closed"]
    start_fn, end_fn = args

    def f(row: Row) -> Any:
        start, end = start_fn(row), end_fn(row)
        if start is None or end is None:
            return None
        out = []
        k = 0
        while True:
            d = _add_months(start, k * months) if months else start + dt.timedelta(days=k * days)
            if d > end or (d == end and closed in ("Left", "None_")):
                break
            if not (k == 0 and closed in ("Right", "None_")):
                out.append(d)
            k += 1
        return out
    return f, ("l", DATE)


def _namespace(kind: str, makers: dict[str, Maker]) -> Maker:
    """The functions of one namespace (``str``, ``list``, boolean…), by their serialised name."""
    def make(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
        name, detail = (options, None) if isinstance(options, str) else next(iter(options.items()))
        maker = makers.get(name)
        if maker is None:
            raise Unsupported(f"{kind}.{name}")
        return maker(c, args, types, detail)
    return make


_ROW_FUNCTIONS: dict[str, Maker] = {
    "FillNull": _fill_null,
    "Boolean": _namespace("boolean", {
        "Not": _not, "IsNull": _is_null(False), "IsNotNull": _is_null(True), "AllHorizontal": _horizontal(False),
        "AnyHorizontal": _horizontal(True), "IsIn": _is_in, "IsBetween": _is_between}),
    "ListExpr": _namespace("list", {
        "Concat": _concat_list,
        "DropNulls": _list_of(lambda v: [x for x in v if x is not None], lambda inner: ("l", inner)),
        "Length": _list_of(len, lambda inner: INT), "Sum": _list_sum_make, "Contains": _list_contains,
        "Join": _list_join, "SetOperation": _set_operation}),
    "StringExpr": _namespace("str", {
        "Format": _format, "ConcatHorizontal": _concat_str, "StartsWith": _starts_with, "Slice": _slice,
        "Strptime": _strptime_make}),
    "TemporalExpr": _temporal,
    "Round": _round,
    "Floor": _same(_floor),
    "Sign": _same(_sign),
    "Abs": _same(lambda x: None if x is None else abs(x)),
    "Negate": _same(lambda x: None if x is None else -x),
    "Clip": _clip,
    "MinHorizontal": _extreme(min),
    "MaxHorizontal": _extreme(max),
    "Coalesce": _coalesce,
    "ReplaceStrict": _replace(strict=True),
    "Replace": _replace(strict=False),
    "Range": _date_ranges,
}


class ListCompiler:
    """Expressions over many rows at once: a long table's rows of one unit
    (``Calc.aggregate``) or a list's elements (``list.eval``, ``pl.element()``).
    Each compiles to ``fn(rows, outer_row) -> Group``; elementwise operations
    reuse the one-row compiler row by row."""

    def __init__(self, schema: dict[str, DType], element: DType | None) -> None:
        self.schema = schema
        self.element = element  # the elements' type inside list.eval (None: a table's rows)

    def compile(self, node: Any) -> tuple[Callable[[Any, Row | None], Group], DType]:
        if node == "Element":
            if self.element is None:
                raise Unsupported("element outside list.eval")
            return (lambda values, outer: Group(values, False)), self.element
        if node == "Len":
            return (lambda rows, outer: Group(len(rows), True)), INT
        if isinstance(node, str):
            raise Unsupported(node)
        kind, body = next(iter(node.items()))
        if kind == "Column":
            if self.element is not None:
                raise Unsupported("a column inside list.eval")
            if body not in self.schema:
                raise Unsupported(f"column {body}")
            return (lambda rows, outer, name=body: Group([r[name] for r in rows], False)), self.schema[body]
        if kind == "Literal":
            value, dtype = _literal(body)
            return (lambda rows, outer: Group(value, True)), dtype
        if kind == "Alias":
            return self.compile(body[0])
        if kind == "Agg":
            return self._agg(body)
        if kind == "Filter":
            return self._filter(body)
        if kind == "Function":
            fn = body["function"]
            name, options = (fn, None) if isinstance(fn, str) else next(iter(fn.items()))
            special = {"Shift": self._shift, "Unique": self._unique}.get(name)
            if special is not None:
                return special(body, options)
            if name == "Boolean" and isinstance(options, dict) and "Any" in options:
                return self._any(body, options["Any"])
            if name == "StringExpr" and isinstance(options, dict) and "ConcatVertical" in options:
                return self._str_join(body, options["ConcatVertical"])
            children = [self.compile(n) for n in body["input"]]
            return self._elementwise(node, children)
        if kind in ("BinaryExpr", "Cast", "Ternary"):
            names = {"BinaryExpr": ("left", "right"), "Cast": ("expr",), "Ternary": ("predicate", "truthy", "falsy")}
            children = [self.compile(body[n]) for n in names[kind]]
            return self._elementwise(node, children)
        raise Unsupported(kind)

    def _elementwise(self, node: Any, children: list[tuple[Callable[[Any, Row | None], Group], DType]]
                     ) -> tuple[Callable[[Any, Row | None], Group], DType]:
        """Apply the one-row function of ``node`` to each position of its inputs' columns."""
        slots = {f"__in{i}": dtype for i, (_, dtype) in enumerate(children)}
        fn, dtype = Compiler(slots)._row(_replace_inputs(node, len(children)))
        names = list(slots)
        inputs = [child for child, _ in children]

        def apply(rows: Any, outer: Row | None) -> Group:
            groups = [f(rows, outer) for f in inputs]
            columns, single = _zip(groups, len(rows))
            out = [fn(dict(zip(names, values))) for values in zip(*columns)]
            return Group(out[0], True) if single else Group(out, False)
        return apply, dtype

    def _agg(self, body: Any) -> tuple[Callable[[Any, Row | None], Group], DType]:
        name, inner_node = next(iter(body.items()))
        options: dict[str, Any] = {}
        if isinstance(inner_node, dict) and "input" in inner_node:  # {"input": expr, <options>}
            options = {k: v for k, v in inner_node.items() if k != "input"}
            inner_node = inner_node["input"]
        inner, dtype = self.compile(inner_node)
        if name == "Count":
            include_nulls = options.get("include_nulls", False)
            return (lambda rows, outer: Group(sum(1 for v in _values(inner(rows, outer))
                                                  if include_nulls or v is not None), True)), INT

        def values_of(rows: Any, outer: Row | None) -> list[Any]:
            g = inner(rows, outer)
            return [g.values] if g.single else g.values

        if name == "Sum":
            if dtype not in (INT, FLOAT, BOOL):
                raise Unsupported("sum of non-numbers")
            total = kahan_sum if dtype == FLOAT else (lambda vs: sum(vs, 0))
            return (lambda rows, outer: Group(total([v for v in values_of(rows, outer) if v is not None]), True)), (
                INT if dtype == BOOL else dtype)
        if name == "First":
            def first(rows: Any, outer: Row | None) -> Group:
                vs = values_of(rows, outer)
                return Group(vs[0] if vs else None, True)
            return first, dtype
        if name == "NUnique":
            return (lambda rows, outer: Group(len(set(values_of(rows, outer))), True)), INT
        if name in ("Min", "Max"):
            pick = min if name == "Min" else max

            def extreme(rows: Any, outer: Row | None) -> Group:
                vs = [v for v in values_of(rows, outer) if v is not None]
                return Group(pick(vs) if vs else None, True)
            return extreme, dtype
        if name == "Mean":
            def mean(rows: Any, outer: Row | None) -> Group:
                vs = [v for v in values_of(rows, outer) if v is not None]
                return Group(kahan_sum([float(v) for v in vs]) / len(vs) if vs else None, True)
            return mean, FLOAT
        raise Unsupported(f"aggregation {name}")

    def _filter(self, body: Any) -> tuple[Callable[[Any, Row | None], Group], DType]:
        values, dtype = self.compile(body["input"])
        by, _ = self.compile(body["by"])

        def keep(rows: Any, outer: Row | None) -> Group:
            g, mask = values(rows, outer), by(rows, outer)
            columns, _ = _zip([g, mask], len(rows))
            return Group([v for v, m in zip(*columns) if m is True], False)
        return keep, dtype

    def _shift(self, body: Any, options: Any) -> tuple[Callable[[Any, Row | None], Group], DType]:
        (values, dtype), (by, _) = self.compile(body["input"][0]), self.compile(body["input"][1])

        def shift(rows: Any, outer: Row | None) -> Group:
            g, n = values(rows, outer), by(rows, outer)
            if g.single or not n.single or n.values is None:
                raise Unsupported("shift")
            k, vs = n.values, g.values
            if k >= 0:
                out = [None] * min(k, len(vs)) + vs[:max(len(vs) - k, 0)]
            else:
                out = vs[-k:] + [None] * min(-k, len(vs))
            return Group(out, False)
        return shift, dtype

    def _unique(self, body: Any, options: Any) -> tuple[Callable[[Any, Row | None], Group], DType]:
        values, dtype = self.compile(body["input"][0])

        def unique(rows: Any, outer: Row | None) -> Group:
            g = values(rows, outer)
            if g.single:
                return g
            return Group(list(dict.fromkeys(g.values)), False)
        return unique, dtype

    def _any(self, body: Any, options: Any) -> tuple[Callable[[Any, Row | None], Group], DType]:
        values, _ = self.compile(body["input"][0])
        ignore_nulls = options["ignore_nulls"]

        def any_(rows: Any, outer: Row | None) -> Group:
            g = values(rows, outer)
            vs = [g.values] if g.single else g.values
            if any(v is True for v in vs):
                return Group(True, True)
            if not ignore_nulls and any(v is None for v in vs):
                return Group(None, True)
            return Group(False, True)
        return any_, BOOL

    def _str_join(self, body: Any, options: Any) -> tuple[Callable[[Any, Row | None], Group], DType]:
        values, _ = self.compile(body["input"][0])
        sep, ignore_nulls = options["delimiter"], options["ignore_nulls"]

        def join(rows: Any, outer: Row | None) -> Group:
            g = values(rows, outer)
            vs = [g.values] if g.single else g.values
            texts = [to_text(v) for v in vs]
            if not ignore_nulls and any(t is None for t in texts):
                return Group(None, True)
            return Group(sep.join(t for t in texts if t is not None), True)
        return join, STR


def _values(g: Group) -> list[Any]:
    return [g.values] if g.single else g.values


def _replace_inputs(node: Any, n: int) -> Any:
    """``node`` with its direct inputs replaced by columns ``__in0``… (to apply its
    one-row function to columns computed elsewhere)."""
    kind, body = next(iter(node.items()))
    slot = [{"Column": f"__in{i}"} for i in range(n)]
    if kind == "Function":
        return {kind: {**body, "input": slot}}
    if kind == "BinaryExpr":
        return {kind: {**body, "left": slot[0], "right": slot[1]}}
    if kind == "Cast":
        return {kind: {**body, "expr": slot[0]}}
    if kind == "Ternary":
        return {kind: {**body, "predicate": slot[0], "truthy": slot[1], "falsy": slot[2]}}
    raise Unsupported(kind)


__all__ = ["Compiler", "ListCompiler", "Unsupported", "cast", "coerce", "dtype_of", "float_text", "round_half_even"]
