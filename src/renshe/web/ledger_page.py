"""A desk ledger page (台账页面): tables of columns, the forms that write to them, the ledger as
xlsx, all on one template (programmes/desk.html).

A page is declared once with :class:`Ledger` and a *builder* (the function that lays out its
tables and forms from the services); each form is then one :meth:`Ledger.post` line naming
its form and the service call it makes. The helper does the rest the same way everywhere:

- the signed-in user is checked once (signed out: to the sign-in page);
- a bad entry (:class:`~renshe.services.programmes_common.FieldError` or another
  :class:`~renshe.services.errors.ServiceError`) re-renders the page with its status, the
  Chinese message on the field, and what was typed kept in the form;
- a refusal (403) or a record that is not there (404) is a message page;
- success redirects to the page with "已保存。".

Path parameters ending in ``_id`` are whole numbers (FastAPI refuses anything else), the others
text."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.http.deps import Db, Viewer
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import XLSX
from renshe.services.errors import Forbidden, NotFound, ServiceError
from renshe.services.programmes_common import FieldError
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page
from renshe.web.training_pages import district_options, field_errors

Values = dict[str, dict[str, Any]]
Errors = dict[str, list[Any]]
Raw = dict[str, str]
Params = dict[str, Any]
Page = dict[str, Any]
#: lays a page out for the user (its title, tables, forms with what was typed into them, citations,
#: notes, links): ``layout(session, user, values by form)``; the helper adds status and errors
Builder = Callable[[Session, User, Values], Page]
SAVED = "已保存。"
#: the role that writes to the programme ledgers (the services decide again, by area)
WRITER = "caseworker"


# ----------------------------------------------------------------------------- fields and forms


def fld(name: str, label: str, kind: str = "text", options: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A form field; ``options`` as values or (value, label) pairs for a picker."""
    opts = [(o, o) if isinstance(o, str) else o for o in options or []]
    return {"name": name, "label": label, "type": kind, "options": opts, **extra}


def form(
    fid: str, title: str, action: str, fields: list[dict[str, Any]], button: str, values: Values, **extra: Any
) -> dict[str, Any]:
    """A form, with what was typed into it last (``values[fid]``)."""
    return {
        "id": fid,
        "title": title,
        "action": action,
        "fields": fields,
        "button": button,
        "values": values.get(fid, {}),
        **extra,
    }


def region_field(user: User) -> dict[str, Any]:
    """The district picker, within the user's area."""
    return fld("region", "所在地区", "select", district_options(user), blank=False)


def writes(user: User) -> bool:
    """Whether the page shows the user its forms."""
    return user.role == WRITER


def for_writer(user: User, *forms: dict[str, Any]) -> list[dict[str, Any]]:
    """The forms, for the role that writes (none for the others)."""
    return list(forms) if writes(user) else []


def table(
    tid: str, title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]], forms: bool = False
) -> dict[str, Any]:
    """A table of ``rows`` (each with an "id"; "_alert" marks it, "_forms" are its own forms)."""
    return {"id": tid, "title": title, "columns": columns, "rows": rows, "forms": forms}


def import_link(user: User, name: str) -> list[tuple[str, str, str]]:
    """The link to the ledger's bulk import (web/ledger_imports_pages.py), for the role that writes."""
    return [(f"/ledger-imports/{name}", "批量导入（Excel）", f"import-{name}")] if writes(user) else []


def parts(title: str, **context: Any) -> Page:
    """A page's parts (what :func:`render` shows)."""
    return {"title": title, **context}


def whole(raw: Raw, field: str, label: str) -> int:
    """A whole number the form requires."""
    value = (raw.get(field) or "").strip()
    if not value.lstrip("-").isdigit():
        raise FieldError(field, f"{label}“{value}”应为整数")
    return int(value)


def day(raw: Raw, field: str, label: str) -> dt.date:
    """A date the form requires (an empty one is refused on its field)."""
    value = (raw.get(field) or "").strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FieldError(field, f"{label}“{value}”应为 YYYY-MM-DD 格式的日期") from None


def optional_day(raw: Raw, field: str, label: str) -> dt.date | None:
    """A date the form may leave empty."""
    return day(raw, field, label) if (raw.get(field) or "").strip() else None


def pick(raw: Raw, *names: str) -> dict[str, Any]:
    """The named fields as typed ("" for one not sent)."""
    return {k: raw.get(k, "") for k in names}


async def typed(request: Request) -> Raw:
    """The form's text fields as typed."""
    data = await request.form()
    return {k: str(v) for k, v in data.items() if isinstance(v, str)}


# ----------------------------------------------------------------------------- answers


def render(request: Request, user: User | None, title: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The ledger template, every part it shows defaulting to empty."""
    return page(
        request,
        "programmes/desk.html",
        user,
        status_code=status_code,
        title=title,
        **{
            "citations": [],
            "notes": [],
            "tables": [],
            "forms": [],
            "links": [],
            "form_errors": {},
            "done": "",
            **context,
        },
    )


def message(request: Request, user: User | None, exc: ServiceError) -> HTMLResponse:
    return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)


def show(request: Request, user: User | None, s: Session, build: Builder, done: str = "") -> Response:
    """The page for a signed-in user; a refusal is a message page."""
    if user is None:
        return need_login(request)
    try:
        return render(request, user, **build(s, user, {}), done=done)
    except ServiceError as exc:
        return message(request, user, exc)


def again(
    request: Request, user: User, s: Session, build: Builder, status: int, fid: str, exc: ServiceError, raw: Raw
) -> HTMLResponse:
    """The page again with the form ``fid`` as typed and the problem on its field."""
    return render(request, user, status_code=status, form_errors={fid: field_errors(exc)}, **build(s, user, {fid: raw}))


def submit(
    request: Request,
    user: User | None,
    s: Session,
    build: Builder,
    fid: str,
    raw: Raw,
    action: Callable[[User], object],
    ok: str,
) -> Response:
    """Run a form's action; a field problem re-renders the page with what was typed."""
    if user is None:
        return need_login(request)
    try:
        action(user)
    except FieldError as exc:
        return again(request, user, s, build, 400, fid, exc, raw)
    except (Forbidden, NotFound) as exc:
        return message(request, user, exc)
    except ServiceError as exc:
        return again(request, user, s, build, exc.status, fid, exc, raw)
    return RedirectResponse(ok, status_code=303)


# ----------------------------------------------------------------------------- declarations

#: the service call of a form: (session, the signed-in user, the form as typed, path parameters)
Action = Callable[..., object]
#: the page of a path (a record of another ledger, a kind not there: NotFound)
Resolve = Callable[[Session, Params], Builder]


def _signature(path: str) -> inspect.Signature:
    """request, the path's parameters (``…_id`` a whole number, FastAPI refusing anything else),
    the signed-in user (or None) and the session."""
    kw = inspect.Parameter.KEYWORD_ONLY
    return inspect.Signature(
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
            *(
                inspect.Parameter(n, kw, annotation=int if n.endswith("_id") else str)
                for n in re.findall(r"{(\w+)}", path)
            ),
            inspect.Parameter("user", kw, annotation=Viewer),
            inspect.Parameter("s", kw, annotation=Db),
        ],
        return_annotation=Response,
    )


Handle = Callable[[Request, User | None, Session, Params], Response]


def _route(
    router: APIRouter, method: str, path: str, handle: Handle, reads_form: bool = False, html: bool = True
) -> None:
    """Add ``handle`` at ``path``; a form is read first (so the handler runs off the event
    loop, as FastAPI runs a plain ``def`` endpoint)."""
    from starlette.concurrency import run_in_threadpool

    if reads_form:

        async def endpoint(request: Request, user: User | None, s: Session, **params: Any) -> Response:
            request.state.typed = await typed(request)
            return await run_in_threadpool(handle, request, user, s, params)

    else:

        def endpoint(request: Request, user: User | None, s: Session, **params: Any) -> Response:  # type: ignore[misc]
            return handle(request, user, s, params)

    endpoint.__signature__ = _signature(path)  # type: ignore[attr-defined]
    endpoint.__name__ = f"{method.lower()}_" + (re.sub(r"\W+", "_", path).strip("_") or "root")
    if html:
        router.add_api_route(path, endpoint, methods=[method], response_class=HTMLResponse)
    else:
        router.add_api_route(path, endpoint, methods=[method])


class Ledger:
    """One ledger page at ``path`` (GET, with ``?saved=1`` after a form) and its forms. ``build``
    lays the page out; where the page depends on the path (a kind, the kind of a record),
    ``resolve(s, params)`` gives the builder instead, raising NotFound for a path not there."""

    def __init__(self, router: APIRouter, path: str, build: Builder | None = None, *, resolve: Resolve | None = None):
        if resolve is None:
            assert build is not None, "a ledger needs a builder"
            fixed = build
            resolve = lambda s, params: fixed  # noqa: E731
        self.router, self.path, self.resolve = router, path, resolve

    def get(self) -> Ledger:
        """The page itself."""

        def handle(request: Request, user: User | None, s: Session, params: Params) -> Response:
            try:
                build = self.resolve(s, params)
            except NotFound as exc:
                return message(request, user, exc)
            return show(request, user, s, build, SAVED if request.query_params.get("saved") else "")

        _route(self.router, "GET", self.path, handle)
        return self

    def post(self, path: str, fid: str, action: Action) -> Ledger:
        """A form posted to ``path``: ``action(s, user, raw, **params)`` does the work; ``fid``
        (the form's id) and the page to go back to are formatted with the path's parameters."""

        def handle(request: Request, user: User | None, s: Session, params: Params) -> Response:
            raw: Raw = request.state.typed
            given = dict(params)  # the action's; resolve may add what the path implies, for fid and ok
            try:
                build = self.resolve(s, params)
            except NotFound as exc:
                return message(request, user, exc)
            done = f"{self.path}?saved=1".format(**params)
            return submit(
                request, user, s, build, fid.format(**params), raw, lambda u: action(s, u, raw, **given), done
            )

        _route(self.router, "POST", path, handle, reads_form=True)
        return self

    def download(self, path: str, make: Callable[..., tuple[bytes, str]]) -> Ledger:
        """A workbook at ``path``: ``make(s, user, **params)`` gives its bytes and file name."""

        def handle(request: Request, user: User | None, s: Session, params: Params) -> Response:
            if user is None:
                return need_login(request)
            try:
                data, name = make(s, user, **params)
            except ServiceError as exc:
                return message(request, user, exc)
            return Response(data, media_type=XLSX, headers=download_headers(name))

        _route(self.router, "GET", path, handle, html=False)
        return self
