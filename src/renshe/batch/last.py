"""The demo server's last batch (演示用的最近一次免申即享批量测算): the demo registry run
once through the no-application batch, so that a signed-in enterprise sees what it was
granted without applying. The registry's ``about.yaml`` gives the judgement date and the
parameters its cases set."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from renshe.batch.runner import BatchConfig, run_batch


def ensure(registry: Path, out: Path) -> Path:
    """Run the batch over ``registry`` into ``out`` unless it is already there."""
    if (out / "summary.json").exists() and (out / "policies.csv").exists():
        return out
    about = yaml.safe_load((registry / "about.yaml").read_text(encoding="utf-8")) or {}
    as_of = about["as_of"] if isinstance(about["as_of"], dt.date) else dt.date.fromisoformat(str(about["as_of"]))
    run_batch(
        BatchConfig(registry=registry, as_of=as_of, out=out, overrides=dict(about.get("overrides") or {}), workers=1)
    )
    return out
