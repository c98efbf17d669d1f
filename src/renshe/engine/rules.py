"""Rules (规则): a policy's declaration — id, title, jurisdiction, entity,
effective period, citations, the catalog entries it implements — and its
column function.

Each policy module ``policies/<jurisdiction>/<document>.py`` has a YAML file of
the same stem beside it holding the law (document, rules, citations,
parameters). The Python file holds only the computation::

    @rule("cn.si_relief_2020")
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

from renshe.engine.parameters import Parameter, parse_parameters
from renshe.engine.references import Reference

if TYPE_CHECKING:
    from renshe.engine.calc import Calc

ENTITIES = ("enterprise", "person", "agency", "loan")
JURISDICTIONS = ("cn", "hubei", "beijing", "henan", "zhengzhou", "xinmi", "hunan", "yongzhou")
JURISDICTION_NAMES = {
    "cn": "全国", "hubei": "湖北省", "beijing": "北京市", "henan": "河南省", "zhengzhou": "郑州市",
    "xinmi": "新密市", "hunan": "湖南省", "yongzhou": "永州市",
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
            "implements": list(self.implements),
        }


@dataclass
class Registry:
    rules: dict[str, Rule] = field(default_factory=dict)
    parameters: dict[str, Parameter] = field(default_factory=dict)
    overlap_groups: list[tuple[str, ...]] = field(default_factory=list)

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


def load_document(yaml_path: Path, functions: dict[str, Callable[[Calc], None]], module: str) -> tuple[
    list[Rule], dict[str, Parameter], list[tuple[str, ...]]
]:
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
                citations=tuple(sorted((Reference.from_mapping(c, here, doc_defaults) for c in cites),
                                       key=lambda ref: ref.doc_no != doc_defaults["doc_no"])),
                implements=tuple(spec.get("implements") or [rule_id]),
                compute=functions[rule_id],
                module=module,
                kind=str(spec.get("kind", "subsidy")),
                unit=str(spec.get("unit", "CNY")),
                description=str(spec.get("description", "")),
                applies_to=tuple(spec.get("applies_to") or [entity]),
            )
        )
    missing = set(functions) - {r.id for r in rules}
    if missing:
        raise ValueError(f"{where}: @rule functions without a declaration: {sorted(missing)}")
    params = parse_parameters(data.get("parameters") or {}, where, doc_defaults)
    overlaps = [tuple(g) for g in data.get("overlaps") or []]
    return rules, params, overlaps


@cache
def registry() -> Registry:
    """Import every policy module under ``renshe.policies`` and build the registry once."""
    import renshe.policies as root

    reg = Registry()
    for info in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        path = Path(module.__file__ or "").with_suffix(".yaml")
        functions = _pending.get(info.name, {})
        if not path.exists():
            if functions:
                raise ValueError(f"{info.name}: rules without their YAML file {path.name}")
            continue
        rules, params, overlaps = load_document(path, functions, info.name)
        for r in rules:
            if r.id in reg.rules:
                raise ValueError(f"rule {r.id} declared twice ({reg.rules[r.id].module}, {info.name})")
            reg.rules[r.id] = r
        for name, p in params.items():
            if name in reg.parameters:
                raise ValueError(f"parameter {name} declared twice")
            reg.parameters[name] = p
        reg.overlap_groups.extend(overlaps)
    # shared parameters (minimum wages, benefit standards) live in policies/<jurisdiction>/standards.yaml
    for path in sorted(Path(root.__path__[0]).glob("*/standards.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
        doc = data.get("document") or {}
        params = parse_parameters(data.get("parameters") or {}, path.name, {"doc_no": doc.get("doc_no")})
        for name, p in params.items():
            if name in reg.parameters:
                raise ValueError(f"parameter {name} declared twice")
            reg.parameters[name] = p
    return reg
