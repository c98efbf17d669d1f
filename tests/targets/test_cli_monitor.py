"""`renshe monitor REGISTRY --as-of --out` over a generated demo registry."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from renshe.batch.demo import make_registry
from tests.conftest import run_cli


def test_monitor_cli(tmp_path: Path) -> None:
    make_registry(300, 7, tmp_path / "reg")
    result = run_cli("monitor", str(tmp_path / "reg"), "--as-of", "2019-12", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "监测月份 2019-12" in result.stdout
    report = json.loads((tmp_path / "out" / "monitor.json").read_text(encoding="utf-8"))
    assert report["attrition_known"] is True and report["summary"]["units"] == 300
    assert all(w["reason"] for w in report["warnings"])
    wb = load_workbook(tmp_path / "out" / "monitor.xlsx")
    assert wb["预警清单"].max_row == 1 + len(report["warnings"])
    bad = run_cli("monitor", str(tmp_path / "nothing"))
    assert bad.returncode == 2 and "no such file" in bad.stderr
