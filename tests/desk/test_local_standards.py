"""Local standards (地方标准, issue 18 item 5): a bureau sets ``henan.ui_benefit_monthly_2019``
through the maker–checker flow — the proposer cannot approve, a proposal alone changes
nothing — and a Henan unit's pending refund becomes an amount citing the local document, in
the calculator (API) and in a batch (an exported overlay file and the database). Bad input
is refused field by field with nothing saved; every step is audited."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from fastapi.testclient import TestClient

from renshe.batch.runner import BatchConfig, run_batch
from renshe.engine import parameters
from renshe.engine.rules import registry
from renshe.services import local_standards
from tests.conftest import RENSHE, ROOT

PARAM = "henan.ui_benefit_monthly_2019"
RULE = "henan.stable_job_refund_2020"
VALUE = 1520
DOC = {
    "doc_no": "郑人社〔2019〕12号",
    "doc_title": "关于调整郑州市失业保险金标准的通知",
    "article": "二",
    "quote": "自2019年1月1日起，郑州市失业保险金标准调整为每月1520元。",
}
PROPOSAL = {"parameter": PARAM, "value": VALUE, **DOC, "effective_from": "2019-01-01"}
PASSWORD = "Zhengzhou-bureau-2026!"


@pytest.fixture(scope="module", autouse=True)
def no_overlay_left() -> Iterator[None]:
    """Approved values are in force in this process: leave none behind for other tests."""
    yield
    parameters.use_overlay(parameters.Overlay())


@pytest.fixture(scope="module")
def henan_case() -> dict[str, Any]:
    bases = yaml.safe_load((ROOT / "tests" / "policies" / "bases.yaml").read_text(encoding="utf-8"))
    case = json.loads(json.dumps(bases["small_henan"], default=str))
    case.pop("parameters")  # nothing set by the case: the bureau's value or nothing
    return case


@pytest.fixture(scope="module")
def admins(client: TestClient, tokens: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The demo admin (no area: every document), a second admin and a Beijing admin."""
    for name, region in (("admin2", None), ("bj_admin", "110000")):
        r = client.post(
            "/api/v1/users",
            headers=tokens["admin"],
            json={
                "username": name,
                "password": PASSWORD,
                "role": "admin",
                "display_name": f"管理员 {name}",
                **({"region": region} if region else {}),
            },
        )
        assert r.status_code == 201, r.text
    out = {"admin": tokens["admin"]}
    for name in ("admin2", "bj_admin"):
        r = client.post("/api/v1/login", json={"username": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        out[name] = {"Authorization": f"Bearer {r.json()['token']}"}
    return out


def refund(client: TestClient, case: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/api/v1/evaluate", json=case)
    assert r.status_code == 200, r.text
    return next(x for x in r.json()["results"] if x["policy"] == RULE)


def standards_of(client: TestClient, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    r = client.get("/api/v1/local-standards", headers=headers)
    assert r.status_code == 200, r.text
    return {p["name"]: p for p in r.json()}


def expected_amount(case: dict[str, Any], value: float) -> float:
    """Months of benefit (the rule's parameter) × the local standard × the insured of 2019-12."""
    months = registry().parameters[RULE + ".benefit_months"].values[-1][1]
    return round(months * value * case["enterprise"]["insured"]["2019-12"], 2)


def test_the_list_shows_the_parameter_and_the_results_waiting_on_it(
    client: TestClient, admins: dict[str, dict[str, str]]
) -> None:
    listed = standards_of(client, admins["admin"])
    assert PARAM in listed
    entry = listed[PARAM]
    assert RULE in [w["id"] for w in entry["waiting"]]
    assert all(w["title"] for w in entry["waiting"])
    assert entry["seed_values"] == {"2019-01-01": None} and entry["editable"]
    # every null parameter is listed; one the seeds fix is not
    nulls = {n for n, p in registry().parameters.items() if any(v is None for _, v in p.values)}
    assert nulls <= set(listed)
    assert "cn.si_relief_2020.exemption_ratio" not in listed
    # a Beijing admin sees Henan's parameter but may not set it
    assert standards_of(client, admins["bj_admin"])[PARAM]["editable"] is False


def test_maker_checker_then_the_calculator_cites_the_local_document(
    client: TestClient, admins: dict[str, dict[str, str]], tokens: dict[str, dict[str, str]], henan_case: dict[str, Any]
) -> None:
    before = refund(client, henan_case)
    assert before["amount"] is None and any(PARAM in r for r in before["reasons"])  # pending: 待核定

    r = client.post("/api/v1/local-standards", headers=admins["admin"], json=PROPOSAL)
    assert r.status_code == 201, r.text
    proposal = r.json()
    assert proposal["status"] == "pending" and proposal["status_name"] == "待审核"
    assert refund(client, henan_case)["amount"] is None  # a proposal alone changes nothing

    # the proposer cannot approve; an admin of another area cannot either; nor can a non-admin
    r = client.post(f"/api/v1/local-standards/{proposal['id']}/approve", headers=admins["admin"])
    assert r.status_code == 403 and "另一名管理员" in r.json()["detail"]
    r = client.post(f"/api/v1/local-standards/{proposal['id']}/approve", headers=admins["bj_admin"])
    assert r.status_code == 403 and "辖区" in r.json()["detail"]
    r = client.post(f"/api/v1/local-standards/{proposal['id']}/approve", headers=tokens["jingban"])
    assert r.status_code == 403
    assert refund(client, henan_case)["amount"] is None

    r = client.post(f"/api/v1/local-standards/{proposal['id']}/approve", headers=admins["admin2"])
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved" and r.json()["decided_by"] == "admin2"
    r = client.post(f"/api/v1/local-standards/{proposal['id']}/approve", headers=admins["admin2"])
    assert r.status_code == 409  # once

    after = refund(client, henan_case)
    assert after["status"] == "eligible"
    assert after["amount"] == expected_amount(henan_case, VALUE)
    assert {"doc_no": DOC["doc_no"], "article": DOC["article"]} in after["citations"]
    assert after["local_standards"] == [
        {
            "parameter": PARAM,
            "value": VALUE,
            "unit": "CNY/month",
            "citation": {"doc_no": DOC["doc_no"], "article": DOC["article"]},
            "title": DOC["doc_title"],
        }
    ]
    assert any(DOC["doc_no"] in reason for reason in after["reasons"])
    # the case's own parameters still win over the bureau's value
    own = refund(client, {**henan_case, "parameters": {PARAM: 1000}})
    assert own["amount"] == expected_amount(henan_case, 1000) and "local_standards" not in own
    # every step audited
    r = client.get("/api/v1/audit", headers=admins["admin"], params={"entity_id": str(proposal["id"])})
    actions = [(e["action"], e["actor"]) for e in r.json() if e["entity"] == "local_standard"]
    assert ("local_standard.propose", "admin") in actions and ("local_standard.approve", "admin2") in actions
    # the desk's calculator page shows the local document beside the amount
    page = client.post("/calculate", data={"case_json": json.dumps(henan_case)}, headers=admins["admin"])
    assert page.status_code == 200 and DOC["doc_no"] in page.text


def _registry(case: dict[str, Any], folder: Path) -> Path:
    """The case's unit as a registry of CSV files (units, contributions, insured)."""
    e = case["enterprise"]
    folder.mkdir()
    pl.DataFrame(
        [
            {
                "uscc": e["uscc"],
                "name": e["name"],
                "region": e["region"],
                "unit_type": e["unit_type"],
                "industry": e["industry"],
                "employees": e["employees"],
                "revenue": e["revenue"],
                "assets": e["assets"],
                "flags": ";".join(e["flags"]),
                "attrition_2019": e["attrition_2019"],
            }
        ]
    ).write_csv(folder / "units.csv")
    pl.DataFrame([{"uscc": e["uscc"], **row} for row in e["contributions"]]).write_csv(folder / "contributions.csv")
    pl.DataFrame([{"uscc": e["uscc"], "month": m, "headcount": n} for m, n in e["insured"].items()]).write_csv(
        folder / "insured.csv"
    )
    return folder


def _paid(out: Path, uscc: str) -> dict[str, Any] | None:
    path = out / "payments" / f"{RULE}.csv"
    if not path.exists():
        return None
    rows = pl.read_csv(path, schema_overrides={"region": pl.String}).filter(pl.col("uscc") == uscc)
    return rows.row(0, named=True) if rows.height else None


def test_the_batch_uses_the_approved_value(
    client: TestClient, admins: dict[str, dict[str, str]], henan_case: dict[str, Any], database: str, tmp_path: Path
) -> None:
    assert standards_of(client, admins["admin"])[PARAM]["standards"][0]["status"] == "approved"
    reg = _registry(henan_case, tmp_path / "reg")
    as_of = pl.Series([henan_case["as_of"]]).str.to_date()[0]
    uscc = henan_case["enterprise"]["uscc"]
    # without the local standards: pending, nobody paid
    run_batch(BatchConfig(reg, as_of, tmp_path / "plain", policies=[RULE], workers=1))
    assert _paid(tmp_path / "plain", uscc) is None
    # with the exported overlay file
    exported = client.get("/api/v1/local-standards/export", headers=admins["admin"])
    assert exported.status_code == 200
    (tmp_path / "local.json").write_text(exported.text, encoding="utf-8")
    run_batch(
        BatchConfig(
            reg,
            as_of,
            tmp_path / "local",
            policies=[RULE],
            workers=1,
            local_json=local_standards.load_file(tmp_path / "local.json").to_json(),
        )
    )
    paid = _paid(tmp_path / "local", uscc)
    assert paid is not None and paid["amount"] == expected_amount(henan_case, VALUE)
    assert DOC["doc_no"] in paid["reasons"]
    # renshe evaluate with the same file: the calculator on the command line
    (tmp_path / "case.json").write_text(json.dumps(henan_case), encoding="utf-8")
    proc = subprocess.run(
        [str(RENSHE), "evaluate", str(tmp_path / "case.json"), "--local-standards", str(tmp_path / "local.json")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = next(r for r in json.loads(proc.stdout)["results"] if r["policy"] == RULE)
    assert result["amount"] == expected_amount(henan_case, VALUE) and result["local_standards"][0]["parameter"] == PARAM
    # the command line, reading the approved values from the database
    proc = subprocess.run(
        [
            str(RENSHE),
            "batch",
            str(reg),
            "--as-of",
            henan_case["as_of"],
            "--out",
            str(tmp_path / "cli"),
            "--policies",
            RULE,
            "--workers",
            "1",
            "--database-url",
            database,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert DOC["doc_no"] in proc.stderr  # it says which local standards it uses
    paid = _paid(tmp_path / "cli", uscc)
    assert paid is not None and paid["amount"] == expected_amount(henan_case, VALUE)
    assert DOC["doc_no"] in paid["reasons"]
    # a bad overlay file is refused by name
    (tmp_path / "bad.json").write_text(
        json.dumps(
            {
                "local_standards": [
                    {"parameter": PARAM, "value": "abc", "from": "2019-01-01", "to": None, "citation": DOC}
                ]
            }
        ),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [
            str(RENSHE),
            "batch",
            str(reg),
            "--as-of",
            henan_case["as_of"],
            "--out",
            str(tmp_path / "bad"),
            "--local-standards",
            str(tmp_path / "bad.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 2 and PARAM in proc.stderr and "Traceback" not in proc.stderr


BAD = [
    ({"value": "abc"}, "value", "不是有效的取值"),
    ({"value": -100}, "value", "不是有效的取值"),
    ({"value": ""}, "value", "请填写"),
    ({"doc_no": "郑人社2019年12号"}, "doc_no", "六角括号"),
    ({"doc_no": ""}, "doc_no", "请填写"),
    ({"article": "  "}, "article", "请填写"),
    ({"quote": ""}, "quote", "请填写"),
    ({"effective_from": "2019-13-01"}, "effective_from", "不是日期"),
    ({"effective_from": ""}, "effective_from", "请填写"),
    ({"effective_to": "2018-12-31"}, "effective_to", "早于生效日期"),
    ({"parameter": "henan.no_such_parameter"}, "parameter", "不是已知参数"),
    ({"parameter": "cn.si_relief_2020.exemption_ratio", "value": 0.5}, "parameter", "不是待地方设定的参数"),
]


@pytest.mark.parametrize(("patch", "field", "words"), BAD)
def test_bad_proposals_are_refused_and_nothing_is_saved(
    client: TestClient, admins: dict[str, dict[str, str]], patch: dict[str, Any], field: str, words: str
) -> None:
    count = sum(len(p["standards"]) for p in standards_of(client, admins["admin"]).values())
    r = client.post("/api/v1/local-standards", headers=admins["admin"], json={**PROPOSAL, **patch})
    assert r.status_code == 422, r.text
    problems = {p["field"]: p["message"] for p in r.json()["problems"]}
    assert words in problems[field], problems
    assert local_standards.FIELD_NAMES[field] in r.json()["detail"]
    assert sum(len(p["standards"]) for p in standards_of(client, admins["admin"]).values()) == count


def test_area_and_roles(
    client: TestClient, admins: dict[str, dict[str, str]], tokens: dict[str, dict[str, str]]
) -> None:
    r = client.post("/api/v1/local-standards", headers=admins["bj_admin"], json=PROPOSAL)
    assert r.status_code == 403 and "辖区" in r.json()["detail"]
    r = client.post("/api/v1/local-standards", headers=tokens["jingban"], json=PROPOSAL)
    assert r.status_code == 403
    assert client.get("/api/v1/local-standards").status_code == 401
    # a Beijing admin sets a Beijing parameter
    r = client.post(
        "/api/v1/local-standards",
        headers=admins["bj_admin"],
        json={
            **PROPOSAL,
            "parameter": "beijing.ui_benefit_monthly_2019",
            "value": 2000,
            "doc_no": "京人社就发〔2019〕9号",
        },
    )
    assert r.status_code == 201, r.text


def test_rejection_needs_a_reason_and_changes_nothing(
    client: TestClient, admins: dict[str, dict[str, str]], henan_case: dict[str, Any]
) -> None:
    r = client.post(
        "/api/v1/local-standards",
        headers=admins["admin2"],
        json={**PROPOSAL, "value": 9999, "effective_from": "2020-01-01"},
    )
    assert r.status_code == 201, r.text
    number = r.json()["id"]
    r = client.post(f"/api/v1/local-standards/{number}/reject", headers=admins["admin"], json={"reason": " "})
    assert r.status_code == 422 and "驳回理由" in r.json()["detail"]
    r = client.post(f"/api/v1/local-standards/{number}/reject", headers=admins["admin"], json={"reason": "与文件不符"})
    assert r.status_code == 200 and r.json()["status_name"] == "已驳回"
    assert refund(client, henan_case)["amount"] == expected_amount(henan_case, VALUE)  # still the approved one
    r = client.post(f"/api/v1/local-standards/{number}/approve", headers=admins["admin"])
    assert r.status_code == 409


def test_the_page_refuses_others_and_keeps_what_was_typed(
    client: TestClient, admins: dict[str, dict[str, str]], tokens: dict[str, dict[str, str]]
) -> None:
    r = client.get("/admin/standards", headers=tokens["jingban"])
    assert r.status_code == 403 and "只有管理员" in r.text
    r = client.get("/admin/standards", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = client.get("/admin/standards", headers=admins["admin"])
    assert r.status_code == 200 and PARAM in r.text and RULE in r.text
    count = sum(len(p["standards"]) for p in standards_of(client, admins["admin"]).values())
    r = client.post(
        "/admin/standards",
        headers=admins["admin"],
        data={**{k: str(v) for k, v in PROPOSAL.items()}, "value": "一千五", "effective_to": "2019-02-30"},
    )
    assert r.status_code == 422
    assert 'id="error-value"' in r.text and 'id="error-effective_to"' in r.text
    assert 'value="一千五"' in r.text and 'value="2019-02-30"' in r.text and DOC["quote"] in r.text
    assert sum(len(p["standards"]) for p in standards_of(client, admins["admin"]).values()) == count


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("henan.epidemic_end_date", "2020-06-30"),
        ("yongzhou.stable_job_refund_2022.ratio_sme", 0.6),
        ("henan.hiring_subsidy_2020.per_person", 300),
    ],
)
def test_values_of_other_kinds_are_taken_as_typed(
    client: TestClient, admins: dict[str, dict[str, str]], name: str, value: Any
) -> None:
    r = client.post(
        "/api/v1/local-standards", headers=admins["admin"], json={**PROPOSAL, "parameter": name, "value": value}
    )
    assert r.status_code == 201, r.text
    assert r.json()["value"] == value and r.json()["status"] == "pending"
