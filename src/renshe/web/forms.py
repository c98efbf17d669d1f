"""Form checking for the pages (表单校验): a form is checked with the same pydantic model as
the API endpoint it mirrors, and each problem becomes a Chinese sentence naming the field
(字段), so a page can re-render the form with the user's values and say what to fix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from renshe.domain.regions import region_name
from renshe.domain.text import control_problem
from renshe.services.errors import ServiceError

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
OK, BAD_REQUEST = HTTPStatus.OK.value, HTTPStatus.BAD_REQUEST.value
FormError = dict[str, str | None]  # {"field": name or None, "message": Chinese sentence}

DATE_TYPES = {
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "date_type",
    "datetime_parsing",
    "datetime_from_date_parsing",
}
NUMBER_TYPES = {"int_parsing", "int_from_float", "int_type", "float_parsing", "float_type", "finite_number"}


def _message(err: Mapping[str, Any], labels: Mapping[str, str], hints: Mapping[str, str]) -> FormError:
    field = str(err["loc"][0]) if err.get("loc") else None
    label = labels.get(field or "", field or "表单")
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    shown = f"“{value}”" if isinstance(value, str) else ""
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        text = f"{label}不能为空"
    elif kind == "string_too_long":
        text = f"{label}过长：最多 {ctx.get('max_length')} 个字符，实际 {len(str(value))} 个"
    elif kind == "string_too_short":
        text = f"{label}过短：至少 {ctx.get('min_length')} 个字符"
    elif kind == "string_pattern_mismatch":
        text = f"{label}{shown}{hints.get(field or '', '格式不正确')}"
    elif kind in DATE_TYPES:
        text = f"{label}{shown}应为 YYYY-MM-DD 格式的日期"
    elif kind in NUMBER_TYPES:
        text = f"{label}{shown}应为数字"
    elif kind == "greater_than_equal":
        text = f"{label}不能小于 {ctx.get('ge')}"
    elif kind == "greater_than":
        text = f"{label}应大于 {ctx.get('gt')}"
    elif kind == "less_than_equal":
        text = f"{label}不能大于 {ctx.get('le')}"
    elif kind == "less_than":
        text = f"{label}应小于 {ctx.get('lt')}"
    elif kind == "control_character":  # http.deps.Strict: the sentence again, with the field's label
        text = (control_problem(label, value) if isinstance(value, str) else None) or str(err["msg"])
    else:
        text = f"{label}{shown}有误"
    return {"field": field, "message": text}


def check(
    model: type[M], raw: Mapping[str, Any], labels: Mapping[str, str], hints: Mapping[str, str] | None = None
) -> tuple[M | None, list[FormError]]:
    """Check the form values with ``model``; blank text fields count as not given.
    Returns the model, or None and one Chinese error per problem."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    data = {k: v for k, v in data.items() if v != "" and v is not None}
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        seen: set[tuple[str | None, str | None]] = set()
        out = []
        for err in exc.errors():
            msg = _message(err, labels, hints or {})
            if (msg["field"], msg["message"]) not in seen:
                seen.add((msg["field"], msg["message"]))
                out.append(msg)
        return None, out


def service_errors(exc: ServiceError) -> list[FormError]:
    """A service's message, one error per sentence (services join them with “；”)."""
    return [{"field": None, "message": part} for part in exc.message.split("；") if part.strip()]


def submit(
    model: type[M],
    raw: Mapping[str, Any],
    labels: Mapping[str, str],
    hints: Mapping[str, str],
    call: Callable[[M], R],
    field_of: Callable[[FormError], FormError],
) -> tuple[R | None, list[FormError], int]:
    """A form checked with the API's model, then handed to the service: (what the service
    returned, or None with the errors — each service sentence marked on its field by
    ``field_of`` — and the status to show them with)."""
    body, errors = check(model, raw, labels, hints)
    if body is None:
        return None, errors, BAD_REQUEST
    try:
        return call(body), [], OK
    except ServiceError as exc:
        return None, [field_of(e) for e in service_errors(exc)], exc.status


def parse_date(value: str, label: str) -> tuple[dt.date | None, list[FormError]]:
    """An optional date from a query or form string, or an error naming the field."""
    value = value.strip()
    if not value:
        return None, []
    try:
        return dt.date.fromisoformat(value), []
    except ValueError:
        return None, [{"field": None, "message": f"{label}“{value}”应为 YYYY-MM-DD 格式的日期"}]


def region_label(code: str | None) -> str:
    """Jinja filter: 431102 → 湖南省永州市零陵区 (the code itself when unknown)."""
    if not code:
        return ""
    try:
        return region_name(code)
    except (KeyError, ValueError):
        return code
