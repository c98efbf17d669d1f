"""Inline SVG charts (no JavaScript): a bullet chart of progress against the share of
the year elapsed, and a line chart of monthly series. Labels are escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

WIDTH = 760


def bullet_chart(rows: list[dict[str, Any]], pct_year: float | None) -> Markup:
    """One bar per unit: the share of its target done (capped at 150 %), a marker at the share
    of the year elapsed; behind units red, others green."""
    label_w, bar_w, row_h = 150, WIDTH - 150 - 70, 22
    scale = 1.5
    height = row_h * len(rows) + 30
    parts = [
        f'<svg id="progress-chart" class="chart" role="img" aria-label="各单位完成进度" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%">'
    ]
    for tick in (0, 0.5, 1.0, 1.5):
        x = label_w + bar_w * tick / scale
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}" stroke="#ddd"/>'
            f'<text x="{x:.1f}" y="{height - 5}" font-size="11" text-anchor="middle">{int(tick * 100)}%</text>'
        )
    for i, r in enumerate(rows):
        y = i * row_h + 4
        share = min(r["pct_target"] or 0.0, scale)
        color = "#c0392b" if r["status"] == "behind" else "#27ae60"
        parts.append(
            f'<g class="bar" data-unit="{escape(r["unit"])}" data-status="{r["status"]}">'
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end">{escape(r["unit"])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{bar_w * share / scale:.1f}" height="{row_h - 8}" fill="{color}">'
            f"<title>{escape(r['unit'])}：完成 {r['done']} / 目标 {r['target']}（{r['pct_target_text']}）</title></rect>"
            f'<text x="{label_w + bar_w * share / scale + 4:.1f}" y="{y + 12}" font-size="11">{r["pct_target_text"]}</text>'
            "</g>"
        )
    if pct_year is not None:
        x = label_w + bar_w * min(pct_year, scale) / scale
        parts.append(
            f'<line id="year-marker" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 20}" stroke="#2c3e50" '
            f'stroke-width="2" stroke-dasharray="4 3"><title>时间进度 {pct_year * 100:.1f}%</title></line>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    months: list[str], series: dict[str, list[float | int | None]], chart_id: str, height: int = 220, width: int = WIDTH
) -> Markup:
    """Lines over months; ``series`` maps a legend label to one value per month (None = gap)."""
    left, right, top, bottom = 60, 20, 20, 40
    values = [v for vs in series.values() for v in vs if v is not None]
    hi = max(values) if values else 1
    lo = min(0, min(values)) if values else 0
    span = (hi - lo) or 1
    n = max(1, len(months) - 1)
    colors = ["#2471a3", "#aaa", "#c0392b", "#27ae60"]

    def xy(i: int, v: float) -> tuple[float, float]:
        return (left + (width - left - right) * i / n, top + (height - top - bottom) * (1 - (v - lo) / span))

    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#999"/>',
    ]
    for frac in (0, 0.5, 1):
        v = lo + span * frac
        _, y = xy(0, v)
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{v:,.0f}</text>'
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#eee"/>'
        )
    for i, m in enumerate(months):
        if len(months) <= 12 or i % 2 == 0:
            x, _ = xy(i, lo)
            parts.append(
                f'<text x="{x:.1f}" y="{height - bottom + 15}" font-size="10" text-anchor="middle">{escape(m)}</text>'
            )
    for k, (label, vs) in enumerate(series.items()):
        color = colors[k % len(colors)]
        points = [xy(i, v) for i, v in enumerate(vs) if v is not None]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash = ' stroke-dasharray="5 4"' if k == 1 else ""
            parts.append(
                f'<polyline class="series" points="{path}" fill="none" stroke="{color}" stroke-width="2"{dash}>'
                f"<title>{escape(label)}</title></polyline>"
            )
            parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}"/>' for x, y in points)
        parts.append(
            f'<rect x="{left + 10 + k * 170}" y="{height - 14}" width="12" height="4" fill="{color}"/>'
            f'<text x="{left + 26 + k * 170}" y="{height - 9}" font-size="11">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


COLORS = ["#c0392b", "#e67e22", "#2471a3", "#27ae60"]


def stacked_bars(
    categories: list[str], series: dict[str, list[int]], chart_id: str, label: str, unit: str = "条"
) -> Markup:
    """One horizontal bar per category (a region's name, a month), stacked by series (a kind
    of warning), with a legend and each bar's total; ``series`` maps a legend label to one
    count per category. Counts of the same thing, so stacking them is a true total."""
    label_w, value_w, row_h, legend_h = 170, 60, 24, 24
    bar_w = WIDTH - label_w - value_w
    totals = [sum(vs[i] for vs in series.values()) for i in range(len(categories))]
    top = max(totals, default=0) or 1
    height = row_h * len(categories) + legend_h + 6
    parts = [
        (
            f'<svg id="{escape(chart_id)}" class="chart" role="img" aria-label="{escape(label)}" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%">'
        )
    ]
    for i, category in enumerate(categories):
        y = i * row_h + 4
        x = float(label_w)
        parts.append(
            f'<g class="bar" data-label="{escape(category)}" data-total="{totals[i]}">'
            f'<text x="{label_w - 6}" y="{y + 13}" font-size="12" text-anchor="end">{escape(category)}</text>'
        )
        for k, (name, values) in enumerate(series.items()):
            if not values[i]:
                continue
            w = bar_w * values[i] / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 8}" fill="{COLORS[k % len(COLORS)]}">'
                f"<title>{escape(category)}：{escape(name)} {values[i]:,} {escape(unit)}</title></rect>"
            )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 12}" font-size="11">{totals[i]:,} {escape(unit)}</text></g>')
    y = row_h * len(categories) + 10
    for k, name in enumerate(series):
        x = label_w + k * 190
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLORS[k % len(COLORS)]}"/>'
            f'<text x="{x + 16}" y="{y + 10}" font-size="11">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
