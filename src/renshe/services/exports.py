"""Spreadsheet exports that are data, not code (导出文件防公式注入).

A company name ``=HYPERLINK("http://…","点击")`` typed into a form must reach the bank's
workbook as the text it is, not as a live formula. Every desk export (the disbursement
workbook and CSV, dispatch, transport, 311, targets, monitoring) writes its cells through
this module:

- xlsx by xlsxwriter: :func:`xlsxwriter_workbook` (every string a string, never a formula
  or a link);
- xlsx by openpyxl: :func:`append_row` (a string openpyxl would store as a formula is stored
  as a string);
- CSV: :func:`csv_bytes` (a text cell starting with one of :data:`FORMULA_START` gets a
  leading apostrophe, as OWASP advises, so a spreadsheet shows it as text).

The batch's payment lists do the same in ``renshe.batch.outputs`` (``FORMULA_START``, columnar).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import IO, Any

#: the first characters that make a spreadsheet read a cell as a formula (= + - @) or that
#: OWASP lists beside them (tab, carriage return)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: xlsxwriter: strings stay strings (no formula from "=…", no hyperlink from "http://…")
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """A CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so that Excel reads the Chinese), every cell escaped."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([csv_cell(c) for c in header])
    writer.writerows([csv_cell(c) for c in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsxwriter_workbook(target: IO[bytes] | str) -> Any:
    """An xlsxwriter workbook (in memory for a BytesIO) whose strings are always data."""
    import xlsxwriter

    return xlsxwriter.Workbook(target, {"in_memory": True, **WORKBOOK_OPTIONS})


def append_row(ws: Any, row: Sequence[Any]) -> None:
    """``ws.append(row)`` for an openpyxl worksheet, with every formula-like string kept a string
    (openpyxl stores a string starting with "=" as a formula unless told otherwise)."""
    ws.append(list(row))
    for cell in ws[ws.max_row]:
        if cell.data_type == "f" or is_formula_like(cell.value):
            cell.data_type = "s"
