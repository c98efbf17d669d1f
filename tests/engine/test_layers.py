"""The dependency direction: loading the rules pulls in neither the service desk,
the store, the web layer nor the batch runner (and start-up stays light)."""

from __future__ import annotations

import subprocess
import sys


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
