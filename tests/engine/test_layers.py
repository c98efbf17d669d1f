"""The dependency direction: loading the rules pulls in neither the service desk,
the store, the web layer nor the batch runner (and start-up stays light); and no
module imports a layer that architecture.md does not put below it (the services
do not reach into the batch)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path


def test_registry_loads_without_upper_layers() -> None:
    code = (
        "import sys\n"
        "from renshe.engine.rules import registry\n"
        "registry()\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('renshe.services', 'renshe.store', 'renshe.api',"
        " 'renshe.web', 'renshe.batch', 'sqlalchemy', 'fastapi')))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", f"rule modules import upper layers at load time: {out.stdout}"


def test_rules_compute_without_upper_layers() -> None:
    """Computing every rule for an enterprise, a person and an agency (including the
    dispatch reporting schedule and density rules) does not reach into the services."""
    code = (
        "import sys, json, pathlib\n"
        "from renshe.engine.calculator import evaluate_json\n"
        "examples = pathlib.Path(sys.argv[1])\n"
        "for path in sorted(examples.glob('*.json')):\n"
        "    evaluate_json(json.loads(path.read_text(encoding='utf-8'))['case'])\n"
        "evaluate_json({'as_of': '2020-03-03', 'agency': {'name': '北京示例劳务派遣有限公司', 'region': '110105',"
        " 'uscc': '91110105MA01EEEE01', 'bj_licences': ['labour_dispatch'], 'bj_supply_channels': ['dispatch']}},"
        " policies=['beijing.real_name_reporting_schedule_2020'])\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('renshe.services', 'renshe.store', 'renshe.api',"
        " 'renshe.web', 'renshe.batch', 'sqlalchemy', 'fastapi')))\n"
        "print(bad)\n"
    )
    from tests.conftest import EXAMPLES

    out = subprocess.run([sys.executable, "-c", code, str(EXAMPLES)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", f"rules import upper layers when computed: {out.stdout}"


# ---- the direction of architecture.md, read from the source ----------------------------------
# "app, cli → api, web → http → services or batch → engine + policies + domain → nothing of
# ours; store is used by services only; batch reads and writes files, not the store."
# ``renshe.app`` mounts the API and the pages (above both); ``renshe.http`` is what both
# HTTP faces share (access rules, the signed-in user, database slots, uploads, hardening).
# Every import counts, at the top of a module or inside a function.

SRC = Path(__file__).resolve().parents[2] / "src" / "renshe"
LOWER = {"engine", "policies", "domain"}
MAY_IMPORT = {
    "domain": {"domain"},
    "engine": LOWER,
    "policies": LOWER,
    "batch": {"batch"} | LOWER,  # not services, not store
    "services": {"services", "store"} | LOWER,  # not batch: a sibling, not a layer below
    "store": {"store"},
    "http": {"http", "services"} | LOWER,
    "api": {"api", "http", "services", "batch"} | LOWER,  # a face: never the store, never the pages
    "web": {"web", "http", "services", "batch", "coverage"} | LOWER,  # a face: never the store, never the API
}
#: the modules at the top of the tree, and what each may import
TOP = {
    "app": {"api", "web", "http", "services", "engine"},
    "cli": {"app", "api", "http", "web", "services", "batch", "coverage", "logs"} | LOWER,  # web: the letters in bulk
    "coverage": {"app", "api", "web", "http", "services", "batch", "engine"},
    "logs": {"services"},  # masking personal data (services/security.py)
    "__init__": set(),
}


def _imported_layers(path: Path) -> list[tuple[int, str]]:
    """(line, layer) of every ``renshe.<layer>`` the module imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + ([f"{node.module}.{a.name}" for a in node.names] if node.module == "renshe" else [])
        else:
            continue
        found += [(node.lineno, n.split(".")[1]) for n in names if n.startswith("renshe.")]
    return sorted(found)


def test_layers_import_only_downwards() -> None:
    bad = []
    for layer, allowed in MAY_IMPORT.items():
        for path in sorted((SRC / layer).rglob("*.py")):
            for line, used in _imported_layers(path):
                if used not in allowed:
                    bad.append(f"{path.relative_to(SRC.parent)}:{line} imports renshe.{used}")
    for path in sorted(SRC.glob("*.py")):
        allowed = TOP[path.stem]  # a new top-level module must say what it may import
        for line, used in _imported_layers(path):
            if used not in allowed:
                bad.append(f"{path.relative_to(SRC.parent)}:{line} imports renshe.{used}")
    assert not bad, "imports against the layer direction of architecture.md:\n" + "\n".join(bad)


def test_every_package_has_a_place() -> None:
    """A new package of src/renshe must be placed in the direction before it is used."""
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(MAY_IMPORT), sorted(packages - set(MAY_IMPORT))


def test_direction_check_sees_function_level_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "import renshe.engine\n\ndef f():\n    from renshe.batch.registry import scan\n    from renshe import store\n",
        encoding="utf-8",
    )
    assert _imported_layers(module) == [(1, "engine"), (4, "batch"), (5, "store")]
