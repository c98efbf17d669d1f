"""What a value the database refuses means to the person who sent it (数据库拒绝的数据).

* An identifier too large for the database's integers (SQLite's ``OverflowError``, PostgreSQL's
  SQLSTATE 22003 numeric_value_out_of_range) names nothing that exists: 404.
* Any other data error (a text too long for its column, 22001; a character the database cannot
  hold; a value not of the column's type) means nothing was saved: 422 with a Chinese sentence,
  and a warning in the log with the statement's parameters masked
  (``services.security.mask_personal_data``, as the log filter masks every record).
* Any other statement error is not a data error: raised on, as before.
"""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, StatementError

from renshe.services.security import mask_personal_data as mask

log = logging.getLogger(__name__)

OUT_OF_RANGE = "22003"  # PostgreSQL: numeric_value_out_of_range
NOT_FOUND = "编号超出范围，未找到"
NOT_SAVED = "内容格式不符或过长，未保存"


def sqlstate(exc: StatementError) -> str | None:
    """The SQLSTATE the database gave (psycopg's ``sqlstate``), None for a client-side refusal."""
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def answer(request: Request, exc: StatementError) -> JSONResponse:
    if isinstance(exc.orig, OverflowError) or sqlstate(exc) == OUT_OF_RANGE:
        return JSONResponse(status_code=404, content={"detail": NOT_FOUND})
    if not isinstance(exc, DataError):
        raise exc
    log.warning(
        "数据库拒绝了请求中的数据，未保存：%s %s（SQLSTATE %s）%s；参数 %s",
        request.method,
        request.url.path,
        sqlstate(exc) or "客户端",
        mask(str(exc.orig)),
        mask(repr(exc.params)),
    )
    return JSONResponse(status_code=422, content={"detail": NOT_SAVED})
