"""Logging (日志): one configuration for ``renshe serve``, the CLI and the tests, and a filter
that keeps personal data out of every log line (脱敏).

Each record is masked where it is made (a log record factory) and again by the filter on every
handler this module installs: resident ID numbers (18 characters), mobile phones (11 digits
starting with 1) and bank account numbers (12–19 digits), in the message, its arguments, extra
fields, the exception text and the formatted traceback (the traceback is formatted first, then
masked, because a database error carries the values in its text: PostgreSQL's ``DETAIL: Key
(...)=(...)`` names them even with the engine's ``hide_parameters``). Lines are JSON objects
(``at``, ``level``, ``logger``, ``message``, ``exc``) so that they can be searched and shipped.
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import sys
import traceback
from typing import IO, Any

from renshe.services.security import mask_personal_data as mask

#: the attributes every LogRecord has; anything else on a record is an ``extra`` field
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}

#: extras that repeat the message for a colour terminal (uvicorn's): not written
_SKIPPED = frozenset({"color_message"})

#: ``RENSHE_LOG_LEVEL`` selects the level (INFO unless set)
LEVEL_VARIABLE = "RENSHE_LOG_LEVEL"


def _mask_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, (bool, float)) or value is None:
        return value
    if isinstance(value, int):  # an account or ID number kept as a number
        masked = mask(str(value))
        return value if masked == str(value) else masked
    return mask(repr(value))


class PersonalDataFilter(logging.Filter):
    """Masks a record in place (and keeps it): message with its args, extras, exception, stack.
    Masking what is masked changes nothing, so the record factory and each handler may all apply it
    (the factory runs before ``extra`` fields are set; the handlers see them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, masked
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = mask(message), None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        record.exc_info = None  # only the masked text is left for the handlers
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD and not key.startswith("_"):
                record.__dict__[key] = _mask_value(value)
        return True


_FILTER = PersonalDataFilter()


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        _FILTER.filter(record)
        line: dict[str, Any] = {
            "at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _SKIPPED and not key.startswith("_"):
                line[key] = value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
        return json.dumps(line, ensure_ascii=False)


_base_factory = logging.getLogRecordFactory()


def _masking_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _base_factory(*args, **kwargs)
    _FILTER.filter(record)
    return record


def configure_logging(level: str | int | None = None, stream: IO[str] | None = None) -> logging.Handler:
    """Install the one renshe handler on the root logger (JSON lines on ``stream``, stderr by
    default; replaces the one a previous call installed) and the masking record factory, so that
    records meet masked data whichever handler writes them (uvicorn's, pytest's). Returns the handler."""
    level = level or os.environ.get(LEVEL_VARIABLE, "INFO")
    logging.setLogRecordFactory(_masking_factory)
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_renshe", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(_FILTER)
    handler._renshe = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def uvicorn_config(level: str = "info") -> dict[str, Any]:
    """uvicorn's ``log_config``: its loggers write through the same filter and JSON lines (each
    worker process of ``renshe serve --workers N`` applies it again)."""
    handler = {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
        "formatter": "json",
        "filters": ["personal_data"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"personal_data": {"()": "renshe.logs.PersonalDataFilter"}},
        "formatters": {"json": {"()": "renshe.logs.JsonFormatter"}},
        "handlers": {"default": handler},
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": level.upper(), "propagate": False},
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": ["default"], "level": level.upper(), "propagate": False},
        },
    }
