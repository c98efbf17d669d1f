"""The signed-in enterprise's own data (本单位信息): its calculator case filled from the
bureau's registry (参保单位登记库, the batch's registry format, Chinese headers too), and
what the last no-application batch (免申即享) already granted it, by money flow.

Where they are: ``RENSHE_REGISTRY`` (a registry directory or workbook) and
``RENSHE_BATCH_OUT`` (the output directory of the last ``renshe batch`` over it); the
demo server (``renshe serve --demo``) points both at the demo registry and its batch.
Files under the app's data dir (:func:`data_dir`): ``RENSHE_DATA_DIR``, else the folder
of the SQLite database, else ``var/``.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from renshe.domain.times import report_date
from renshe.engine.case import Enterprise
from renshe.engine.population import layout
from renshe.engine.registry_files import RegistryError, find_sources, scan
from renshe.engine.rules import FLOW_NAMES as RULE_FLOW_NAMES
from renshe.engine.rules import registry as rules
from renshe.services.errors import NotFound, ServiceError

REGISTRY_VARIABLE = "RENSHE_REGISTRY"
BATCH_VARIABLE = "RENSHE_BATCH_OUT"
DATA_VARIABLE = "RENSHE_DATA_DIR"
FLOW_NAMES = {**RULE_FLOW_NAMES, "none": "其他适用政策（不涉及资金）"}
#: the batch's list folder of each flow's counted money; other flows list the units a rule applies to
FLOW_FOLDERS = {"cash": "payments", "reduction": "reductions", "deferral": "deferrals"}
TRUE_WORDS = {"true", "1", "是", "yes", "y", "t"}
SPLIT = re.compile(r"[;,，、\s]+")
#: the demo server's registry: three units in the bureau's export form (about.yaml)
DEMO_REGISTRY = Path(__file__).with_name("demo_registry")


def data_dir() -> Path:
    """The app's data dir: ``RENSHE_DATA_DIR``, else beside the SQLite database, else ``var``."""
    configured = os.environ.get(DATA_VARIABLE)
    if configured:
        return Path(configured)
    from renshe.store.db import database_url

    url = database_url()
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url.removeprefix("sqlite:///")).parent
    return Path("var")


def registry_path() -> Path | None:
    value = os.environ.get(REGISTRY_VARIABLE)
    return Path(value) if value else None


def batch_path() -> Path | None:
    value = os.environ.get(BATCH_VARIABLE)
    return Path(value) if value else None


@cache
def _unit_types() -> dict[str, Any]:
    """Registry unit column → its type, for the columns that are fields of the case's enterprise."""
    cols = layout(Enterprise).columns
    fields = set(Enterprise.model_fields)
    out = {c: t for c, t in cols.items() if c in fields}
    out["size"], out["flags"] = pl.String, pl.List(pl.String)
    return out


def _value(text: str | None, dtype: Any) -> Any:
    if text is None or str(text).strip() == "":
        return None
    text = str(text).strip()
    if dtype == pl.Boolean:
        return text.lower() in TRUE_WORDS
    if isinstance(dtype, pl.List):
        return [x for x in SPLIT.split(text) if x]
    if dtype == pl.Int64:
        return int(float(text))
    if dtype == pl.Float64:
        return float(text)
    return text


def _rows(path: Path, table: str, uscc: str) -> list[dict[str, Any]]:
    sources = find_sources(path)
    if table not in sources:
        return []
    return (
        scan(sources[table])
        .filter(pl.col("uscc").cast(pl.String).str.strip_chars() == uscc)
        .drop("_row")
        .collect()
        .to_dicts()
    )


def case_for(uscc: str, as_of: str | None = None, path: Path | None = None) -> dict[str, Any]:
    """The calculator case of unit ``uscc`` as the registry knows it (enterprise fields,
    insured headcounts by month, contributions). ServiceError when there is no registry
    or the registry cannot be read; NotFound when the unit is not in it."""
    path = path or registry_path()
    if path is None:
        raise ServiceError("未配置参保单位登记库（RENSHE_REGISTRY），无法带出本单位信息")
    try:
        units = _rows(path, "units", uscc)
        if not units:
            raise NotFound(f"参保单位登记库中没有本单位（统一社会信用代码 {uscc}）")
        types = _unit_types()
        enterprise: dict[str, Any] = {}
        for col, raw in units[0].items():
            if col in types and (value := _value(raw, types[col])) not in (None, []):
                enterprise[col] = value
        insured = {
            r["month"]: int(float(r["headcount"]))
            for r in _rows(path, "insured", uscc)
            if r.get("month") and r.get("headcount") not in (None, "")
        }
        if insured:
            enterprise["insured"] = dict(sorted(insured.items()))
        contributions = [
            {
                "month": r["month"],
                "insurance": r["insurance"],
                "employer_due": float(r["employer_due"]),
                "employer_paid": float(r["employer_paid"]),
            }
            for r in _rows(path, "contributions", uscc)
        ]
        if contributions:
            enterprise["contributions"] = sorted(contributions, key=lambda c: (c["month"], c["insurance"]))
    except RegistryError as exc:
        raise ServiceError(f"参保单位登记库无法读取：{exc}") from None
    except (TypeError, ValueError) as exc:
        raise ServiceError(f"参保单位登记库中本单位的数据有误：{exc}") from None
    case: dict[str, Any] = {"enterprise": enterprise}
    if as_of:
        case["as_of"] = as_of
    return case


def _batch_date(out: Path) -> str | None:
    """The batch's judgement date (测算日), as its report prints it."""
    report = out / "report.html"
    if not report.exists():
        return None
    return report_date(report.read_text(encoding="utf-8"))


def granted(uscc: str, out: Path | None = None) -> dict[str, Any]:
    """What the last batch granted unit ``uscc`` without application (免申即享结果), by
    money flow (never added across flows): each policy with its title, document, amount,
    period, due date and reasons. ``ready`` is false when no batch has been run."""
    out = out or batch_path()
    if out is None or not (out / "policies.csv").exists():
        return {"ready": False, "as_of": None, "flows": []}
    policies = pl.read_csv(out / "policies.csv", infer_schema=False)
    catalog = {r["policy"]: r for r in policies.iter_rows(named=True)}
    by_flow: dict[str, list[dict[str, Any]]] = {f: [] for f in FLOW_NAMES}
    for pid, info in catalog.items():
        flow = info["flow"]
        folder = FLOW_FOLDERS.get(flow, "eligible")
        listing = out / folder / f"{pid}.csv"
        if not listing.exists():
            continue
        rows = pl.scan_csv(listing, infer_schema=False).filter(pl.col("uscc") == uscc).collect()
        for r in rows.iter_rows(named=True):
            rule = rules().rules.get(pid)
            amount = r.get("amount")
            by_flow.setdefault(flow, []).append(
                {
                    "policy": pid,
                    "title": info["title"] or (rule.title if rule else pid),
                    "doc_no": info["doc_no"],
                    "amount": float(amount) if amount not in (None, "") else None,
                    "unit": r.get("unit") or "CNY",
                    "period_from": r.get("period_from") or None,
                    "period_to": r.get("period_to") or None,
                    "deadline": r.get("deadline") or None,
                    "reasons": r.get("reasons") or "",
                }
            )
    flows = []
    for flow, items in by_flow.items():
        if not items:
            continue
        money = [i["amount"] for i in items if i["amount"] is not None and i["unit"] == "CNY"]
        flows.append(
            {
                "flow": flow,
                "name": FLOW_NAMES.get(flow, flow),
                "entries": items,
                "total": round(sum(money), 2) if money and flow != "none" else None,
            }
        )
    return {"ready": True, "as_of": _batch_date(out), "flows": flows}
