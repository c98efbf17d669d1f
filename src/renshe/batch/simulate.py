"""Policy simulation (政策模拟): rerun the batch with overridden parameters and
compare with the baseline — cost, difference, winners and losers by region,
size and industry."""

from __future__ import annotations

import dataclasses
import html
from pathlib import Path
from typing import Any

import polars as pl

from renshe.batch.outputs import SIZE_NAMES, _bars, load_results
from renshe.batch.runner import BatchConfig, Progress, batch_rules, evaluate_all

GROUPS = {"prefecture": "地区（地市）", "size": "企业规模", "industry_section": "行业门类"}


def _paid(work: Path, key: str) -> pl.DataFrame:
    """Money actually paid per unit and policy (overlaps counted once)."""
    money = (pl.col("unit") == "CNY") & pl.col("eligible") & pl.col("overlaps").is_null()
    return (
        load_results(work, key)
        .filter(money.fill_null(False))
        .select("uscc", "region", "size", "industry", "policy", pl.col("amount").fill_null(0.0))
        .collect()
    )


def simulate(config: BatchConfig, reform: dict[str, Any], progress: Progress | None = None) -> dict[str, pl.DataFrame]:
    """``config.overrides`` apply to both runs; ``reform`` to the reform only."""
    rule_ids = batch_rules(config.policies)
    base_info = evaluate_all(config, rule_ids, progress)
    reform_config = dataclasses.replace(config, overrides={**config.overrides, **reform})
    reform_info = evaluate_all(reform_config, rule_ids, progress)
    base = _paid(config.work, base_info["key"])
    new = _paid(config.work, reform_info["key"])
    by_policy = (
        base.group_by("policy").agg(pl.col("amount").sum().alias("baseline"))
        .join(new.group_by("policy").agg(pl.col("amount").sum().alias("reform")), on="policy", how="full", coalesce=True)
        .with_columns(pl.col("baseline").fill_null(0.0).round(2), pl.col("reform").fill_null(0.0).round(2))
        .with_columns((pl.col("reform") - pl.col("baseline")).round(2).alias("difference"))
        .filter((pl.col("baseline") != 0) | (pl.col("reform") != 0))
        .sort("policy")
    )
    units = pl.scan_parquet(config.work / "units.parquet").select(
        "uscc", "region", pl.col("size_class").alias("size"), "industry").collect()
    per_unit = (
        units.join(base.group_by("uscc").agg(pl.col("amount").sum().alias("baseline")), on="uscc", how="left")
        .join(new.group_by("uscc").agg(pl.col("amount").sum().alias("reform")), on="uscc", how="left")
        .with_columns(pl.col("baseline").fill_null(0.0), pl.col("reform").fill_null(0.0))
        .with_columns((pl.col("reform") - pl.col("baseline")).round(2).alias("change"),
                      pl.col("region").str.slice(0, 4).alias("prefecture"),
                      pl.col("industry").str.slice(0, 1).alias("industry_section"))
    )
    tables = {"by_policy": by_policy}
    for group in GROUPS:
        tables[f"by_{group}"] = (
            per_unit.group_by(group)
            .agg(pl.len().alias("units"),
                 (pl.col("change") > 0).sum().alias("winners"), (pl.col("change") < 0).sum().alias("losers"),
                 pl.col("baseline").sum().round(2).alias("baseline"), pl.col("reform").sum().round(2).alias("reform"),
                 pl.col("change").sum().round(2).alias("difference"))
            .sort(group, nulls_last=True)
        )
    return tables


def write_simulation(tables: dict[str, pl.DataFrame], out: Path, reform: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.write_csv(out / f"simulation_{name}.csv", float_precision=2)
    by_policy = tables["by_policy"]
    _png(tables, out / "simulation.png")
    rows = "".join(
        f"<tr><td>{r['policy']}</td><td>{r['baseline']:,.2f}</td><td>{r['reform']:,.2f}</td><td>{r['difference']:,.2f}</td></tr>"
        for r in by_policy.iter_rows(named=True))
    sections = []
    for group, label in GROUPS.items():
        frame = tables[f"by_{group}"]
        bars = [(SIZE_NAMES.get(str(r[group]), str(r[group])) if group == "size" else str(r[group]), float(r["difference"]))
                for r in frame.iter_rows(named=True) if r["difference"] > 0]
        table = "".join(f"<tr><td>{html.escape(str(r[group]))}</td><td>{r['units']:,}</td><td>{r['winners']:,}</td>"
                        f"<td>{r['losers']:,}</td><td>{r['difference']:,.2f}</td></tr>" for r in frame.iter_rows(named=True))
        sections.append(f"<h2>按{label}</h2><table><tr><th>{label}</th><th>单位</th><th>受益</th><th>受损</th><th>差额（元）</th></tr>"
                        f"{table}</table>{_bars(bars, '元')}")
    settings = "；".join(f"{html.escape(k)} = {html.escape(str(v))}" for k, v in reform.items())
    (out / "simulation.html").write_text(
        f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>政策模拟</title></head><body>
<h1>政策模拟</h1><p>调整：{settings}</p><img src="simulation.png" alt="各政策基线与调整后金额" width="720">
<h2>各项政策</h2><table><tr><th>政策</th><th>基线（元）</th><th>调整后（元）</th><th>差额（元）</th></tr>{rows}</table>
{''.join(sections)}</body></html>
""", encoding="utf-8")


def _png(tables: dict[str, pl.DataFrame], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = tables["by_policy"]
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.45 * frame.height + 1)))
    y = range(frame.height)
    ax.barh([i + 0.2 for i in y], frame["baseline"].to_list(), height=0.4, label="baseline")
    ax.barh([i - 0.2 for i in y], frame["reform"].to_list(), height=0.4, label="reform")
    ax.set_yticks(list(y), frame["policy"].to_list(), fontsize=8)
    ax.set_xlabel("CNY")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)
