"""A page's workbook upload (上传表格), done one way: sign-in checked first, the file read and
its work (reading through ``services/workbooks.py``, checking, saving) done off the event loop
(``http/uploads.off_loop``), a problem shown on the page's form in Chinese (by row and field, as
the service words it) with what was typed kept, a refusal a message page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request, UploadFile
from fastapi.responses import Response

from renshe.http import uploads
from renshe.services.errors import ServiceError
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page

R = TypeVar("R")


def refused(exc: ServiceError) -> bool:
    """The usual line: a refusal (403) is a message page, any other problem comes back on the form."""
    return exc.status == 403


async def take(
    request: Request,
    user: User | None,
    file: UploadFile,
    work: Callable[[User, bytes, str], R],
    done: Callable[[User, R], Response],
    again: Callable[[User, ServiceError], Response],
    message: Callable[[ServiceError], bool] = refused,
) -> Response:
    """``work(user, bytes, filename)`` off the event loop; then ``done(user, result)``, or for a
    problem ``again(user, exc)`` (the page again, with the problem on its form), or the
    message page where ``message(exc)``."""
    if user is None:
        return need_login(request)
    data = await file.read()
    name = file.filename or ""
    try:
        result: Any = await uploads.off_loop(work, user, data, name)
    except ServiceError as exc:
        if message(exc):
            return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
        return again(user, exc)
    return done(user, result)
