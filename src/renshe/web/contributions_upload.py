"""The unit's own social-insurance statement (社保缴费明细) uploaded to the calculator form:
an xlsx or CSV as the bureau's system exports it, one row per fee month (费款所属期) and
insurance (险种), with the bureau's usual Chinese headers. Its rows fill the form's month ×
insurance grid, so what the file said is shown, can be corrected, and is kept.

Reading is bounded like every upload (http/uploads.py: the body limit, a row limit, a time
limit, parsed off the event loop by the caller); problems name the row and the column."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from renshe.engine.case import INSURANCES, MAX_MONEY, MAX_PERSONS
from renshe.services.dispatch import ReportFileError
from renshe.services.workbooks import iter_table
from renshe.web import calculator_form as cf

#: a statement is one row per month and insurance: five years of five insurances is 300
#: rows; a longer file is not a unit's statement
MAX_ROWS = 2_000
#: the largest statement file accepted (the general body limit of http/uploads.py bounds the request)
FILE_LIMIT = 2 * 1024 * 1024

#: the columns understood, each with the headers it goes by (the first is the template's)
HEADERS: dict[str, tuple[str, ...]] = {
    "month": ("费款所属期", "所属期", "费款所属期间", "缴费所属期", "所属月份", "缴费月份"),
    "insurance": ("险种", "险种名称", "险种类型", "保险类型"),
    "employer_due": ("单位应缴", "单位应缴金额", "单位应缴费额", "单位应缴额", "单位应缴纳金额"),
    "employer_paid": ("单位实缴", "单位实缴金额", "单位实缴费额", "单位已缴", "单位已缴金额", "单位实缴纳金额"),
    "insured": ("参保人数", "缴费人数", "在职参保人数"),
}
REQUIRED = ("month", "insurance", "employer_due", "employer_paid")
#: 险种 as the bureau writes them: the words that name each insurance
INSURANCE_WORDS = {
    "pension": ("养老",),
    "unemployment": ("失业",),
    "work_injury": ("工伤",),
    "medical": ("医疗", "医保"),
    "maternity": ("生育",),
}


@dataclass
class Statement:
    """What the file filled in: grid values by form field name, and the months it covers."""

    values: dict[str, str] = field(default_factory=dict)
    months: list[str] = field(default_factory=list)


class StatementError(ValueError):
    """The file as a whole, or some of its rows, can't be read (Chinese; rows and columns named)."""


def _header_key(text: str) -> str | None:
    t = re.sub(r"[\s（）()元]", "", text)
    for key, names in HEADERS.items():
        if t in {re.sub(r"[\s（）()元]", "", n) for n in names}:
            return key
    return None


def _insurance(text: str) -> str | None:
    hits = [ins for ins, words in INSURANCE_WORDS.items() if any(w in text for w in words)]
    return hits[0] if len(hits) == 1 else None


def _amount(text: str) -> float | None:
    t = text.replace(",", "").replace("，", "").replace(" ", "").removesuffix("元")
    try:
        value = float(t)
    except ValueError:
        return None
    return value if value == value and 0 <= value <= MAX_MONEY else None


def read_statement(data: bytes, filename: str = "") -> Statement:
    """The grid values of a 社保缴费明细 file; :class:`StatementError` naming every bad row."""
    if len(data) > FILE_LIMIT:
        raise StatementError(f"社保缴费明细文件过大：上限为 {FILE_LIMIT // (1024 * 1024)} MB")
    try:
        rows = iter_table(data, filename)
        header = next(rows, None)
        if header is None:
            raise StatementError("文件为空，没有表头和数据")
        columns: dict[str, int] = {}
        for i, text in enumerate(header):
            key = _header_key(text or "")
            if key and key not in columns:
                columns[key] = i
        missing = [HEADERS[k][0] for k in REQUIRED if k not in columns]
        if missing:
            seen = "、".join(h for h in header if h) or "（空）"
            raise StatementError(f"文件缺少列：{'、'.join(missing)}（表头为：{seen}）；可下载模板对照")
        problems: list[str] = []
        out = Statement()
        seen_cells: dict[tuple[str, str], int] = {}
        for number, row in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                raise StatementError(f"文件行数过多：社保缴费明细最多 {MAX_ROWS} 行")
            if not any((c or "").strip() for c in row):
                continue

            def col(key: str, row: list[str] = row) -> str:
                i = columns.get(key)
                return (row[i] if i is not None and i < len(row) else "").strip()

            month = cf.parse_month(col("month"))
            if month is None:
                problems.append(f"第 {number} 行“费款所属期”：“{col('month')}”不是月份（应如 2020-02 或 202002）")
                continue
            ins = _insurance(col("insurance"))
            if ins is None:
                problems.append(f"第 {number} 行“险种”：“{col('insurance')}”不是养老、失业、工伤、医疗、生育保险之一")
                continue
            if (month, ins) in seen_cells:
                problems.append(
                    f"第 {number} 行：{cf.month_label(month)}{cf.labels()['insurances'][ins]}"
                    f"与第 {seen_cells[month, ins]} 行重复"
                )
                continue
            seen_cells[month, ins] = number
            ok = True
            for key, kind, title in (("employer_due", "due", "单位应缴"), ("employer_paid", "paid", "单位实缴")):
                value = _amount(col(key))
                if value is None:
                    problems.append(f"第 {number} 行“{title}”：“{col(key)}”应为不小于 0 的金额（元）")
                    ok = False
                else:
                    out.values[cf.cell(kind, month, ins)] = f"{value:g}" if value.is_integer() else str(value)
            if not ok:
                continue
            if ins == "unemployment" and col("insured"):
                head = col("insured").replace(",", "")
                if head.isdigit() and int(head) <= MAX_PERSONS:
                    out.values[cf.cell("insured", month)] = str(int(head))
                else:
                    problems.append(f"第 {number} 行“参保人数”：“{col('insured')}”应为整数人数")
            if month not in out.months:
                out.months.append(month)
        if problems:
            shown = problems[:20]
            more = f"；另有 {len(problems) - len(shown)} 处" if len(problems) > len(shown) else ""
            raise StatementError("；".join(shown) + more)
        if not out.months:
            raise StatementError("文件中没有数据行")
        out.months.sort()
        return out
    except ReportFileError as exc:
        raise StatementError(exc.message) from None


def template_csv() -> bytes:
    """The statement template (模板): the headers understood and two example rows, UTF-8 with BOM."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([HEADERS[k][0] for k in ("month", "insurance", "employer_due", "employer_paid", "insured")])
    for ins in INSURANCES[:3]:
        w.writerow(["2020-02", cf.labels()["insurances"][ins], "0.00", "0.00", ""])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "社保缴费明细"
    rows = list(csv.reader(io.StringIO(template_csv().decode("utf-8-sig"))))
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
