"""The published JSON Schema of the case (docs/case.schema.json): current with the case
model, in step with docs/case-format.md (every field listed there is in the schema and
every field of the schema is listed there), and accepting what the calculator accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from typer.testing import CliRunner

from renshe.cli import app
from renshe.engine.case import BadCase, parse_case
from renshe.engine.case_schema import case_schema, case_schema_text
from tests.conftest import ROOT, example_files
from tests.policies.test_policy_cases import build, load_cases

SCHEMA_FILE = ROOT / "docs" / "case.schema.json"
FORMAT_DOC = ROOT / "docs" / "case-format.md"
ENTITIES = ("enterprise", "person", "agency", "loan", "bureau")
#: subjects renshe adds to the contract's (each documented under its own `name`: heading)
ADDED_SUBJECTS = ("bureau",)


def test_the_published_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == case_schema_text(), (
        "docs/case.schema.json is stale: run `renshe case schema --out docs/case.schema.json`"
    )


def test_the_command_prints_and_writes_the_schema(tmp_path: Path) -> None:
    runner = CliRunner()
    printed = runner.invoke(app, ["case", "schema"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == case_schema()
    out = tmp_path / "case.schema.json"
    written = runner.invoke(app, ["case", "schema", "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text(encoding="utf-8") == case_schema_text()


# ---- docs/case-format.md ------------------------------------------------------------------
NAME = r"`([a-z][a-z0-9_]*)`"
#: a list item's leading field names: "- `a`, `b` and `c` (…) — what they are"
LEAD = re.compile(r"^- " + NAME + r"((?:(?:, | and |; )" + NAME + r")*)")
#: a heading that opens an entity's list ("Person:", "Enterprise fields:", "`agency`:", "`person` (…):")
HEADING = re.compile(r"^(?:`(enterprise|person|agency|bureau)`(?: \(.*\))?|(Enterprise|Person|Agency)(?: fields)?):$")
QUALIFIED = re.compile(r"`(enterprise|person|agency|loan)\.([a-z][a-z0-9_]*)")


def _without_parentheses(text: str) -> str:
    out, depth = [], 0
    for ch in text:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return re.sub(r"\s+([,;])", r"\1", re.sub(r"\s+", " ", "".join(out)))


def documented_fields(doc: str) -> tuple[set[str], dict[str, set[str]]]:
    """The top-level fields and each entity's fields the page lists: the contract section's
    lists, the leading names of the list items under an entity's heading, and every
    ``entity.field`` it names."""
    fields: dict[str, set[str]] = {e: set() for e in ENTITIES}
    contract = doc.split("## Contract fields", 1)[1].split("\n## ", 1)[0]
    top = set(re.findall(r"^- " + NAME, contract, re.M)) | set(re.findall(r"`(as_of|parameters)`", contract))
    top |= {name for name in ADDED_SUBJECTS if re.search(rf"^`{name}`:$", doc, re.M)}
    for m in re.finditer(r"^- `(enterprise|person|agency|loan)`: ((?:[^\n]|\n  )*)", contract, re.M):
        fields[m.group(1)] |= set(re.findall(NAME, m.group(2)))
    entity = None
    for line in doc.split("## Fields added by renshe", 1)[1].splitlines():
        heading = HEADING.match(line)
        if heading:
            entity = (heading.group(1) or heading.group(2)).lower()
            continue
        if line.startswith("#") or (line and not line.startswith(("-", " "))):
            entity = None
        if entity and line.startswith("- "):
            lead = LEAD.match(_without_parentheses(line))
            if lead:
                fields[entity] |= {lead.group(1), *re.findall(NAME, lead.group(2))}
        for name, field in QUALIFIED.findall(line):
            fields[name].add(field)
    return top, fields


def test_the_format_page_and_the_schema_list_the_same_fields() -> None:
    schema = case_schema()
    top, fields = documented_fields(FORMAT_DOC.read_text(encoding="utf-8"))
    assert top == set(schema["properties"])
    for entity in ENTITIES:
        declared = set(schema["$defs"][entity.capitalize()]["properties"])
        assert sorted(fields[entity] - declared) == [], f"docs/case-format.md lists {entity} fields the case has not"
        assert sorted(declared - fields[entity]) == [], f"{entity} fields missing from docs/case-format.md"


def test_the_page_reader_finds_fields_in_each_form() -> None:
    """The reader of the page takes the leading names of an item, not its values."""
    doc = (
        "## Contract fields (interface.md)\n\n- `as_of`, `parameters`.\n- `person`: `id_number`,\n  `region`.\n\n"
        "## Fields added by renshe\n\nPerson:\n- `a` (bool, 说明), `b` (yuan) and `c`: text `not_a_field`.\n"
        "- `groups` value `epidemic_worker` (a tag)\n\nEnterprise flags:\n- `some_flag` — a flag\n"
        "- `enterprise.d` (list): `e`, `f`\n"
    )
    top, fields = documented_fields(doc)
    assert top == {"as_of", "parameters", "person"}
    assert fields["person"] == {"id_number", "region", "a", "b", "c", "groups"}
    assert fields["enterprise"] == {"d"}


# ---- the schema accepts what the calculator accepts ------------------------------------------
def _validator() -> Any:
    """A validator of the published schema that checks formats too (dates as YYYY-MM-DD)."""
    return jsonschema_rs.validator_for(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")), validate_formats=True)


def _raw_cases() -> list[dict[str, Any]]:
    raws = [json.loads(p.read_text(encoding="utf-8"))["case"] for p in example_files()]
    return raws + [build(param.values[2]) for param in load_cases()]


def test_every_case_the_calculator_reads_is_valid_by_the_schema() -> None:
    validator = _validator()
    read = 0
    for raw in _raw_cases():
        try:
            parse_case(raw)
        except BadCase:
            continue  # the contract's 422 cases: the schema may or may not see the problem
        read += 1
        errors = [e.message for e in validator.iter_errors(raw)]
        assert errors == [], f"{json.dumps(raw, ensure_ascii=False)[:200]}: {errors[:3]}"
    assert read > 1000


@pytest.mark.parametrize(
    ("patch", "why"),
    [
        ({"enterprise": {"region": "110108", "surplus": 1}}, "a field the case has not"),
        ({"enterprise": {"region": "110108", "employees": "many"}}, "a count that is not a number"),
        ({"enterprise": {"region": "110108", "employees": -1}}, "a negative count"),
        ({"as_of": "31/07/2020"}, "a date not written YYYY-MM-DD"),
        ({"person": {"region": "110108", "groups": "medical_staff"}}, "groups not a list"),
    ],
)
def test_the_schema_refuses_what_the_calculator_refuses(patch: dict[str, Any], why: str) -> None:
    raw = {"as_of": "2020-07-31", **patch}
    with pytest.raises(BadCase):
        parse_case(raw)
    assert not _validator().is_valid(raw), why
