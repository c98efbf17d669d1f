"""The web application (服务端): API routers and the Chinese web pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from renshe.api import desk, evaluate
from renshe.services.errors import ServiceError
from renshe.web import desk_pages, pages


def create_app(migrate: bool = True, demo: bool = False) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if migrate:
            from renshe.store.migrate import upgrade

            upgrade()
        if demo:
            from renshe.services.demo import seed
            from renshe.store.db import session

            with session() as s:
                seed(s)
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="renshe 人社政策计算与服务",
        description="疫情期间人社政策：测算、免申即享、政策模拟与不见面办理",
        version="0.1.0",
    )

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> JSONResponse:
        return JSONResponse(status_code=exc.status, content={"detail": exc.message})

    app.include_router(evaluate.router)
    app.include_router(desk.router)
    app.include_router(pages.router)
    app.include_router(desk_pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    return app
