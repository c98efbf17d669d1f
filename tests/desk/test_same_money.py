"""Same money is applied for once (interface.md, "Same money, counted once"): an
application for money the unit already gets under an overlapping, part-of or exclusive
measure is refused (409) with the relation's citation, over the API and on the page."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from renshe.engine.references import Reference
from renshe.engine.rules import Registry, Relation, registry
from renshe.services import applications
from tests.desk.conftest import example

SERVICE = Path(applications.__file__)


def relation(kind: str, *members: str) -> Relation:
    found = [rel for rel in registry().relations if rel.kind == kind and set(members) <= set(rel.members)]
    assert found, f"no {kind} relation between {members} declared in the policy YAML (same_money:)"
    return found[0]


def cited(rel: Relation) -> str:
    """The citation as the refusal prints it: document number, and the article when there is one."""
    article = rel.citation.article.strip()
    return rel.citation.doc_no if article in ("", "—", "-") else f"{rel.citation.doc_no} {article}"


def apply(client: TestClient, who: dict[str, str], policy: str, case: dict[str, Any], key: str) -> Any:
    return client.post(
        "/api/v1/applications",
        json={"policy": policy, "case": case, "bank_account": "6222020200077778888"},
        headers={**who, "Idempotency-Key": key},
    )


def numbers(client: TestClient, who: dict[str, str], policy: str) -> list[str]:
    return [a["number"] for a in client.get("/api/v1/applications", headers=who).json() if a["policy"] == policy]


def test_the_service_names_no_policy() -> None:
    """The relations are read from the registry (one place), never written into the service
    (its ``@implements`` lines only say which catalog entries the functions carry out)."""
    source = SERVICE.read_text(encoding="utf-8")
    declared = {  # the lines of each @implements(...) decorator, however the formatter wraps it
        n
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef)
        for d in node.decorator_list
        if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "implements"
        for n in range(d.lineno, (d.end_lineno or d.lineno) + 1)
    }
    text = "\n".join(line for i, line in enumerate(source.splitlines(), 1) if i not in declared)
    assert not re.findall(r"\b(?:cn|beijing|henan|xinmi|hubei|yongzhou)\.[a-z_0-9]+_20\d\d\b", text)


def test_overlapping_measure_is_refused_while_the_other_is_live(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    """新密 demo unit already applied for xinmi.stable_job_refund_2020 (demo data): the Henan
    稳岗返还 is the same money and is refused, naming the 新密 measure and the citation."""
    ent, cw = tokens["xinmi_qiye"], tokens["xinmi_jingban"]
    case = example("04_xinmi_small_retailer")
    held = numbers(client, ent, "xinmi.stable_job_refund_2020")
    assert held, "the demo data holds a 新密 稳岗返还 application"
    rel = relation("overlaps", "xinmi.stable_job_refund_2020", "henan.stable_job_refund_2020")
    r = apply(client, ent, "henan.stable_job_refund_2020", case, "same-1")
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    xinmi = registry().rules["xinmi.stable_job_refund_2020"].title
    assert f"「{xinmi}」" in detail and "xinmi.stable_job_refund_2020" in detail and held[0] in detail
    assert "同一笔资金" in detail and cited(rel) in detail
    assert not numbers(client, ent, "henan.stable_job_refund_2020"), "nothing was filed"
    # the 新密 application rejected: the Henan one may be filed (the money is not held any more)
    for number in held:
        assert (
            client.post(
                f"/api/v1/applications/{number}/review", json={"action": "reject", "reason": "不符合"}, headers=cw
            ).status_code
            == 200
        )
    r = apply(client, ent, "henan.stable_job_refund_2020", case, "same-2")
    assert r.status_code == 201, r.text
    # and now the 新密 one is refused in turn
    r = apply(client, ent, "xinmi.stable_job_refund_2020", case, "same-3")
    assert r.status_code == 409 and "henan.stable_job_refund_2020" in r.json()["detail"]


def test_february_refund_and_the_relief_it_is_part_of(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    """人社部发〔2020〕11号: the February refund is the February part of the relief, paid back;
    applied for beside the relief it would pay the same money twice, either way round."""
    ent, cw = tokens["qiye"], tokens["jingban"]
    case = example("01_beijing_medium_software")
    rel = relation("part_of", "cn.si_relief_2020", "cn.si_feb_refund_2020")
    r = apply(client, ent, "cn.si_relief_2020", case, "part-1")
    assert r.status_code == 201, r.text
    relief = r.json()["number"]
    r = apply(client, ent, "cn.si_feb_refund_2020", case, "part-2")
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert "一部分" in detail and relief in detail and cited(rel) in detail
    assert f"「{registry().rules['cn.si_relief_2020'].title}」" in detail
    # the relief rejected, the refund alone is accepted; then the relief in full is refused
    assert (
        client.post(
            f"/api/v1/applications/{relief}/review", json={"action": "reject", "reason": "改为申请退费"}, headers=cw
        ).status_code
        == 200
    )
    r = apply(client, ent, "cn.si_feb_refund_2020", case, "part-3")
    assert r.status_code == 201, r.text
    refund = r.json()["number"]
    r = apply(client, ent, "cn.si_relief_2020", case, "part-4")
    assert r.status_code == 409 and refund in r.json()["detail"] and cited(rel) in r.json()["detail"]


@dataclass
class StubRegistry:
    """The real rules with one more relation: the service reads only ``relations`` and titles."""

    relations: list[Relation]
    rules: dict[str, Any] = field(default_factory=lambda: registry().rules)


def test_exclusive_measures_are_refused(
    client: TestClient, tokens: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``exclusive_with`` (不可同时享受): whichever the unit holds refuses the other."""
    rel = Relation(
        "exclusive_with",
        ("beijing.one_time_si_subsidy_2020", "beijing.hiring_subsidy_2020"),
        Reference("测试〔2020〕1号", "三", "不得同时享受"),
    )
    stub = StubRegistry([*registry().relations, rel])
    monkeypatch.setattr(applications, "registry", lambda: stub)
    assert isinstance(registry(), Registry)  # the engine's own registry is untouched
    case = example("01_beijing_medium_software")
    case["enterprise"]["flags"] = [*case["enterprise"]["flags"], "epidemic_supplies_producer"]
    case["enterprise"]["si_additions"] = {"2020-01": 3, "2020-02": 2}
    # the demo unit holds beijing.one_time_si_subsidy_2020 (demo data)
    r = apply(client, tokens["qiye"], "beijing.hiring_subsidy_2020", case, "excl-1")
    assert r.status_code == 409, r.text
    assert "不可同时享受" in r.json()["detail"] and "测试〔2020〕1号 三" in r.json()["detail"]


def test_unrelated_measures_are_not_refused(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    """The demo unit holds beijing.one_time_si_subsidy_2020; the medical-insurance halving is
    other money."""
    case = example("01_beijing_medium_software")
    r = apply(client, tokens["qiye"], "cn.medical_insurance_halving_2020", case, "other-1")
    assert r.status_code == 201, r.text


def test_the_page_shows_the_refusal_beside_the_form_keeping_what_was_typed(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    import json

    ent = tokens["xinmi_qiye"]
    case = example("04_xinmi_small_retailer")
    # the unit holds the Henan 稳岗返还 after the test above, or the 新密 one from the demo data
    held = [
        a
        for a in client.get("/api/v1/applications", headers=ent).json()
        if a["policy"] in ("xinmi.stable_job_refund_2020", "henan.stable_job_refund_2020")
        and a["status"] not in ("rejected", "clawed_back")
    ]
    assert held
    other = ({"xinmi.stable_job_refund_2020", "henan.stable_job_refund_2020"} - {held[0]["policy"]}).pop()
    form = {
        "policy": other,
        "case_json": json.dumps(case, ensure_ascii=False),
        "bank_account": "6222020200011223344",
        "commitment": "true",
        "missing_items": "营业执照、2019年12月缴费明细",
        "idempotency_key": "page-same-1",
    }
    r = client.post("/apply", data=form, headers=ent, follow_redirects=False)
    assert r.status_code == 409, r.text[:500]
    html = r.text
    error = re.search(r'<div class="form-errors" id="apply-error"[^>]*>(.*?)</div>', html, re.S)
    assert error is not None, "the refusal is shown on the form"
    assert "同一笔资金" in error.group(1) and held[0]["number"] in error.group(1)
    assert cited(relation("overlaps", "xinmi.stable_job_refund_2020", "henan.stable_job_refund_2020")) in error.group(1)
    assert 'value="6222020200011223344"' in html
    assert 'value="营业执照、2019年12月缴费明细"' in html
    assert re.search(r'id="commitment"\s+checked', html)
    assert "新密示例商贸有限公司" in html  # the case typed is kept
    assert 'id="submit-application"' in html  # the form, not a dead-end message page


def test_two_applications_for_the_same_money_at_once(
    client: TestClient, tokens: dict[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Submitted together (the check held open a while), one is filed and the other refused."""
    import threading
    import time

    ent, cw = tokens["xinmi_qiye"], tokens["xinmi_jingban"]
    for a in client.get("/api/v1/applications", headers=ent).json():
        if a["status"] not in ("rejected", "clawed_back"):
            assert (
                client.post(
                    f"/api/v1/applications/{a['number']}/review",
                    json={"action": "reject", "reason": "重来"},
                    headers=cw,
                ).status_code
                == 200
            )
    check = applications.same_money_refusal

    def slow(*args: Any, **kwargs: Any) -> str | None:
        out = check(*args, **kwargs)
        time.sleep(0.4)
        return out

    monkeypatch.setattr(applications, "same_money_refusal", slow)
    case = example("04_xinmi_small_retailer")
    codes: dict[str, int] = {}

    def go(policy: str) -> None:
        codes[policy] = apply(client, ent, policy, case, f"together-{policy}").status_code

    threads = [
        threading.Thread(target=go, args=(p,)) for p in ("xinmi.stable_job_refund_2020", "henan.stable_job_refund_2020")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes.values()) == [201, 409], codes
