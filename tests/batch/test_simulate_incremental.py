"""The incremental simulation: only the rules a reform reaches are evaluated again, over a
kept baseline, and the answers are those of evaluating every rule again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from renshe.batch.baseline import CACHE, counted_money, evaluate_run
from renshe.batch.demo import make_registry
from renshe.batch.partition import load_population, run_key
from renshe.batch.reform import frame_shape, frames_dir, reads, reform_money
from renshe.batch.runner import BatchConfig, batch_rules, with_partners
from renshe.batch.simulate import Simulation, simulation
from renshe.engine.evaluate import Plan, plan_for
from renshe.engine.parameters import ParameterView
from renshe.engine.rules import registry

AS_OF = dt.date(2020, 7, 31)
#: parameters of three rules: the relief (whole of the February refund: ``part_of``), the Xinmi
#: refund (same money as the Henan refunds: ``overlaps``, ``exclusive_with``) and Beijing's
#: one-time subsidy (in no relation)
REFORM = {
    "cn.si_relief_2020.halving_ratio": 1.0,
    "xinmi.stable_job_refund_2020.months": 3,
    "beijing.one_time_si_subsidy_2020.cap_per_person": 500,
}


def _config(reg: Path, out: Path) -> BatchConfig:
    return BatchConfig(reg, AS_OF, out, partition_size=300, workers=1)


def _baselines(cache: Path) -> list[Path]:
    """The kept baselines (the partitions' kept frames aside)."""
    return [p for p in cache.iterdir() if p.is_dir() and not p.name.startswith("frames-")]


def _same_tables(a: Simulation, b: Simulation) -> None:
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        assert_frame_equal(a.tables[name], b.tables[name])


def _expected_recomputed(work: Path, reform: dict[str, object]) -> set[str]:
    """From the rules' plans: those whose plan reads a reformed parameter, and every rule
    linked to them by same-money relations."""
    reg = registry()
    evaluated = with_partners(batch_rules(None))
    pop, _ = load_population(work, 0)
    pop.with_fact_bounds()
    params = ParameterView(reg.parameters, AS_OF, {})
    found = set()
    for rid in evaluated:
        plan = plan_for(reg.rules[rid], params, True, pop)
        if isinstance(plan, Plan) and set(plan.parameters) & set(reform):
            found.add(rid)
    grew = True
    while grew:
        grew = False
        for rel in reg.relations:
            members = {m for m in rel.members if m in evaluated}
            if members & found and not members <= found:
                found |= members
                grew = True
    return found


@pytest.fixture(scope="module")
def registry_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reg = tmp_path_factory.mktemp("sim") / "reg"
    make_registry(900, 21, reg)
    return reg


def test_recomputes_only_the_dependent_rules_and_equals_a_full_run(registry_dir: Path, tmp_path: Path) -> None:
    config = _config(registry_dir, tmp_path / "inc")
    sim = simulation(config, REFORM)
    full = simulation(_config(registry_dir, tmp_path / "full"), REFORM, full=True)
    _same_tables(sim, full)
    # the reform changed money in each of the three rules' flows
    changed = set(sim.tables["by_policy"].filter(pl.col("difference") != 0)["policy"].to_list())
    assert {"cn.si_relief_2020", "xinmi.stable_job_refund_2020", "beijing.one_time_si_subsidy_2020"} <= changed
    work = config.work
    expected = _expected_recomputed(work, REFORM)
    assert set(sim.recomputed) == expected
    assert {"cn.si_feb_refund_2020", "henan.stable_job_refund_2020", "henan.no_layoff_ui_refund_2020"} <= expected
    evaluated = with_partners(batch_rules(None))
    assert len(expected) < len(evaluated) // 4
    # the reform ran in this process and wrote no results: only the baseline's are there
    assert {p.name for p in (work / "results").iterdir()} == {run_key(AS_OF.isoformat(), "{}", evaluated)}
    # it read only what those rules' plans read: a few of the entity's columns, their long tables
    frame, empty = frame_shape(frames_dir(work))
    columns, tables = reads(sim.recomputed, AS_OF, REFORM, frame, empty)
    assert "_u" in columns and len(columns) < frame.width // 2
    pop, _ = load_population(work, 0)
    pop.with_fact_bounds()
    params = ParameterView(registry().parameters, AS_OF, REFORM)
    plans = [plan_for(registry().rules[rid], params, True, pop) for rid in sim.recomputed]
    assert tables == set().union(*[p.tables for p in plans if isinstance(p, Plan)]) and "contributions" in tables
    assert tables < set(empty)
    # per unit and policy, the reform's counted money is the batch's: every rule evaluated by
    # the batch's own path (the process pool, results written and read back) with the reform
    listed = [rid for rid in sim.recomputed if rid in batch_rules(None)]
    key = evaluate_run(dataclasses.replace(config, overrides=REFORM), sim.recomputed, None)
    keys = ["_part", "_u", "policy", "flow"]
    assert_frame_equal(
        reform_money(config, REFORM, sim.recomputed, listed).sort(keys),
        counted_money(work, key, listed, AS_OF).sort(keys),
    )


def test_a_reform_that_changes_nothing_recomputes_nothing(registry_dir: Path, tmp_path: Path) -> None:
    sim = simulation(_config(registry_dir, tmp_path / "inc"), {})
    assert sim.recomputed == []
    by_flow = sim.tables["by_flow"]
    assert (by_flow["difference"] == 0).all() and (by_flow["baseline"] > 0).any()
    assert_frame_equal(by_flow, simulation(_config(registry_dir, tmp_path / "full"), {}, full=True).tables["by_flow"])


def test_the_baseline_is_kept_and_invalidated_when_the_registry_changes(tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    make_registry(500, 31, reg)
    config = _config(reg, tmp_path / "inc")
    cache = config.work / CACHE
    first = simulation(config, {"cn.si_relief_2020.halving_ratio": 1.0})
    kept = _baselines(cache)
    assert len(kept) == 1
    made = (kept[0] / "done.json").stat().st_mtime_ns
    baseline_run = run_key(AS_OF.isoformat(), "{}", with_partners(batch_rules(None)))
    baseline_files = {p: p.stat().st_mtime_ns for p in (config.work / "results" / baseline_run).iterdir()}

    # a second reform: the same kept baseline, not evaluated again
    second = simulation(config, {"xinmi.stable_job_refund_2020.months": 3})
    assert _baselines(cache) == kept
    assert (kept[0] / "done.json").stat().st_mtime_ns == made
    assert {p: p.stat().st_mtime_ns for p in (config.work / "results" / baseline_run).iterdir()} == baseline_files
    assert "xinmi.stable_job_refund_2020" in second.recomputed and "cn.si_relief_2020" not in second.recomputed
    assert_frame_equal(
        second.tables["by_flow"].select("flow", "baseline"), first.tables["by_flow"].select("flow", "baseline")
    )

    # another registry in the same place: staged anew, a new baseline, the new registry's answers
    make_registry(500, 32, reg)
    third = simulation(config, {"xinmi.stable_job_refund_2020.months": 3})
    now = _baselines(cache)
    assert len(now) == 1 and now != kept
    full = simulation(_config(reg, tmp_path / "full"), {"xinmi.stable_job_refund_2020.months": 3}, full=True)
    _same_tables(third, full)
    assert third.tables["by_flow"]["baseline"].to_list() != first.tables["by_flow"]["baseline"].to_list()
