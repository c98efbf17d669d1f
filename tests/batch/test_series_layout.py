"""The staged layout made for rules (batch.series): the monthly series pivoted once per
partition at staging, read by the rules' helpers as columns, and only what the chosen
rules read loaded. The batch's answers must not change: the same partition evaluated
over the series equals it over the long tables, and equals the single-case answers."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from renshe.batch.demo import make_registry
from renshe.batch.partition import evaluate_partition, load_population
from renshe.batch.runner import BatchConfig, batch_rules, run_batch
from renshe.batch.series import FOLDER
from renshe.engine import series
from renshe.engine.calc import UNIT_KEY
from renshe.engine.calculator import evaluate_json
from renshe.engine.evaluate import REASON_JOIN, missing_paths, needs, plan_for, run
from renshe.engine.parameters import ParameterView
from renshe.engine.population import Population
from renshe.engine.rules import registry as rule_registry
from tests.batch.test_batch import AS_OF, OVERRIDES, case_for

PARTITION = 150
#: the rules whose helpers read the series (contributions by month × insurance, headcounts by month)
SERIES_RULES = (
    "cn.si_relief_2020",
    "cn.si_feb_refund_2020",
    "beijing.one_time_si_subsidy_2020",
    "henan.stable_job_refund_2020",
)


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    registry = tmp_path_factory.mktemp("registry")
    make_registry(600, 11, registry)
    out = tmp_path_factory.mktemp("out")
    run_batch(BatchConfig(registry, AS_OF, out, overrides=OVERRIDES, partition_size=PARTITION, workers=1))
    return registry, out / "_work"


def _overrides_json() -> str:
    return json.dumps(OVERRIDES, sort_keys=True)


def test_series_are_staged_and_read_instead_of_the_long_tables(staged: tuple[Path, Path]) -> None:
    _, work = staged
    assert sorted(p.name for p in (work / FOLDER).iterdir()) == ["_bounds", "contributions", "insured"]
    pop, _ = load_population(work, 0, only=lambda shape: needs(shape, AS_OF, OVERRIDES, list(SERIES_RULES)))
    frame = pop.entities["enterprise"]
    # only the columns these rules read: a few series cells, not the 139 unit columns
    assert "contributions|employer_due|2020-02|pension" in frame.columns
    assert "contributions|employer_due|2019-07|maternity" not in frame.columns
    assert "name" not in frame.columns
    assert all(t.height == 0 for t in pop.tables["enterprise"].values())
    params = ParameterView(rule_registry().parameters, AS_OF, OVERRIDES)
    for rid in SERIES_RULES:  # no group-by and join of a long table left in the plans
        plan = plan_for(rule_registry().rules[rid], params, True, pop)
        assert not isinstance(plan, str) and plan.tables == frozenset(), rid


def test_results_over_the_series_equal_those_over_the_long_tables(staged: tuple[Path, Path], tmp_path: Path) -> None:
    """Every enterprise rule, every partition: the result files are the same frame with the
    series staged and without them (the helpers then group and join the long tables)."""
    _, work = staged
    long = tmp_path / "_work"
    shutil.copytree(work, long)
    shutil.rmtree(long / FOLDER)
    shutil.rmtree(long / "results")
    rules = batch_rules(None)
    parts = -(-600 // PARTITION)
    for part in range(parts):
        wide_rel = evaluate_partition(str(work), part, AS_OF.isoformat(), _overrides_json(), rules)
        long_rel = evaluate_partition(str(long), part, AS_OF.isoformat(), _overrides_json(), rules)
        wide_frame, long_frame = pl.read_parquet(work / wide_rel), pl.read_parquet(long / long_rel)
        assert wide_frame.height > 0
        assert_frame_equal(wide_frame, long_frame, check_exact=True)


def test_batch_results_equal_the_single_case_answers(staged: tuple[Path, Path]) -> None:
    """A sample of units (Beijing, Henan, Hubei and elsewhere): the status, amount, reasons
    and outputs of the rules that read the series, in the partition file, are those of
    the calculator for the unit's case (``case_for`` carries the facts these rules read)."""
    registry, work = staged
    rules = batch_rules(None)
    units = pl.read_parquet(work / "units.parquet", columns=["_part", "_u", "uscc", "region"])
    sample = pl.concat([units.filter(pl.col("region").str.starts_with(p)).head(4) for p in ("11", "41", "42", "3")])
    assert sample.height >= 12
    compared = 0
    for unit in sample.iter_rows(named=True):
        rel = evaluate_partition(str(work), unit["_part"], AS_OF.isoformat(), _overrides_json(), rules)
        rows = pl.read_parquet(work / rel).filter(pl.col("_u") == unit["_u"])
        body = evaluate_json(case_for(registry, unit["uscc"]), everything=True)
        single = {r["policy"]: r for r in body["results"]}
        for row in rows.filter(pl.col("policy").is_in(SERIES_RULES)).iter_rows(named=True):
            answer = single[row["policy"]]
            assert row["status"] == answer["status"], (unit["uscc"], row["policy"])
            if not row["in_scope"]:
                continue
            assert row["amount"] == answer["amount"], (unit["uscc"], row["policy"])
            assert row["reasons"] == REASON_JOIN.join(answer["reasons"]), (unit["uscc"], row["policy"])
            period = answer.get("period") or {}
            assert (row["period_from"], row["period_to"]) == (period.get("from"), period.get("to")), unit["uscc"]
            for field in ("mode", "deadline"):
                assert row[field] == answer.get(field), (unit["uscc"], row["policy"], field)
            compared += 1
    assert compared >= 2 * len(SERIES_RULES)


def test_helpers_over_series_equal_them_over_long_tables_with_gaps(staged: tuple[Path, Path]) -> None:
    """Rows missing (a month or insurance absent) and null values: every rule that reads
    the contributions or headcounts gives the same frame (traces included; the missing
    facts as the calculator lists them) over the series as over the long tables."""
    _, work = staged
    pop, _ = load_population(work, 0)
    frame = pop.entities["enterprise"]
    base = frame.select([c for c in frame.columns if series.parse(c) is None])
    rng = random.Random(5)

    def gaps(t: pl.DataFrame, value: str) -> pl.DataFrame:
        kept = t.filter(pl.Series([rng.random() > 0.15 for _ in range(t.height)]))
        nulls = pl.Series([rng.random() < 0.1 for _ in range(kept.height)])
        return kept.with_columns(pl.when(nulls).then(None).otherwise(pl.col(value)).alias(value))

    tables = dict(pop.tables["enterprise"])
    tables["contributions"] = gaps(tables["contributions"], "employer_paid")
    tables["insured"] = gaps(tables["insured"], "headcount")
    wide = [
        series.pivot(
            t,
            tables[t],
            base[UNIT_KEY],
            sorted({tuple(r) for r in tables[t].select(series.SERIES[t]).unique().drop_nulls().iter_rows()}),
        )
        for t in series.SERIES
    ]
    long_pop = Population(entities={"enterprise": base}, tables={"enterprise": tables})
    wide_pop = Population(
        entities={"enterprise": base.hstack([c for w in wide for c in w.drop(UNIT_KEY)])}, tables={"enterprise": tables}
    )
    params = ParameterView(rule_registry().parameters, AS_OF, OVERRIDES)
    readers = [
        rid
        for rid in batch_rules(None)
        if not isinstance(plan := plan_for(rule_registry().rules[rid], params, False, long_pop), str)
        and plan.tables & set(series.SERIES)
    ]
    assert set(SERIES_RULES) <= set(readers)
    over_long = run(long_pop, AS_OF, OVERRIDES, readers)
    over_wide = run(wide_pop, AS_OF, OVERRIDES, readers)
    for rid in readers:
        wide_frame, long_frame = over_wide[rid].results, over_long[rid].results
        assert_frame_equal(wide_frame.drop("missing"), long_frame.drop("missing"), check_exact=True)
        # the facts an undetermined result lacks, as the calculator lists them (each path once)
        assert [missing_paths(m) for m in wide_frame["missing"]] == [missing_paths(m) for m in long_frame["missing"]]


def test_a_table_with_two_rows_of_one_cell_is_not_pivoted() -> None:
    rows = pl.DataFrame(
        {
            UNIT_KEY: [0, 0],
            "month": ["2020-02", "2020-02"],
            "insurance": ["pension", "pension"],
            "employer_due": [1.0, 2.0],
            "employer_paid": [1.0, 2.0],
        },
        schema_overrides={UNIT_KEY: pl.UInt32},
    )
    with pytest.raises(series.NotUnique):
        series.pivot("contributions", rows, pl.Series([0], dtype=pl.UInt32), [("2020-02", "pension")])
