"""The screenshots of docs/screenshots.md (docs/screenshots/*.png): a real `renshe serve
--demo` on a temporary SQLite database, driven by Debian's chromium through Playwright —
the calculator form, its results, the policy letter (政策告知书), the caseworker's queue,
an application's 数据比对, the public notice and the disbursement page.

    PYTHONPATH=src .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Each shot is the browser's window (not the whole page), so that each file stays small."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from playwright.sync_api import Page, ViewportSize, sync_playwright
from sqlalchemy import create_engine, text

from renshe.services.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
RENSHE = Path(sys.executable).with_name("renshe")
CHROMIUM = os.environ.get("RENSHE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
VIEWPORT: ViewportSize = {"width": 1280, "height": 860}
#: the shots, in the order taken: file name → what it shows (docs/screenshots.md repeats these)
SHOTS = {
    "calculator-form.png": "政策计算器：填写单位情况（地区、行业、划型、标记、逐月参保人数）",
    "calculator-results.png": "测算结果：按资金性质分列的金额，按状态分组的政策及依据",
    "letter.png": "政策告知书（打印版）",
    "desk-queue.png": "经办审核台：本区的申请队列",
    "desk-comparison.png": "申请详情：与参保登记的数据比对（差异标出）",
    "notice.png": "公示：公示名单与异议",
    "disbursement.png": "拨付：户名、开户行、账号（屏幕上遮蔽）、政策名称与合计行",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def demo_server(folder: Path) -> Iterator[tuple[str, str]]:
    """(URL, database URL) of `renshe serve --demo` on its own SQLite database in ``folder``."""
    port, database = _free_port(), f"sqlite:///{folder / 'renshe.db'}"
    log = (folder / "server.log").open("w")
    proc = subprocess.Popen(
        [str(RENSHE), "serve", "--port", str(port), "--demo"],
        env={**os.environ, "RENSHE_DATABASE_URL": database},
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                break
        time.sleep(0.3)
    else:
        proc.kill()
        raise SystemExit("演示服务未能启动：" + (folder / "server.log").read_text(encoding="utf-8")[-2000:])
    try:
        yield url, database
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def sign_in(page: Page, url: str, username: str) -> None:
    page.goto(url + "/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login")
    page.wait_for_load_state()


def sign_out(page: Page) -> None:
    page.click("#logout")
    page.wait_for_load_state()


def shoot(page: Page, out: Path, name: str, at: str | None = None) -> None:
    """The window, scrolled to ``at`` (a selector) when given."""
    if at:
        page.locator(at).first.scroll_into_view_if_needed()
        page.locator(at).first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(out / name))
    print(f"{name}  {(out / name).stat().st_size // 1024} kB", file=sys.stderr)


def expire_notices(database: str) -> None:
    """The open notices as if published a month ago (their window has run), so that they close."""
    today = dt.date.today()
    engine = create_engine(database)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE notice_batches SET published_on = :p, closes_on = :c WHERE closed_on IS NULL"),
            {"p": today - dt.timedelta(days=40), "c": today - dt.timedelta(days=30)},
        )
    engine.dispose()


def take(url: str, database: str, page: Page, out: Path) -> None:
    # the calculator: the form, then its results and the letter
    page.goto(url + "/")
    shoot(page, out, "calculator-form.png", "#calc-form")
    page.click("#calculate")
    page.wait_for_selector("#results")
    shoot(page, out, "calculator-results.png", "#results")
    page.locator("form[action='/calculate/letter']").evaluate("f => f.removeAttribute('target')")
    page.click("#letter-print")
    page.wait_for_load_state()
    shoot(page, out, "letter.png")

    # the 海淀 caseworker: the queue, an application's comparison with the registry
    sign_in(page, url, "haidian_jingban")
    page.goto(url + "/desk")
    shoot(page, out, "desk-queue.png")
    number = page.locator("#queue tr[data-number]").first.get_attribute("data-number")
    page.goto(url + f"/my/{number}")
    shoot(page, out, "desk-comparison.png", "#registry-summary")
    page.click("#approve")
    page.goto(url + "/desk")
    page.locator(f'#queue tr[data-number="{number}"] input[name="numbers"]').check()
    page.fill("#notice-title", "2020年一次性社保补贴拟享受单位公示")
    page.click("#publish")
    page.wait_for_load_state()
    sign_out(page)

    # the public notice, then the window passes and finance disburses
    page.goto(url + "/notice")
    shoot(page, out, "notice.png")
    expire_notices(database)
    sign_in(page, url, "haidian_jingban")
    page.goto(url + "/desk")  # reading the desk closes the notices whose window has run
    sign_out(page)
    sign_in(page, url, "caiwu")
    page.goto(url + "/desk")
    page.click("#disburse")
    page.wait_for_selector("#payout-items")
    shoot(page, out, "disbursement.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder of the PNG files")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, demo_server(Path(tmp)) as (url, database), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport=VIEWPORT)
        page = context.new_page()
        page.set_default_timeout(30_000)
        take(url, database, page, args.out)
        browser.close()


if __name__ == "__main__":
    main()
