"""Every public example through `renshe evaluate`, compared with its `expect`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import example_files, run_cli


def test_there_are_examples() -> None:
    assert len([p for p in example_files() if p.parent.name == "examples"]) >= 9
    assert len([p for p in example_files() if p.parent.name == "examples-v2"]) >= 9


@pytest.mark.parametrize("path", example_files(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_example(path: Path, tmp_path: Path) -> None:
    example = json.loads(path.read_text(encoding="utf-8"))
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(example["case"], ensure_ascii=False), encoding="utf-8")
    proc = run_cli("evaluate", str(case_file))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    expect = example["expect"]
    if "classification.size" in expect:
        assert out["classification"]["size"] == expect["classification.size"]
    results = {r["policy"]: r for r in out["results"]}
    for policy, fields in expect.get("results", {}).items():
        assert policy in results, f"{policy} missing"
        for key, want in fields.items():
            got = results[policy][key]
            if isinstance(want, float) and not isinstance(want, bool):
                assert got is not None and abs(float(got) - want) <= 0.01, (policy, key, got, want)
            else:
                assert got == want, (policy, key, got, want)
        assert results[policy]["citations"], "every result cites its document"
        assert results[policy]["reasons"], "every result gives its reasons"
