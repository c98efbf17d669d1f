"""How people read times and dates (时间格式): Beijing time, in Chinese, e.g.
``2020年3月2日 16:00``; the store keeps UTC. Pages use them as Jinja filters (``beijing_time``,
``chinese_date``), services in their messages."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
_ISO_DAY = r"\d{4}-\d{2}-\d{2}"
_ISO_MONTH = r"(\d{4})-(\d{2})"


def _parsed(value: dt.datetime | dt.date | str) -> dt.datetime | dt.date | None:
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text) if re.fullmatch(_ISO_DAY, text) else dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def beijing_time(value: dt.datetime | dt.date | str | None) -> str:
    """A moment in Beijing time as ``2020年3月2日 16:00``. A time without a zone is taken
    as UTC (the store keeps UTC); a date alone is written as :func:`chinese_date`; a text
    that is not a date or time is returned as it is; None is ``""``."""
    if value is None:
        return ""
    moment = _parsed(value)
    if moment is None:
        return str(value)
    if not isinstance(moment, dt.datetime):
        return chinese_date(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone(BEIJING)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def chinese_date(value: dt.date | str | None) -> str:
    """A day as ``2020年7月31日`` (a month ``2020-02`` as ``2020年2月``)."""
    if value is None:
        return ""
    month = re.fullmatch(_ISO_MONTH, value.strip()) if isinstance(value, str) else None
    if month:
        year, number = month.groups()
        return f"{int(year)}年{int(number)}月"
    day = _parsed(value)
    if day is None:
        return str(value)
    if isinstance(day, dt.datetime):
        day = day.date()
    return f"{day.year}年{day.month}月{day.day}日"


def now_beijing() -> str:
    """Now, as :func:`beijing_time` writes it."""
    return beijing_time(dt.datetime.now(dt.UTC))


#: a day as the pages write it (:func:`chinese_date`)
_CHINESE_DAY = r"(\d{4})年(\d{1,2})月(\d{1,2})日"


def report_date(text: str, label: str = "测算日") -> str | None:
    """The ISO day that ``label`` is followed by in a page's text (``测算日 2020年7月31日``), else None."""
    found = re.search(label + " " + _CHINESE_DAY, text)
    if not found:
        return None
    year, month, day = (int(g) for g in found.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"
