"""The signed-in enterprise's own data (issue 17 item 2): its calculator case from the
bureau's registry (the demo registry is in the bureau's export form: Chinese headers,
险种 in words), and what the last batch granted it without application, by flow."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from renshe.batch.last import ensure
from renshe.services import prefill
from renshe.services.errors import NotFound, ServiceError
from renshe.web import pages

QIYE = "91110108MA01C7LM3W"


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = ensure(prefill.DEMO_REGISTRY, tmp_path_factory.mktemp("demo-batch") / "out")
    saved = {v: os.environ.get(v) for v in (prefill.REGISTRY_VARIABLE, prefill.BATCH_VARIABLE)}
    os.environ[prefill.REGISTRY_VARIABLE] = str(prefill.DEMO_REGISTRY)
    os.environ[prefill.BATCH_VARIABLE] = str(out)
    yield out
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def demo_enterprise(key: str) -> dict[str, object]:
    """The demo case the demo registry's unit was made from."""
    path = Path(pages.__file__).with_name("demo_cases") / f"{key}.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))["case"]["enterprise"])


def test_the_case_is_the_units_registry_data(batch: Path) -> None:
    case = prefill.case_for(QIYE, as_of="2020-07-31")
    expected = demo_enterprise("01_beijing_medium_software")
    got = case["enterprise"]
    assert case["as_of"] == "2020-07-31"

    def key(c: dict) -> tuple:  # type: ignore[type-arg]
        return (c["month"], c["insurance"])

    assert sorted(got.pop("contributions"), key=key) == sorted(expected.pop("contributions"), key=key)
    assert got == expected


def test_unknown_unit_and_no_registry_are_said_in_chinese(batch: Path, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="参保单位登记库中没有本单位"):
        prefill.case_for("91110000000000000X")
    with pytest.raises(ServiceError, match="参保单位登记库无法读取"):
        prefill.case_for(QIYE, path=tmp_path)


def test_granted_by_flow_never_added(batch: Path) -> None:
    g = prefill.granted(QIYE)
    assert g["ready"] and g["as_of"] == "2020-07-31"
    flows = {f["flow"]: f for f in g["flows"]}
    assert flows["cash"]["total"] == 66080.0 and flows["reduction"]["total"] == 176000.0
    assert {e["policy"] for e in flows["cash"]["entries"]} == {
        "beijing.one_time_si_subsidy_2020",
        "cn.si_feb_refund_2020",
        "cn.medical_insurance_halving_feb_refund_2020",
    }
    assert "none" not in flows or flows["none"]["total"] is None
    assert prefill.granted(QIYE, out=batch / "nowhere") == {"ready": False, "as_of": None, "flows": []}


def test_pages(client: TestClient, tokens: dict[str, dict[str, str]], batch: Path) -> None:
    r = client.get("/my/granted", headers=tokens["qiye"])
    assert r.status_code == 200
    assert 'data-flow="cash"' in r.text and "66,080.00 元" in r.text and "176,000.00 元" in r.text
    calc = client.get("/my/calculator", headers=tokens["qiye"])
    assert calc.status_code == 200 and QIYE in calc.text and "unemployment" in calc.text
    assert 'data-policy="cn.si_feb_refund_2020"' in calc.text
    for who in ("geren", "jigou", "jingban"):
        assert client.get("/my/granted", headers=tokens[who]).status_code == 403
        assert client.get("/my/calculator", headers=tokens[who]).status_code == 403
    assert client.get("/my/granted", follow_redirects=False).status_code == 303


def test_api(client: TestClient, tokens: dict[str, dict[str, str]], batch: Path) -> None:
    case = client.get("/api/v1/me/case", headers=tokens["qiye"])
    assert case.status_code == 200 and case.json()["enterprise"]["uscc"] == QIYE
    assert case.json()["as_of"] == "2020-07-31"
    granted = client.get("/api/v1/me/granted", headers=tokens["xinmi_qiye"]).json()
    assert granted["ready"] and granted["flows"] and all(e["policy"] for f in granted["flows"] for e in f["entries"])
    for who in ("geren", "jingban"):
        assert client.get("/api/v1/me/case", headers=tokens[who]).status_code == 403
    assert client.get("/api/v1/me/granted").status_code == 401


def test_without_a_registry_the_page_says_so(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    saved = os.environ.pop(prefill.REGISTRY_VARIABLE, None)
    try:
        r = client.get("/my/calculator", headers=tokens["qiye"])
        assert r.status_code == 400 and "未配置参保单位登记库" in r.text
    finally:
        if saved is not None:
            os.environ[prefill.REGISTRY_VARIABLE] = saved
