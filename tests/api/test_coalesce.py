"""Concurrent evaluate requests are evaluated together and each gets the answer
it would get alone; a bad case among them gets its own 422."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from renshe.api.evaluate import coalescer
from renshe.app import create_app
from renshe.engine.calculator import evaluate_json
from renshe.services.demo import DEMO_PASSWORD
from tests.conftest import EXAMPLES, RENSHE


def examples() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8"))["case"] for p in sorted(EXAMPLES.glob("*.json"))]


async def post_all(app: Any, bodies: list[Any]) -> list[httpx.Response]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://renshe.test") as client:
        return list(await asyncio.gather(*[client.post("/api/v1/evaluate", json=b) for b in bodies]))


def test_concurrent_requests_share_evaluations_and_keep_their_answers() -> None:
    app = create_app(migrate=False)
    cases = examples() * 3
    responses = asyncio.run(post_all(app, cases))
    assert [r.status_code for r in responses] == [200] * len(cases)
    for case, response in zip(cases, responses, strict=True):
        assert response.json() == json.loads(json.dumps(evaluate_json(case)))
    queue = coalescer(app)
    assert queue.batches < len(cases), "every request was evaluated alone"
    assert queue.largest > 1


def test_a_long_queue_is_one_polars_population_with_the_same_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``SINGLE_CASES`` queued requests the next evaluation is one Polars population
    (in the worker thread); the answers are those of the fast path, case by case."""
    import renshe.api.coalesce as coalesce_module
    import renshe.engine.calculator as calculator_module

    app = create_app(migrate=False)
    cases = examples() * 2
    alone = [json.loads(json.dumps(evaluate_json(case))) for case in cases]
    populations: list[int] = []
    original = calculator_module._population_bodies

    def counted(*args: Any, **kwargs: Any) -> Any:
        populations.append(len(args[0]))
        return original(*args, **kwargs)

    monkeypatch.setattr(coalesce_module, "SINGLE_CASES", 2)
    monkeypatch.setattr(calculator_module, "SINGLE_CASES", 2)
    monkeypatch.setattr(calculator_module, "_population_bodies", counted)
    responses = asyncio.run(post_all(app, cases))
    assert [r.json() for r in responses] == alone
    assert populations and max(populations) > 2


def test_bad_cases_among_good_ones_get_their_own_problems() -> None:
    app = create_app(migrate=False)
    good = examples()[0]
    unknown = {**good, "parameters": {"no.such_parameter": 1}}
    wrong_month = json.loads(json.dumps(good))
    wrong_month["enterprise"]["contributions"][0]["month"] = "2020-13"
    responses = asyncio.run(post_all(app, [good, unknown, good, wrong_month]))
    assert [r.status_code for r in responses] == [200, 422, 200, 422]
    assert responses[1].json()["problems"][0]["path"] == "parameters.no.such_parameter"
    assert responses[3].json()["problems"][0]["path"] == "enterprise.contributions[0].month"
    assert responses[0].json() == responses[2].json()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("workers", [2])
def test_serve_with_several_workers_and_demo_data(tmp_path: Path, workers: int) -> None:
    port = free_port()
    env = {**os.environ, "RENSHE_DATABASE_URL": f"sqlite:///{tmp_path / 'renshe.db'}"}
    server = subprocess.Popen(
        [str(RENSHE), "serve", "--demo", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.3)
        case = examples()[0]
        answers = [httpx.post(f"{url}/api/v1/evaluate", json=case, timeout=60) for _ in range(4)]
        assert all(a.status_code == 200 for a in answers)
        assert answers[0].json() == json.loads(json.dumps(evaluate_json(case)))
        assert httpx.get(f"{url}/api/v1/applications").status_code == 401  # the store is there, guarded
        # the workers serve in demo mode as the parent: the session cookie works on http://
        signed_in = httpx.post(
            f"{url}/login", data={"username": "qiye", "password": DEMO_PASSWORD, "next": "/my"}, headers={"origin": url}
        )
        cookie = signed_in.headers.get("set-cookie", "")
        assert signed_in.status_code == 303 and "renshe_token=" in cookie and "secure" not in cookie.lower(), cookie
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    printed = server.stdout.read().decode() if server.stdout else ""
    for login in ("qiye", "jingban", "shenji", "chaoyang_jingban", "jigou2"):  # every demo login is shown
        assert f"  {login} " in printed, printed[:2000]
