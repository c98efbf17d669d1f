"""Uploaded tables read one way (上传表格的读取): the other half of ``services/exports.py``.

Every upload a caseworker, an agency or an enterprise sends as a workbook or a CSV file (the
real-name dispatch report, the daily reports, the occupation catalogue, the training catalogue
and park needs, the programme ledgers' bulk imports, transport lists, contribution statements)
is read here:

- xlsx (by name or by its ZIP signature) or UTF-8 CSV (a GBK file is refused with how to
  re-save it; an old .xls is refused);
- bounded: at most :data:`MAX_ROWS` rows (header included) and :data:`MAX_COLUMNS` cells a
  row, within :data:`PARSE_SECONDS`, so a small compressed workbook that expands to millions of
  rows costs no more than that;
- formulas are data: a workbook is opened ``data_only`` (a formula cell gives the value Excel
  shows, never something evaluated here) and a text starting with "=" is just text;
- :func:`records`: the rows under a header of Chinese labels as dicts keyed by field, each
  with its row number, a missing column named in Chinese before any further row is read.

A file that cannot be used as a whole raises :class:`FileError` (a 400 with the Chinese reason).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from renshe.services.errors import ServiceError

#: Rows read from one file, header and empty rows included. A large agency's real-name
#: roll is tens of thousands of workers; a bigger file is split. Reading stops here, so a
#: small compressed xlsx that expands to millions of rows costs no more than this.
MAX_ROWS = 100_000
#: Cells read from a row. Without this a workbook with one cell in column XFD expands every
#: row to 16 384 cells.
MAX_COLUMNS = 64
#: Seconds one file may take to read and check; the worker thread stops after this.
PARSE_SECONDS = 30
#: Rows between two looks at the clock.
_CLOCK_EVERY = 1000


class FileError(ServiceError):
    """The file as a whole cannot be read (wrong encoding, not CSV/xlsx, a column missing)."""


def cell_text(value: Any) -> str:
    """A cell as the text a person sees in it (a whole number without ".0", a date in ISO form)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def _limited(
    rows: Iterator[list[Any]], max_rows: int = MAX_ROWS, seconds: float = PARSE_SECONDS
) -> Iterator[list[Any]]:
    """The rows, stopping with :class:`FileError` past ``max_rows`` or ``seconds``."""
    deadline = time.monotonic() + seconds
    for number, row in enumerate(rows, start=1):
        if number > max_rows:
            raise FileError(f"文件行数过多：每个文件最多 {max_rows} 行（含表头），请拆分为多个文件分别上传")
        if number % _CLOCK_EVERY == 0 and time.monotonic() > deadline:
            raise FileError(f"文件处理超时：{seconds} 秒内未能读完（已读 {number} 行），请拆分为较小的文件后上传")
        yield row


def _read_csv(data: bytes) -> Iterator[list[Any]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("gbk")
        except UnicodeDecodeError:
            raise FileError("文件无法读取：既不是 UTF-8 编码的 CSV，也不是 xlsx 表格") from None
        raise FileError(
            "文件是 GBK（简体中文 Windows）编码的 CSV，本系统只接受 UTF-8 编码：请在 Excel 中“另存为”"
            "“CSV UTF-8（逗号分隔）”，或直接上传 xlsx 文件"
        ) from None
    if "\x00" in text:
        raise FileError("文件无法读取：含有二进制内容，不是 CSV 文本（请上传 CSV 或 xlsx）")
    try:
        for r in csv.reader(io.StringIO(text, newline="")):
            yield list(r[:MAX_COLUMNS])
    except csv.Error as exc:
        raise FileError(f"CSV 格式有误，无法读取：{exc}") from None


def _read_xlsx(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise FileError("xlsx 文件已损坏或不是有效的 Excel 工作簿，无法读取") from None
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield list(row)
    finally:
        wb.close()


def iter_cells(data: bytes, filename: str = "") -> Iterator[list[Any]]:
    """Rows of the file (header first) as the cells hold them (xlsx: numbers, dates, None; CSV:
    text), read lazily and within :data:`MAX_ROWS` and :data:`PARSE_SECONDS`."""
    if not data:
        raise FileError("文件为空，没有表头和数据")
    if filename.lower().endswith(".xls") and not data.startswith(b"PK"):
        raise FileError("不支持旧版 Excel（.xls）文件，请另存为 xlsx 或 UTF-8 编码的 CSV")
    if data.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        return _limited(_read_xlsx(data))
    return _limited(_read_csv(data))


def iter_table(data: bytes, filename: str = "") -> Iterator[list[str]]:
    """Rows of the file (header first) as strings (:func:`cell_text`), read lazily and bounded."""
    return ([cell_text(v) for v in row] for row in iter_cells(data, filename))


def read_table(data: bytes, filename: str = "") -> list[list[str]]:
    """Rows of the file (header first) as strings; xlsx by name or by its ZIP signature."""
    return list(iter_table(data, filename))


# --------------------------------------------------------------------------- rows under a header


@dataclass(frozen=True)
class Record:
    """One row under the header: its number, its cells by field, and the whole row."""

    number: int
    values: dict[str, Any]
    cells: list[Any]

    def text(self, key: str) -> str:
        """The field's cell as stripped text ("" for an empty cell)."""
        v = self.values.get(key)
        return "" if v is None else str(v).strip()

    def texts(self) -> dict[str, str]:
        return {k: self.text(k) for k in self.values}

    @property
    def blank(self) -> bool:
        """No field has anything in it."""
        return not any(self.texts().values())


def missing_column(missing: list[str], labels: list[str], header: list[str]) -> str:
    """The usual Chinese reason for a header without a column (the first one missing)."""
    return f"缺少“{missing[0]}”列（表头应为 {'、'.join(labels)}）"


def header_label(value: Any) -> str:
    return "" if value is None else str(value).replace("\ufeff", "").strip()


def records(
    rows: Iterable[list[Any]],
    labels: Mapping[str, str],
    *,
    first: int = 2,
    missing: Callable[[list[str], list[str], list[str]], str] = missing_column,
) -> Iterator[Record]:
    """The rows under the header as :class:`Record` s keyed by field (``labels``: field → the
    Chinese column title), numbered from ``first`` (2: the spreadsheet's own row number under a
    one-row header). The header is checked before any further row is read: a missing column
    raises :class:`FileError` with ``missing(missing labels, all labels, header)``; the first
    column of a title counts where it stands twice. Blank rows are given too (see ``blank``)."""
    it = iter(rows)
    head = next(it, None)
    if head is None:
        raise FileError("文件为空，没有表头和数据")
    header = [header_label(h) for h in head]
    wanted = list(labels.values())
    absent = [label for label in wanted if label not in header]
    if absent:
        raise FileError(missing(absent, wanted, header))
    where = {key: header.index(label) for key, label in labels.items()}
    for number, row in enumerate(it, start=first):
        yield Record(number, {k: row[i] if i < len(row) else None for k, i in where.items()}, row)


def read_records(data: bytes, filename: str, labels: Mapping[str, str], *, text: bool = False) -> list[Record]:
    """The file's non-blank rows under a header of ``labels`` (row numbers as the spreadsheet
    shows them); ``text``: every cell as :func:`cell_text`."""
    rows: Iterable[list[Any]] = iter_table(data, filename) if text else iter_cells(data, filename)
    return [r for r in records(rows, labels) if not r.blank]


def field_records(data: bytes, filename: str, labels: Mapping[str, str]) -> list[Record]:
    """:func:`read_records` for a form's import: a file that cannot be used is a problem on
    the form's "file" field (:class:`~renshe.services.programmes_common.FieldError`)."""
    from renshe.services.programmes_common import FieldError

    try:
        return read_records(data, filename, labels)
    except FileError as exc:
        raise FieldError("file", exc.message) from None
