"""Parameter → rule dependencies (参数依赖): which parameters each rule reads, and so
which rules a change of parameters reaches.

A rule's plan (``evaluate.Plan``) is built by running the rule's code once for a date
and a set of parameters; the parameter view records every parameter the code asks
for (``Plan.parameters``). The code is deterministic in what it reads: if none of the
parameters it asked for changes, it takes the same path, asks for the same ones and
builds the same plan. So a change of parameters reaches exactly the rules that asked
for one of them — plus, because same-money relations (``engine.same_money``) decide a
rule's money from its partners' results, every rule linked to those by a chain of
relations (their results are resolved together and must be resolved again).

A rule not yet in force at the date reads no parameter (``evaluate.time_problem``
gates it first). A rule whose plan stops at a parameter not in force
(``NotInForce``) depends on the parameters it asked for up to there, that one included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl
from pydantic import BaseModel

from renshe.engine.evaluate import _build_plan
from renshe.engine.gates import not_yet as time_problem
from renshe.engine.parameters import Parameter, ParameterView
from renshe.engine.population import Population, layout, with_classification
from renshe.engine.rules import Registry


class _Asking(ParameterView):
    """A parameter view that also notes every name asked for — including one whose
    value is not in force (the view records only the values it gave)."""

    def __init__(
        self, parameters: dict[str, Parameter], as_of: dt.date, overrides: dict[str, Any] | None, asked: set[str]
    ):
        super().__init__(parameters, as_of, overrides)
        self.asked = asked

    def __call__(self, name: str) -> Any:
        self.asked.add(name)
        return super().__call__(name)

    def fork(self) -> _Asking:
        return _Asking(self._parameters, self.as_of, self.overrides, self.asked)


def parameters_read(
    reg: Registry, pop: Population, as_of: dt.date, overrides: dict[str, Any], rule_ids: Iterable[str]
) -> dict[str, list[str]]:
    """For each rule, the parameters its code reads on ``as_of`` with ``overrides`` (sorted
    names), from its plan built over the (empty) shape of ``pop`` as the batch builds it."""
    out: dict[str, list[str]] = {}
    pop.with_fact_bounds()
    for rid in rule_ids:
        r = reg.rules[rid]
        frame = pop.entities.get(r.entity)
        if frame is None or time_problem(r, as_of):
            out[rid] = []
            continue
        asked: set[str] = set()
        plan = _build_plan(
            r,
            _Asking(reg.parameters, as_of, overrides, asked),
            True,
            frame.clear(),
            {name: t.clear() for name, t in pop.tables.get(r.entity, {}).items()},
        )
        used = set() if isinstance(plan, str) else set(plan.parameters)
        out[rid] = sorted(asked | used)
    return out


def related(reg: Registry, rule_ids: Iterable[str], among: Iterable[str]) -> list[str]:
    """``rule_ids`` and every rule of ``among`` linked to them by a chain of same-money
    relations (whose results are resolved together), in the order of ``among``."""
    among = list(among)
    pool = set(among)
    found = set(rule_ids) & pool
    grew = True
    while grew:
        grew = False
        for rel in reg.relations:
            members = set(rel.members) & pool
            if members & found and not members <= found:
                found |= members
                grew = True
    return [rid for rid in among if rid in found]


def reached(depends: dict[str, list[str]], changed: Iterable[str]) -> list[str]:
    """The rules (keys of ``depends``) that read one of the ``changed`` parameters."""
    names = set(changed)
    return [rid for rid, params in depends.items() if names & set(params)]


def empty_population(entity: str, model: type[BaseModel]) -> Population:
    """A population of no rows of one entity, laid out as ``model`` (``population.layout``),
    classified as every population is (``with_classification``)."""
    lay = layout(model)
    frame = pl.DataFrame(schema=lay.columns)
    if entity == "enterprise":
        frame = with_classification(frame)
    tables = {name: pl.DataFrame(schema=schema) for name, schema in lay.tables.items()}
    return Population(entities={entity: frame}, tables={entity: tables})
