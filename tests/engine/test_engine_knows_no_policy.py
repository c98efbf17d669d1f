"""The engine knows no policy (architecture.md): its modules name no rule id, no catalog id
and none of the facts, flags or nested fact models that the documents declare beside their
rules (``class EnterpriseFacts(Facts, entity="enterprise")`` in policies/<jurisdiction>/).
The core case's own names (region, contributions, insured …) are the engine's."""

from __future__ import annotations

import inspect
import re

import pydantic

from renshe.engine import case
from renshe.engine.rules import registry
from tests.conftest import ROOT

ENGINE = ROOT / "src" / "renshe" / "engine"


def _policy_names() -> dict[str, str]:
    """Every name that belongs to a policy, with where it is declared."""
    reg = registry()
    names: dict[str, str] = {}
    for rule in reg.rules.values():
        names[rule.id] = rule.module
        for entry in rule.implements:
            names[entry] = rule.module
    for path, module in reg.case_models.origins.items():
        names[path.split(".", 1)[1]] = module  # enterprise.rnd_expense_2020 → rnd_expense_2020; flag.x → x
    for decl in case._declared:
        module = inspect.getmodule(decl)
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, pydantic.BaseModel) and value.__module__ == decl.__module__:
                names[name] = decl.__module__
    return names


def test_every_declared_fact_is_in_the_case_model_and_none_is_a_core_field() -> None:
    models = registry().case_models
    cores = {
        "enterprise": case.EnterpriseCore,
        "person": case.PersonCore,
        "agency": case.AgencyCore,
        "bureau": case.BureauCore,
    }
    subjects = {
        "enterprise": models.Enterprise,
        "person": models.Person,
        "agency": models.Agency,
        "bureau": models.Bureau,
    }
    facts = [p for p in models.origins if not p.startswith("flag.")]
    assert len(facts) > 200  # the documents' facts, moved out of the engine
    for path in facts:
        subject, name = path.split(".", 1)
        assert name in subjects[subject].model_fields, path
        assert name not in cores[subject].model_fields, path
    flags = [p.split(".", 1)[1] for p in models.origins if p.startswith("flag.")]
    assert set(flags) <= set(models.FLAGS) and not set(flags) & set(case.CORE_FLAGS)


def test_the_engine_names_no_policy_id_and_no_fact_of_a_document() -> None:
    names = _policy_names()
    assert "cn.si_relief_2020" in names and "rnd_expense_2020" in names and "zgc_tech_enterprise" in names
    pattern = re.compile(
        r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![A-Za-z0-9_])"
    )
    found = []
    for path in sorted(ENGINE.rglob("*")):
        if path.suffix not in (".py", ".yaml") or "__pycache__" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in pattern.finditer(line):
                found.append(
                    f"{path.relative_to(ROOT)}:{number}: {match.group(1)} (declared in {names[match.group(1)]})"
                )
    assert not found, "the engine names policies:\n" + "\n".join(found)


def test_a_fact_declared_twice_or_over_the_core_is_refused() -> None:
    class Twice(case.Facts, entity="person"):
        quarantine_days: int | None = None

    class OverTheCore(case.Facts, entity="agency"):
        region: str | None = None

    try:
        first = [d for d in case._declared if d.__module__.endswith("jrslz_2020_11") and d.entity == "person"]
        for declarations, message in (
            (first + [Twice], "person.quarantine_days is already declared"),
            ([OverTheCore], "agency.region is already declared (the core case)"),
        ):
            try:
                case.assemble(declarations)
            except ValueError as exc:
                assert message in str(exc)
            else:
                raise AssertionError(f"{message}: not refused")
    finally:
        case._declared.remove(Twice)
        case._declared.remove(OverTheCore)
