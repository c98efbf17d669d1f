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
