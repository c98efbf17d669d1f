"""Two finance officers (or one, twice) disbursing the same applications at the same
moment: exactly one batch gets them, the other is refused with 409 — never a 500, never
an application in two batches. Threads against a real server, on SQLite (and on
PostgreSQL when RENSHE_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.desk.conftest import DATABASES, example
from tests.desk.server import clear, real_server, submit, token

ROUNDS = 3


@pytest.fixture(scope="module", params=DATABASES)
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with real_server(request.param, tmp_path_factory.mktemp("double")) as pair:
        yield pair


def race(url: str, who: dict[str, str], body: dict[str, Any]) -> list[httpx.Response]:
    """Two identical disbursement requests released together."""
    gate = threading.Barrier(2)
    answers: list[httpx.Response] = []
    lock = threading.Lock()

    def one() -> None:
        with httpx.Client(timeout=120) as c:
            gate.wait()
            r = c.post(url + "/api/v1/disbursements", json=body, headers=who)
        with lock:
            answers.append(r)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def items_of(database: str, number: str) -> int:
    engine = create_engine(database)
    with engine.connect() as conn:
        n = conn.execute(
            text(
                "SELECT COUNT(*) FROM disbursement_items i JOIN applications a ON a.id = i.application_id "
                "WHERE a.number = :n"
            ),
            {"n": number},
        ).scalar_one()
    engine.dispose()
    return int(n)


@pytest.mark.parametrize("named", [True, False], ids=["named", "all_of_the_area"])
def test_one_wins_the_other_gets_409(served: tuple[str, str], named: bool) -> None:
    url, database = served
    ent, cw, fin = token(url, "qiye"), token(url, "jingban"), token(url, "caiwu")
    for round_no in range(ROUNDS):
        policy = "cn.si_feb_refund_2020" if round_no % 2 == 0 else "beijing.one_time_si_subsidy_2020"
        key = f"race-{named}-{round_no}"
        number = submit(url, ent, policy, example("01_beijing_medium_software"), "6222020200012345678", key)
        clear(url, database, [number], cw)
        answers = race(url, fin, {"applications": [number]} if named else {})
        codes = sorted(r.status_code for r in answers)
        assert codes == [201, 409], [(r.status_code, r.text) for r in answers]
        loser = next(r for r in answers if r.status_code == 409)
        assert "拨付" in loser.json()["detail"]  # a Chinese reason, not a stack trace
        assert items_of(database, number) == 1
        status = httpx.get(f"{url}/api/v1/applications/{number}", headers=cw, timeout=60).json()["status"]
        assert status == "disbursing"
        # settle it so the next round's "all of the area" finds only its own application
        winner = next(r for r in answers if r.status_code == 201).json()
        assert winner["count"] == 1
        assert httpx.post(f"{url}/api/v1/disbursements/{winner['id']}/paid", headers=fin, timeout=60).status_code == 200
        # claw it back so that the same money may be applied for again in the next round
        r = httpx.post(
            f"{url}/api/v1/applications/{number}/clawback",
            json={"amount": 1, "reason": "测试轮次结束"},
            headers=cw,
            timeout=60,
        )
        assert r.status_code == 201, r.text
