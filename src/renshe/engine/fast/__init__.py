"""The fast path (单案快算): Polars expressions evaluated in plain Python, one row at a time.

A rule's plan (``evaluate.Plan``) is a list of Polars expressions. For a
population of thousands of rows Polars is the fastest way to run it; for the
calculator's single case its fixed cost per plan (about a millisecond) is
most of the time. This package reads the same expressions (through Polars'
own serialisation, ``Expr.meta.serialize``) and compiles each into a Python
function over one row, with Polars' semantics: nulls propagate, ``&``/``|``
are three-valued, a null ``when`` predicate takes the ``otherwise`` branch,
``round`` rounds the scaled value half to even, floats print as Polars prints
them, and values are coerced to the expression's data type where Polars
would coerce them (``fill_null(0)`` on a float column gives ``0.0``).

Aggregations over a long table (``Calc.aggregate``) compile to functions over
a list of rows. Anything not covered raises ``Unsupported`` at compile time:
the caller then runs that rule through Polars. ``tests/engine/test_single.py``
checks every operation and aggregation against Polars on generated values, and
every example's and policy case's answer against the Polars path.

One job per module:

* ``dtypes`` — the kinds of values (int, float, date, list…) read from Polars' types;
* ``serialised`` — reading an expression's serialised tree and its literals;
* ``values`` — values as Polars computes and prints them (the runtime helpers);
* ``functions`` — the functions of the serialised nodes (``fill_null``, ``str.format``…);
* ``compiler`` — an expression to a function over one row or over many rows;
* ``plans`` — a rule's whole plan to a :class:`~renshe.engine.fast.plans.Program`.

Nothing here knows about a rule, a policy or the case format.
"""

from __future__ import annotations

from renshe.engine.fast.compiler import Compiler, ListCompiler
from renshe.engine.fast.dtypes import (
    BOOL,
    DATE,
    DATETIME,
    DURATION,
    FLOAT,
    INT,
    NULL,
    STR,
    UNKNOWN,
    DType,
    Unsupported,
    coerce,
    dtype_of,
)
from renshe.engine.fast.values import cast, float_text, round_half_even

__all__ = [
    "BOOL",
    "DATE",
    "DATETIME",
    "DURATION",
    "FLOAT",
    "INT",
    "NULL",
    "STR",
    "UNKNOWN",
    "Compiler",
    "DType",
    "ListCompiler",
    "Unsupported",
    "cast",
    "coerce",
    "dtype_of",
    "float_text",
    "round_half_even",
]
