"""The web application (服务端): API routers and the Chinese web pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import StatementError

from renshe.api import desk, evaluate
from renshe.services.errors import ServiceError
from renshe.web import desk_pages, pages

#: set by ``renshe serve --demo --workers N`` for its worker processes
DEMO_VARIABLE = "RENSHE_DEMO"


def create_app(migrate: bool = True, demo: bool = False, warm: bool = False, seed: bool | None = None) -> FastAPI:
    """``demo``: the demo's http cookies and sign-in list; ``seed`` (default: ``demo``) loads the demo data."""
    seed = demo if seed is None else seed

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            from renshe.engine.rules import registry

            registry()  # load the rules before the first request
        if migrate:
            from renshe.services.database import upgrade

            upgrade()
        if seed:
            from renshe.services.database import session
            from renshe.services.demo import seed as seed_demo

            with session() as s:
                seed_demo(s)
        if migrate or seed or warm:
            from renshe.services.local_standards import refresh_if_stale

            refresh_if_stale(force=True)  # the approved local standards (地方标准) in force
        yield
        from renshe.services.audit import checkpoint_at_shutdown

        checkpoint_at_shutdown()  # the audit chain's head published outside the database

    app = FastAPI(
        lifespan=lifespan,
        title="renshe 人社政策计算与服务",
        description="疫情期间人社政策：测算、免申即享、政策模拟与不见面办理",
        version="0.1.0",
    )

    from renshe.http import limits  # database work sized to its pool; 503 when full

    limits.install(app)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(status_code=exc.status, content={"detail": exc.message}, headers=exc.headers)

    @app.exception_handler(StatementError)
    async def data_error(request: Request, exc: StatementError) -> JSONResponse:
        """An identifier too large for the database's integers names nothing that exists (404);
        any other value the database refuses (too long, not its type) was not saved (422)."""
        from renshe.http.database_errors import answer

        return answer(request, exc)

    @app.exception_handler(OverflowError)
    async def overflow(request: Request, exc: OverflowError) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": "编号超出范围，未找到"})

    app.include_router(evaluate.router)
    app.include_router(desk.router)
    app.include_router(pages.router)
    from renshe.web import calculator_pages  # the calculator: form, JSON, letter

    app.include_router(calculator_pages.router)
    app.include_router(desk_pages.router)
    from renshe.api import targets as targets_api  # targets & monitoring
    from renshe.web import targets_pages

    app.include_router(targets_api.router)
    app.include_router(targets_pages.router)
    from renshe.api import labour as labour_api  # labour-market services
    from renshe.web import labour_pages

    app.include_router(labour_api.router)
    app.include_router(labour_pages.router)
    from renshe.api import users as users_api  # accounts: logout, user management
    from renshe.web import users_pages

    app.include_router(users_api.router)
    app.include_router(users_pages.router)
    from renshe.api import local_standards as local_standards_api  # local standards (地方标准)
    from renshe.web import standards_pages

    app.include_router(local_standards_api.router)
    app.include_router(standards_pages.router)
    from renshe.api import matters as matters_api  # service matters (办事事项)
    from renshe.web import matters_pages

    app.include_router(matters_api.router)
    app.include_router(matters_pages.router)
    from renshe.api import enterprise as enterprise_api  # the signed-in unit's registry data and 免申即享结果

    app.include_router(enterprise_api.router)
    from renshe.api import reports as reports_api  # daily reports, announcements, agencies, occupations
    from renshe.web import reports_pages

    app.include_router(reports_api.router)
    app.include_router(reports_pages.router)
    from renshe.api import programmes as programmes_api  # training and employment programmes, public institutions

    app.include_router(programmes_api.router)
    from renshe.web import training_pages

    app.include_router(training_pages.router)
    from renshe.web import programme_pages

    app.include_router(programme_pages.router)
    from renshe.web import ledger_imports_pages  # bulk imports of the programme ledgers

    app.include_router(ledger_imports_pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    from renshe.api import openapi  # every status code and error shape in /openapi.json
    from renshe.http.hardening import Hardening  # CSRF origin check, security headers, Secure cookies
    from renshe.http.text_gate import TextGate  # control characters in query strings and forms refused
    from renshe.http.uploads import UploadGate  # upload sender and size checked before the body is read

    openapi.install(app)
    app.add_middleware(TextGate)  # inside the gate: the forms it reads are already bounded
    app.add_middleware(UploadGate)
    app.add_middleware(Hardening, demo=demo)  # outermost: its headers are on the gate's answers too
    return app


def worker_app() -> FastAPI:
    """The app of one worker process of ``renshe serve --workers N`` (the store was
    migrated and seeded by the parent before the workers started); a demo parent's workers
    serve in demo mode too (http cookies without ``Secure``)."""
    import os

    return create_app(migrate=False, demo=os.environ.get(DEMO_VARIABLE) == "1", warm=True, seed=False)
