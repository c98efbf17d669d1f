"""Applying with attachments (申请材料, issue 17 item 4): the form shows the policy's title
and amount and the 容缺 deadline; pdf, jpg, png and xlsx are accepted by their content
(magic bytes), whatever their names; a wrong type, an empty or too large file is refused
with a Chinese message naming it, nothing saved and what was typed kept; the files are
stored by their SHA-256; an application for another unit is refused before the form."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from renshe.services import applying, attachments
from renshe.store.db import session
from renshe.store.models import Application, Attachment
from tests.desk.conftest import example

POLICY = "cn.si_feb_refund_2020"
CASE = "01_beijing_medium_software"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9"


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["费款所属期", "险种", "单位应缴"])
    book.active.append(["202002", "失业保险", 1600])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("attachments")
    previous = os.environ.get(attachments.STORE_VARIABLE)
    os.environ[attachments.STORE_VARIABLE] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(attachments.STORE_VARIABLE, None)
    else:
        os.environ[attachments.STORE_VARIABLE] = previous


def form(key: str, **extra: Any) -> dict[str, Any]:
    return {
        "policy": POLICY,
        "case_json": json.dumps(example(CASE), ensure_ascii=False),
        "idempotency_key": key,
        "bank_account": "6222020200055556666",
        "missing_items": "",
        **extra,
    }


def counts() -> tuple[int, int]:
    with session() as s:
        return (
            s.execute(select(func.count()).select_from(Application)).scalar_one(),
            s.execute(select(func.count()).select_from(Attachment)).scalar_one(),
        )


@pytest.mark.parametrize(("data", "kind"), [(PDF, "pdf"), (PNG, "png"), (JPG, "jpg")])
def test_type_is_found_from_the_content(data: bytes, kind: str) -> None:
    assert attachments.kind_of(data) == kind
    assert attachments.check("扫描件.bin", data).kind == kind


def test_xlsx_is_a_workbook_not_any_zip() -> None:
    assert attachments.kind_of(xlsx()) == "xlsx"
    assert attachments.kind_of(plain_zip()) is None


def test_the_form_shows_title_amount_and_the_gap_deadline(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    r = client.post(
        "/apply/form", data={"policy": POLICY, "case_json": json.dumps(example(CASE))}, headers=tokens["qiye"]
    )
    assert r.status_code == 200
    assert 'id="apply-title"' in r.text and "2月" in r.text
    assert "34,000.00 元（现金拨付）" in r.text
    terms = applying.gap_terms()
    assert f"{terms['days']} 个工作日内补齐" in r.text and terms["due_text"] in r.text
    assert terms["citation"]["quote"] in r.text
    assert 'enctype="multipart/form-data"' in r.text and 'name="attachments"' in r.text


def test_another_unit_is_refused_before_the_form(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    other = example("04_xinmi_small_retailer")
    r = client.post(
        "/apply/form",
        data={"policy": "xinmi.stable_job_refund_2020", "case_json": json.dumps(other)},
        headers=tokens["qiye"],
    )
    assert r.status_code == 403
    assert "只能为本单位申请" in r.text and 'id="apply-form"' not in r.text


def test_good_files_are_stored_with_their_sha256(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    book = xlsx()
    files = [
        ("attachments", ("营业执照.pdf", PDF, "application/pdf")),
        ("attachments", ("照片.pdf", PNG, "application/pdf")),  # a PNG named .pdf: a PNG
        ("attachments", ("现场.jpg", JPG, "image/jpeg")),
        ("attachments", ("缴费明细.xlsx", book, "application/octet-stream")),
    ]
    r = client.post(
        "/apply",
        data=form("att-good", missing_items="2019年12月失业保险缴费明细\n劳动合同"),
        files=files,
        headers=tokens["qiye"],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    number = r.headers["location"].rsplit("/", 1)[1]
    with session() as s:
        app = s.execute(select(Application).where(Application.number == number)).scalar_one()
        rows = (
            s.execute(select(Attachment).where(Attachment.application_id == app.id).order_by(Attachment.id))
            .scalars()
            .all()
        )
        assert app.missing_items == ["2019年12月失业保险缴费明细", "劳动合同"]
        assert app.missing_due == applying.gap_terms(app.submitted_on)["due"]
        assert [(a.filename, a.kind, a.size) for a in rows] == [
            ("营业执照.pdf", "pdf", len(PDF)),
            ("照片.pdf", "png", len(PNG)),
            ("现场.jpg", "jpg", len(JPG)),
            ("缴费明细.xlsx", "xlsx", len(book)),
        ]
        for a, data in zip(rows, (PDF, PNG, JPG, book), strict=True):
            assert a.sha256 == hashlib.sha256(data).hexdigest()
            assert attachments.path_of(a.sha256).read_bytes() == data
        first = rows[0].id
    page = client.get(f"/my/{number}", headers=tokens["qiye"])
    assert hashlib.sha256(PDF).hexdigest() in page.text and "营业执照.pdf" in page.text
    download = client.get(f"/my/{number}/attachments/{first}", headers=tokens["qiye"])
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert client.get(f"/my/{number}/attachments/{first}", headers=tokens["xinmi_qiye"]).status_code == 403


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("申请表.pdf", b"just some text, not a PDF", "附件“申请表.pdf”的内容不是可上传的材料类型"),
        ("名单.xlsx", plain_zip(), "附件“名单.xlsx”的内容不是可上传的材料类型"),
        ("setup.png", b"MZ\x90\x00" + bytes(64), "附件“setup.png”的内容不是可上传的材料类型"),
        ("空白.pdf", b"", "附件“空白.pdf”是空文件"),
        ("大图.png", b"\x89PNG\r\n\x1a\n" + bytes(5 * 1024 * 1024), "附件“大图.png”超过大小上限 5.0 MB"),
    ],
)
def test_bad_files_are_refused_nothing_saved_and_the_form_kept(
    client: TestClient, tokens: dict[str, dict[str, str]], name: str, data: bytes, message: str
) -> None:
    before = counts()
    key = "att-bad-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    r = client.post(
        "/apply",
        data=form(key, missing_items="劳动合同"),
        files=[
            ("attachments", ("营业执照.pdf", PDF, "application/pdf")),
            ("attachments", (name, data, "application/octet-stream")),
        ],
        headers=tokens["qiye"],
        follow_redirects=False,
    )
    assert r.status_code == 400, r.text
    assert message in r.text and 'id="apply-error"' in r.text
    assert 'value="6222020200055556666"' in r.text and 'value="劳动合同"' in r.text
    assert f'value="{key}"' in r.text and "附件需重新选择" in r.text
    assert counts() == before


def test_too_many_files_are_refused(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    most = int(attachments.param("max_files"))
    before = counts()
    files = [("attachments", (f"第{i}页.pdf", PDF, "application/pdf")) for i in range(most + 1)]
    r = client.post("/apply", data=form("att-many"), files=files, headers=tokens["qiye"], follow_redirects=False)
    assert r.status_code == 400 and f"一次最多上传 {most} 个，本次 {most + 1} 个" in r.text
    assert counts() == before


def test_same_content_is_stored_once(store: Path) -> None:
    sha = hashlib.sha256(PDF).hexdigest()
    assert [p.name for p in store.rglob("*") if p.is_file() and p.name == sha] == [sha]
