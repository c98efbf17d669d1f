"""Parameters and definitions of the reporting obligations and publications, read from
``reports_parameters.yaml``: dated, cited values (``parameters:``) and the daily report
kinds with their columns and the sentence that orders them (``daily_reports:``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from renshe.engine.parameters import Parameter
from renshe.engine.references import Reference
from renshe.engine.settings import load_settings, setting

FILE = Path(__file__).with_name("reports_parameters.yaml")


@cache
def _parameters() -> dict[str, Parameter]:
    return load_settings(FILE)


def param(name: str, on: dt.date | None = None) -> Any:
    return setting(_parameters(), name, on)


def citation(name: str) -> dict[str, str]:
    return _parameters()[name].reference.full()


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text, id_number, uscc, choice, temperature, symptoms
    max: int | None = None
    choices: tuple[str, ...] = ()
    flag: tuple[str, ...] = ()  # values reported at once ("all": every value)


@dataclass(frozen=True)
class Kind:
    key: str
    name: str
    owed_by: str  # all_agencies, registered, as_needed
    first_day: dt.date
    columns: tuple[Column, ...]
    reference: Reference
    implements: str

    @property
    def daily(self) -> bool:
        return self.owed_by != "as_needed"

    def citation(self) -> dict[str, str]:
        return self.reference.full()


@cache
def kinds() -> dict[str, Kind]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))["daily_reports"]
    out = {}
    for key, spec in data.items():
        cols = tuple(
            Column(
                name=str(c["name"]),
                type=str(c["type"]),
                max=c.get("max"),
                choices=tuple(str(x) for x in c.get("choices", ())),
                flag=(("all",) if c.get("flag") == "all" else tuple(str(x) for x in c.get("flag", ()))),
            )
            for c in spec["columns"]
        )
        out[key] = Kind(
            key=key,
            name=str(spec["name"]),
            owed_by=str(spec["owed_by"]),
            first_day=spec["from"],
            columns=cols,
            reference=Reference.from_mapping(spec["reference"], f"{FILE.name}: {key}"),
            implements=str(spec["implements"]),
        )
    return out


@dataclass(frozen=True)
class AnnouncementKind:
    key: str
    name: str
    subject: str
    needs_event_date: bool
    reference: Reference


@cache
def announcement_kinds() -> dict[str, AnnouncementKind]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))["announcements"]
    return {
        key: AnnouncementKind(
            key=key,
            name=str(spec["name"]),
            subject=str(spec["subject"]),
            needs_event_date=bool(spec.get("needs_event_date", False)),
            reference=Reference.from_mapping(spec["reference"], f"{FILE.name}: {key}"),
        )
        for key, spec in data.items()
    }
