"""The web application (服务端): API routers and the Chinese web pages."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from renshe.api import evaluate
from renshe.web import pages


def create_app() -> FastAPI:
    app = FastAPI(
        title="renshe 人社政策计算与服务",
        description="疫情期间人社政策：测算、免申即享、政策模拟与不见面办理",
        version="0.1.0",
    )

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(evaluate.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    return app
