"""Beijing's real-name reporting schedule (实名动态管理报送周期) and screening lines.

每3天为一个周期，报送一次信息，自3月2日（周一）起开始报送……报送截止时间为报送日下午4点前
(北京市人力资源和社会保障局 2020年2月28日紧急通知 三（1）). The settings are in
``dispatch_settings.yaml`` beside this module; the rules of rsj_2020_0228 and
jrssc_2020_25 and the report intake (``services/dispatch.py``) all read them here.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

from renshe.engine.parameters import Parameter
from renshe.engine.settings import load_settings, setting

FILE = Path(__file__).with_name("dispatch_settings.yaml")


def settings() -> dict[str, Parameter]:
    return load_settings(FILE)


def param(name: str, on: dt.date | None = None) -> Any:
    return setting(settings(), name, on)


def first_report_date() -> dt.date:
    return param("dispatch.first_report_date")  # type: ignore[no-any-return]


def cycle_days(on: dt.date | None = None) -> int:
    return int(param("dispatch.cycle_days", on))


def cutoff() -> dt.time:
    return dt.time.fromisoformat(str(param("dispatch.cutoff_time")))


def deadline(cycle: dt.date) -> dt.datetime:
    """Reports for a cycle are due before 16:00 (Beijing time) on the cycle day."""
    return dt.datetime.combine(cycle, cutoff())


def is_cycle_date(day: dt.date) -> bool:
    first = first_report_date()
    return day >= first and (day - first).days % cycle_days(day) == 0


def current_cycle(at: dt.datetime) -> dt.date:
    """The cycle a report made at ``at`` (Beijing time) counts for: the first cycle day whose
    16:00 deadline is not yet past (a report after 16:00 counts for the next cycle)."""
    step = cycle_days(at.date())
    first = first_report_date()
    if at <= deadline(first):
        return first
    k = math.ceil((at.date() - first).days / step)
    day = first + dt.timedelta(days=step * k)
    if at > deadline(day):
        day += dt.timedelta(days=step)
    return day


def last_closed_cycle(at: dt.datetime) -> dt.date | None:
    cur = current_cycle(at)
    prev = cur - dt.timedelta(days=cycle_days(cur))
    return prev if prev >= first_report_date() else None


def cycles_between(start: dt.date, end: dt.date) -> list[dt.date]:
    step = cycle_days(start)
    first = first_report_date()
    k = max(0, math.ceil((start - first).days / step))
    out, day = [], first + dt.timedelta(days=step * k)
    while day <= end:
        out.append(day)
        day += dt.timedelta(days=step)
    return out
