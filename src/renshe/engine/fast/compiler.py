"""The compiler of the fast path (单案快算): a serialised Polars expression to a Python
function over one row (:class:`Compiler`), or over many rows at once — a long table's
rows of one unit or a list's elements (:class:`ListCompiler`). The functions of each
serialised function node are in ``fast.functions``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from renshe.engine.fast.dtypes import (
    BOOL,
    FLOAT,
    INT,
    STR,
    UNKNOWN,
    DType,
    Row,
    RowFn,
    Unsupported,
    coercer,
    named,
    supertype,
)
from renshe.engine.fast.functions import ROW_FUNCTIONS
from renshe.engine.fast.serialised import literal, node_of, replace_inputs
from renshe.engine.fast.values import BINARY, and_, binary_dtype, cast, kahan_sum, or_, to_text


class Group:
    """The value of an expression over a list of rows (a long table's rows of one
    unit, or a list's elements): a column of values, or one value."""

    __slots__ = ("single", "values")

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
        return self._row(node_of(expr))

    def _row(self, node: Any) -> tuple[RowFn, DType]:
        if isinstance(node, str):
            raise Unsupported(node)
        kind, body = next(iter(node.items()))
        if kind == "Column":
            if body not in self.schema:
                raise Unsupported(f"column {body}")
            return (lambda row, name=body: row[name]), self.schema[body]
        if kind == "Literal":
            value, dtype = literal(body)
            return (lambda row: value), dtype
        if kind == "Alias":
            return self._row(body[0])
        if kind == "Cast":
            inner, _ = self._row(body["expr"])
            to = named(body["dtype"])
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
        op = BINARY.get(body["op"])
        if op is None:
            raise Unsupported(body["op"])
        dtype = binary_dtype(body["op"], ltype, rtype)
        if body["op"] in ("And", "LogicalAnd") and dtype == BOOL:

            def both(row: Row) -> Any:
                a = left(row)
                return False if a is False else and_(a, right(row))

            return both, dtype
        if body["op"] in ("Or", "LogicalOr") and dtype == BOOL:

            def either(row: Row) -> Any:
                a = left(row)
                return True if a is True else or_(a, right(row))

            return either, dtype
        return (lambda row: op(left(row), right(row))), dtype

    def _ternary(self, body: Any) -> tuple[RowFn, DType]:
        predicate, _ = self._row(body["predicate"])
        truthy, ttype = self._row(body["truthy"])
        falsy, ftype = self._row(body["falsy"])
        dtype = supertype(ttype, ftype)
        fix = coercer(dtype)
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
        make = ROW_FUNCTIONS.get(name)
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
        fn, dtype = ListCompiler(table, None).compile(node_of(expr))

        def value(rows: list[Row]) -> Any:
            out = fn(rows, None)
            if not out.single:
                raise Unsupported("aggregation that is not one value")
            return out.values

        return value, dtype

    def predicate(self, expr: pl.Expr, table: dict[str, DType]) -> Callable[[Row], Any]:
        """A filter over a long table's rows, one row at a time."""
        fn, _ = Compiler(table)._row(node_of(expr))
        return fn


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
            value, dtype = literal(body)
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

    def _elementwise(
        self, node: Any, children: list[tuple[Callable[[Any, Row | None], Group], DType]]
    ) -> tuple[Callable[[Any, Row | None], Group], DType]:
        """Apply the one-row function of ``node`` to each position of its inputs' columns."""
        slots = {f"__in{i}": dtype for i, (_, dtype) in enumerate(children)}
        fn, dtype = Compiler(slots)._row(replace_inputs(node, len(children)))
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
            return (
                lambda rows, outer: Group(
                    sum(1 for v in _values(inner(rows, outer)) if include_nulls or v is not None), True
                )
            ), INT

        def values_of(rows: Any, outer: Row | None) -> list[Any]:
            g = inner(rows, outer)
            return [g.values] if g.single else g.values

        if name == "Sum":
            if dtype not in (INT, FLOAT, BOOL):
                raise Unsupported("sum of non-numbers")
            total = kahan_sum if dtype == FLOAT else (lambda vs: sum(vs, 0))
            return (lambda rows, outer: Group(total([v for v in values_of(rows, outer) if v is not None]), True)), (
                INT if dtype == BOOL else dtype
            )
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
                out = [None] * min(k, len(vs)) + vs[: max(len(vs) - k, 0)]
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
