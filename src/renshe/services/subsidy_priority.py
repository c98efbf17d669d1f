"""Henan's priority for the subsidy applications of SMEs in difficulty (困难中小微企业补贴申请优先受理).

豫人社〔2020〕4号 七: 优先受理受疫情影响、面临暂时性生产经营困难的中小微企业社会保险补贴、
岗位补贴和在职培训补贴的申请. In a caseworker's review queue such an application, still waiting
for review, comes first (then by its review deadline) when it was filed within the dates, for a
unit in the area, for one of the subsidies, by a unit confirmed as affected, whose size class
(renshe.domain.size, from the case's industry and indicators, or the size an authority gave)
is medium, small or micro. Every one of these is a parameter in ``subsidy_priority.yaml``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from renshe.domain.size import SizeError, classify
from renshe.engine.catalog import implements
from renshe.engine.settings import load_settings, setting
from renshe.store.models import Application

FILE = Path(__file__).with_name("subsidy_priority.yaml")
TEST = "tests/desk/test_subsidy_priority.py::"


def param(name: str, on: dt.date) -> Any:
    return setting(load_settings(FILE), f"subsidy_priority.{name}", on)


def _area(region: str) -> str:
    while region.endswith("00"):
        region = region[:-2]
    return region


def size_class(case: dict[str, Any]) -> str | None:
    """The enterprise's size class (企业划型) from its case, as the calculator classifies it;
    None when the case cannot be classified."""
    e = case.get("enterprise") or {}
    try:
        return classify(
            str(e.get("industry") or ""), e.get("employees"), e.get("revenue"), e.get("assets"), e.get("size")
        ).size
    except (SizeError, ValueError, TypeError):
        return None


def applies(app: Application) -> bool:
    """Whether Henan's rule puts ``app`` first (the module's doc says when)."""
    on = app.submitted_on
    start, until = param("from", on), param("until", on)
    if on < start or (until is not None and on > until):
        return False
    if app.status not in param("statuses", on) or app.policy_id not in param("policies", on):
        return False
    if not str(app.region or "").startswith(_area(str(param("region", on)))):
        return False
    enterprise = (app.case or {}).get("enterprise") or {}
    flags = set(enterprise.get("flags") or [])
    if not set(param("flags", on)) <= flags:
        return False
    return size_class(app.case or {}) in param("sizes", on)


@implements("henan.subsidy_priority_processing_2020", tests=[TEST + "test_henan_sme_subsidy_first_in_the_review_queue"])
def prioritised(s: Session, scoped: Select[Any]) -> list[int]:
    """The ids, among the applications ``scoped`` selects, that come first: only the applications
    for the listed subsidies waiting for review are read (their case), then checked one by one."""
    policies = {p for _, value in load_settings(FILE)["subsidy_priority.policies"].values for p in value}
    statuses = {p for _, value in load_settings(FILE)["subsidy_priority.statuses"].values for p in value}
    q = scoped.where(Application.policy_id.in_(policies), Application.status.in_(statuses))
    return [a.id for a in s.execute(q).scalars() if applies(a)]
