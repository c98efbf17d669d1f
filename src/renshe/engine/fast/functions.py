"""The functions of Polars' expressions on the fast path, by their serialised name
(``fill_null``, ``str.format``, ``list.sum``, ``dt.offset_by``…): each builds the one-row
function of a node from its inputs' functions and types (:data:`ROW_FUNCTIONS`)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from renshe.engine.fast.dtypes import (
    BOOL,
    DATE,
    DATETIME,
    DAYS_PER_WEEK,
    DURATION,
    FLOAT,
    INT,
    MICRO,
    NS_PER_US,
    NULL,
    STR,
    UNKNOWN,
    DType,
    Row,
    RowFn,
    Unsupported,
    coercer,
    common,
    named,
    supertype,
)
from renshe.engine.fast.values import add_months, month_end, offset_by, round_half_even, strptime, to_text

if TYPE_CHECKING:
    from renshe.engine.fast.compiler import Compiler

#: builds the one-row function of a serialised function node from its inputs' functions and types
Maker = Callable[["Compiler", list[RowFn], list[DType], Any], tuple[RowFn, DType]]


def _elementwise(
    op: Callable[..., Any], dtype: DType
) -> Callable[[Compiler, list[RowFn], list[DType], Any], tuple[RowFn, DType]]:
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
    fix = coercer(dtype)

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
        dtype = common(types)
        fix = coercer(dtype) or (lambda v: v)

        def f(row: Row) -> Any:
            present = [v for v in (g(row) for g in args) if v is not None]
            return fix(pick(present)) if present else None

        return f, dtype

    return make


def _coalesce(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    dtype = common(types)
    fix = coercer(dtype) or (lambda v: v)

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
    fix = coercer(dtype) or (lambda v: v)

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
        return sep.join(texts)

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
        return s.join(to_text(x) for x in v if x is not None)

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
        last: list[Any] = [
            None,
            None,
            None,
        ]  # the old values last seen (kept alive: compared by identity), their mapping
        new_type = types[2][1] if isinstance(types[2], tuple) else types[2]
        if strict:
            declared = options.get("return_dtype") if isinstance(options, dict) else None
            dtype = (
                named(declared)
                if declared is not None
                else (supertype(new_type, types[3]) if default is not None else new_type)
            )
        else:
            dtype = supertype(types[0], new_type)
        fix = coercer(dtype) or (lambda v: v)

        def mapping(row: Row) -> dict[Any, Any]:
            keys, values = old(row), new(row)
            if last[0] is keys and last[2] is values:  # literal old/new values: built once
                return last[1]  # type: ignore[no-any-return]
            table = dict(
                zip(
                    keys if isinstance(keys, list) else [keys],
                    values if isinstance(values, list) else [values] * (len(keys) if isinstance(keys, list) else 1),
                )
            )
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
        return v[start:] if n is None else v[start : start + n]

    return f, STR


def _strptime_make(c: Compiler, args: list[RowFn], types: list[DType], detail: Any) -> tuple[RowFn, DType]:
    to, opts = detail
    if named(to) != DATE or not opts.get("exact", True):
        raise Unsupported("strptime other than exact dates")
    parse = strptime(opts["format"], bool(opts["strict"]))
    value = args[0]
    return (lambda row: parse(value(row))), DATE


def _temporal(c: Compiler, args: list[RowFn], types: list[DType], options: Any) -> tuple[RowFn, DType]:
    detail: Any  # ToString's format, the options of the others, None for a bare name
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
        if detail not in MICRO:
            raise Unsupported(f"duration in {detail}")
        parts = args[:8]

        def duration(row: Row) -> Any:
            vs = [g(row) for g in parts]
            if any(v is None for v in vs):
                return None
            weeks, days, hours, minutes, seconds, ms, us, ns = vs
            return dt.timedelta(
                weeks=weeks,
                days=days,
                hours=hours,
                minutes=minutes,
                seconds=seconds,
                milliseconds=ms,
                microseconds=us + ns / NS_PER_US,
            )

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
            d = add_months(start, k * months) if months else start + dt.timedelta(days=k * days)
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


ROW_FUNCTIONS: dict[str, Maker] = {
    "FillNull": _fill_null,
    "Boolean": _namespace(
        "boolean",
        {
            "Not": _not,
            "IsNull": _is_null(False),
            "IsNotNull": _is_null(True),
            "AllHorizontal": _horizontal(False),
            "AnyHorizontal": _horizontal(True),
            "IsIn": _is_in,
            "IsBetween": _is_between,
        },
    ),
    "ListExpr": _namespace(
        "list",
        {
            "Concat": _concat_list,
            "DropNulls": _list_of(lambda v: [x for x in v if x is not None], lambda inner: ("l", inner)),
            "Length": _list_of(len, lambda inner: INT),
            "Sum": _list_sum_make,
            "Contains": _list_contains,
            "Join": _list_join,
            "SetOperation": _set_operation,
        },
    ),
    "StringExpr": _namespace(
        "str",
        {
            "Format": _format,
            "ConcatHorizontal": _concat_str,
            "StartsWith": _starts_with,
            "Slice": _slice,
            "Strptime": _strptime_make,
        },
    ),
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
