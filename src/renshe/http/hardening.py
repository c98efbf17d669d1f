"""Web hardening (网页加固): cross-site writes refused, security headers on every
response, ``Secure`` session cookies outside demo mode, and download file names
that survive Chinese characters.

* **CSRF**: a write (POST/PUT/PATCH/DELETE) that carries the session cookie and no
  ``Authorization`` header is cookie-authenticated; it must come from a page of this
  site — its ``Origin`` (or, when a browser sends none, its ``Referer``) must name
  the host the request was sent to, or one of ``RENSHE_TRUSTED_ORIGINS`` (comma-
  separated, for a reverse proxy that rewrites the host). Otherwise 403. Browsers
  send ``Origin`` on every cross-site POST, so SameSite=Lax is no longer the only
  defence. Bearer-token clients are not affected: a cross-site page cannot set
  ``Authorization``.
* **Headers**: CSP (self only; inline style attributes are still allowed — the
  templates use a few ``style=""`` for layout; scripts are self only, no inline
  handlers), ``X-Frame-Options: DENY`` with ``frame-ancestors 'none'``,
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``.
* **Cookies**: outside demo mode every ``Set-Cookie`` gets ``Secure`` (the service
  runs behind TLS; the demo runs on http://localhost).
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURE = re.compile(r";\s*secure\s*(;|$)", re.IGNORECASE)
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TRUSTED_ORIGINS_ENV = "RENSHE_TRUSTED_ORIGINS"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: The API documentation pages (/docs, /redoc) load Swagger UI / ReDoc from a CDN
#: with an inline bootstrap script; they get a policy of their own.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; font-src 'self' https://fonts.gstatic.com; "
    "worker-src 'self' blob:; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """``attachment; filename="…"; filename*=UTF-8''…`` (RFC 6266 / RFC 5987): an ASCII
    fallback for old clients (other characters as ``_``) and the real name, UTF-8 encoded."""
    fallback = re.sub(r'[^\x20-\x7e]|["\\]', "_", filename).strip() or "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download_headers(filename: str) -> dict[str, str]:
    return {"Content-Disposition": content_disposition(filename)}


def _trusted() -> set[str]:
    return {o.strip().rstrip("/").lower() for o in os.environ.get(TRUSTED_ORIGINS_ENV, "").split(",") if o.strip()}


def same_site(headers: Headers) -> bool:
    """True when the request's Origin (or Referer) is this host or a trusted origin."""
    source = headers.get("origin")
    if source is None or source == "null":
        source = headers.get("referer") if source is None else None
    if not source:
        return False
    parts = urlsplit(source)
    if not parts.scheme or not parts.netloc:
        return False
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    host = headers.get("host", "").lower()
    return parts.netloc.lower() == host or origin in _trusted()


def cookie_authenticated(headers: Headers) -> bool:
    from renshe.http.deps import COOKIE

    if headers.get("authorization", "").lower().startswith("bearer "):
        return False
    return bool(cookie_parser(headers.get("cookie", "")).get(COOKIE))


class Hardening:
    """CSRF refusal, security headers and ``Secure`` cookies (see the module's doc)."""

    def __init__(self, app: ASGIApp, demo: bool = False) -> None:
        self.app = app
        self.demo = demo

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        csp = DOCS_CSP if path in DOCS_PATHS else CSP

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("content-security-policy", csp)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if not self.demo:
                    cookies = headers.getlist("set-cookie")
                    if cookies and not all(SECURE.search(c) for c in cookies):
                        del headers["set-cookie"]
                        for c in cookies:
                            headers.append("set-cookie", c if SECURE.search(c) else c + "; Secure")
            await send(message)

        headers = Headers(scope=scope)
        if scope["method"] in UNSAFE and cookie_authenticated(headers) and not same_site(headers):
            refused = JSONResponse(
                {"detail": "跨站请求被拒绝：请求来源（Origin/Referer）须为本站页面，请在本站页面上重新操作"},
                status_code=403,
            )
            await refused(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)
