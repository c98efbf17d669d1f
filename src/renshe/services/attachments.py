"""Attachments of an application (申请材料).

A file is accepted by what it is, not by its name: its first bytes (magic numbers) say
PDF, JPEG, PNG, or an xlsx workbook (a ZIP holding ``xl/workbook.xml``); other content,
an empty file or one above the size limit is refused with a Chinese message naming the
file. The types, the size limit and the number of files are parameters
(attachments_parameters.yaml). A file is stored once under its SHA-256 in the app's data
dir (``attachments/ab/abcdef…``, written to a temporary name and renamed) and each
application's row keeps the name, type, size and SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.engine.settings import load_settings, setting
from renshe.services import audit
from renshe.services.errors import NotFound, ServiceError
from renshe.services.prefill import data_dir
from renshe.store.models import Application, Attachment, User

FILE = Path(__file__).with_name("attachments_parameters.yaml")
KIND_NAMES = {"pdf": "PDF", "jpg": "JPG 图片", "png": "PNG 图片", "xlsx": "Excel 表格（xlsx）"}
MAGIC = {"pdf": (b"%PDF-",), "jpg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}
ZIP_MAGIC = b"PK\x03\x04"
STORE_VARIABLE = "RENSHE_ATTACHMENTS_DIR"


def param(name: str, on: dt.date | None = None) -> Any:
    return setting(load_settings(FILE), f"attachments.{name}", on)


def max_bytes(on: dt.date | None = None) -> int:
    return int(param("max_bytes", on))


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def kind_of(data: bytes) -> str | None:
    """pdf | jpg | png | xlsx from the content, or None."""
    for kind, heads in MAGIC.items():
        if any(data.startswith(h) for h in heads):
            return kind
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
            return "xlsx"
    return None


@dataclass(frozen=True)
class Checked:
    filename: str
    kind: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check(filename: str, data: bytes, on: dt.date | None = None) -> Checked:
    """The file if it may be attached; otherwise ServiceError naming it and the problem."""
    name = (filename or "").strip() or "（未命名文件）"
    limit = max_bytes(on)
    if not data:
        raise ServiceError(f"附件“{name}”是空文件")
    if len(data) > limit:
        raise ServiceError(f"附件“{name}”超过大小上限 {size_text(limit)}（该文件 {size_text(len(data))}）")
    allowed = [str(k) for k in param("types", on)]
    kind = kind_of(data)
    if kind is None or kind not in allowed:
        names = "、".join(KIND_NAMES.get(k, k) for k in allowed)
        raise ServiceError(f"附件“{name}”的内容不是可上传的材料类型（{names}）；类型按文件内容判断，与扩展名无关")
    return Checked(name[:255], kind, data)


def check_all(files: list[tuple[str, bytes]], on: dt.date | None = None) -> list[Checked]:
    """Every file checked (the first problem refuses them all: nothing is saved)."""
    files = [(n, d) for n, d in files if n or d]  # an empty file input sends no name and no bytes
    most = int(param("max_files", on))
    if len(files) > most:
        raise ServiceError(f"附件过多：一次最多上传 {most} 个，本次 {len(files)} 个")
    return [check(n, d, on) for n, d in files]


def store_dir() -> Path:
    """``RENSHE_ATTACHMENTS_DIR``, else ``attachments/`` in the app's data dir."""
    configured = os.environ.get(STORE_VARIABLE)
    return Path(configured) if configured else data_dir() / "attachments"


def path_of(sha256: str) -> Path:
    return store_dir() / sha256[:2] / sha256


def _write(c: Checked) -> None:
    target = path_of(c.sha256)
    if target.exists() and target.stat().st_size == len(c.data):
        return  # the same content is stored once
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(c.data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store(c: Checked) -> None:
    """Store one checked file under its SHA-256 (for other services' materials, e.g. 办事事项)."""
    _write(c)


def save(s: Session, user: User, app: Application, files: list[Checked]) -> list[Attachment]:
    """Store the checked files and record them on the application (in the caller's transaction)."""
    rows = []
    for c in files:
        _write(c)
        row = Attachment(
            application_id=app.id,
            filename=c.filename,
            kind=c.kind,
            size=len(c.data),
            sha256=c.sha256,
            uploaded_by=user.id,
        )
        s.add(row)
        rows.append(row)
    if rows:
        s.flush()
        audit.record(
            s,
            user,
            "application.attach",
            "application",
            app.number,
            {"files": [{"name": r.filename, "kind": r.kind, "size": r.size, "sha256": r.sha256} for r in rows]},
        )
    return rows


def of(s: Session, app: Application) -> list[dict[str, Any]]:
    rows = s.execute(select(Attachment).where(Attachment.application_id == app.id).order_by(Attachment.id)).scalars()
    return [
        {
            "id": r.id,
            "filename": r.filename,
            "kind": r.kind,
            "kind_name": KIND_NAMES.get(r.kind, r.kind),
            "size": r.size,
            "size_text": size_text(r.size),
            "sha256": r.sha256,
        }
        for r in rows
    ]


def read(s: Session, app: Application, attachment_id: int) -> tuple[Attachment, bytes]:
    """An attachment's row and bytes (the caller has checked the user may see ``app``); the
    bytes are checked against the stored SHA-256."""
    row = s.get(Attachment, attachment_id)
    if row is None or row.application_id != app.id:
        raise NotFound("未找到该附件")
    data = path_of(row.sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise ServiceError("附件内容与登记的 SHA-256 不一致，可能已被改动")
    return row, data
