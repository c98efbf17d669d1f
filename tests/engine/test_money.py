"""Money is rounded half up to the fen, once per policy."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from renshe.engine.money import round_fen, round_fen_decimal

amounts = st.decimals(
    min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=4, allow_nan=False, allow_infinity=False
)


@given(st.lists(amounts, min_size=1, max_size=50))
def test_column_rounding_matches_decimal_half_up(values: list[Decimal]) -> None:
    got = pl.DataFrame({"x": [float(v) for v in values]}).select(round_fen(pl.col("x")))["x"].to_list()
    want = [float(v.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)) for v in values]
    assert got == want


@given(st.integers(min_value=0, max_value=10**9))
def test_half_fen_goes_up(fen: int) -> None:
    value = Decimal(fen) / 100 + Decimal("0.005")
    got = pl.DataFrame({"x": [float(value)]}).select(round_fen(pl.col("x")))["x"][0]
    assert Decimal(str(got)) == (Decimal(fen) + 1) / 100
    assert round_fen_decimal(value) == (Decimal(fen) + 1) / 100


def test_classic_float_traps() -> None:
    df = pl.DataFrame({"x": [1.005, 2.675, 0.125, 1.015, 0.285]})
    assert df.select(round_fen(pl.col("x")))["x"].to_list() == [1.01, 2.68, 0.13, 1.02, 0.29]


def test_rounding_happens_once_at_the_end() -> None:
    """Three rows of 0.004 each: summed then rounded gives 0.01, not 3 × 0.00."""
    from renshe.engine.calculator import evaluate_json

    case = {
        "as_of": "2020-07-31",
        "enterprise": {
            "uscc": "91110108MA01C7LM3W",
            "region": "110108",
            "industry": "I65",
            "employees": 50,
            "revenue": 5000000,
            "contributions": [
                {"month": m, "insurance": "pension", "employer_due": 0.004, "employer_paid": 0.004}
                for m in ("2020-02", "2020-03", "2020-04")
            ],
        },
    }
    out = evaluate_json(case)
    relief = next(r for r in out["results"] if r["policy"] == "cn.si_relief_2020")
    assert relief["amount"] == 0.01
