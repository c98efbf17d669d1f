"""Policy simulation (政策模拟): rerun the batch with overridden parameters and
compare with the baseline — cost by money flow (cash, reduction, deferral, credit,
wage: side by side, never added into one 合计), by policy, and winners and losers by
region, size and industry within each flow. Each money is counted once, by the
batch's rule (``same_money.counted_expr``; a part in its own flow, its whole net of it).

The baseline is computed once and kept (``batch.baseline``); a reform evaluates again
only the rules that read a changed parameter and their same-money partners
(``engine.dependencies``) and corrects the kept sums by their difference, in whole fen
— the same tables as evaluating every rule again (``full=True``)."""

from __future__ import annotations

import dataclasses
import html
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from renshe.batch.baseline import GROUPS, KEYS, Baseline, counted_money, load_or_make, unit_groups
from renshe.batch.outputs import FLOW_NAMES, SIZE_NAMES, STYLE, _bars, _names, _region_label
from renshe.batch.reform import keep_frames, reform_money
from renshe.batch.runner import BatchConfig, Progress, batch_rules, evaluate_all, with_partners
from renshe.domain.industries import section_name
from renshe.engine.dependencies import reached, related
from renshe.engine.rules import registry
from renshe.engine.same_money import MONEY_FLOWS

#: the order flows are shown in
FLOW_ORDER = {flow: i for i, flow in enumerate(MONEY_FLOWS)}
#: a parameter the baseline does not override
_UNSET = object()


@dataclass
class Sums:
    """A simulation's money in whole fen (exact sums in any order). ``by_policy``:
    ``policy``, ``flow``, ``baseline``, ``reform``; ``by_group[g]``: ``g``, ``flow``,
    ``baseline``, ``reform``, ``difference``, ``winners``, ``losers`` (units whose money
    of that flow rises or falls), for the groups and flows with money; ``units[g]``:
    ``g``, ``units`` (every staged unit)."""

    by_policy: pl.DataFrame
    by_group: dict[str, pl.DataFrame]
    units: dict[str, pl.DataFrame]


@dataclass
class Simulation:
    tables: dict[str, pl.DataFrame]
    #: the rules evaluated again under the reform (all of them without a kept baseline)
    recomputed: list[str]


def simulate(
    config: BatchConfig, reform: dict[str, Any], progress: Progress | None = None, full: bool = False
) -> dict[str, pl.DataFrame]:
    """``config.overrides`` apply to both runs; ``reform`` to the reform only. Tables:
    ``by_flow`` (baseline, reform and difference per flow), ``by_policy`` and ``by_<group>``
    (per group and flow: units, winners, losers, baseline, reform, difference)."""
    return simulation(config, reform, progress, full).tables


def simulation(
    config: BatchConfig, reform: dict[str, Any], progress: Progress | None = None, full: bool = False
) -> Simulation:
    """The simulation of ``reform``. By default the baseline is kept (``batch.baseline``) and
    only the rules the changed parameters reach, with their same-money partners, are
    evaluated again (``engine.dependencies``); ``full`` evaluates every rule twice (the
    same answers)."""
    rule_ids = batch_rules(config.policies)
    evaluated = with_partners(rule_ids)
    reform_config = dataclasses.replace(config, overrides={**config.overrides, **reform})
    if full:
        base_info = evaluate_all(config, evaluated, progress)
        reform_info = evaluate_all(reform_config, evaluated, progress)
        base = counted_money(config.work, base_info["key"], rule_ids, config.as_of)
        new = counted_money(config.work, reform_info["key"], rule_ids, config.as_of)
        return Simulation(tables_of(full_sums(base, new, unit_groups(config.work))), evaluated)
    baseline = load_or_make(config, rule_ids, evaluated, progress)
    keep_frames(config)  # what a partition's rules start from, kept beside the baseline
    changed = [name for name, value in reform.items() if config.overrides.get(name, _UNSET) != value]
    recompute = related(registry(), reached(baseline.depends, changed), evaluated)
    listed = [rid for rid in recompute if rid in rule_ids]
    if recompute:
        new = reform_money(config, reform_config.overrides, recompute, listed, progress)
    else:
        new = baseline.counted([])
    return Simulation(tables_of(incremental_sums(baseline, baseline.counted(listed), new, listed)), recompute)


def _flow_order(frame: pl.DataFrame, *keys: str) -> pl.DataFrame:
    return (
        frame.with_columns(pl.col("flow").replace_strict(FLOW_ORDER, default=len(FLOW_ORDER)).alias("_order"))
        .sort("_order", *keys, nulls_last=True)
        .drop("_order")
    )


def _yuan(column: str) -> pl.Expr:
    return (pl.col(column) / 100).round(2)


def _fen_sums(rows: pl.DataFrame, keys: list[str], name: str) -> pl.DataFrame:
    return rows.group_by(keys).agg(pl.col("fen").sum().alias(name))


def _side_by_side(base: pl.DataFrame, new: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """``baseline`` and ``reform`` fen per ``keys`` (0 where a side has none)."""
    return base.join(new, on=keys, how="full", coalesce=True, nulls_equal=True).with_columns(
        pl.col("baseline").fill_null(0), pl.col("reform").fill_null(0)
    )


def _moved(per_unit: pl.DataFrame, group: str) -> pl.DataFrame:
    """Per group and flow from each unit's change ``difference``: its sum, winners, losers."""
    return (
        per_unit.lazy()
        .group_by(group, "flow")
        .agg(
            pl.col("difference").sum(),
            (pl.col("difference") > 0).sum().alias("winners"),
            (pl.col("difference") < 0).sum().alias("losers"),
        )
        .collect()
    )


def full_sums(base: pl.DataFrame, new: pl.DataFrame, units: pl.DataFrame) -> Sums:
    """The sums from the counted money of every policy in the baseline and the reform
    (``baseline.counted_money``) and the units with their groups (``unit_groups``)."""
    by_policy = _side_by_side(
        _fen_sums(base, ["policy", "flow"], "baseline"),
        _fen_sums(new, ["policy", "flow"], "reform"),
        ["policy", "flow"],
    )
    per_unit = _side_by_side(
        _fen_sums(base, [*KEYS, "flow"], "baseline"), _fen_sums(new, [*KEYS, "flow"], "reform"), [*KEYS, "flow"]
    )
    per_unit = per_unit.with_columns((pl.col("reform") - pl.col("baseline")).alias("difference")).join(
        units, on=KEYS, how="left"
    )
    by_group = {}
    for group in GROUPS:
        sums = per_unit.group_by(group, "flow").agg(pl.col("baseline").sum(), pl.col("reform").sum())
        by_group[group] = sums.join(_moved(per_unit, group), on=[group, "flow"], nulls_equal=True)
    return Sums(by_policy, by_group, {g: units.group_by(g).agg(pl.len().alias("units")) for g in GROUPS})


def incremental_sums(baseline: Baseline, old: pl.DataFrame, new: pl.DataFrame, recomputed: list[str]) -> Sums:
    """The sums from the kept baseline and, for the ``recomputed`` policies, their counted
    money before (``old``) and after (``new``) the reform: the baseline's sums corrected by
    the difference of the units whose money changed."""
    base_policy = baseline.by_policy.rename({"fen": "baseline"})
    kept = base_policy.filter(~pl.col("policy").is_in(recomputed)).select(
        "policy", "flow", pl.col("baseline").alias("reform")
    )
    reform_policy = pl.concat([kept, _fen_sums(new, ["policy", "flow"], "reform")], how="vertical_relaxed")
    by_policy = _side_by_side(base_policy, reform_policy, ["policy", "flow"])
    # lazily: Polars' streaming engine sums the ~4 million rows of a million units' change
    # in a third of the CPU of an eager group-by (exact sums of fen, in any order)
    change = pl.concat([old.lazy().select(*KEYS, "flow", -pl.col("fen")), new.lazy().select(*KEYS, "flow", "fen")])
    per_unit = (
        change.group_by(*KEYS, "flow")
        .agg(pl.col("fen").sum().alias("difference"))
        .filter(pl.col("difference") != 0)
        .collect()
    )
    per_unit = (
        per_unit.lazy().join(baseline.unit_groups().lazy(), on=KEYS, how="left").collect()
        if per_unit.height
        else per_unit.with_columns(*[pl.lit(None, dtype=pl.String).alias(g) for g in GROUPS])
    )
    by_group = {}
    for group in GROUPS:
        sums = (
            baseline.by_group(group)
            .rename({"fen": "baseline"})
            .join(_moved(per_unit, group), on=[group, "flow"], how="full", coalesce=True, nulls_equal=True)
            .with_columns(
                pl.col("baseline").fill_null(0),
                pl.col("difference").fill_null(0),
                pl.col("winners").fill_null(0),
                pl.col("losers").fill_null(0),
            )
        )
        by_group[group] = sums.with_columns((pl.col("baseline") + pl.col("difference")).alias("reform"))
    return Sums(by_policy, by_group, {g: baseline.units(g) for g in GROUPS})


def tables_of(sums: Sums) -> dict[str, pl.DataFrame]:
    """The simulation's tables from its sums (yuan, rounded to the fen)."""
    reg = registry()
    by_flow = (
        pl.DataFrame({"flow": list(MONEY_FLOWS)})
        .join(
            sums.by_policy.group_by("flow").agg(pl.col("baseline").sum(), pl.col("reform").sum()),
            on="flow",
            how="left",
            maintain_order="left",
        )
        .with_columns(
            pl.col("flow").replace_strict(FLOW_NAMES).alias("flow_name"),
            _yuan("baseline").fill_null(0.0),
            _yuan("reform").fill_null(0.0),
        )
        .with_columns((pl.col("reform") - pl.col("baseline")).round(2).alias("difference"))
        .select("flow", "flow_name", "baseline", "reform", "difference")
    )
    by_policy = (
        _flow_order(
            sums.by_policy.filter((pl.col("baseline") != 0) | (pl.col("reform") != 0))
            .with_columns(_yuan("baseline"), _yuan("reform"))
            .with_columns((pl.col("reform") - pl.col("baseline")).round(2).alias("difference")),
            "policy",
        )
        .with_columns(
            pl.col("policy").replace_strict({p: r.title for p, r in reg.rules.items()}, default=None).alias("title")
        )
        .select("policy", "title", "flow", "baseline", "reform", "difference")
    )
    flows = by_flow.filter((pl.col("baseline") != 0) | (pl.col("reform") != 0)).select("flow")
    tables = {"by_flow": by_flow, "by_policy": by_policy}
    for group in GROUPS:
        frame = (
            sums.units[group]
            .join(flows, how="cross")
            .join(sums.by_group[group], on=[group, "flow"], how="left", nulls_equal=True)
        )
        tables[f"by_{group}"] = _flow_order(
            frame.select(
                group,
                "flow",
                pl.col("units").cast(pl.UInt32),
                *[pl.col(c).fill_null(0).cast(pl.UInt32) for c in ("winners", "losers")],
                *[_yuan(c).fill_null(0.0) for c in ("baseline", "reform", "difference")],
            ),
            group,
        )
    return tables


def _group_label(group: str, value: Any, names: dict[str, str]) -> str:
    """A group's Chinese label: a prefecture's name, a size (大型…), an industry section's name."""
    if value is None:
        return "未知"
    if group == "size":
        return SIZE_NAMES.get(str(value), str(value))
    if group == "prefecture":
        return _region_label(str(value), names.get(str(value)))
    if group == "industry_section":
        try:
            return section_name(str(value))
        except ValueError:
            return f"行业门类 {value}（未能识别）"
    return str(value)


def _setting_text(name: str, value: Any) -> str:
    """A reform's setting in words: the policy's title, the parameter's description, the new
    value (the parameter's name small, as it was set)."""
    reg = registry()
    param = reg.parameters.get(name)
    rule = next((r for pid, r in reg.rules.items() if name.startswith(pid + ".")), None)
    words = "·".join(x for x in (rule.title if rule else "", param.description if param else "") if x)
    return f"{html.escape(words or name)} 调整为 {html.escape(str(value))}<small>（{html.escape(name)}）</small>"


def write_simulation(tables: dict[str, pl.DataFrame], out: Path, reform: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.write_csv(out / f"simulation_{name}.csv", float_precision=2)
    _png(tables, out / "simulation.png")
    by_flow, by_policy = tables["by_flow"], tables["by_policy"]
    money = [r for r in by_flow.iter_rows(named=True) if r["baseline"] or r["reform"]]
    flow_rows = "".join(
        f"<tr><td>{r['flow_name']}</td><td class='n'>{r['baseline']:,.2f}</td><td class='n'>{r['reform']:,.2f}</td>"
        f"<td class='n'>{r['difference']:,.2f}</td></tr>"
        for r in by_flow.iter_rows(named=True)
    )
    policy_sections, charts = [], []
    for flow in [r["flow"] for r in money]:
        mine = by_policy.filter(pl.col("flow") == flow)
        charts.append(
            f"<h3>{FLOW_NAMES[flow]}：各项政策的差额</h3>"
            + _bars(
                [(r["title"] or "（未知政策）", float(r["difference"])) for r in mine.iter_rows(named=True)],
                "元",
                f"{FLOW_NAMES[flow]}：各项政策调整后与基线的差额",
            )
        )
        total = by_flow.filter(pl.col("flow") == flow).row(0, named=True)
        rows = "".join(
            f"<tr><td>{html.escape(r['title'] or r['policy'])}</td><td class='n'>{r['baseline']:,.2f}</td>"
            f"<td class='n'>{r['reform']:,.2f}</td><td class='n'>{r['difference']:,.2f}</td></tr>"
            for r in mine.iter_rows(named=True)
        )
        rows += (
            f"<tr class='total'><td>合计（{FLOW_NAMES[flow]}）</td><td class='n'>{total['baseline']:,.2f}</td>"
            f"<td class='n'>{total['reform']:,.2f}</td><td class='n'>{total['difference']:,.2f}</td></tr>"
        )
        policy_sections.append(
            f"<h3>{FLOW_NAMES[flow]}</h3><table><tr><th>政策</th><th class='n'>基线（元）</th>"
            f"<th class='n'>调整后（元）</th><th class='n'>差额（元）</th></tr>{rows}</table>"
        )
    sections = []
    names = _names(sorted({str(v) for v in tables["by_prefecture"]["prefecture"].drop_nulls().to_list()}))
    for group, label in GROUPS.items():
        frame = tables[f"by_{group}"]
        for flow in [r["flow"] for r in money]:
            mine = frame.filter(pl.col("flow") == flow)
            bars = [
                (_group_label(group, r[group], names), float(r["difference"]))
                for r in mine.iter_rows(named=True)
                if r["difference"] != 0
            ]
            table = "".join(
                f"<tr><td>{html.escape(_group_label(group, r[group], names))}</td><td class='n'>{r['units']:,}</td>"
                f"<td class='n'>{r['winners']:,}</td><td class='n'>{r['losers']:,}</td>"
                f"<td class='n'>{r['difference']:,.2f}</td></tr>"
                for r in mine.iter_rows(named=True)
            )
            sections.append(
                f"<h3>{FLOW_NAMES[flow]}：按{label}</h3><table><tr><th>{label}</th><th class='n'>单位</th>"
                f"<th class='n'>受益</th><th class='n'>受损</th><th class='n'>差额（元）</th></tr>"
                f"{table}</table>"
            )
            charts.append(
                f"<h3>{FLOW_NAMES[flow]}：按{label}的差额</h3>"
                + _bars(bars, "元", f"{FLOW_NAMES[flow]}：按{label}的差额（负数为减少）")
            )
    settings = "；".join(_setting_text(k, v) for k, v in reform.items())
    (out / "simulation.html").write_text(
        f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>政策模拟</title>
<style>{STYLE}</style></head><body>
<h1>政策模拟</h1><p>调整：{settings}</p>
<h2>按资金性质</h2><table><tr><th>资金性质</th><th class='n'>基线（元）</th><th class='n'>调整后（元）</th>
<th class='n'>差额（元）</th></tr>{flow_rows}</table>
<p><small>各类资金性质不同，分列而不相加；同一笔资金只计一次。</small></p>
<h2 id="charts">差额一览（按资金性质分别作图；红色为减少）</h2>{"".join(charts) or "<p>（无）</p>"}
<img src="simulation.png" alt="各政策基线与调整后金额（按资金性质）" width="760">
<h2 id="policies">各项政策</h2>{"".join(policy_sections) or "<p>（无）</p>"}
<h2>受益与受损</h2>{"".join(sections)}</body></html>
""",
        encoding="utf-8",
    )


#: fonts with Chinese glyphs, the first one installed is used
CJK_FONTS = [
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "DejaVu Sans",
]


def _short(text: str, width: int = 26) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _png(tables: dict[str, pl.DataFrame], path: Path) -> None:
    """Baseline and reform of each policy (by title), one panel per flow with money."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_policy = tables["by_policy"]
    flows = [f for f in MONEY_FLOWS if (by_policy["flow"] == f).any()]
    heights = [max(1, int((by_policy["flow"] == f).sum())) for f in flows] or [1]
    with (
        matplotlib.rc_context({"font.family": "sans-serif", "font.sans-serif": CJK_FONTS, "axes.unicode_minus": False}),
        warnings.catch_warnings(),
    ):
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        warnings.filterwarnings("ignore", message="findfont")
        fig, axes = plt.subplots(
            len(heights),
            1,
            figsize=(10, max(2.5, 0.45 * sum(heights) + 1.2 * len(heights))),
            gridspec_kw={"height_ratios": heights},
            squeeze=False,
        )
        for ax, flow in zip(axes[:, 0], flows, strict=False):
            frame = by_policy.filter(pl.col("flow") == flow)
            y = range(frame.height)
            ax.barh([i + 0.2 for i in y], frame["baseline"].to_list(), height=0.4, label="基线")
            ax.barh([i - 0.2 for i in y], frame["reform"].to_list(), height=0.4, label="调整后")
            labels = [_short(t or p) for t, p in zip(frame["title"].to_list(), frame["policy"].to_list(), strict=True)]
            ax.set_yticks(list(y), labels, fontsize=8)
            ax.invert_yaxis()  # in the table's order, top down
            ax.set_title(FLOW_NAMES[flow], fontsize=10)
            ax.set_xlabel("元")
            ax.legend(fontsize=8)
        if not flows:
            axes[0, 0].text(0.5, 0.5, "（无资金）", ha="center", va="center")
            axes[0, 0].set_axis_off()
        fig.tight_layout()
        fig.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(fig)
