"""Every computable entry of the policy catalog (../shared/spec/policies) is
implemented by some rule's `implements` (the two whose subject is a fund's,
not a unit's or a person's, through the `bureau` subject of the case)."""

from __future__ import annotations

import yaml

from renshe.engine.rules import registry
from tests.conftest import CATALOG

NOT_COMPUTABLE_KINDS = {"service_rule", "reporting_obligation", "target", "legal_reference"}


def computable_ids() -> set[str]:
    ids = set()
    for path in sorted(CATALOG.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if entry["kind"] not in NOT_COMPUTABLE_KINDS:
                ids.add(entry["id"])
    return ids


def test_catalog_is_there() -> None:
    assert len(computable_ids()) == 308


def test_every_computable_entry_is_implemented() -> None:
    implemented = {i for rule in registry().rules.values() for i in rule.implements}
    missing = sorted(computable_ids() - implemented)
    assert not missing, f"{len(missing)} catalog entries have no rule: {missing}"


def test_fund_subjects_are_bureau_rules() -> None:
    rules = registry().rules
    for rid in ("cn.pension_central_adjustment_ratio_2020", "cn.miit_sme_loan_risk_compensation_2020"):
        assert rules[rid].entity == "bureau" and rid in rules[rid].implements
