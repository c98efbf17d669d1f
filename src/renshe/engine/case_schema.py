"""The published JSON Schema of the case (案例格式), generated from the case model
(``engine.case.Case``) into ``docs/case.schema.json`` by ``renshe case schema --out``.

The schema describes the shape and the bounds of every field; the checks a schema
cannot say (a valid region or ID number, a parameter override of the parameter's
kind) are made when the case is read, and named in the problem list.
``tests/engine/test_case_schema.py`` keeps the file current and in step with
``docs/case-format.md``."""

from __future__ import annotations

import json
from typing import Any

from renshe.engine.case import Case

DIALECT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "renshe case (案例)"
DESCRIPTION = (
    "One enterprise, person, agency or loan applicant judged on a date (as_of), with optional "
    "parameter overrides: the input of `renshe evaluate` and POST /api/v1/evaluate. Fields are "
    "described in docs/case-format.md; a region, ID number or parameter override is also checked "
    "when the case is read."
)


def case_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case, as the case model validates it."""
    schema = Case.model_json_schema(mode="validation")
    return {"$schema": DIALECT, **schema, "title": TITLE, "description": DESCRIPTION}


def case_schema_text() -> str:
    """The schema as written to ``docs/case.schema.json`` (UTF-8, two-space indent, final newline)."""
    return json.dumps(case_schema(), ensure_ascii=False, indent=2) + "\n"
