"""Declarations of where renshe implements the policy catalog's entries (政策目录覆盖):
``@implements`` on service functions and pages, ``page_for`` in web modules. A leaf
module (it imports nothing of renshe), so that every layer may declare; the report
that puts the declarations together is ``renshe.coverage``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Declared:
    target: str  # "renshe.services.notice:publish"
    tests: tuple[str, ...]


_DECLARED: dict[str, list[Declared]] = {}


def implements(*ids: str, tests: Iterable[str] = ()) -> Callable[[F], F]:
    """Mark a service function or a page as implementing these catalog entries;
    ``tests`` are the pytest node ids that show it working."""

    def mark(fn: F) -> F:
        declared = Declared(f"{fn.__module__}:{fn.__qualname__}", tuple(tests))
        for i in ids:
            if declared not in _DECLARED.setdefault(i, []):
                _DECLARED[i].append(declared)
        return fn

    return mark


_PAGES: dict[str, list[str]] = {}


def page_for(service_module: str, *paths: str) -> None:
    """Declare (at a web module's top level) the pages where a user meets a
    service module's functions: their entries then name these pages too."""
    for path in paths:
        if path not in _PAGES.setdefault(service_module, []):
            _PAGES[service_module].append(path)
