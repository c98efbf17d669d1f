"""Rules (规则): a policy's declaration — id, title, jurisdiction, entity,
effective period, citations, the catalog entries it implements — and its
column function.

Each policy module ``policies/<jurisdiction>/<document>.py`` has a YAML file of
the same stem beside it holding the law (document, rules, citations,
parameters). The Python file holds only the computation::

    @rule("<jurisdiction>.<measure>")
    def si_relief(c: Calc) -> None:
        ...
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from renshe.engine.case import CaseModels, Facts, assemble, declared_in
from renshe.engine.parameters import Parameter, parse_parameters
from renshe.engine.references import Reference

if TYPE_CHECKING:
    from renshe.engine.calc import Calc

ENTITIES = ("enterprise", "person", "agency", "loan", "bureau")
#: what a result's amount is (interface.md, contract version 2): unlike money is never added up
FLOWS = ("cash", "reduction", "deferral", "credit", "wage", "none")
#: each flow's Chinese name, on every page, list and report (the money of two flows is never added)
FLOW_NAMES = {
    "cash": "现金拨付",
    "reduction": "减免",
    "deferral": "缓缴",
    "credit": "贷款额度",
    "wage": "工资待遇",
    "none": "不涉及资金",
}
#: the same-money relations a document may declare between rules (``same_money:``)
RELATIONS = ("overlaps", "part_of", "exclusive_with")
JURISDICTIONS = ("cn", "hubei", "beijing", "henan", "zhengzhou", "xinmi", "hunan", "yongzhou")
JURISDICTION_NAMES = {
    "cn": "全国",
    "hubei": "湖北省",
    "beijing": "北京市",
    "henan": "河南省",
    "zhengzhou": "郑州市",
    "xinmi": "新密市",
    "hunan": "湖南省",
    "yongzhou": "永州市",
}

try:  # libyaml is much faster on start-up
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the wheel
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    jurisdiction: str
    entity: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    expires: bool
    citations: tuple[Reference, ...]
    implements: tuple[str, ...]
    compute: Callable[[Calc], None]
    module: str
    kind: str = "subsidy"
    unit: str = "CNY"
    description: str = ""
    applies_to: tuple[str, ...] = ()
    flow: str = "none"  # cash | reduction | deferral | credit | wage | none (FLOWS), required in the YAML
    flow_basis: Reference | None = None  # the sentence that decides what the money is

    @property
    def doc_no(self) -> str:
        return self.citations[0].doc_no

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "jurisdiction": self.jurisdiction,
            "entity": self.entity,
            "kind": self.kind,
            "effective": {
                "from": self.effective_from.isoformat() if self.effective_from else None,
                "to": self.effective_to.isoformat() if self.effective_to else None,
            },
            "doc_no": self.doc_no,
            "flow": self.flow,
            "implements": list(self.implements),
        }


@dataclass(frozen=True)
class Relation:
    """Same money under two or more rules (interface.md, "Same money, counted once"),
    with the citation that decides it.

    - ``overlaps``: one measure under several documents, paid once (the larger amount);
      ``local`` names the local document's rule whose conditions and exclusions bind
      the others for units in its area.
    - ``part_of``: ``members = (whole, part)``: the part is the whole's money delivered
      another way (the February refund of the relief).
    - ``exclusive_with``: cannot be enjoyed together; ``prefer`` is the documents' own
      choice, else the larger amount is taken."""

    kind: str
    members: tuple[str, ...]
    citation: Reference
    local: str | None = None
    prefer: str | None = None


@dataclass
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    #: the case model: the core case with the facts every document declares (``case.Facts``),
    #: assembled by ``registry()`` once every document is loaded
    case_models: CaseModels = field(init=False, repr=False)

    @property
    def overlap_groups(self) -> list[tuple[str, ...]]:
        """The members of every relation (a rule asked for brings its partners along)."""
        return [rel.members for rel in self.relations]

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def parameters_of(self, rule_id: str) -> dict[str, Parameter]:
        prefix = rule_id + "."
        return {n: p for n, p in self.parameters.items() if n.startswith(prefix)}


_pending: dict[str, dict[str, Callable[[Calc], None]]] = {}


def rule(rule_id: str) -> Callable[[Callable[[Calc], None]], Callable[[Calc], None]]:
    """Attach a column function to the rule ``rule_id`` declared in the module's YAML."""

    def register(fn: Callable[[Calc], None]) -> Callable[[Calc], None]:
        _pending.setdefault(fn.__module__, {})[rule_id] = fn
        return fn

    return register


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _relations(entries: list[Any], where: str, doc_defaults: dict[str, Any]) -> list[Relation]:
    """A document's ``same_money:`` entries (each with the citation that decides it)."""
    out = []
    for i, entry in enumerate(entries):
        here = f"{where}: same_money[{i}]"
        kinds = [k for k in RELATIONS if k in entry]
        if len(kinds) != 1:
            raise ValueError(f"{here}: expected exactly one of {RELATIONS}")
        kind = kinds[0]
        if "citation" not in entry:
            raise ValueError(f"{here}: no citation")
        cite = Reference.from_mapping(entry["citation"], here, doc_defaults)
        if kind == "part_of":
            if not entry.get("part"):
                raise ValueError(f"{here}: part_of needs 'part' (the rule whose amount is part of the whole)")
            members: tuple[str, ...] = (str(entry["part_of"]), str(entry["part"]))
        else:
            members = tuple(str(m) for m in entry[kind])
            if len(members) < 2:
                raise ValueError(f"{here}: {kind} needs at least two rules")
        local, prefer = entry.get("local"), entry.get("prefer")
        for name, value in (("local", local), ("prefer", prefer)):
            if value is not None and value not in members:
                raise ValueError(f"{here}: {name} {value!r} is not one of {list(members)}")
        out.append(Relation(kind, members, cite, local=local, prefer=prefer))
    return out


def load_document(
    yaml_path: Path, functions: dict[str, Callable[[Calc], None]], module: str
) -> tuple[list[Rule], dict[str, Parameter], list[Relation]]:
    """Read one policy YAML and pair its rules with their column functions."""
    data = yaml.load(yaml_path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    where = yaml_path.name
    doc = data.get("document") or {}
    doc_defaults = {"doc_no": doc.get("doc_no"), "title": doc.get("title")}
    rules: list[Rule] = []
    for rule_id, spec in (data.get("rules") or {}).items():
        here = f"{where}: rule {rule_id}"
        if rule_id not in functions:
            raise ValueError(f"{here}: no @rule function in {module}")
        cites = spec.get("citations") or []
        if not cites:
            raise ValueError(f"{here}: no citations")
        jurisdiction = spec.get("jurisdiction", doc.get("jurisdiction"))
        if jurisdiction not in JURISDICTIONS:
            raise ValueError(f"{here}: unknown jurisdiction {jurisdiction!r}")
        entity = spec.get("entity")
        if entity not in ENTITIES:
            raise ValueError(f"{here}: entity must be one of {ENTITIES}")
        effective = spec.get("effective") or {}
        flow = spec.get("flow")
        if flow not in FLOWS:
            raise ValueError(f"{here}: flow (what the amount is) must be one of {FLOWS}, not {flow!r}")
        basis = spec.get("flow_basis")
        rules.append(
            Rule(
                id=rule_id,
                title=str(spec["title"]),
                jurisdiction=jurisdiction,
                entity=entity,
                effective_from=_date(effective.get("from")),
                effective_to=_date(effective.get("to")),
                expires=bool(spec.get("expires", False)),
                # the rule's own document first, restating documents after it
                citations=tuple(
                    sorted(
                        (Reference.from_mapping(c, here, doc_defaults) for c in cites),
                        key=lambda ref: ref.doc_no != doc_defaults["doc_no"],
                    )
                ),
                implements=tuple(spec.get("implements") or [rule_id]),
                compute=functions[rule_id],
                module=module,
                kind=str(spec.get("kind", "subsidy")),
                unit=str(spec.get("unit", "CNY")),
                description=str(spec.get("description", "")),
                applies_to=tuple(spec.get("applies_to") or [entity]),
                flow=flow,
                flow_basis=None
                if basis is None
                else Reference.from_mapping(basis, f"{here}: flow_basis", doc_defaults),
            )
        )
    missing = set(functions) - {r.id for r in rules}
    if missing:
        raise ValueError(f"{where}: @rule functions without a declaration: {sorted(missing)}")
    params = parse_parameters(data.get("parameters") or {}, where, doc_defaults)
    relations = _relations(data.get("same_money") or [], where, doc_defaults)
    # the older form: groups of rule ids, the same money under several documents
    relations += [
        Relation("overlaps", tuple(g), Reference(str(doc_defaults["doc_no"]), "—", "同一笔资金"))
        for g in data.get("overlaps") or []
    ]
    return rules, params, relations


@cache
def registry() -> Registry:
    """Import every policy module under ``renshe.policies`` and build the registry once."""
    import renshe.policies as root

    reg = Registry()
    facts: list[type[Facts]] = []
    for info in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        facts += declared_in(info.name)
        path = Path(module.__file__ or "").with_suffix(".yaml")
        functions = _pending.get(info.name, {})
        if not path.exists():
            if functions:
                raise ValueError(f"{info.name}: rules without their YAML file {path.name}")
            continue
        rules, params, relations = load_document(path, functions, info.name)
        for r in rules:
            if r.id in reg.rules:
                raise ValueError(f"rule {r.id} declared twice ({reg.rules[r.id].module}, {info.name})")
            reg.rules[r.id] = r
        for name, p in params.items():
            if name in reg.parameters:
                raise ValueError(f"parameter {name} declared twice")
            reg.parameters[name] = p
        reg.relations.extend(relations)
    # shared parameters (minimum wages, benefit standards) live in policies/<jurisdiction>/standards.yaml
    for path in sorted(Path(root.__path__[0]).glob("*/standards.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        doc = data.get("document") or {}
        params = parse_parameters(data.get("parameters") or {}, path.name, {"doc_no": doc.get("doc_no")})
        for name, p in params.items():
            if name in reg.parameters:
                raise ValueError(f"parameter {name} declared twice")
            reg.parameters[name] = p
    for rel in reg.relations:
        unknown = [m for m in rel.members if m not in reg.rules]
        if unknown:
            raise ValueError(f"same_money {rel.kind} {list(rel.members)}: unknown rules {unknown}")
    # the case model: the core case and the facts the documents declare beside their rules
    reg.case_models = assemble(facts, tuple(r.id for r in reg.rules.values() if r.entity == "bureau"))
    return reg
