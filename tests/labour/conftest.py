"""Labour-market fixtures: the service-desk database/client fixtures (SQLite, and PostgreSQL
when RENSHE_TEST_DATABASE_URL is set) plus sign-in of the labour demo users."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.desk.conftest import client, database, login  # noqa: F401  (fixtures)

HEADER = "劳动者姓名,劳动者身份证号,劳动者手机号,用人单位名称,用人单位统一社会信用代码"
GOOD = [
    "张三,110105198001011238,13912345678,北京示例科技有限公司,91110108MA01C7LM3W",
    "王五,110105199003071239,13700001111,北京示例科技有限公司,91110108MA01C7LM3W",
    "赵六,110108199505057890,13600002222,新密示例商贸有限公司,91410183MA45CCCC35",
]


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\n".join([header, *rows]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@pytest.fixture(scope="module")
def who(client: TestClient) -> dict[str, dict[str, str]]:
    names = (
        "jigou",
        "jigou2",
        "jigou3",
        "jigou_hd",
        "chaoyang_jingban",
        "jingban",
        "xinmi_jingban",
        "shenji",
        "admin",
        "qiye",
        "xinmi_qiye",
        "geren",
        "yongzhou_jingban",
    )
    return {u: login(client, u) for u in names}
