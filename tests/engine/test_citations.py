"""Every rule and every parameter carries its law: doc_no, article and quote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from renshe.engine.references import MissingReference
from renshe.engine.rules import load_document, registry

DOC_NO = re.compile(r"(〔\d{4}〕\d+号|^无文号（.+）$)")


def test_registry_loads_rules_and_parameters() -> None:
    reg = registry()
    assert len(reg.rules) >= 15
    assert len(reg.parameters) >= 40


@pytest.mark.parametrize("rule_id", sorted(registry().rules))
def test_rule_is_cited(rule_id: str) -> None:
    rule = registry().rules[rule_id]
    assert rule.citations, rule_id
    for c in rule.citations:
        assert c.doc_no.strip() and c.article.strip() and len(c.quote) >= 6, (rule_id, c)
        assert DOC_NO.search(c.doc_no), f"{rule_id}: doc_no {c.doc_no!r} is not as printed (〔year〕n号)"
    assert rule.implements, rule_id


@pytest.mark.parametrize("name", sorted(registry().parameters))
def test_parameter_is_cited(name: str) -> None:
    p = registry().parameters[name]
    ref = p.reference
    assert ref.doc_no.strip() and ref.article.strip() and ref.quote.strip(), name
    assert p.values, f"{name} has no dated value"
    dates = [d for d, _ in p.values]
    assert dates == sorted(dates)


def test_loader_refuses_a_parameter_without_quote(tmp_path: Path) -> None:
    doc = tmp_path / "x.yaml"
    doc.write_text(
        "document: {doc_no: 测试〔2020〕1号, jurisdiction: cn}\n"
        "parameters:\n  x.rate: {unit: ratio, values: {2020-01-01: 0.5}, reference: {article: 一}}\n",
        encoding="utf-8",
    )
    with pytest.raises(MissingReference, match="quote"):
        load_document(doc, {}, "x")


def test_loader_refuses_a_rule_without_citation(tmp_path: Path) -> None:
    doc = tmp_path / "x.yaml"
    doc.write_text(
        "document: {doc_no: 测试〔2020〕1号, jurisdiction: cn}\n"
        "rules:\n  cn.x: {title: x, entity: enterprise, citations: []}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="no citations"):
        load_document(doc, {"cn.x": lambda c: None}, "x")


def test_rule_without_function_is_refused(tmp_path: Path) -> None:
    doc = tmp_path / "x.yaml"
    doc.write_text(
        "document: {doc_no: 测试〔2020〕1号, jurisdiction: cn}\n"
        "rules:\n  cn.x: {title: x, entity: enterprise, citations: [{article: 一, quote: 一句话的原文}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="no @rule function"):
        load_document(doc, {}, "x")


def test_no_numbers_in_policy_code() -> None:
    """Rates, caps and thresholds live in YAML: policy modules hold no numeric literal
    other than 0, 1, 100 (percent) and 1000 (permille)."""
    import renshe.policies

    root = Path(renshe.policies.__file__).parent
    allowed = {"0", "1", "100", "1000", "0.0", "1.0"}
    offenders = []
    for path in root.rglob("*.py"):
        code = re.sub(r'(""".*?"""|"[^"\n]*"|\'[^\'\n]*\'|#.*)', "", path.read_text(encoding="utf-8"), flags=re.S)
        # display formatting (digits shown in a reason) is not a policy number
        code = re.sub(r"\.(round|slice)\([\d, ]*\)", "", code)
        code = re.sub(r"\bround\(([^()]|\([^()]*\))*,\s*\d+\)", "", code)
        for number in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", code):
            if number not in allowed:
                offenders.append(f"{path.name}: {number}")
    assert not offenders, offenders
