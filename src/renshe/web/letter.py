"""The policy letter (政策告知书) of one unit or person as a PDF: who it is for, the day it
was judged on, the money it may have by flow (never added into one total), each policy it
may enjoy with its amount, window, reasons and the sentence of the document that says so,
what is still missing, and what it does not meet.

Made with fpdf2 and Debian's Noto CJK font (fonts-noto-cjk), found with fontconfig
(``fc-match``); ``RENSHE_CJK_FONT`` (``path`` or ``path:index``) names another."""

from __future__ import annotations

import os
import subprocess
from functools import cache
from typing import Any

from renshe.domain.times import chinese_date, now_beijing

FONT_FAMILY = "Noto Sans CJK SC"
FONT_ENV = "RENSHE_CJK_FONT"
#: page layout, in millimetres and points
MARGIN_MM, LINE_MM, BODY_PT, HEADING_PT, TITLE_PT, NOTE_PT = 18, 6, 10.5, 13, 20, 9


class FontMissing(RuntimeError):
    """No CJK font: the PDF can't be written (install Debian's fonts-noto-cjk)."""


@cache
def cjk_font() -> tuple[str, int]:
    """(font file, index in its collection) of a simplified-Chinese sans font."""
    named = os.environ.get(FONT_ENV, "").strip()
    if named:
        path, _, index = named.partition(":")
        return path, int(index or 0)
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", f"{FONT_FAMILY}:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise FontMissing("找不到中文字体（需要 fonts-noto-cjk 与 fontconfig）") from exc
    path, _, index = out.rpartition(":")
    if "CJK" not in path or not os.path.exists(path):
        raise FontMissing(f"找不到中文字体 {FONT_FAMILY}（fc-match 给出 {out!r}），请安装 fonts-noto-cjk")
    return path, int(index or 0)


def subject_of(case: dict[str, Any]) -> dict[str, str]:
    """Who the letter is for: its name, code and region, as the letter prints them."""
    from renshe.services.security import mask_id_number
    from renshe.web.forms import region_label

    for key, what in (("enterprise", "单位"), ("agency", "机构"), ("person", "个人")):
        unit = case.get(key)
        if unit:
            # a person's ID number is printed masked (the letter is carried and handed over)
            code = unit.get("uscc") if key != "person" else mask_id_number(unit.get("id_number"))
            return {
                "kind": what,
                "name": str(unit.get("name") or ("（未填写姓名）" if key == "person" else "（未填写名称）")),
                "code": str(code or ""),
                "region": region_label(unit.get("region")),
            }
    return {"kind": "", "name": "", "code": "", "region": ""}


def letter_pdf(case: dict[str, Any], body: dict[str, Any], page: dict[str, Any]) -> bytes:
    """The PDF of the letter. ``page`` is what the calculator page shows (pages.shown)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    path, index = cjk_font()
    pdf = FPDF(format="A4")
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.set_auto_page_break(True, MARGIN_MM)
    pdf.add_font("cjk", "", path, collection_font_number=index)
    who = subject_of(case)
    pdf.set_title(f"政策告知书 {who['name']}")
    pdf.set_creator("renshe 人社政策服务")
    pdf.add_page()
    width = pdf.w - 2 * MARGIN_MM

    def text(s: str, size: float = BODY_PT, gap: float = 0) -> None:
        pdf.set_font("cjk", size=size)
        pdf.multi_cell(width, LINE_MM * size / BODY_PT, s, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if gap:
            pdf.ln(gap)

    pdf.set_font("cjk", size=TITLE_PT)
    pdf.cell(width, 12, "政策告知书", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    text(f"{who['kind']}：{who['name']}")
    if who["code"]:
        text(f"{'统一社会信用代码' if who['kind'] != '个人' else '证件号码'}：{who['code']}")
    if who["region"]:
        text(f"所在地区：{who['region']}")
    text(f"测算日期：{chinese_date(body['as_of'])}    出具时间：{now_beijing()}（北京时间）", gap=2)
    cls = body.get("classification")
    if cls and page.get("size_text"):
        text(f"企业划型：{page['size_text']}（依据 {cls['citation']['doc_no']}）", gap=2)

    text("一、可享受的资金，按性质分列（不同性质的资金分别列示，不相加）", HEADING_PT)
    for f in page["flows"]:
        text(f"{f['label']}：{f['text']}")
        for h in f["held"]:
            text(f"    {h}", NOTE_PT)
    pdf.ln(2)
    sections = (
        ("eligible", "二、可享受的政策"),
        ("undetermined", "三、待补充信息的政策（补充后可重新测算）"),
        ("ineligible", "四、不符合条件的政策"),
    )
    groups = {g["status"]: g["rows"] for g in page["groups"]}
    for status, heading in sections:
        rows = groups.get(status) or []
        text(f"{heading}（{len(rows)} 项）", HEADING_PT)
        if not rows:
            text("无", gap=1)
        for n, r in enumerate(rows, start=1):
            line = f"{n}. {r['title']}"
            if status != "ineligible":
                line += f"    {r['amount_text']}（{r['flow_label']}）"
            text(line)
            if r.get("window"):
                text(f"    期限：{r['window']}", NOTE_PT)
            for reason in r.get("reasons") or []:
                text(f"    理由：{reason}", NOTE_PT)
            for m in r.get("missing_named") or []:
                text(f"    需补充：{m['name'] or m['path']}", NOTE_PT)
            for c in r.get("citations_shown") or []:
                quote = f"：“{c['quote']}”" if c.get("quote") else ""
                text(f"    依据：{c['doc_no']} {c['article']}{quote}", NOTE_PT)
            pdf.ln(1)
        pdf.ln(2)
    text("本告知书根据填报的情况测算，仅供参考；实际享受以经办机构审核为准。", NOTE_PT)
    return bytes(pdf.output())
