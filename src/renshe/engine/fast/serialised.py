"""Reading Polars' own serialisation of an expression (``Expr.meta.serialize``) as the
fast path's compiler sees it: the JSON tree of a node, its literals, its inputs."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import polars as pl

from renshe.engine.fast.dtypes import (
    BOOL,
    DATE,
    DURATION,
    EPOCH,
    FLOAT,
    INT,
    MICRO,
    NULL,
    STR,
    DType,
    Unsupported,
    dtype_of,
    named,
)


def node_of(expr: pl.Expr) -> Any:
    """The expression's serialised tree (JSON)."""
    return json.loads(expr.meta.serialize(format="json"))


def ipc_values(data: list[int]) -> tuple[list[Any], DType]:
    frame = pl.read_ipc_stream(io.BytesIO(bytes(data)))
    series = frame.to_series(0)
    return series.to_list(), dtype_of(series.dtype)


def literal(node: Any) -> tuple[Any, DType]:
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
        values, dtype = ipc_values(inner)
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
        return None, named(value) if value != "Null" else NULL
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
        return dt.timedelta(microseconds=amount * MICRO[unit]), DURATION
    if name == "List":
        values, dtype = ipc_values(value)
        return values, ("l", dtype)
    raise Unsupported(f"literal {name}")


def replace_inputs(node: Any, n: int) -> Any:
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
