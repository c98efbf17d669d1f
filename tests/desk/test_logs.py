"""No personal data in logs: a real SQL error, a traceback, message arguments and extra
fields come out of the one logging configuration with ID numbers, phones and bank accounts
masked (and the SQL parameters not logged at all)."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import IntegrityError

from renshe.logs import PersonalDataFilter, configure_logging, mask, uvicorn_config
from renshe.store.db import session
from renshe.store.migrate import upgrade
from renshe.store.models import User

ID_NUMBER = "110105198001011238"
PHONE = "13812345678"
ACCOUNT = "6222021234567890123"
RAW = (ID_NUMBER, PHONE, ACCOUNT)


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = configure_logging("INFO", stream=out)
    yield out
    logging.getLogger().removeHandler(handler)


def _records(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def test_mask_reuses_the_service_masks() -> None:
    assert (
        mask(f"身份证{ID_NUMBER}，手机{PHONE}，账号{ACCOUNT}。")
        == "身份证110105********1238，手机138****5678，账号***************0123。"
    )
    assert mask("申请编号 SQ202003020001") == "申请编号 SQ202003020001"  # not a number on its own


def test_sql_error_is_logged_masked(database: str, log_lines: io.StringIO) -> None:
    """A unique-key clash whose key is an ID number: SQLite would log the parameters, PostgreSQL
    also names the key in ``DETAIL: Key (username)=(...)``."""
    upgrade(database)

    def add() -> None:
        with session() as s:
            s.add(
                User(
                    username=ID_NUMBER,
                    password_hash="-",
                    role="person",
                    display_name=f"账号 {ACCOUNT}",
                    id_number=ID_NUMBER,
                    phone=PHONE,
                )
            )

    add()
    with pytest.raises(IntegrityError) as caught:
        add()
    assert "SQL parameters hidden" in str(caught.value)  # the engines never put values in the error
    try:
        raise RuntimeError("提交失败") from caught.value
    except RuntimeError:
        logging.getLogger("renshe.desk").exception("写入用户失败")
    records = _records(log_lines)
    text = log_lines.getvalue()
    assert records and records[-1]["level"] == "ERROR" and "IntegrityError" in str(records[-1]["exc"])
    assert not [raw for raw in RAW if raw in text], text
    if "postgresql" in database:  # the database's own text names the key: masked, not dropped
        assert "DETAIL" in text and "110105********1238" in text


def test_traceback_args_and_extras_are_masked(log_lines: io.StringIO, caplog: pytest.LogCaptureFixture) -> None:
    def pay(account: str) -> None:
        raise ValueError(f"账号 {account} 不存在（申请人 {ID_NUMBER}，电话 {PHONE}）")

    log = logging.getLogger("renshe.test")
    try:
        pay(ACCOUNT)
    except ValueError:
        log.exception("拨付失败")
    log.info("核对 %s 的手机号 %s", ID_NUMBER, PHONE, extra={"account": ACCOUNT, "account_number": int(ACCOUNT)})
    text = log_lines.getvalue()
    assert not [raw for raw in RAW if raw in text], text
    failed, checked = _records(log_lines)[-2:]
    assert "Traceback" in str(failed["exc"]) and "***************0123" in str(failed["exc"])
    assert checked["message"] == "核对 110105********1238 的手机号 138****5678"
    assert checked["account"] == checked["account_number"] == "***************0123"
    # a handler renshe did not install (pytest's) gets the masked record too
    assert caplog.text and not [raw for raw in RAW if raw in caplog.text], caplog.text


def test_uvicorn_logs_go_through_the_filter() -> None:
    logging.config.dictConfig(uvicorn_config())
    try:
        for name in ("uvicorn", "uvicorn.access", ""):
            handlers = logging.getLogger(name).handlers
            assert handlers and all(any(isinstance(f, PersonalDataFilter) for f in h.filters) for h in handlers)
    finally:
        for name in ("uvicorn", "uvicorn.access", ""):
            for h in list(logging.getLogger(name).handlers):
                logging.getLogger(name).removeHandler(h)
