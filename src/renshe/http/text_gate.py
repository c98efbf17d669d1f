"""The text gate (文字校验): a query string or a form that carries a control character no saved
text may hold (renshe.domain.text) is refused before any route reads it, with the field named.

The API's JSON bodies are checked by their models (``http.deps.Strict``); the web pages read
their forms field by field, so this gate checks every ``application/x-www-form-urlencoded``
body (already bounded by ``http.uploads.UploadGate``, which stands outside it) and every query
string for all of them at once. A path holding one names nothing that exists: 404. Multipart
bodies (the uploads) are left to the upload parsers.

The answer is 422: the API's error shape (``{"detail": [{"loc", "msg", "type"}]}``) under
``/api/`` or to a client that does not ask for HTML, else a short Chinese page."""

from __future__ import annotations

import html
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from renshe.domain.text import UNSAVEABLE, control_problem

FORM = "application/x-www-form-urlencoded"
NOT_FOUND = "未找到：地址中含有不可见的控制字符"


def problem_in(pairs: list[tuple[str, str]], where: str) -> tuple[str, str] | None:
    """(field, Chinese sentence) of the first field whose name or value cannot be saved."""
    for name, value in pairs:
        shown = name if UNSAVEABLE.search(name) is None else repr(name)[1:-1]
        problem = control_problem(f"{where}字段“{shown}”", value) or control_problem(f"{where}字段名", name)
        if problem is not None:
            return shown, problem
    return None


def _answer(scope: Scope, kind: str, field: str, message: str) -> Response:
    headers = Headers(scope=scope)
    if scope["path"].startswith("/api/") or "text/html" not in headers.get("accept", ""):
        detail = [{"type": "control_character", "loc": [kind, field], "msg": message}]
        return JSONResponse({"detail": detail}, status_code=422)
    page = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>提交的内容有误</title></head>'
        f"<body><h1>提交的内容有误，未保存</h1><p>{html.escape(message)}</p>"
        "<p>请返回上一页，删除该字段中的控制字符后重新提交。</p></body></html>"
    )
    return HTMLResponse(page, status_code=422)


class TextGate:
    """Query strings and forms checked for unsaveable control characters (see the module's doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if UNSAVEABLE.search(scope.get("path", "")):  # the server decoded it
            await JSONResponse({"detail": NOT_FOUND}, status_code=404)(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        if (found := problem_in(query, "查询参数")) is not None:
            await _answer(scope, "query", *found)(scope, receive, send)
            return
        if Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower() != FORM:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        if (found := problem_in(form, "表单")) is not None:
            await _answer(scope, "body", *found)(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
