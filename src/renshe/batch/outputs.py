"""Batch outputs (结果输出): per policy a payment list and a rejection list, a
summary by region, size and industry, the bad input rows, an xlsx workbook for
the bank, and a short HTML report. Deterministic: the same results give the
same bytes."""

from __future__ import annotations

import datetime as dt
import html
import json
from pathlib import Path
from typing import Any

import polars as pl

from renshe.batch.partition import result_path
from renshe.domain.regions import region_name
from renshe.engine.rules import registry

XLSX_MAX_ROWS = 1_000_000
FEN_PER_YUAN = 100
SIZE_NAMES = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型", "unclassifiable": "不适用划型"}
FIXED_CREATED = dt.datetime(2020, 1, 1)


def load_results(work: Path, key: str) -> pl.LazyFrame:
    """Every partition's results of run ``key``, with the unit's identity and classes."""
    stage = json.loads((work / "stage.json").read_text(encoding="utf-8"))
    files = [result_path(work, key, k) for k in range(stage["partitions"])]
    units = pl.scan_parquet(work / "units.parquet").select(
        "_part", "_u", "uscc", "name", "region", "industry", pl.col("size_class").alias("size"), "unit_type")
    if not files:
        return pl.LazyFrame()
    return pl.scan_parquet(files).join(units, on=["_part", "_u"], how="left")


def _prefecture(region: pl.Expr) -> pl.Expr:
    return region.str.slice(0, 4)


def _names(codes: list[str]) -> dict[str, str]:
    out = {}
    for code in codes:
        try:
            out[code] = region_name(code + "00")
        except ValueError:
            out[code] = code
    return out


def write_outputs(work: Path, key: str, out: Path, rule_ids: list[str], as_of: dt.date) -> dict[str, Any]:
    reg = registry()
    results = load_results(work, key)
    for sub in ("payments", "rejections", "eligible"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    problems = pl.read_parquet(work / "problems.parquet")
    problems.write_csv(out / "problems.csv")
    if not results.collect_schema().names():
        return {"paid_units": 0, "total_amount": 0.0}
    # money only: rates, days and dates are results too, but nothing is paid on them
    money = pl.col("unit") == "CNY"
    paid = (money & pl.col("eligible") & (pl.col("amount") > 0) & pl.col("overlaps").is_null()).fill_null(False)
    pending = (money & pl.col("eligible") & pl.col("amount").is_null()).fill_null(False)
    # one policy at a time, and the summary streamed: a registry of a million units times a
    # hundred policies is far more than memory (the result files are read again per policy)
    frame = results.with_columns(paid.alias("paid"), pending.alias("pending"),
                                 _prefecture(pl.col("region")).alias("prefecture"))
    sheets: dict[str, pl.DataFrame] = {}
    sheet_rows = 0
    policy_rows = []
    for pid in rule_ids:
        rule = reg.rules[pid]
        mine = frame.filter(pl.col("policy") == pid).collect()
        scope = mine.filter(pl.col("in_scope"))
        pay = scope.filter(pl.col("paid")).sort("uscc").select(
            "uscc", "name", "region", "amount", "mode", "period_from", "period_to", "reasons")
        rejected = scope.filter(~pl.col("eligible")).sort("uscc").select("uscc", "name", "region", "reasons")
        rejected.write_csv(out / "rejections" / f"{pid}.csv")
        if (mine["unit"] == "CNY").any():
            pay.write_csv(out / "payments" / f"{pid}.csv", float_precision=2)
            sheet_rows += pay.height
            if sheet_rows <= XLSX_MAX_ROWS:  # beyond, no workbook is written: keep nothing
                sheets[pid] = pay
        else:  # a determination (eligibility, deadline, rate): the list of units it applies to
            scope.filter(pl.col("eligible")).sort("uscc").select(
                "uscc", "name", "region", "amount", "unit", "period_from", "period_to", "extras", "reasons",
            ).write_csv(out / "eligible" / f"{pid}.csv")
        policy_rows.append({
            "policy": pid, "title": rule.title, "doc_no": rule.doc_no, "units_in_scope": scope.height,
            "eligible": int(scope["eligible"].sum()), "paid_units": pay.height,
            "amount": round(float(pay["amount"].sum()), 2), "pending": int(scope["pending"].sum()),
            "rejected": rejected.height,
        })
    policies = pl.DataFrame(policy_rows, schema={
        "policy": pl.String, "title": pl.String, "doc_no": pl.String, "units_in_scope": pl.Int64,
        "eligible": pl.Int64, "paid_units": pl.Int64, "amount": pl.Float64, "pending": pl.Int64,
        "rejected": pl.Int64})
    policies.write_csv(out / "policies.csv", float_precision=2)
    summary = (
        frame.filter(pl.col("in_scope"))
        .with_columns(pl.col("industry").str.slice(0, 1).alias("industry_section"))
        .group_by("policy", "prefecture", "size", "industry_section")
        .agg(pl.len().alias("units"), pl.col("eligible").sum().alias("eligible"),
             pl.col("paid").sum().alias("paid_units"),
             # in fen (integers): the streamed sum is exact whatever the order of the rows
             (pl.when(pl.col("paid")).then(pl.col("amount")).otherwise(0.0) * FEN_PER_YUAN).round().cast(pl.Int64)
             .sum().alias("fen"))
        .with_columns((pl.col("fen") / FEN_PER_YUAN).round(2).alias("amount"))
        .drop("fen")
        .sort("policy", "prefecture", "size", "industry_section", nulls_last=True)
        .collect(engine="streaming")
    )
    names = _names(summary["prefecture"].drop_nulls().unique().sort().to_list())
    summary = summary.with_columns(pl.col("prefecture").replace_strict(names, default=None).alias("prefecture_name"))
    summary.write_csv(out / "summary.csv", float_precision=2)
    if sheet_rows <= XLSX_MAX_ROWS:
        write_workbook(out / "payments.xlsx", policies, sheets)
    write_report(out / "report.html", policies, summary, as_of, problems.height)
    return {"paid_units": int(policies["paid_units"].sum()), "total_amount": round(float(policies["amount"].sum()), 2)}


def write_workbook(path: Path, policies: pl.DataFrame, sheets: dict[str, pl.DataFrame]) -> None:
    """One sheet per policy (named 1, 2, … as sheet names are short) and an index sheet."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    workbook.set_properties({"title": "免申即享 拨付名单", "created": FIXED_CREATED})
    index = policies.filter(pl.col("policy").is_in(list(sheets))).with_row_index("sheet", offset=1) \
        .with_columns(pl.col("sheet").cast(pl.String))
    index.rename({"sheet": "工作表", "policy": "政策编号", "title": "政策", "doc_no": "文号", "units_in_scope": "范围内单位",
                  "eligible": "符合条件", "paid_units": "拨付单位数", "amount": "拨付金额", "pending": "金额待核定",
                  "rejected": "不符合"}) \
        .write_excel(workbook, worksheet="目录", autofit=True)
    for i, (pid, frame) in enumerate(sheets.items(), start=1):
        frame.rename({"uscc": "统一社会信用代码", "name": "单位名称", "region": "行政区划", "amount": "金额（元）",
                      "mode": "方式", "period_from": "起", "period_to": "止", "reasons": "理由"}) \
            .write_excel(workbook, worksheet=str(i), autofit=False, float_precision=2)
        _ = pid
    workbook.close()


def _bars(rows: list[tuple[str, float]], unit: str) -> str:
    """A small inline SVG bar chart (no script, prints anywhere)."""
    if not rows:
        return "<p>（无）</p>"
    top = max(v for _, v in rows) or 1.0
    height = 22 * len(rows) + 10
    parts = [f'<svg width="720" height="{height}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(rows):
        y = 5 + 22 * i
        width = 460 * value / top
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{html.escape(label)}</text>')
        parts.append(f'<rect x="170" y="{y}" width="{width:.1f}" height="16" fill="#0b5cad"/>')
        parts.append(f'<text x="{175 + width:.1f}" y="{y + 13}" font-size="11">{value:,.2f} {unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def write_report(path: Path, policies: pl.DataFrame, summary: pl.DataFrame, as_of: dt.date, problems: int) -> None:
    by_region = summary.group_by("prefecture_name").agg(pl.col("amount").sum()).sort("amount", descending=True)
    by_size = summary.group_by("size").agg(pl.col("amount").sum()).sort("size", nulls_last=True)
    rows = "".join(
        f"<tr><td>{html.escape(r['title'])}<br><small>{r['policy']} · {html.escape(r['doc_no'])}</small></td>"
        f"<td>{r['units_in_scope']:,}</td><td>{r['eligible']:,}</td><td>{r['paid_units']:,}</td>"
        f"<td style='text-align:right'>{r['amount']:,.2f}</td><td>{r['pending']:,}</td><td>{r['rejected']:,}</td></tr>"
        for r in policies.iter_rows(named=True)
    )
    total = float(policies["amount"].sum()) if policies.height else 0.0
    body = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>免申即享批量测算报告</title>
<style>body{{font-family:"Noto Sans CJK SC",sans-serif;margin:2rem;color:#1d2733}}table{{border-collapse:collapse}}
td,th{{border-bottom:1px solid #d9e0e7;padding:.3rem .6rem;text-align:left}}</style></head><body>
<h1>免申即享批量测算报告</h1>
<p>测算日 {as_of.isoformat()}；拨付合计 <b>{total:,.2f} 元</b>；输入中有误被跳过的行 {problems:,} 行（见 problems.csv）。</p>
<h2>各项政策</h2><table><tr><th>政策</th><th>范围内单位</th><th>符合条件</th><th>拨付单位</th><th>拨付金额（元）</th><th>金额待核定（参数未设定）</th><th>不符合</th></tr>{rows}</table>
<h2>按地区（地市）拨付金额</h2>{_bars([(str(r['prefecture_name'] or '未知'), float(r['amount'])) for r in by_region.head(20).iter_rows(named=True)], '元')}
<h2>按企业规模拨付金额</h2>{_bars([(SIZE_NAMES.get(str(r['size']), '未能划型'), float(r['amount'])) for r in by_size.iter_rows(named=True)], '元')}
</body></html>
"""
    path.write_text(body, encoding="utf-8")
