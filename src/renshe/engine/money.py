"""Money (金额): yuan rounded half up to the fen (分), once, at the end of each policy."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl

FEN = Decimal("0.01")
# Float noise guard: amounts are first snapped to this many decimals before the
# half-up step, so that 1.005 (stored as 1.00499999…) rounds to 1.01 as Decimal does.
_SNAP_DECIMALS = 6


def round_fen(expr: pl.Expr) -> pl.Expr:
    """Half-up rounding to 2 decimals of a float column (away from zero at .5)."""
    scaled = (expr.abs() * 100).round(_SNAP_DECIMALS)
    fen = expr.sign() * (scaled + 0.5).floor()
    # the final round(2) removes the representation error of fen / 100 (0.5700000000000001)
    return (fen / 100).round(2).cast(pl.Float64)


def round_fen_decimal(value: float | int | str | Decimal) -> Decimal:
    """The same rounding for one value, exactly, in Decimal."""
    return Decimal(str(value)).quantize(FEN, rounding=ROUND_HALF_UP)
