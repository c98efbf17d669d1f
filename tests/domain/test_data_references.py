"""Every domain data file carries its law: a `reference` with doc_no (or title) and source.

Also guards the rule that no rate, threshold or date number is written in the
domain's Python code: numeric literals other than 0 and 1 are not allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import yaml

import renshe.domain
from renshe.domain._data import DATA_DIR, data_files, load

DOMAIN_DIR = Path(renshe.domain.__file__).parent
YAML_FILES = data_files()
EXPECTED = {"identifiers", "regions", "industries", "sme_thresholds", "holidays"}
# doc_no must be printed with 〔〕, never with these stand-ins
WRONG_BRACKETS = set("[]【】()（）")


def test_all_expected_data_files_exist() -> None:
    assert DATA_DIR.is_dir()
    assert {p.stem for p in YAML_FILES} >= EXPECTED


def _items(reference: Any) -> list[dict[str, Any]]:
    items = reference if isinstance(reference, list) else [reference]
    assert items, "reference is empty"
    assert all(isinstance(i, dict) for i in items), "each reference must be a mapping"
    return items


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_reference_block(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and "reference" in data, f"{path.name}: no reference block"
    for item in _items(data["reference"]):
        doc_no = str(item.get("doc_no") or "").strip()
        title = str(item.get("title") or "").strip()
        assert doc_no or title, f"{path.name}: a reference needs doc_no or title"
        assert str(item.get("source") or "").strip(), f"{path.name}: reference {doc_no or title} has no source"
        assert not WRONG_BRACKETS & set(doc_no), f"{path.name}: doc_no {doc_no!r} must use 〔〕"
        if "〔" in doc_no or "〕" in doc_no:
            assert doc_no.count("〔") == doc_no.count("〕") == 1, doc_no


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_loader_reads_each_file(path: Path) -> None:
    assert load(path.stem)["reference"]


def _numeric_literals(source: str) -> list[tuple[int, object]]:
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and type(node.value) in (int, float, complex) and node.value not in (0, 1)
    ]


@pytest.mark.parametrize("path", sorted(DOMAIN_DIR.glob("*.py")), ids=lambda p: p.name)
def test_no_numbers_in_domain_code(path: Path) -> None:
    assert _numeric_literals(path.read_text(encoding="utf-8")) == [], (
        f"{path.name}: numbers belong in data/*.yaml with their reference"
    )
