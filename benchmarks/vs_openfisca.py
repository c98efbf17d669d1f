"""renshe against OpenFisca on the same four enterprise rules and the same registry.

    .venv/bin/python benchmarks/vs_openfisca.py --units 100000 [--seed 1] [--json]
        [--registry DIR] [--out DIR] [--partition-size 50000] [--repeat 1] [--float32] [--openfisca-long]

1. Makes (or reuses, ``--registry``) a demo registry of N units
   (``renshe.batch.demo.make_registry``) and stages it into partitions as the
   batch does (``renshe.batch.runner``; reused from ``--out`` when it matches).
   Neither step is timed in ``renshe_s`` / ``openfisca_s`` (reported apart).
2. renshe: for every partition, ``load_population`` + ``run(..., batch=True)`` of
   cn.si_relief_2020, cn.si_feb_refund_2020, beijing.one_time_si_subsidy_2020
   and henan.stable_job_refund_2020 (henan.ui_benefit_monthly_2019 = 1520),
   one process — what ``evaluate_partition`` does, without writing the file.
3. OpenFisca (``benchmarks/openfisca_rules``): read the same staged files
   (Polars; the pivoted monthly series, ``renshe.batch.series``, as plain column
   reads), turn them into one numpy array per input variable and period,
   build one simulation of all N units (``SimulationBuilder``,
   ``set_input``), and calculate the four amounts with vectorised formulas.
4. Checks that every amount is equal (ineligible = 0; both rounded half up to
   the fen; tolerance 0.005 yuan), mismatches (first 10) on stderr.

``renshe_s`` and ``openfisca_s`` cover the same work: loading the inputs into
the engine's own structures + evaluating the rules. Each engine's one-off
set-up (renshe's rule registry, OpenFisca's tax-benefit system) is reported
apart (``*_setup_s``). Both engines get the size class renshe computes as an
input (classification is not part of the comparison; renshe's time does
include its own classification step inside ``load_population``, reported as
``renshe_classify_s`` for information).

The last line of stdout is one JSON object: units, renshe_s, openfisca_s,
ratio (openfisca_s / renshe_s), equal, and details; ``ratio_money_only`` beside it:
renshe without its reason texts (``run(..., reasons=False)``: status and amounts, what
a simulation runs), the work OpenFisca's formulas do.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common

CONTRIBUTION_MONTHS = ["2020-02", "2020-03", "2020-04", "2020-05", "2020-06"]
INSURANCES = ["pension", "unemployment", "work_injury", "medical"]
INSURED_MONTHS_FROM, INSURED_MONTHS_TO = "2018-12", "2020-04"
PERIOD = "2020-07"  # the month of the judgment date (as_of 2020-07-31)


def month_range(first: str, last: str) -> list[str]:
    from renshe.engine.calc import month_range as mr

    return mr(first, last)


def load_openfisca_inputs(work: Path, partition_size: int, long: bool = False) -> dict[str, Any]:
    """Read the staged registry into one numpy array per OpenFisca input (and period).

    Vectorised: Polars reads and filters the parquet files; each long table is
    scattered into a (period, unit) matrix by one ``np.bincount`` (sums, absent
    rows = 0) or one fancy-index assignment (headcounts, absent = NaN)."""
    import openfisca_rules as model
    import polars as pl

    pos = pl.col("_part") * partition_size + pl.col("_u").cast(pl.Int64)

    def code(column: str, values: list[str]) -> pl.Expr:
        """The position of each (already filtered) value in ``values``, as Int64."""
        return pl.col(column).cast(pl.Enum(values)).to_physical().cast(pl.Int64)

    units = pl.read_parquet(
        work / "units.parquet",
        columns=["_part", "_u", "region", "unit_type", "size_class", "state_owned", "flags", "attrition_2019"],
    )
    n = units.height
    unit_types = {name: member.index for name, member in model.UnitType.__members__.items()}
    sizes = {name: member.index for name, member in model.Size.__members__.items()}
    u = units.select(
        pos.alias("pos"),
        pl.col("region").str.starts_with("11").fill_null(False).alias("region_beijing"),
        pl.col("region").str.starts_with("41").fill_null(False).alias("region_henan"),
        pl.col("region").str.starts_with("42").fill_null(False).alias("region_hubei"),
        pl.col("unit_type").replace_strict(unit_types, default=unit_types["unknown"], return_dtype=pl.Int16),
        pl.col("size_class").replace_strict(sizes, default=sizes["unknown"], return_dtype=pl.Int16).alias("size"),
        pl.col("state_owned").fill_null(False),
        *[
            pl.col("flags").list.contains(f).fill_null(False).alias(f"flag_{f}")
            for f in ("capital_function", "restricted_list", "epidemic_affected")
        ],
        pl.col("attrition_2019").cast(pl.Float64).fill_null(float("nan")),
    )
    if not np.array_equal(u["pos"].to_numpy(), np.arange(n)):
        raise SystemExit("staged units are not in partition order")
    eternal = {c: u[c].to_numpy() for c in u.columns if c != "pos"}

    imonths = month_range(INSURED_MONTHS_FROM, INSURED_MONTHS_TO)
    pivoted = None if long else pivoted_inputs(work, n, imonths)
    if pivoted is not None:
        return {"n": n, "eternal": eternal, "monthly": pivoted}

    months = {m: i for i, m in enumerate(CONTRIBUTION_MONTHS)}
    insurances = {name: i for i, name in enumerate(INSURANCES)}
    k = len(months) * len(insurances)
    contributions = (
        pl.scan_parquet(work / "tables" / "contributions" / "**" / "*.parquet", hive_partitioning=True)
        .filter(pl.col("month").is_in(CONTRIBUTION_MONTHS) & pl.col("insurance").is_in(INSURANCES))
        .select(
            ((code("month", CONTRIBUTION_MONTHS) * len(insurances) + code("insurance", INSURANCES)) * n + pos).alias(
                "key"
            ),
            pl.col("employer_due").fill_null(0.0),
            pl.col("employer_paid").fill_null(0.0),
        )
        .collect()
    )
    key = contributions["key"].to_numpy()
    due = np.bincount(key, weights=contributions["employer_due"].to_numpy(), minlength=k * n).reshape(
        len(months), len(insurances), n
    )
    paid = np.bincount(key, weights=contributions["employer_paid"].to_numpy(), minlength=k * n).reshape(
        len(months), len(insurances), n
    )
    del contributions, key

    insured = (
        pl.scan_parquet(work / "tables" / "insured" / "**" / "*.parquet", hive_partitioning=True)
        .filter(pl.col("month").is_in(imonths))
        .select(
            (code("month", imonths) * n + pos).alias("key"),
            pl.col("headcount").cast(pl.Float64).fill_null(float("nan")),
        )
        .collect()
    )
    heads = np.full(len(imonths) * n, np.nan)
    heads[insured["key"].to_numpy()] = insured["headcount"].to_numpy()
    heads = heads.reshape(len(imonths), n)

    monthly: list[tuple[str, str, np.ndarray]] = []
    for m, i in months.items():
        for ins, j in insurances.items():
            monthly.append((f"employer_due_{ins}", m, due[i, j]))
            monthly.append((f"employer_paid_{ins}", m, paid[i, j]))
    for i, m in enumerate(imonths):
        monthly.append(("insured_headcount", m, heads[i]))
    return {"n": n, "eternal": eternal, "monthly": monthly}


def pivoted_inputs(work: Path, n: int, imonths: list[str]) -> list[tuple[str, str, np.ndarray]] | None:
    """The monthly inputs as plain column reads of the staged series (``renshe.batch.series``:
    one column per month × insurance, units in partition order), None when not staged.
    An absent cell is 0 for money (no contribution row) and NaN for a headcount."""
    import polars as pl

    from renshe.batch.series import FOLDER
    from renshe.engine.series import column

    files = {t: sorted((work / FOLDER / t).glob("part-*.parquet")) for t in ("contributions", "insured")}
    if not all(files.values()):
        return None
    wanted = {
        ("contributions", f"employer_{kind}", m, ins): (f"employer_{kind}_{ins}", m, 0.0)
        for m in CONTRIBUTION_MONTHS
        for ins in INSURANCES
        for kind in ("due", "paid")
    }
    wanted.update({("insured", "headcount", m): ("insured_headcount", m, float("nan")) for m in imonths})
    out: list[tuple[str, str, np.ndarray]] = []
    for table, paths in files.items():
        present = set(pl.read_parquet_schema(paths[0]))
        keys = [key for key in wanted if key[0] == table]
        names = [column(*key) for key in keys if column(*key) in present]
        frame = pl.read_parquet(paths, columns=names)
        if frame.height != n:
            raise SystemExit("staged series do not cover the units")
        for key in keys:
            variable, month, absent = wanted[key]
            name = column(*key)
            values = (
                frame[name].cast(pl.Float64).fill_null(absent).to_numpy() if name in present else np.full(n, absent)
            )
            out.append((variable, month, values))
    return out


def run_openfisca(
    system: Any, work: Path, partition_size: int, long: bool = False
) -> tuple[float, float, float, dict[str, np.ndarray]]:
    """(total s, input loading s, calculation s, amounts by rule id)."""
    import openfisca_rules as model
    from openfisca_core.simulations import SimulationBuilder

    start = time.perf_counter()
    inputs = load_openfisca_inputs(work, partition_size, long)
    simulation = SimulationBuilder().build_default_simulation(system, count=inputs["n"])
    for name, values in inputs["eternal"].items():
        simulation.set_input(name, "ETERNITY", values)
    for name, month, values in inputs["monthly"]:
        simulation.set_input(name, month, values)
    loaded = time.perf_counter()
    amounts = {rid: simulation.calculate(variable, PERIOD) for rid, variable in model.RULES.items()}
    end = time.perf_counter()
    as_float = {rid: np.asarray(a, dtype=np.float64) for rid, a in amounts.items()}
    return end - start, loaded - start, end - loaded, as_float


def classify_time(staged: common.Staged) -> float:
    """renshe's classification (inside load_population) timed alone, for information."""
    import polars as pl

    from renshe.engine.population import with_classification

    columns = ["industry", "employees", "revenue", "assets", "size"]
    frame = pl.read_parquet(staged.work / "units.parquet", columns=columns)
    frame = frame.rename({"size": "size_given"})
    start = time.perf_counter()
    with_classification(frame)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, required=True, help="units in the demo registry")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print only the JSON line on stdout")
    parser.add_argument("--registry", type=Path, help="registry directory to reuse or create (default: temporary)")
    parser.add_argument("--out", type=Path, help="batch output directory holding the staged _work (default: temporary)")
    parser.add_argument("--partition-size", type=int, default=50_000, help="renshe's batch partition size")
    parser.add_argument("--repeat", type=int, default=1, help="run each side this many times; report the fastest")
    parser.add_argument("--float32", action="store_true", help="stock OpenFisca float32 storage (amounts may differ)")
    parser.add_argument(
        "--openfisca-long",
        action="store_true",
        help="OpenFisca reads the long tables (scatter) even where the series are pivoted (information)",
    )
    args = parser.parse_args()

    renshe_setup_s = common.load_renshe_registry()
    staged = common.prepare(args.units, args.seed, args.registry, args.out, args.partition_size)
    try:
        import openfisca_rules as model

        start = time.perf_counter()
        system = model.build(float32=args.float32)
        openfisca_setup_s = time.perf_counter() - start

        best_r: common.RensheRun | None = None
        best_m: common.RensheRun | None = None  # money only: what a simulation runs
        best_o: tuple[float, float, float, dict[str, np.ndarray]] | None = None
        for i in range(args.repeat):
            common.log(f"run {i + 1}/{args.repeat}: renshe over {staged.partitions} partition(s)…")
            r = common.run_renshe(staged)
            common.log(f"  renshe {r.seconds:.3f} s (load {r.load_s:.3f} s, run {r.run_s:.3f} s)")
            if best_r is None or r.seconds < best_r.seconds:
                best_r = r
            del r
            gc.collect()
            m = common.run_renshe(staged, reasons=False)
            common.log(f"  renshe, money only (no reason texts) {m.seconds:.3f} s")
            if best_m is None or m.seconds < best_m.seconds:
                best_m = m
            del m
            gc.collect()
            common.log(f"run {i + 1}/{args.repeat}: OpenFisca, one simulation of {staged.units:,} units…")
            o = run_openfisca(system, staged.work, staged.partition_size, args.openfisca_long)
            common.log(f"  OpenFisca {o[0]:.3f} s (inputs {o[1]:.3f} s, formulas {o[2]:.3f} s)")
            if best_o is None or o[0] < best_o[0]:
                best_o = o
            del o
            gc.collect()
        assert best_r is not None and best_o is not None and best_m is not None

        import polars as pl

        uscc = pl.read_parquet(staged.work / "units.parquet", columns=["uscc"])["uscc"].to_numpy()
        equal, mismatches = common.compare("renshe", best_r.amounts, "openfisca", best_o[3], uscc)
        equal_m, _ = common.compare("renshe (money only)", best_m.amounts, "openfisca", best_o[3], uscc)
        classify_s = classify_time(staged)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        result = {
            "units": staged.units,
            "renshe_s": common.r3(best_r.seconds),
            "openfisca_s": common.r3(best_o[0]),
            "ratio": round(best_o[0] / best_r.seconds, 3),
            "equal": equal,
            "mismatches": mismatches,
            # renshe without the reason texts (status, amounts, money counted: a simulation's run),
            # the work OpenFisca does (amounts only)
            "renshe_money_only_s": common.r3(best_m.seconds),
            "ratio_money_only": round(best_o[0] / best_m.seconds, 3),
            "equal_money_only": equal_m,
            "renshe_load_s": common.r3(best_r.load_s),
            "renshe_run_s": common.r3(best_r.run_s),
            "renshe_classify_s": common.r3(classify_s),
            "openfisca_load_s": common.r3(best_o[1]),
            "openfisca_calc_s": common.r3(best_o[2]),
            "renshe_units_per_s": round(staged.units / best_r.seconds),
            "openfisca_units_per_s": round(staged.units / best_o[0]),
            "renshe_setup_s": common.r3(renshe_setup_s),
            "openfisca_setup_s": common.r3(openfisca_setup_s),
            "make_registry_s": common.r3(staged.make_s),
            "stage_s": common.r3(staged.stage_s),
            "partitions": staged.partitions,
            "partition_size": staged.partition_size,
            "repeat": args.repeat,
            "seed": args.seed,
            "openfisca_float": "float32" if args.float32 else "float64",
            "openfisca_inputs": "long tables" if args.openfisca_long else "pivoted series where staged",
            "peak_rss_gib": round(peak, 2),
            "machine": common.machine(),
        }
        if not args.json:
            print(
                f"{staged.units:,} units: renshe {result['renshe_s']} s, OpenFisca {result['openfisca_s']} s "
                f"(OpenFisca / renshe = {result['ratio']}); amounts equal: {equal}"
            )
        common.last_line(result)
    finally:
        staged.close()


if __name__ == "__main__":
    main()
