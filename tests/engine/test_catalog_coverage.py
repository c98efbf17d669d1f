"""Every computable entry of the policy catalog (../shared/spec/policies) is
implemented by some rule's `implements` — except those that apply to no
enterprise, person or agency, each named here with its reason."""

from __future__ import annotations

import yaml

from renshe.engine.rules import registry
from tests.conftest import CATALOG

NOT_COMPUTABLE_KINDS = {"service_rule", "reporting_obligation", "target", "legal_reference"}

#: entries the case format cannot evaluate: their subject is a fund or a bank, not a case
NO_CASE_SUBJECT = {
    "cn.pension_central_adjustment_ratio_2020": "中央调剂比例 between provincial pension funds; no unit or person pays or receives it",
    "cn.miit_sme_loan_risk_compensation_2020": "risk compensation paid to banks from a local fund; no case entity",
}


def computable_ids() -> set[str]:
    ids = set()
    for path in sorted(CATALOG.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if entry["kind"] not in NOT_COMPUTABLE_KINDS:
                ids.add(entry["id"])
    return ids


def test_catalog_is_there() -> None:
    assert len(computable_ids()) >= 300


def test_every_computable_entry_is_implemented() -> None:
    implemented = {i for rule in registry().rules.values() for i in rule.implements}
    missing = sorted(computable_ids() - implemented - set(NO_CASE_SUBJECT))
    assert not missing, f"{len(missing)} catalog entries have no rule: {missing}"


def test_exceptions_are_real_catalog_entries_and_still_unimplemented() -> None:
    implemented = {i for rule in registry().rules.values() for i in rule.implements}
    assert set(NO_CASE_SUBJECT) <= computable_ids()
    assert not (set(NO_CASE_SUBJECT) & implemented), "an exception is now implemented: drop it from the list"
