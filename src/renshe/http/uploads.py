"""Uploads that can't hurt (上传文件的限制).

Before this module an upload was read whole (multipart spooled to disk by the
framework) before its size or its sender was checked, and a 179 kB xlsx that
expands to 450 000 rows was parsed on the event loop for ~24 s while every other
request — ``/healthz`` included — waited.

Now:

* :class:`UploadGate`, a pure ASGI middleware, looks at every write before the
  application sees its body. For an upload route (:data:`ROUTES`) it checks the
  sender first — signed in, and of a role that may use the route — and answers
  401/403 (or the web pages' sign-in redirect) without reading a byte of the
  body. Then the size: a declared ``Content-Length`` above the route's limit is
  answered 413 at once; an undeclared (chunked) body is counted while it streams
  and answered 413 the moment it passes the limit, the rest never read. Every
  other write has the general :data:`BODY_LIMIT`.
* :func:`off_loop` runs parsing in a worker thread (a limiter of its own, so
  parsing never takes the threads of ordinary requests), and the parsers stop at
  a wrong header, at a row limit and at a time limit (renshe.services.dispatch).
* :func:`capped` keeps error lists in responses short: ``rejected_total`` and the
  first :data:`REJECTED_SHOWN`; the full list is a download.

The route-level permission checks stay where they are (area rules and the like);
the gate is the coarse, early one.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import anyio
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MB = 1024 * 1024

#: A dispatch agency's real-name report (CSV or xlsx, five short columns): the
#: limit the routes already had; 20 MB of CSV is ~200 000 rows, above the row limit.
REPORT_FILE_LIMIT = 20 * MB
#: A passenger list of point-to-point transport: one bus or train per file.
PASSENGER_LIST_LIMIT = 20 * MB
#: A target table or a progress sheet: one row per unit and month — small.
TARGET_TABLE_LIMIT = 5 * MB
#: A monitoring registry workbook (units + insured persons of an area): the largest
#: legitimate upload.
REGISTRY_LIMIT = 50 * MB
#: the bank's return file of a disbursement batch (银行回盘文件)
BANK_RETURN_LIMIT = 5 * MB
#: Any other write (JSON and form bodies): the largest of them, 20 000 progress
#: entries, is under 2 MB.
BODY_LIMIT = 8 * MB

#: Rejected rows shown in a response; the full list is a download.
REJECTED_SHOWN = 100
#: Uploads parsed at the same time; more wait (on the event loop, holding nothing).
PARSE_CONCURRENCY = 2

TARGET_WRITERS = ("caseworker", "admin")  # renshe.services.targets.tracking.WRITE_ROLES


def _application_files_limit() -> int:
    """An application with its attachments: as many files of the largest size as allowed
    (services/attachments_parameters.yaml), and the form's fields."""
    from renshe.services import attachments

    return attachments.max_bytes() * int(attachments.param("max_files")) + MB


@dataclass(frozen=True)
class UploadRoute:
    pattern: re.Pattern[str]
    limit: int
    roles: tuple[str, ...] | None  # None: any signed-in user
    face: Literal["api", "web"]
    what: str  # the file, in the messages


def _route(path: str, limit: int, roles: tuple[str, ...] | None, face: Literal["api", "web"], what: str) -> UploadRoute:
    return UploadRoute(re.compile(f"^{path}$"), limit, roles, face, what)


ROUTES: tuple[UploadRoute, ...] = (
    _route("/api/v1/dispatch/check", REPORT_FILE_LIMIT, None, "api", "实名动态信息报送文件"),
    _route("/api/v1/dispatch/reports", REPORT_FILE_LIMIT, ("agency",), "api", "实名动态信息报送文件"),
    _route("/api/v1/targets/import", TARGET_TABLE_LIMIT, TARGET_WRITERS, "api", "目标任务表"),
    _route("/api/v1/targets/[^/]+/progress/upload", TARGET_TABLE_LIMIT, TARGET_WRITERS, "api", "进度表"),
    _route("/api/v1/monitor", REGISTRY_LIMIT, TARGET_WRITERS, "api", "参保库工作簿"),
    _route("/api/v1/disbursements/[0-9]+/return", BANK_RETURN_LIMIT, ("finance",), "api", "银行回盘文件"),
    _route("/dispatch", REPORT_FILE_LIMIT, ("agency",), "web", "实名动态信息报送文件"),
    _route("/desk/payouts/[0-9]+/return", BANK_RETURN_LIMIT, ("finance",), "web", "银行回盘文件"),
    _route("/transport/upload", PASSENGER_LIST_LIMIT, ("caseworker",), "web", "乘客名单"),
    _route("/targets/import", TARGET_TABLE_LIMIT, TARGET_WRITERS, "web", "目标任务表"),
    _route("/targets/[^/]+/upload", TARGET_TABLE_LIMIT, TARGET_WRITERS, "web", "进度表"),
    _route("/monitor", REGISTRY_LIMIT, TARGET_WRITERS, "web", "参保库工作簿"),
    _route("/apply", _application_files_limit(), ("enterprise", "agency", "person"), "web", "申请材料"),
    _route("/api/v1/daily-reports/[a-z_]+", REPORT_FILE_LIMIT, ("agency",), "api", "每日报告文件"),
    _route("/daily-reports/upload", REPORT_FILE_LIMIT, ("agency",), "web", "每日报告文件"),
    _route("/api/v1/agency-filings", _application_files_limit(), ("agency",), "api", "核查材料"),
    _route("/agencies/filings", _application_files_limit(), ("agency",), "web", "核查材料"),
    _route("/api/v1/occupations", TARGET_TABLE_LIMIT, TARGET_WRITERS, "api", "急需紧缺职业（工种）目录"),
    _route("/occupations", TARGET_TABLE_LIMIT, TARGET_WRITERS, "web", "急需紧缺职业（工种）目录"),
    _route("/matters/new", _application_files_limit(), ("enterprise", "agency", "person"), "web", "办事材料"),
    _route("/training/catalogue/import", TARGET_TABLE_LIMIT, ("caseworker",), "web", "培训平台目录"),
    _route("/training/needs/import", TARGET_TABLE_LIMIT, ("caseworker",), "web", "培训需求台账"),
    _route("/ledger-imports/[a-z-]+", TARGET_TABLE_LIMIT, ("caseworker",), "web", "台账导入表"),
    _route("/api/v1/ledger-imports/[a-z-]+", TARGET_TABLE_LIMIT, ("caseworker",), "api", "台账导入表"),
)

SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def upload_route(method: str, path: str) -> UploadRoute | None:
    if method != "POST":
        return None
    return next((r for r in ROUTES if r.pattern.match(path)), None)


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit} 字节"


def _answer(face: str, status: int, message: str, **headers: str) -> Response:
    if face == "web":
        body = (
            f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{status}</title>'
            f'<div class="card" id="message"><p>{message}</p><p><a href="/">返回首页</a></p></div></html>'
        )
        return HTMLResponse(body, status_code=status, headers=headers)
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


def _too_large(route: UploadRoute | None, limit: int) -> Response:
    what = route.what if route else "请求内容"
    face = route.face if route else "api"
    return _answer(face, 413, f"{what}过大：上限为 {_size(limit)}，请拆分后分批上传", Connection="close")


def _token(headers: Headers) -> str | None:
    from renshe.http.deps import COOKIE

    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return cookie_parser(headers.get("cookie", "")).get(COOKIE) or None


def _role_of(token: str) -> str | None:
    """The role of the token's user, or None when the token names no one (expired, revoked)."""
    from renshe.services.database import session
    from renshe.services.errors import Unauthorized
    from renshe.services.users import user_for_token

    with session() as s:
        try:
            return user_for_token(s, token).role
        except Unauthorized:
            return None


async def _permission(route: UploadRoute, scope: Scope, headers: Headers) -> Response | None:
    token = _token(headers)
    role = await anyio.to_thread.run_sync(_role_of, token) if token else None
    if role is None:
        if route.face == "web":
            return RedirectResponse(f"/login?next={scope['path']}", status_code=303)
        return _answer("api", 401, "请先登录" if token is None else "登录已失效，请重新登录")
    if route.roles is not None and role not in route.roles:
        return _answer(route.face, 403, f"当前角色无权上传{route.what}")
    return None


class UploadGate:
    """Sender first, then size — both before the body is read (see the module's doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE:
            await self.app(scope, receive, send)
            return
        route = upload_route(scope["method"], scope["path"])
        limit = route.limit if route else BODY_LIMIT
        headers = Headers(scope=scope)
        if route is not None and (denied := await _permission(route, scope, headers)) is not None:
            await denied(scope, receive, send)
            return
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(route, limit)(scope, receive, send)
            return

        read = 0
        answered = started = False

        async def counted() -> Message:
            nonlocal read, answered, started
            if answered:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > limit and not started:
                    answered = started = True
                    await _too_large(route, limit)(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if answered:
                return  # the application's answer to a body it never got whole
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not answered:
                raise


# ----------------------------------------------------------------- parsing off the loop

T = TypeVar("T")
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()


async def off_loop(fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)`` in a worker thread; at most :data:`PARSE_CONCURRENCY` at once."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(PARSE_CONCURRENCY)
    return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)


# ----------------------------------------------------------------- capped error lists


def capped(rejected: list[dict[str, Any]], download: str, shown: int = REJECTED_SHOWN) -> dict[str, Any]:
    """``rejected_total`` problems, the first ``shown`` of them, and where the full list is."""
    return {
        "rejected_total": len(rejected),
        "rejected_rows": len({r.get("row") for r in rejected}),
        "rejected": rejected[:shown],
        "rejected_truncated": len(rejected) > shown,
        "rejected_file": download,
    }


def rejected_table(rejected: list[dict[str, Any]], fmt: Literal["xlsx", "csv"]) -> bytes:
    """The full list of rejected rows (行、列、问题) as a workbook or UTF-8 CSV (with BOM, for Excel)."""
    header = ["行", "列", "问题"]
    rows = [[r.get("row"), r.get("field", ""), r.get("problem", "")] for r in rejected]
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(header)
        w.writerows([[_text(v) for v in row] for row in rows])
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("不予接收")
    ws.append(header)
    for row in rows:
        ws.append([row[0], *(_text(v) for v in row[1:])])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text(value: Any) -> str:
    """A cell that a spreadsheet would read as a formula is written as text."""
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s
