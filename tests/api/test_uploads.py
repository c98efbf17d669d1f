"""Uploads that can't hurt (issue 14, item 4), against a real server (``renshe serve``
in a subprocess on a temporary SQLite database) where the point is what happens on
the wire — the sender and the size are checked before the body is read, and a big
workbook is parsed off the event loop — and at the TestClient level for the capped
answers and their downloads."""

from __future__ import annotations

import io
import select
import socket
import statistics
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from renshe.http import uploads
from renshe.services import dispatch
from renshe.services.demo import DEMO_PASSWORD
from tests.conftest import demo_server
from tests.desk.conftest import client, database, login  # noqa: F401  (fixtures)

HEADER = "劳动者姓名,劳动者身份证号,劳动者手机号,用人单位名称,用人单位统一社会信用代码"
GOOD = "张三,110105198001011238,13912345678,北京示例科技有限公司,91110108MA01C7LM3W"
BOUNDARY = "renshe-test-boundary"
#: /healthz must answer within this while the big workbook is checked (the issue's ceiling).
HEALTHZ_CEILING_S = 0.200


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("uploads-server")
    with demo_server(folder) as url:
        yield url


def token(url: str, username: str) -> str:
    r = httpx.post(url + "/api/v1/login", json={"username": username, "password": DEMO_PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def multipart_head(filename: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()


def connect(url: str, path: str, headers: dict[str, str]) -> socket.socket:
    """A raw connection with the request line and headers sent; the body is the caller's."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    return sock


def status_of(sock: socket.socket, wait: float = 30) -> int:
    sock.settimeout(wait)
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    assert data.startswith(b"HTTP/1.1 "), data[:200]
    return int(data.split()[1])


def answered(sock: socket.socket) -> bool:
    return bool(select.select([sock], [], [], 0)[0])


# ----------------------------------------------------------------- sender and size first


def test_declared_oversize_is_413_without_reading_the_body(server: str) -> None:
    auth = {"Authorization": f"Bearer {token(server, 'jigou')}"}
    sock = connect(server, "/api/v1/dispatch/check", {**auth, "Content-Length": str(uploads.REPORT_FILE_LIMIT + 1)})
    with sock:
        sock.sendall(multipart_head("big.csv"))  # a few bytes of the 20 MB announced, then nothing
        assert status_of(sock, wait=10) == 413


def test_streamed_oversize_is_cut_off_at_the_limit(server: str) -> None:
    """No Content-Length (chunked): the body is counted while it streams and the answer
    comes once the limit is passed, while the client still has most of its body to send."""
    auth = {"Authorization": f"Bearer {token(server, 'jigou')}"}
    chunk = (GOOD + "\n").encode() * 1000  # ~90 kB
    planned = 3 * uploads.REPORT_FILE_LIMIT
    sent, status = 0, None
    with connect(server, "/api/v1/dispatch/check", {**auth, "Transfer-Encoding": "chunked"}) as sock:

        def send(data: bytes) -> None:
            sock.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n")

        send(multipart_head("big.csv") + (HEADER + "\n").encode())
        try:
            while sent < planned:
                if answered(sock):
                    status = status_of(sock)
                    break
                send(chunk)
                sent += len(chunk)
        except OSError:  # the server stopped reading and closed: its answer is waiting
            pass
        if status is None:
            status = status_of(sock)
    assert status == 413
    assert sent < 2 * uploads.REPORT_FILE_LIMIT, f"the server read {sent} bytes before answering"


def test_sender_is_checked_before_the_body(server: str) -> None:
    """An anonymous (or wrong-role) upload of a huge file is refused for who it is, not
    for its size, and without the body: nothing of it is sent."""
    huge = {"Content-Length": str(10 * uploads.REPORT_FILE_LIMIT)}
    with connect(server, "/api/v1/dispatch/check", huge) as sock:
        assert status_of(sock, wait=10) == 401
    with connect(
        server, "/api/v1/dispatch/reports", {**huge, "Authorization": f"Bearer {token(server, 'qiye')}"}
    ) as sock:
        assert status_of(sock, wait=10) == 403  # an enterprise is not a dispatch agency
    with connect(server, "/api/v1/dispatch/check", {**huge, "Authorization": "Bearer not-a-token"}) as sock:
        assert status_of(sock, wait=10) == 401
    with connect(server, "/dispatch", huge) as sock:  # the page: to the sign-in page first
        assert status_of(sock, wait=10) == 303


# ----------------------------------------------------------------- off the event loop


def big_workbook(rows: int) -> bytes:
    """A small xlsx that expands to ``rows`` rows (the header right, one short cell a row)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER.split(","))
    for r in range(1, rows + 1):
        ws.write_string(r, 0, "张三")
    wb.close()
    return buf.getvalue()


def test_healthz_answers_while_a_big_workbook_is_checked(server: str) -> None:
    data = big_workbook(450_000)
    assert len(data) < uploads.REPORT_FILE_LIMIT  # small enough to pass the size limit
    auth = {"Authorization": f"Bearer {token(server, 'jigou')}"}
    result: dict[str, httpx.Response] = {}

    def check() -> None:
        result["r"] = httpx.post(
            server + "/api/v1/dispatch/check", headers=auth, files={"file": ("big.xlsx", data)}, timeout=120
        )

    worker = threading.Thread(target=check)
    started = time.monotonic()
    worker.start()
    time.sleep(0.5)  # the upload is sent (it is small) and being parsed
    latencies: list[float] = []
    with httpx.Client(base_url=server, timeout=30) as probe:
        while worker.is_alive():
            t = time.monotonic()
            assert probe.get("/healthz").status_code == 200
            if worker.is_alive():
                latencies.append(time.monotonic() - t)
            time.sleep(0.1)
    worker.join()
    took = time.monotonic() - started
    r = result["r"]
    # reading stopped at the row limit, long before the 450 000th row
    assert r.status_code == 422 and "行数过多" in r.json()["detail"], r.text
    seen = f"{len(latencies)} probes in {took:.1f} s, max {max(latencies, default=0) * 1000:.0f} ms"
    print(f"/healthz during the check: median {statistics.median(latencies or [0]) * 1000:.0f} ms, {seen}")
    assert latencies and statistics.median(latencies) < HEALTHZ_CEILING_S, f"/healthz waited: {seen}"
    assert len(latencies) >= 5, f"the check was too short to probe: {seen}"


def test_a_wrong_header_stops_reading() -> None:
    def rows() -> Iterator[list[str]]:
        yield ["姓名", "身份证"]
        raise AssertionError("read past a wrong header")

    with pytest.raises(dispatch.ReportFileError, match="缺少列"):
        dispatch.check_rows(rows())


def test_row_limit_stops_a_csv_too() -> None:
    data = ("\n".join([HEADER] + ["张三"] * (dispatch.MAX_ROWS + 10)) + "\n").encode()
    with pytest.raises(dispatch.ReportFileError, match=f"最多 {dispatch.MAX_ROWS} 行"):
        dispatch.check_file(data, "big.csv")


# ----------------------------------------------------------------- capped answers


def bad_rows(n: int) -> bytes:
    """``n`` rows, each with one problem (a phone number that is not a mobile number)."""
    rows = [f"张三,110105198001011238,1000000{i:04d},北京示例科技有限公司,91110108MA01C7LM3W" for i in range(n)]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_check_answer_is_capped_and_the_full_list_is_a_download(client: TestClient) -> None:
    who = login(client, "jigou")
    n = uploads.REJECTED_SHOWN + 150
    r = client.post("/api/v1/dispatch/check", headers=who, files={"file": ("报送.csv", bad_rows(n))})
    assert r.status_code == 200
    body = r.json()
    assert body["rejected_total"] == n and body["rejected_rows"] == n and body["rejected_truncated"] is True
    assert len(body["rejected"]) == uploads.REJECTED_SHOWN and body["rejected"][0]["row"] == 1
    full = client.post(
        "/api/v1/dispatch/check", params={"format": "xlsx"}, headers=who, files={"file": ("报送.csv", bad_rows(n))}
    )
    assert full.status_code == 200
    assert "filename*=UTF-8''%E6%8A%A5%E9%80%81" in full.headers["content-disposition"]  # 报送
    sheet = list(load_workbook(io.BytesIO(full.content)).active.iter_rows(values_only=True))
    assert sheet[0] == ("行", "列", "问题") and len(sheet) == n + 1 and sheet[-1][0] == n
    csv_file = client.post(
        "/api/v1/dispatch/check", params={"format": "csv"}, headers=who, files={"file": ("r.csv", bad_rows(n))}
    )
    assert csv_file.status_code == 200 and csv_file.content.decode("utf-8-sig").count("\n") == n + 1


def test_stored_report_answer_is_capped_with_a_download(client: TestClient) -> None:
    who = login(client, "jigou")
    n = uploads.REJECTED_SHOWN + 20
    r = client.post(
        "/api/v1/dispatch/reports", headers=who, files={"file": ("r.csv", bad_rows(n) + (GOOD + "\n").encode())}
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["accepted"] == 1 and body["rejected_total"] == n and len(body["rejected"]) == uploads.REJECTED_SHOWN
    full = client.get(body["rejected_file"], headers=who)
    assert full.status_code == 200
    assert len(list(load_workbook(io.BytesIO(full.content)).active.iter_rows())) == n + 1
    # another agency may not download it
    assert client.get(body["rejected_file"], headers=login(client, "jigou_hd")).status_code == 403


def test_general_write_limit(client: TestClient) -> None:
    r = client.post(
        "/api/v1/login", content=b"x" * (uploads.BODY_LIMIT + 1), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 413 and "上限" in r.json()["detail"]


def test_dispatch_page_caps_the_list_and_links_the_download(client: TestClient) -> None:
    who = login(client, "jigou2")
    n = uploads.REJECTED_SHOWN + 5
    r = client.post("/dispatch", headers=who, files={"file": ("r.csv", bad_rows(n))})
    assert r.status_code == 201, r.text[:500]
    assert r.text.count("<tr><td>第 ") == uploads.REJECTED_SHOWN
    assert f"共 {n} 处问题，上表只列出前 {uploads.REJECTED_SHOWN} 处" in r.text
    link = r.text.split('id="rejected-download" href="')[1].split('"')[0]
    assert client.get(link, headers=who).status_code == 200
