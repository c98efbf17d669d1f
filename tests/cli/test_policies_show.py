"""`renshe policies show ID`: from a catalog id to the rule's code, law and tests in one step."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_show_names_the_module_the_yaml_and_the_cases_of_the_rule() -> None:
    proc = run_cli("policies", "show", "cn.si_feb_refund_2020")
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    files = body["files"]
    assert files["module"] == "src/renshe/policies/cn/rsbf_2020_11.py"
    assert files["yaml"] == "src/renshe/policies/cn/rsbf_2020_11.yaml"
    assert files["cases"] == "tests/policies/cases/cn.si_feb_refund_2020.yaml"
    for path in files.values():
        assert (ROOT / path).is_file(), path
    assert "cn.si_feb_refund_2020" in (ROOT / files["yaml"]).read_text(encoding="utf-8")
    # what the money is, and the same money it is part of, with the sentence that decides it
    assert body["flow"] == "cash"
    assert [rel["kind"] for rel in body["same_money"]] == ["part_of"]
    assert body["same_money"][0]["members"] == ["cn.si_relief_2020", "cn.si_feb_refund_2020"]
    assert body["same_money"][0]["citation"]["quote"]


def test_show_gives_the_catalog_entry_and_the_facts_its_document_declares() -> None:
    """The catalog's title and citation of the entry the rule carries out, and the facts that its
    document declares beside it (the module's ``EnterpriseFacts``), each found in that module."""
    import yaml

    from renshe.coverage import catalog_dir

    proc = run_cli("policies", "show", "cn.si_relief_2020")
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    [entry] = [e for e in body["catalog"] if e["id"] == "cn.si_relief_2020"]
    printed = {e["id"]: e for e in yaml.safe_load((catalog_dir() / entry["file"]).read_text(encoding="utf-8"))}
    assert entry["title"] == printed["cn.si_relief_2020"]["title"]
    assert entry["doc_no"] == "人社部发〔2020〕11号" == printed["cn.si_relief_2020"]["doc_no"]
    assert entry["quote"] and entry["quote"] == printed["cn.si_relief_2020"]["quote"]
    module = (ROOT / body["files"]["module"]).read_text(encoding="utf-8")
    assert "enterprise.si_hardship_deferral" in body["document_facts"]
    for path in body["document_facts"]:
        subject, name = path.split(".", 1)
        assert f"class {subject.capitalize()}Facts(Facts" in module and f"    {name}: " in module, path
