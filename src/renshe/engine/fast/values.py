"""Values as Polars prints and computes them (the fast path's runtime helpers): float
text, half-to-even rounding, compensated sums, three-valued logic, null-propagating
arithmetic, date offsets, parsing and casts."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from renshe.engine.fast.dtypes import (
    BOOL,
    DATE,
    DAYS_PER_WEEK,
    DECIMAL_BASE,
    DURATION,
    EPOCH,
    FLOAT,
    INT,
    MONTHS_PER_QUARTER,
    MONTHS_PER_YEAR,
    POSITIONAL_EXPONENT,
    STR,
    DType,
    Unsupported,
    supertype,
)


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
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    if isinstance(value, (int, str)):
        return str(value)
    raise Unsupported(f"text of {type(value).__name__}")


def round_half_even(x: Any, decimals: int) -> Any:
    if x is None or not isinstance(x, float):
        return x
    if math.isnan(x) or math.isinf(x):
        return x
    scale = float(DECIMAL_BASE) ** decimals
    scaled = x * scale
    if math.isinf(scaled):  # so large it has no fractional digits left: Polars returns it as it is
        return x
    return round(scaled) / scale


def kahan_sum(values: list[float]) -> float:
    """Σ as Polars' group-by sums floats (compensated, in order)."""
    total, carry = 0.0, 0.0
    for x in values:
        y = x + carry
        t = total + y
        carry = y - (t - total)
        total = t
    return total


def div(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if b == 0:
        a = float(a)
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, float(b))
    return a / b


def floordiv(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if isinstance(a, int) and isinstance(b, int):
        return None if b == 0 else a // b
    quotient = div(a, b)  # floats: the floor of the rounded quotient, as Polars (1.0 // 0.001 = 1000.0)
    return float(math.floor(quotient)) if math.isfinite(quotient) else quotient


def mod(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return None
    if b == 0:
        return None if isinstance(a, int) and isinstance(b, int) else math.nan
    return a % b


def and_(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a & b
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def or_(a: Any, b: Any) -> Any:
    if type(a) is int and type(b) is int:
        return a | b
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def nullable(op: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def f(a: Any, b: Any) -> Any:
        return None if a is None or b is None else op(a, b)

    return f


BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "Plus": nullable(lambda a, b: a + b),
    "Minus": nullable(lambda a, b: a - b),
    "Multiply": nullable(lambda a, b: a * b),
    "TrueDivide": div,
    "FloorDivide": floordiv,
    "Modulus": mod,
    "Eq": nullable(lambda a, b: a == b),
    "NotEq": nullable(lambda a, b: a != b),
    "Lt": nullable(lambda a, b: a < b),
    "LtEq": nullable(lambda a, b: a <= b),
    "Gt": nullable(lambda a, b: a > b),
    "GtEq": nullable(lambda a, b: a >= b),
    "And": and_,
    "LogicalAnd": and_,
    "Or": or_,
    "LogicalOr": or_,
    "EqValidity": lambda a, b: a == b,
    "NotEqValidity": lambda a, b: a != b,
}
COMPARISONS = {"Eq", "NotEq", "Lt", "LtEq", "Gt", "GtEq", "EqValidity", "NotEqValidity"}


def binary_dtype(op: str, a: DType, b: DType) -> DType:
    if op in COMPARISONS:
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


def add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * MONTHS_PER_YEAR + d.month - 1 + months
    year, month = divmod(index, MONTHS_PER_YEAR)
    month += 1
    return d.replace(year=year, month=month, day=min(d.day, calendar.monthrange(year, month)[1]))


OFFSET = re.compile(r"(-?)(\d+)(mo|y|q|w|d|h|m|s|ms|us|ns)")


def offset_by(value: Any, by: Any) -> Any:
    if value is None or by is None:
        return None
    text = by.strip()
    negative = text.startswith("-")
    parts = OFFSET.findall(text.lstrip("-"))
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
        value = add_months(value, sign * months)
    return value + dt.timedelta(days=sign * days)


def month_end(d: Any) -> Any:
    if d is None:
        return None
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def strptime(fmt: str, strict: bool) -> Callable[[Any], Any]:
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
