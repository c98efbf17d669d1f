"""Employment monitoring and early warning (就业失业监测预警) from a registry's monthly
insured headcounts (the batch registry format: ``units`` + ``insured``).

Per unit and per region (GB/T 2260 code): the month-on-month change, the layoff rate
(裁员率) over the window the documents use — 1 − (insured at the end + natural
attrition) / insured at the start (京人社就字〔2020〕15号 一（二）1（1）) — and the
attrition rate (自然减员率). Warnings:

- the layoff rate passes the line: Beijing units must stay *below* 5.2 %
  (京人社就字〔2020〕15号 一（二）1（1）: 达到即预警); Henan units *not above* 5.5 %,
  units of 30 insured or fewer not above 20 % (豫人社〔2020〕4号 六: 超过即预警); units
  elsewhere by the same lines of the national notice (人社部明电〔2020〕2号 四);
- insured headcount drops month on month by more than a bureau-set share
  (新密政〔2020〕4号 六（二十二）: 及时研究分析异常数据).

Comparisons are exact (integers against the line as a fraction), so a rate exactly
on a line is judged by the document's own word (不高于 / 低于).

Natural attrition is read from the units column ``attrition_<year>`` when the window
is that calendar year (December to December); otherwise it is unknown and counted
as 0, which the report says.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import polars as pl

from renshe.domain.regions import jurisdictions, problem_with_region, region_name
from renshe.engine.catalog import implements
from renshe.engine.registry_files import RegistryError, find_sources, scan
from renshe.services.errors import ServiceError
from renshe.services.targets_settings import citation, exact, parameter, value

MONTH_FORMAT = r"^\d{4}-(0[1-9]|1[0-2])$"
KIND_NAMES = {"layoff_rate": "裁员率超线", "headcount_drop": "参保人数环比下降", "region_drop": "地区参保人数环比下降"}


def shift_month(month: str, months: int) -> str:
    y, m = int(month[:4]), int(month[5:])
    index = y * 12 + (m - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _pct(x: Fraction | float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{float(x) * 100:.{digits}f}%"


def _line_text(name: str) -> str:
    c = citation(name)
    return f"{c['doc_no']} {c['article']}"


def read_registry(path: Path) -> tuple[pl.DataFrame, pl.DataFrame, list[dict[str, Any]]]:
    """(units: uscc, name, region, attrition_*; insured: uscc, month, headcount; problems).
    Bad rows are reported by file, row, field and problem, and skipped."""
    sources = find_sources(path)
    if "insured" not in sources:
        raise RegistryError(f"{path}: 参保库中没有 insured 表（各单位每月参保人数：uscc、month、headcount）")
    problems: list[dict[str, Any]] = []
    units_raw = scan(sources["units"]).collect()
    label = sources["units"].label
    for col in ("uscc", "region"):
        if col not in units_raw.columns:
            raise RegistryError(f"{label}: 缺少必需的列 {col}")
    attrition_cols = [c for c in units_raw.columns if c.startswith("attrition_")]
    keep = ["_row", "uscc", "region", *(["name"] if "name" in units_raw.columns else []), *attrition_cols]
    units = units_raw.select(keep).with_columns(
        pl.col("uscc").cast(pl.String).str.strip_chars(), pl.col("region").cast(pl.String).str.strip_chars()
    )
    bad_region = {r: p for r in units["region"].drop_nulls().unique().to_list() if (p := problem_with_region(r))}
    good_rows = []
    for row in units.iter_rows(named=True):
        if not row["uscc"]:
            problems.append({"file": label, "row": row["_row"], "field": "uscc", "problem": "缺少统一社会信用代码"})
        elif not row["region"] or row["region"] in bad_region:
            problems.append(
                {
                    "file": label,
                    "row": row["_row"],
                    "field": "region",
                    "problem": f"“{row['region'] or ''}”不是有效的行政区划代码：{bad_region.get(row['region'], '缺少')}",
                }
            )
        else:
            good_rows.append(row["_row"])
    units = units.filter(pl.col("_row").is_in(good_rows))
    casts = [
        pl.col(c).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False).fill_null(0).cast(pl.Int64)
        for c in attrition_cols
    ]
    units = units.with_columns(casts) if casts else units
    if "name" not in units.columns:
        units = units.with_columns(pl.col("uscc").alias("name"))
    units = units.unique("uscc", keep="first")

    label = sources["insured"].label
    raw = scan(sources["insured"]).collect()
    for col in ("uscc", "month", "headcount"):
        if col not in raw.columns:
            raise RegistryError(f"{label}: 缺少必需的列 {col}")
    ins = raw.select(
        pl.col("_row"),
        pl.col("uscc").cast(pl.String).str.strip_chars(),
        pl.col("month").cast(pl.String).str.strip_chars(),
        hc_text=pl.col("headcount").cast(pl.String).str.strip_chars(),
    )
    ins = ins.with_columns(headcount=pl.col("hc_text").cast(pl.Float64, strict=False))
    known = set(units["uscc"].to_list())
    checks = [
        (
            ~pl.col("month").fill_null("").str.contains(MONTH_FORMAT),
            "month",
            pl.format("“{}”不是月份（应为 YYYY-MM）", pl.col("month").fill_null("")),
        ),
        (pl.col("headcount").is_null(), "headcount", pl.format("“{}”不是人数", pl.col("hc_text").fill_null(""))),
        (pl.col("headcount") < 0, "headcount", pl.format("{} 为负数，参保人数应不小于 0", pl.col("hc_text"))),
        (
            pl.col("headcount") != pl.col("headcount").floor(),
            "headcount",
            pl.format("{} 不是整数人数", pl.col("hc_text")),
        ),
        (
            ~pl.col("uscc").is_in(list(known)),
            "uscc",
            pl.format("“{}”不在 units 表中（或该单位行有误）", pl.col("uscc").fill_null("")),
        ),
    ]
    problem = pl.coalesce(
        [pl.when(bad.fill_null(True)).then(pl.struct(field=pl.lit(f), problem=msg)) for bad, f, msg in checks]
    )
    ins = ins.with_columns(_p=problem)
    bad_rows = ins.filter(pl.col("_p").is_not_null())
    problems.extend(
        {"file": label, "row": r["_row"], "field": r["_p"]["field"], "problem": r["_p"]["problem"]}
        for r in bad_rows.head(10_000).iter_rows(named=True)
    )
    insured = (
        ins.filter(pl.col("_p").is_null())
        .select("uscc", "month", pl.col("headcount").cast(pl.Int64))
        .unique(["uscc", "month"], keep="last")
    )
    return units.drop("_row"), insured, problems


def _line(region: str, base: int, on: dt.date) -> tuple[str, Fraction, bool]:
    """(parameter name, line, warn when exactly at the line): Beijing's line for Beijing
    units, Henan's lines for Henan units, the national lines (人社部明电〔2020〕2号 四) for
    the others — a unit is never judged by another province's document."""
    where = jurisdictions(region)
    if "beijing" in where:
        return "monitor.layoff_rate_line_beijing", exact("monitor.layoff_rate_line_beijing", on), True
    suffix = "_henan" if "henan" in where else "_national"
    small_max, small_line = "monitor.small_unit_max_insured", "monitor.layoff_rate_line_small_unit"
    if suffix == "_national":
        small_max, small_line = small_max + suffix, small_line + suffix
    if base <= int(value(small_max, on)):
        return small_line, exact(small_line, on), False
    return "monitor.layoff_rate_line" + suffix, exact("monitor.layoff_rate_line" + suffix, on), False


def passes_line(laid_off: int, base: int, line: Fraction, at_line_warns: bool) -> bool:
    """Whether laid_off / base passes the line (exact: integers against a fraction)."""
    if base <= 0:
        return False
    lhs, rhs = laid_off * line.denominator, line.numerator * base
    return lhs >= rhs if at_line_warns else lhs > rhs


def drop_passes(prev: int, cur: int, threshold: Fraction, min_persons: int) -> bool:
    """Headcount fell by more than ``threshold`` of last month (and by at least min_persons)."""
    if prev <= 0:
        return False
    fell = prev - cur
    return fell >= min_persons and fell * threshold.denominator > threshold.numerator * prev


@implements(
    "beijing.wage_arrears_enforcement_2020",
    "cn.employment_situation_monitoring_jan_2020",
    "cn.hrss_situation_monitoring_2020",
    "cn.stable_labour_risk_monitoring_2020",
    "xinmi.employment_risk_monitoring_2020",
    tests=["tests/targets/test_thresholds.py::test_warnings_at_their_lines"],
)
def compute(
    units: pl.DataFrame, insured: pl.DataFrame, as_of: str | None = None, *, on: dt.date | None = None, source: str = ""
) -> dict[str, Any]:
    """The monitoring report for the month ``as_of`` (default: the registry's latest month)."""
    months = sorted(insured["month"].unique().to_list())
    if not months:
        raise RegistryError("insured 表中没有可用的月度参保人数")
    as_of = as_of or months[-1]
    import re

    if not re.match(MONTH_FORMAT, as_of):
        raise RegistryError(f"监测月份应为 YYYY-MM，实为“{as_of}”")
    on = on or dt.date.today()
    window = int(value("monitor.layoff_window_months", on))
    prev_m, base_m = shift_month(as_of, -1), shift_month(as_of, -window)
    trend_n = int(value("monitor.trend_months", on))
    trend_months = [shift_month(as_of, -i) for i in range(trend_n - 1, -1, -1)]
    attr_col = f"attrition_{as_of[:4]}"
    attrition_known = as_of.endswith("-12") and window == 12 and attr_col in units.columns
    wide = insured.filter(pl.col("month").is_in([as_of, prev_m, base_m])).pivot(
        on="month", index="uscc", values="headcount"
    )
    for m in (as_of, prev_m, base_m):
        if m not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Int64).alias(m))
    frame = units.join(
        wide.select("uscc", cur=pl.col(as_of), prev=pl.col(prev_m), base=pl.col(base_m)), on="uscc", how="left"
    )
    frame = frame.with_columns(attr=pl.col(attr_col) if attrition_known else pl.lit(0, dtype=pl.Int64))
    threshold = exact("monitor.headcount_drop_threshold", on)
    min_persons = int(value("monitor.headcount_drop_min_persons", on))
    attr_text = f"{as_of[:4]}年自然减员" if attrition_known else "自然减员（未提供，按 0 计）"
    warnings: list[dict[str, Any]] = []
    unit_rows: dict[str, dict[str, Any]] = {}
    for r in frame.iter_rows(named=True):
        cur, prev, base, attr = r["cur"], r["prev"], r["base"], int(r["attr"] or 0)
        region = r["region"]
        common = {"uscc": r["uscc"], "name": r["name"], "region": region, "headcount": cur, "prev": prev, "base": base}
        if cur is not None and base is not None and base > 0:
            laid_off = max(0, base - cur - attr)
            pname, line, at_line = _line(region, base, on)
            rate = Fraction(laid_off, base)
            unit_rows[r["uscc"]] = {"laid_off": laid_off, "base": base, "attr": attr}
            if passes_line(laid_off, base, line, at_line):
                word = "达到或超过" if at_line else "高于"
                warnings.append(
                    {
                        **common,
                        "kind": "layoff_rate",
                        "kind_name": KIND_NAMES["layoff_rate"],
                        "affected": laid_off,
                        "value": round(float(rate), 6),
                        "line": float(line),
                        "parameter": pname,
                        "citation": citation(pname),
                        "reason": f"裁员率 {_pct(rate)}（{base_m} 参保 {base} 人，{as_of} 参保 {cur} 人，"
                        f"{attr_text} {attr} 人）{word}预警线 {_pct(line, 1)}（{_line_text(pname)}）",
                    }
                )
        if cur is not None and prev is not None and drop_passes(prev, cur, threshold, min_persons):
            fall = Fraction(prev - cur, prev)
            warnings.append(
                {
                    **common,
                    "kind": "headcount_drop",
                    "kind_name": KIND_NAMES["headcount_drop"],
                    "affected": prev - cur,
                    "value": round(float(fall), 6),
                    "line": float(threshold),
                    "parameter": "monitor.headcount_drop_threshold",
                    "citation": citation("monitor.headcount_drop_threshold"),
                    "reason": f"参保人数环比下降 {_pct(fall)}（{prev_m} {prev} 人 → {as_of} {cur} 人，减少 "
                    f"{prev - cur} 人），超过预警线 {_pct(threshold, 0)}"
                    f"（{_line_text('monitor.headcount_drop_threshold')}）",
                }
            )
    # regions
    series = (
        insured.filter(pl.col("month").is_in(trend_months))
        .join(units.select("uscc", "region"), on="uscc")
        .group_by("region", "month")
        .agg(pl.col("headcount").sum(), pl.len().alias("units"))
    )
    by_region: dict[str, dict[str, Any]] = {}
    for r in series.sort("region", "month").iter_rows(named=True):
        by_region.setdefault(r["region"], {})[r["month"]] = (int(r["headcount"]), int(r["units"]))
    region_stats: dict[str, dict[str, int]] = {}
    for r in frame.select("uscc", "region").iter_rows(named=True):
        u = unit_rows.get(r["uscc"])
        st = region_stats.setdefault(r["region"], {"laid_off": 0, "base": 0, "attr": 0, "units": 0})
        st["units"] += 1
        if u:
            st["laid_off"] += u["laid_off"]
            st["base"] += u["base"]
            st["attr"] += u["attr"]
    regions = []
    for code in sorted(set(by_region) | set(region_stats)):
        points = by_region.get(code, {})
        cur = points.get(as_of, (None, 0))[0]
        prev = points.get(prev_m, (None, 0))[0]
        st = region_stats.get(code, {"laid_off": 0, "base": 0, "attr": 0, "units": 0})
        change = cur - prev if cur is not None and prev is not None else None
        try:
            name = region_name(code)
        except ValueError:
            name = code
        reg = {
            "region": code,
            "name": name,
            "units": st["units"],
            "headcount": cur,
            "prev": prev,
            "change": change,
            "change_rate": round(change / prev, 6) if change is not None and prev else None,
            "layoff_rate": round(st["laid_off"] / st["base"], 6) if st["base"] else None,
            "attrition_rate": round(st["attr"] / st["base"], 6) if st["base"] and attrition_known else None,
            "warnings": sum(1 for w in warnings if w["region"] == code),
            "series": [{"month": m, "headcount": points[m][0] if m in points else None} for m in trend_months],
        }
        regions.append(reg)
        if cur is not None and prev is not None and drop_passes(prev, cur, threshold, min_persons):
            fall = Fraction(prev - cur, prev)
            warnings.append(
                {
                    "uscc": None,
                    "name": name,
                    "region": code,
                    "headcount": cur,
                    "prev": prev,
                    "base": None,
                    "kind": "region_drop",
                    "kind_name": KIND_NAMES["region_drop"],
                    "affected": prev - cur,
                    "value": round(float(fall), 6),
                    "line": float(threshold),
                    "parameter": "monitor.headcount_drop_threshold",
                    "citation": citation("monitor.headcount_drop_threshold"),
                    "reason": f"{name}参保人数环比下降 {_pct(fall)}（{prev_m} {prev} 人 → {as_of} {cur} 人），"
                    f"超过预警线 {_pct(threshold, 0)}",
                }
            )
    warnings.sort(key=severity)
    params = [
        "monitor.layoff_rate_line_henan",
        "monitor.small_unit_max_insured",
        "monitor.layoff_rate_line_small_unit",
        "monitor.layoff_rate_line_national",
        "monitor.small_unit_max_insured_national",
        "monitor.layoff_rate_line_small_unit_national",
        "monitor.layoff_rate_line_beijing",
        "monitor.layoff_window_months",
        "monitor.headcount_drop_threshold",
        "monitor.headcount_drop_min_persons",
    ]
    return {
        "as_of": as_of,
        "prev_month": prev_m,
        "base_month": base_m,
        "window_months": window,
        "source": source,
        "attrition_known": attrition_known,
        "months": trend_months,
        "parameters": [
            {"name": p, "value": value(p, on), "description": parameter(p).description, "reference": citation(p)}
            for p in params
        ],
        "regions": regions,
        "warnings": warnings,
        "summary": _summary(regions, warnings),
    }


def people_affected(w: dict[str, Any]) -> int:
    """The people a warning is about (its severity): laid off for a layoff-rate warning, the
    fall in insured for a drop. A run kept before this field was added: its headcounts tell."""
    if w.get("affected") is not None:
        return int(w["affected"])
    start = w["base"] if w["kind"] == "layoff_rate" else w["prev"]
    return max(0, int(start or 0) - int(w["headcount"] or 0))


def severity(w: dict[str, Any]) -> tuple[int, float, str, str]:
    """Warnings most severe first: the most people affected, then the rate, region, unit."""
    return (-people_affected(w), -w["value"], w["region"] or "", w["uscc"] or "")


def _summary(regions: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "regions": len(regions),
        "units": sum(r["units"] for r in regions),
        "headcount": sum(r["headcount"] or 0 for r in regions),
        "warnings": len(warnings),
        "by_kind": {k: sum(1 for w in warnings if w["kind"] == k) for k in KIND_NAMES},
    }


def for_area(report: dict[str, Any], prefix: str | None) -> dict[str, Any]:
    """The part of a report a user of the area ``prefix`` sees (None: all)."""
    if prefix is None:
        return {**report, "warnings": sorted(report["warnings"], key=severity)}
    regions = [r for r in report["regions"] if r["region"].startswith(prefix)]
    warnings = sorted((w for w in report["warnings"] if (w["region"] or "").startswith(prefix)), key=severity)
    return {**report, "regions": regions, "warnings": warnings, "summary": _summary(regions, warnings)}


def run(path: Path, as_of: str | None = None, on: dt.date | None = None) -> dict[str, Any]:
    units, insured, problems = read_registry(path)
    report = compute(units, insured, as_of, on=on, source=path.name)
    report["problems"] = problems
    return report


def export_xlsx(report: dict[str, Any]) -> bytes:
    """预警清单 (warnings with reasons, for follow-up), 地区汇总, 地区月度, 预警参数, 数据问题."""
    from renshe.services import exports

    out = io.BytesIO()
    wb = exports.xlsxwriter_workbook(out)  # a unit name "=…" stays text
    bold = wb.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    pct = wb.add_format({"num_format": "0.00%"})

    def sheet(title: str, header: list[str], rows: list[list[Any]], pct_cols: tuple[int, ...] = ()) -> None:
        ws = wb.add_worksheet(title)
        ws.write_row(0, 0, header, bold)
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row):
                ws.write(i, j, v, pct if j in pct_cols and isinstance(v, float) else None)
        ws.set_column(0, len(header), 14)
        ws.freeze_panes(1, 0)

    sheet(
        "预警清单",
        [
            "类型",
            "统一社会信用代码",
            "单位名称",
            "地区代码",
            "本月参保",
            "上月参保",
            "期初参保",
            "指标值",
            "预警线",
            "原因",
            "依据",
            "跟进情况",
        ],
        [
            [
                w["kind_name"],
                w["uscc"] or "",
                w["name"],
                w["region"],
                w["headcount"],
                w["prev"],
                w["base"],
                w["value"],
                w["line"],
                w["reason"],
                f"{w['citation']['doc_no']} {w['citation']['article']}",
                "",
            ]
            for w in report["warnings"]
        ],
        pct_cols=(7, 8),
    )
    sheet(
        "地区汇总",
        [
            "地区代码",
            "地区",
            "单位数",
            "本月参保",
            "上月参保",
            "环比变化",
            "环比变化率",
            "裁员率",
            "自然减员率",
            "预警数",
        ],
        [
            [
                r["region"],
                r["name"],
                r["units"],
                r["headcount"],
                r["prev"],
                r["change"],
                r["change_rate"],
                r["layoff_rate"],
                r["attrition_rate"],
                r["warnings"],
            ]
            for r in report["regions"]
        ],
        pct_cols=(6, 7, 8),
    )
    sheet(
        "地区月度",
        ["地区代码", "地区", *report["months"]],
        [[r["region"], r["name"], *[p["headcount"] for p in r["series"]]] for r in report["regions"]],
    )
    sheet(
        "预警参数",
        ["参数", "值", "说明", "文号", "条款", "原文"],
        [
            [
                p["name"],
                str(p["value"]),
                p["description"],
                p["reference"]["doc_no"],
                p["reference"]["article"],
                p["reference"]["quote"],
            ]
            for p in report["parameters"]
        ],
    )
    sheet(
        "数据问题",
        ["文件", "行", "字段", "问题"],
        [[p["file"], p["row"], p["field"], p["problem"]] for p in report.get("problems", [])],
    )
    wb.close()
    return out.getvalue()


# ----------------------------------------------------------------------------- stored runs


def save_run(s: Any, user: Any, report: dict[str, Any]) -> Any:
    """Keep a run (监测批次) for follow-up; caseworkers and admins only."""
    from renshe.services import audit
    from renshe.services.targets.tracking import check_write
    from renshe.store.models_targets import MonitorRun

    check_write(user)
    run_ = MonitorRun(
        as_of=report["as_of"], source=(report.get("source") or "")[:200], created_by=user.id, report=report
    )
    s.add(run_)
    s.flush()
    audit.record(
        s,
        user,
        "monitor.run",
        "monitor_run",
        run_.id,
        {"as_of": report["as_of"], "warnings": len(report["warnings"]), "source": report.get("source")},
    )
    return run_


def runs(s: Any, user: Any) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from renshe.services.targets.tracking import area_of, check_read
    from renshe.store.models_targets import MonitorRun

    check_read(user)
    out = []
    for r in s.execute(select(MonitorRun).order_by(MonitorRun.id.desc()).limit(200)).scalars():
        mine = for_area(r.report, area_of(user))
        out.append(
            {
                "id": r.id,
                "as_of": r.as_of,
                "source": r.source,
                "created_at": r.created_at.isoformat(),
                "summary": mine["summary"],
            }
        )
    return out


def get_run(s: Any, user: Any, run_id: int) -> dict[str, Any]:
    from renshe.services.errors import NotFound
    from renshe.services.targets.tracking import area_of, check_read
    from renshe.store.models_targets import MonitorRun

    check_read(user)
    r = s.get(MonitorRun, run_id) if 0 < run_id < 2**31 else None
    if r is None:
        raise NotFound(f"未找到监测批次 {run_id}")
    return {"id": r.id, "created_at": r.created_at.isoformat(), **for_area(r.report, area_of(user))}


def run_upload(data: bytes, filename: str, as_of: str | None) -> dict[str, Any]:
    """Monitoring over an uploaded registry workbook (units + insured); problems name the file as sent."""
    if not filename.lower().endswith(".xlsx"):
        raise ServiceError("参保库应为 xlsx 工作簿（含 units 与 insured 两个工作表）")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registry.xlsx"
        path.write_bytes(data)
        try:
            report = run(path, as_of)
        except RegistryError as exc:
            raise ServiceError(str(exc).replace(str(path), filename)) from None
        except Exception:
            raise ServiceError("无法读取上传的参保库工作簿") from None
    report["source"] = filename
    for p in report.get("problems", []):
        p["file"] = p["file"].replace("registry.xlsx", filename)
    return report
