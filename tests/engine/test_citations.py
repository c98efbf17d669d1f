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


# ---- titles: a citation carries its own document's title -------------------------------------


def _documents() -> dict[str, str]:
    """doc_no → title of every policy document (the ``document:`` header of its YAML)."""
    import yaml

    import renshe.policies

    titles: dict[str, str] = {}
    for path in sorted(Path(renshe.policies.__file__).parent.rglob("*.yaml")):
        doc = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("document") or {}
        if doc.get("doc_no") and doc.get("title"):
            assert titles.setdefault(doc["doc_no"], doc["title"]) == doc["title"], (
                f"{path.name}: {doc['doc_no']} has two titles"
            )
    return titles


def _all_citations() -> list[tuple[str, object]]:
    reg = registry()
    out: list[tuple[str, object]] = []
    for rule_id, rule in reg.rules.items():
        out += [(f"rule {rule_id}", c) for c in rule.citations]
    for name, p in reg.parameters.items():
        out += [(f"parameter {name}", c) for c in (p.reference, *p.value_references.values())]
    return out


def test_a_foreign_doc_no_never_takes_the_host_title(tmp_path: Path) -> None:
    """A citation of another document (京人社就字〔2020〕23号 in 11号's file) is not shown
    with the title of the file's document."""
    doc = tmp_path / "x.yaml"
    doc.write_text(
        "document: {doc_no: 测试〔2020〕1号, title: 主文件标题, jurisdiction: cn}\n"
        "rules:\n  cn.x:\n    title: x\n    entity: person\n    flow: none\n    citations:\n"
        "      - {article: 一, quote: 主文件的一句原文}\n"
        "      - {doc_no: 测试〔2020〕2号, article: 二, quote: 另一文件的一句原文}\n"
        "      - {doc_no: 测试〔2020〕3号, title: 第三个文件, article: 三, quote: 第三文件的一句原文}\n"
        "parameters:\n"
        "  cn.x.a: {unit: ratio, values: {2020-01-01: 0.5}, reference: {doc_no: 测试〔2020〕2号, article: 二, quote: 另一文件的原文}}\n"
        "  cn.x.b: {unit: ratio, values: {2020-01-01: 0.5}, reference: {article: 一, quote: 主文件的原文}}\n",
        encoding="utf-8",
    )
    rules, params, _ = load_document(doc, {"cn.x": lambda c: None}, "x")
    titles = {c.doc_no: c.title for c in rules[0].citations}
    assert titles == {"测试〔2020〕1号": "主文件标题", "测试〔2020〕2号": None, "测试〔2020〕3号": "第三个文件"}
    assert params["cn.x.a"].reference.title is None
    assert params["cn.x.b"].reference.title == "主文件标题"


def test_every_citation_title_belongs_to_its_doc_no() -> None:
    """Every citation names its document's title; one doc_no has one title everywhere, the
    title of its own YAML document where the project holds one."""
    documents = _documents()
    seen: dict[str, tuple[str, str]] = {}
    problems = []
    for where, c in _all_citations():
        doc_no, title = c.doc_no, c.title  # type: ignore[attr-defined]
        if not title:
            problems.append(f"{where}: {doc_no} without a title")
            continue
        if doc_no in documents and title != documents[doc_no]:
            problems.append(f"{where}: {doc_no} titled {title!r}, its document is {documents[doc_no]!r}")
        first = seen.setdefault(doc_no, (title, where))
        if first[0] != title:
            problems.append(f"{where}: {doc_no} titled {title!r}, but {first[1]} titles it {first[0]!r}")
    assert not problems, "\n".join(problems)


def test_settings_citations_carry_their_own_titles() -> None:
    """The dated settings of the services (labour, dispatch) cite with the same titles."""
    import renshe.policies
    import renshe.services
    from renshe.engine.settings import load_settings

    documents = _documents()
    files = [
        Path(renshe.services.__file__).parent / "labour_parameters.yaml",
        Path(renshe.policies.__file__).parent / "beijing" / "dispatch_settings.yaml",
        Path(renshe.services.__file__).parent / "subsidy_priority.yaml",
    ]
    for file in files:
        for name, p in load_settings(file).items():
            ref = p.reference
            if ref.title and ref.doc_no in documents:
                assert ref.title == documents[ref.doc_no], (file.name, name, ref.doc_no, ref.title)
