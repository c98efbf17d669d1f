"""The OpenAPI document says every answer a route can give (接口文档：全部状态码与错误格式).

FastAPI documents a route's success and its request-validation 422. The other answers
come from layers around the route, and are added here from the same facts those layers
act on, so the document cannot drift from them:

* ``http/access.py``: a route for signed-in users answers 401 without a token; one bounded
  by role or area (or by ownership, ``SIGNED_IN``) answers 403; a public route neither.
* the route's path: a path parameter names something that may not exist (404).
* the database slots (``http/limits.py``): a route that takes a session may answer 503 with
  ``Retry-After`` when the pool is full.
* the body gates (``http/uploads.py``, ``http/hardening.py``): a route with a body may answer
  413 (too large, checked while streaming) and, for a cookie-authenticated write, 403 (a
  request from another site).
* the services (``services/errors.py``): a write may answer 400 (a rule of the service
  refuses it) or 409 (the state changed under it); the sign-in answers 429 with
  ``Retry-After`` while locked out.

Every error body has one of three shapes, published as components: ``Problem``
(``{"detail": "中文说明"}``), ``CaseProblems`` (a bad case: the problem list of the
contract) and FastAPI's ``HTTPValidationError``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, routing
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from renshe.http.access import RULES
from renshe.http.limits import database_session

PROBLEM = {
    "title": "Problem",
    "type": "object",
    "description": "错误：detail 为中文说明",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
CASE_PROBLEMS = {
    "title": "CaseProblems",
    "type": "object",
    "description": "案例有误：每个问题的 JSON 路径与说明（interface.md 的错误格式）",
    "properties": {
        "detail": {"type": "string"},
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                "required": ["path", "message"],
            },
        },
        "lines": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["detail", "problems"],
}
RETRY_AFTER = {"Retry-After": {"description": "几秒后可以重试", "schema": {"type": "integer", "minimum": 0}}}

DESCRIPTIONS = {
    "400": "请求被业务规则拒绝（detail 说明原因）",
    "401": "未登录或登录已失效",
    "403": "无权操作：角色或地区不符，或请求并非来自本站页面",
    "404": "未找到",
    "409": "状态冲突：对象已被他人处理，请刷新后重试",
    "413": "上传内容过大（流式读取时即拒绝）",
    "422": "请求格式有误（逐项列出问题）",
    "429": "登录失败次数过多，Retry-After 秒后再试",
    "503": "服务繁忙：数据库连接已满，请求未处理，Retry-After 秒后重试",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES = {XLSX: {"schema": {"type": "string", "format": "binary"}}, "text/csv": {"schema": {"type": "string"}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _takes_session(route: APIRoute) -> bool:
    stack = [route.dependant]
    while stack:
        d = stack.pop()
        if d.call is database_session:
            return True
        stack.extend(d.dependencies)
    return False


def error_statuses(method: str, path: str, route: APIRoute) -> set[str]:
    """The error answers the layers around ``route`` (served at ``path``) can give for ``method``."""
    statuses: set[str] = set()
    rule = RULES.get((method, path))
    if rule is not None and not rule.public:
        statuses |= {"401", "403"}
    if route.dependant.path_params or route.dependant.query_params:
        statuses |= {"400", "404"}  # a path or query names something that may not exist
    if route.dependant.body_params or method in WRITES:
        statuses |= {"400", "413", "403", "422"}
        if rule is None or not rule.public:
            statuses |= {
                "404",
                "409",
            }  # the body names something that may not exist; a state changed  # a state changed under the write (a public route changes no shared state)
    if route.dependant.query_params:
        statuses |= {"400", "422"}
    if _takes_session(route):
        statuses.add("503")
    if path.endswith("/login"):
        statuses |= {"401", "429"}  # wrong name or password; locked out
    return statuses


def _downloads(route: APIRoute) -> str | None:
    """``"only"``: the route answers with a file (its endpoint returns a bare ``Response``);
    ``"also"``: a ``format`` query turns its JSON answer into a file; ``None``: JSON."""
    import inspect

    from starlette.responses import Response

    if inspect.signature(route.endpoint).return_annotation in (Response, "Response"):
        return "only"
    if any(q.name == "format" for q in route.dependant.query_params):
        return "also"
    return None


def _error_response(status: str, existing: dict[str, Any] | None) -> dict[str, Any]:
    shapes = [_ref("Problem")]
    if status == "422":
        shapes = [_ref("HTTPValidationError"), _ref("CaseProblems"), _ref("Problem")]
    answer: dict[str, Any] = {
        "description": (existing or {}).get("description") or DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"anyOf": shapes} if len(shapes) > 1 else shapes[0]}},
    }
    if status in ("429", "503"):
        answer["headers"] = RETRY_AFTER
    return answer


def document(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with every error answer (built once, then cached)."""
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM
    schemas["CaseProblems"] = CASE_PROBLEMS
    schemas.setdefault(
        "HTTPValidationError",
        {
            "title": "HTTPValidationError",
            "type": "object",
            "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
        },
    )
    for context in routing.iter_route_contexts(app.routes):  # through the included routers
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        path = context.path_format or route.path_format
        for method in context.methods or route.methods or ():
            operation = spec["paths"].get(path, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            files = _downloads(route)
            success = next((code for code in responses if code.startswith("2")), None)
            if files and success:
                content = {} if files == "only" else responses[success].get("content", {})
                responses[success]["content"] = {**content, **FILES}
            for status in sorted(error_statuses(method, path, route)):
                responses[status] = _error_response(status, responses.get(status))
    app.openapi_schema = spec
    return spec


def install(app: FastAPI) -> None:
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
