"""Named quantities (具名中间量): intermediate values several rules share, declared once.

As GETTSIM names each function by the quantity it returns and OpenFisca computes a
variable once per simulation and caches it, a policy module declares a shared value
(a relief ratio, a layoff rate, a monthly mean) once, with the article it rests on::

    @quantity("<measure>.ratio", "减免比例", "<文号> <条款>")
    def relief_ratio(c: Calc) -> pl.Expr: ...

and a rule reads it with ``c.q("<measure>.ratio")``: the first read in a rule's
plan adds it as one column, later reads (by the rule or by other quantities) reuse that
column. The single-case path compiles the same plans, so both paths compute it the
same way. The engine keeps only the registry: the quantities live beside the policies
that define them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

Compute = Callable[..., pl.Expr]
#: the prefix of a quantity's column in a plan (not a case fact, not traced)
COLUMN = "~q:"


@dataclass(frozen=True)
class Quantity:
    name: str
    label: str
    #: the document and article the quantity rests on
    citation: str
    compute: Compute


_QUANTITIES: dict[str, Quantity] = {}


class DuplicateQuantity(ValueError):
    pass


def quantity(name: str, label: str, citation: str) -> Callable[[Compute], Compute]:
    """Declare the function below as the quantity ``name`` (``compute(c, *args)`` → expression)."""
    if not citation.strip():
        raise ValueError(f"quantity {name}: a citation is required")

    def register(compute: Compute) -> Compute:
        known = _QUANTITIES.get(name)
        if known is not None and known.compute.__qualname__ != compute.__qualname__:
            raise DuplicateQuantity(f"quantity {name} is declared twice")
        _QUANTITIES[name] = Quantity(name, label, citation, compute)
        return compute

    return register


def declared(name: str) -> Quantity:
    if name not in _QUANTITIES:
        raise KeyError(f"unknown quantity {name} (declare it with @quantity beside its policy)")
    return _QUANTITIES[name]


def all_quantities() -> dict[str, Quantity]:
    return dict(_QUANTITIES)


def column_name(name: str, args: tuple[Any, ...]) -> str:
    """The plan column of quantity ``name`` for ``args`` (e.g. the months of a layoff rate)."""
    return COLUMN + name + ("" if not args else "(" + ",".join(map(str, args)) + ")")
