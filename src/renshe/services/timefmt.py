"""Dates and times as people read them (北京时间): ``2020年3月2日`` and
``2020年3月2日 16:00``. The store keeps UTC without a zone (store.models.now)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def day(value: dt.date | str | None) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return moment(value)
    return f"{value.year}年{value.month}月{value.day}日"


def moment(value: dt.datetime | str | None) -> str:
    """A stored moment (UTC, naive or aware) in Beijing time."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    b = value.astimezone(BEIJING)
    return f"{b.year}年{b.month}月{b.day}日 {b:%H:%M}"
