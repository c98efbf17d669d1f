"""The data types of the fast path (单案快算): the few kinds Python values need, read from
Polars' types, how two types combine and how a value is brought to its column's type."""

from __future__ import annotations

import datetime as dt
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

EPOCH = dt.date(1970, 1, 1)
MONTHS_PER_YEAR, MONTHS_PER_QUARTER, DAYS_PER_WEEK, NS_PER_US, DECIMAL_BASE = 12, 3, 7, 1000, 10
#: Polars prints floats as Python's repr, but writes this negative power of ten positionally
POSITIONAL_EXPONENT = 5
MICRO = {"Microseconds": 1, "Milliseconds": 1000, "Nanoseconds": 0.001}


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


_NAMED = {
    "String": STR,
    "Float64": FLOAT,
    "Float32": FLOAT,
    "Int64": INT,
    "Int32": INT,
    "Int16": INT,
    "Int8": INT,
    "UInt64": INT,
    "UInt32": INT,
    "UInt16": INT,
    "UInt8": INT,
    "Boolean": BOOL,
    "Date": DATE,
    "Null": NULL,
}


def named(dtype: Any) -> DType:
    """A data type as serialised (``{"Literal": "Float64"}`` or its inner name)."""
    if isinstance(dtype, dict) and "Literal" in dtype:
        dtype = dtype["Literal"]
    if isinstance(dtype, str) and dtype in _NAMED:
        return _NAMED[dtype]
    if isinstance(dtype, dict) and "List" in dtype:
        return ("l", named(dtype["List"]))
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


def common(types: list[DType]) -> DType:
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


def coercer(dtype: DType) -> Callable[[Any], Any] | None:
    return (lambda v: coerce(v, dtype)) if dtype in (FLOAT, INT) else None
