"""Demo progress (演示进度) for the shipped Xinmi 2020 table: January to June 2020, each
unit at its own pace, so the dashboard shows some units ahead and some behind.
The paces are illustrative, not data."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.services.targets import tables, tracking
from renshe.store.models_targets import TargetProgress, TargetSet

DEMO_TABLE = "xinmi-2020"
DEMO_MONTHS = [f"2020-{m:02d}" for m in range(1, 7)]
#: share of the year's target each unit reaches by June (cycled over the units in table order)
DEMO_PACES = [
    "0.62",
    "0.35",
    "0.51",
    "0.44",
    "0.70",
    "0.28",
    "0.55",
    "0.48",
    "0.40",
    "0.58",
    "0.33",
    "0.66",
    "0.45",
    "0.20",
    "0.52",
    "0.47",
    "0.38",
    "0.60",
]
#: how the half-year's work is spread over January–June (the spring festival and epidemic slow Feb)
DEMO_MONTH_WEIGHTS = ["0.12", "0.05", "0.15", "0.20", "0.22", "0.26"]


def seed_targets(s: Session) -> None:
    """Load the Xinmi 2020 table and its demo progress once."""
    if s.execute(select(TargetSet).where(TargetSet.name == DEMO_TABLE)).scalar_one_or_none():
        return
    table = tables.load(DEMO_TABLE)
    ts = tracking.store_table(s, None, table)
    keys = [c.key for c in table.columns]
    for i, (unit, values) in enumerate(table.rows):
        pace = Decimal(DEMO_PACES[i % len(DEMO_PACES)])
        for key, target in zip(keys, values, strict=True):
            if target is None:
                continue
            half_year = Decimal(target) * pace
            for month, weight in zip(DEMO_MONTHS, DEMO_MONTH_WEIGHTS, strict=True):
                amount = (half_year * Decimal(weight)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
                s.add(TargetProgress(set_id=ts.id, unit=unit, kind=key, month=month, value=amount))
    s.flush()
