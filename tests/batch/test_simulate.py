"""Policy simulation: a parameter change, its cost, and who gains."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import polars as pl

from renshe.batch.demo import make_registry
from renshe.batch.runner import BatchConfig, run_batch
from renshe.batch.simulate import simulate
from tests.conftest import RENSHE

AS_OF = dt.date(2020, 7, 31)


def test_halving_to_exemption_helps_only_large_units(tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    make_registry(400, 11, reg)
    config = BatchConfig(reg, AS_OF, tmp_path / "sim", policies=["cn.si_relief_2020"], partition_size=200, workers=1)
    tables = simulate(config, {"cn.si_relief_2020.halving_ratio": 1.0})
    row = tables["by_policy"].row(0, named=True)
    assert row["policy"] == "cn.si_relief_2020" and row["difference"] > 0
    by_size = tables["by_size"]
    gains = dict(zip(by_size["size"].to_list(), by_size["difference"].to_list(), strict=True))
    assert gains.get("large", 0) > 0
    assert abs(sum(gains.values()) - row["difference"]) < 0.01
    assert by_size["losers"].sum() == 0
    # SMEs were exempt already: only large enterprises and social organisations can gain
    assert by_size.filter(pl.col("size") == "large")["winners"].item() > 0
    # the baseline equals a plain batch with the same parameters
    plain = run_batch(BatchConfig(reg, AS_OF, tmp_path / "plain", policies=["cn.si_relief_2020"], workers=1))
    assert row["flow"] == "reduction"
    assert abs(plain["totals"]["reduction"] - row["baseline"]) < 0.01
    by_flow = dict(zip(tables["by_flow"]["flow"].to_list(), tables["by_flow"]["difference"].to_list(), strict=True))
    assert by_flow == {"cash": 0.0, "reduction": row["difference"], "deferral": 0.0, "credit": 0.0, "wage": 0.0}


def test_simulate_command_writes_table_csv_and_charts(tmp_path: Path) -> None:
    reg = tmp_path / "reg"
    make_registry(200, 12, reg)
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            str(RENSHE),
            "simulate",
            str(reg),
            "--as-of",
            "2020-07-31",
            "--set",
            "xinmi.stable_job_refund_2020.months=3",
            "--policies",
            "xinmi.stable_job_refund_2020",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "xinmi.stable_job_refund_2020" in proc.stdout
    by_policy = pl.read_csv(out / "simulation_by_policy.csv")
    row = by_policy.row(0, named=True)
    assert abs(row["reform"] * 2 - row["baseline"]) < 0.01
    assert (out / "simulation.png").read_bytes()[:4] == b"\x89PNG"
    assert "政策模拟" in (out / "simulation.html").read_text(encoding="utf-8")
    by_prefecture = pl.read_csv(out / "simulation_by_prefecture.csv", schema_overrides={"prefecture": pl.String})
    assert by_prefecture.filter(pl.col("prefecture") == "4101")["losers"].sum() > 0


def test_unknown_reform_parameter(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(RENSHE), "simulate", str(tmp_path), "--as-of", "2020-07-31", "--set", "nope.x=1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and "nope.x" in proc.stderr
