"""The raw limit: a bare Polars lazy scan + aggregate computing the same four
amounts, against renshe's time for the same four rules on the same data.

    .venv/bin/python benchmarks/vs_polars_scan.py --units 100000 [--seed 1] [--json]
        [--registry DIR] [--out DIR] [--partition-size 50000] [--repeat 1]

The registry is made (or reused) and staged exactly as in vs_openfisca.py;
both sides read the same staged parquet files.

- polars: one hand-written lazy query over all partitions — scan the units,
  the contribution rows and the headcount rows the four rules read (fee months
  2020-02..06; headcounts 2018-12..2020-04), aggregate them per unit, compute
  cn.si_relief_2020, cn.si_feb_refund_2020, beijing.one_time_si_subsidy_2020
  and henan.stable_job_refund_2020 (henan.ui_benefit_monthly_2019 = 1520),
  round half up to the fen, collect. No reasons, citations, traces or
  per-rule plans: the least work that yields the amounts. Parameters are
  written in as literals (the same values as renshe's YAML).
- renshe: load_population + run(..., batch=True) of the four rules per partition, one process
  (the same measurement as vs_openfisca.py).

Amounts are checked equal (ineligible = 0, fen, tolerance 0.005 yuan).
The last line of stdout is one JSON object: units, polars_s, renshe_s,
multiple (renshe_s / polars_s), equal, and details.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

SI3 = ["pension", "unemployment", "work_injury"]
BJ_INSURANCES = ["pension", "medical", "unemployment"]
SME = ["medium", "small", "micro"]
M2019 = [f"2019-{m:02d}" for m in range(1, 13)]
M2020 = ["2020-01", "2020-02", "2020-03", "2020-04"]
MSUB = ["2020-02", "2020-03", "2020-04"]
HENAN_BENEFIT = common.OVERRIDES["henan.ui_benefit_monthly_2019"]


def fen(expr: pl.Expr) -> pl.Expr:
    """Half up to the fen (renshe.engine.money.round_fen)."""
    return (expr.sign() * ((expr.abs() * 100).round(6) + 0.5).floor() / 100).round(2)


def query(work: Path, partition_size: int) -> pl.LazyFrame:
    pos = (pl.col("_part") * partition_size + pl.col("_u").cast(pl.Int64)).alias("pos")
    units = pl.scan_parquet(work / "units.parquet").select(
        pos, "region", "unit_type", pl.col("size_class").alias("size"), "state_owned", "flags", "attrition_2019"
    )
    hubei = pl.col("region").str.starts_with("42")
    sme_like = (pl.col("size").is_in(SME) & (pl.col("unit_type") == "enterprise")) | (
        pl.col("unit_type") == "individual_business"
    )
    halved = ((pl.col("unit_type") == "enterprise") & (pl.col("size") == "large")) | pl.col("unit_type").is_in(
        ["private_non_enterprise", "social_group"]
    )
    excluded = pl.col("unit_type").is_in(["public_institution", "government_agency"])
    units = units.with_columns(
        pl.when(excluded)
        .then(None)
        .when(hubei | sme_like)
        .then(1.0)
        .when(halved)
        .then(0.5)
        .otherwise(None)
        .alias("ratio"),
        (hubei | sme_like).fill_null(False).alias("full_window"),
    )

    # Aggregations are plain sums / maxima of columns prepared row-wise before the
    # group_by (Polars' fast path; a filter inside the aggregation is far slower).
    month, ins = pl.col("month"), pl.col("insurance")
    due, paid = pl.col("employer_due").fill_null(0.0), pl.col("employer_paid").fill_null(0.0)
    si3 = ins.is_in(SI3)
    feb = si3 & (month == "2020-02")
    rows = (
        pl.scan_parquet(work / "tables" / "contributions" / "**" / "*.parquet", hive_partitioning=True)
        .filter(month.is_between(pl.lit("2020-02"), pl.lit("2020-06")) & ins.is_in(SI3 + BJ_INSURANCES))
        .select(
            pos,
            pl.when(si3 & (month <= "2020-04")).then(due).otherwise(0.0).alias("due_feb_apr"),
            pl.when(si3 & (month >= "2020-05")).then(due).otherwise(0.0).alias("due_may_jun"),
            pl.when(ins.is_in(BJ_INSURANCES) & (month <= "2020-04")).then(paid).otherwise(0.0).alias("bj_paid"),
            # February refund per row, max(0, paid − due × (1 − ratio)), for both ratios in force
            # (exemption 1.0, halving 0.5); the unit's ratio picks one after the group_by
            pl.when(feb).then(paid.clip(lower_bound=0)).otherwise(0.0).alias("refund_full"),
            pl.when(feb).then((paid - due * 0.5).clip(lower_bound=0)).otherwise(0.0).alias("refund_half"),
        )
    )
    sums = rows.group_by("pos").agg(pl.exclude("pos").sum())
    h = pl.col("headcount").cast(pl.Float64)
    in19, in20, insub = month.is_in(M2019), month.is_in(M2020), month.is_in(MSUB)
    heads = (
        pl.scan_parquet(work / "tables" / "insured" / "**" / "*.parquet", hive_partitioning=True)
        .filter(month.is_between(pl.lit("2018-12"), pl.lit("2020-04")))
        .select(
            pos,
            pl.when(month == "2018-12").then(h).alias("h_2018_12"),
            pl.when(month == "2019-12").then(h).alias("h_2019_12"),
            pl.when(in19).then(h).otherwise(0.0).alias("s19"),
            in19.cast(pl.Int32).alias("n19"),
            pl.when(in20).then(h).otherwise(0.0).alias("s20"),
            in20.cast(pl.Int32).alias("n20"),
            pl.when(insub).then(h).otherwise(0.0).alias("ssub"),
            insub.cast(pl.Int32).alias("nsub"),
        )
        .group_by("pos")
        .agg(pl.col("h_2018_12", "h_2019_12").max(), pl.col("s19", "n19", "s20", "n20", "ssub", "nsub").sum())
    )
    t = units.join(sums, on="pos", how="left").join(heads, on="pos", how="left")

    due = pl.col("due_feb_apr").fill_null(0.0) + pl.when(pl.col("full_window")).then(pl.col("due_may_jun")).otherwise(
        0.0
    ).fill_null(0.0)
    relief = pl.when(pl.col("ratio").is_not_null()).then(due * pl.col("ratio")).otherwise(0.0)
    refund = (
        pl.when(pl.col("ratio") == 1.0)
        .then(pl.col("refund_full"))
        .when(pl.col("ratio") == 0.5)
        .then(pl.col("refund_half"))
        .otherwise(0.0)
        .fill_null(0.0)
    )

    growth = (
        pl.when(pl.col("n20") == len(M2020)).then(pl.col("s20") / len(M2020))
        / pl.when(pl.col("n19") == len(M2019)).then(pl.col("s19") / len(M2019))
        - 1
    ).round(10)
    bj_ok = (
        pl.col("region").str.starts_with("11")
        & pl.col("size").is_in(SME)
        & ~pl.col("state_owned")
        & pl.col("flags").list.contains("capital_function")
        & ~pl.col("flags").list.contains("restricted_list")
        & (growth >= 0)
    )
    share = pl.when(growth >= 0.2).then(0.5).otherwise(0.3) * pl.col("bj_paid").fill_null(0.0)
    cap = pl.when(pl.col("nsub") > 0).then(pl.col("ssub") / pl.col("nsub")) * 6315
    bj = pl.when(bj_ok.fill_null(False)).then(pl.min_horizontal(share, cap)).otherwise(0.0)

    base, end = pl.col("h_2018_12"), pl.col("h_2019_12")
    rate = pl.when(base > 0).then((1 - (end + pl.col("attrition_2019")) / base).clip(lower_bound=0.0).round(10))
    limit = pl.when(end <= 30).then(0.2).otherwise(0.055)
    hn_ok = (
        pl.col("region").str.starts_with("41")
        & pl.col("size").is_in(SME)
        & pl.col("flags").list.contains("epidemic_affected")
        & (rate <= limit)
    )
    hn = pl.when(hn_ok.fill_null(False)).then(6 * HENAN_BENEFIT * end).otherwise(0.0)

    return t.select(
        "pos",
        fen(relief).alias("cn.si_relief_2020"),
        fen(refund).alias("cn.si_feb_refund_2020"),
        fen(bj).fill_null(0.0).alias("beijing.one_time_si_subsidy_2020"),
        fen(hn).fill_null(0.0).alias("henan.stable_job_refund_2020"),
    )


def run_polars(staged: common.Staged) -> tuple[float, pl.DataFrame]:
    start = time.perf_counter()
    frame = query(staged.work, staged.partition_size).collect()
    return time.perf_counter() - start, frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print only the JSON line on stdout")
    parser.add_argument("--registry", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--partition-size", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    renshe_setup_s = common.load_renshe_registry()
    staged = common.prepare(args.units, args.seed, args.registry, args.out, args.partition_size)
    try:
        best_r: common.RensheRun | None = None
        best_p: tuple[float, pl.DataFrame] | None = None
        for i in range(args.repeat):
            common.log(f"run {i + 1}/{args.repeat}: polars scan…")
            p = run_polars(staged)
            common.log(f"  polars {p[0]:.3f} s")
            if best_p is None or p[0] < best_p[0]:
                best_p = p
            del p
            gc.collect()
            common.log(f"run {i + 1}/{args.repeat}: renshe over {staged.partitions} partition(s)…")
            r = common.run_renshe(staged)
            common.log(f"  renshe {r.seconds:.3f} s (load {r.load_s:.3f} s, run {r.run_s:.3f} s)")
            if best_r is None or r.seconds < best_r.seconds:
                best_r = r
            del r
            gc.collect()
        assert best_r is not None and best_p is not None

        frame = best_p[1]
        polars_amounts = {}
        for rid in common.RULE_IDS:
            values = np.zeros(staged.units)
            values[frame["pos"].to_numpy()] = frame[rid].to_numpy()
            polars_amounts[rid] = values
        uscc = pl.read_parquet(staged.work / "units.parquet", columns=["uscc"])["uscc"].to_numpy()
        equal, mismatches = common.compare("renshe", best_r.amounts, "polars", polars_amounts, uscc)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        result = {
            "units": staged.units,
            "polars_s": common.r3(best_p[0]),
            "renshe_s": common.r3(best_r.seconds),
            "multiple": round(best_r.seconds / best_p[0], 3),
            "equal": equal,
            "mismatches": mismatches,
            "renshe_load_s": common.r3(best_r.load_s),
            "renshe_run_s": common.r3(best_r.run_s),
            "polars_units_per_s": round(staged.units / best_p[0]),
            "renshe_units_per_s": round(staged.units / best_r.seconds),
            "renshe_setup_s": common.r3(renshe_setup_s),
            "make_registry_s": common.r3(staged.make_s),
            "stage_s": common.r3(staged.stage_s),
            "partitions": staged.partitions,
            "partition_size": staged.partition_size,
            "repeat": args.repeat,
            "seed": args.seed,
            "peak_rss_gib": round(peak, 2),
            "machine": common.machine(),
        }
        if not args.json:
            print(
                f"{staged.units:,} units: polars {result['polars_s']} s, renshe {result['renshe_s']} s "
                f"(renshe / polars = {result['multiple']}); amounts equal: {equal}"
            )
        common.last_line(result)
    finally:
        staged.close()


if __name__ == "__main__":
    main()
