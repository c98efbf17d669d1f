"""Browser tests: a real server (renshe serve --demo on a temp SQLite database) and
Debian's chromium driven by Playwright. The test setup installs chromium when it
is missing (make test runs scripts/ensure-chromium.sh).

The walks of issue 17 (``WALKS_ON_EVERY_DATABASE``) run on SQLite and, when
RENSHE_TEST_DATABASE_URL names a PostgreSQL server, again on a fresh PostgreSQL
database of it: their ``database_kind`` is parametrized by database."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from renshe.services.demo import DEMO_PASSWORD
from tests.conftest import demo_server
from tests.desk.conftest import DATABASES
from tests.desk.server import real_server

CHROMIUM = os.environ.get("RENSHE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: the walks that run on every database under test (SQLite, and PostgreSQL when configured)
WALKS_ON_EVERY_DATABASE = {"test_desk_walk", "test_apply_walk"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if (
        metafunc.module.__name__.rsplit(".", 1)[-1] in WALKS_ON_EVERY_DATABASE
        and "database_kind" in metafunc.fixturenames
    ):
        metafunc.parametrize("database_kind", DATABASES, indirect=True, scope="session")


@pytest.fixture(scope="session")
def database_kind(request: pytest.FixtureRequest) -> str:
    """The database the server runs on: ``sqlite`` unless a walk is parametrized by database."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def server(database_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("server")
    if database_kind == "sqlite":
        with demo_server(folder) as url:
            yield url
    else:  # a fresh database of the PostgreSQL server under test
        with real_server(database_kind, folder) as (url, _):
            yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def sign_in(page: Page, server: str, username: str) -> None:
    page.goto(server + "/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login")
    page.wait_for_load_state()
