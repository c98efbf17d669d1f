"""政策告知书 in bulk (批量出具告知书): one PDF per unit from a finished ``renshe batch``
output directory, named by the unit's USCC.

Each unit's results are read from the batch's own lists — the counted money of each flow
(payments/, reductions/, deferrals/), the other flows' lists (eligible/) and the
rejection lists (rejections/: 不符合 and 待补充信息) — read once for all units. Each
letter is the one-unit letter (``web/letter.py``) of those results as the calculator
page shows them (``web/pages.shown``): money by flow side by side, never one total."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from renshe.domain.times import report_date
from renshe.engine.rules import registry

#: the batch's folders of results, with the status their rows have (rejections carry their own)
ELIGIBLE_FOLDERS = ("payments", "reductions", "deferrals", "eligible")
REJECTIONS = "rejections"
REASON_SPLIT = re.compile(r"[；;]")
MISSING_SPLIT = re.compile(r"[;,，、\s]+")


class LettersError(ValueError):
    """The batch output or the arguments can't give letters (a Chinese message)."""


@dataclass(frozen=True)
class Written:
    uscc: str
    name: str
    path: Path


def _as_of(out: Path) -> str:
    """The batch's judgement date (测算日), as its report prints it."""
    report = out / "report.html"
    found = report_date(report.read_text(encoding="utf-8")) if report.exists() else None
    if not found:
        raise LettersError(f"{out} 中的 report.html 没有测算日，请先完成 renshe batch")
    return found


def _read(out: Path, folders: tuple[str, ...]) -> pl.DataFrame:
    frames = []
    for folder in folders:
        # a large run's rejection and eligible lists are Parquet (``batch.outputs.UNIT_LISTS``)
        for f in sorted([*(out / folder).glob("*.csv"), *(out / folder).glob("*.parquet")]):
            rows = (
                pl.read_csv(f, infer_schema=False)
                if f.suffix == ".csv"
                else pl.read_parquet(f).select(pl.all().cast(pl.String))
            )
            if rows.height:
                frames.append(rows.with_columns(pl.lit(f.stem).alias("policy"), pl.lit(folder).alias("folder")))
    return (
        pl.concat(frames, how="diagonal")
        if frames
        else pl.DataFrame(
            schema={"uscc": pl.String, "name": pl.String, "region": pl.String, "policy": pl.String, "folder": pl.String}
        )
    )


def _result(row: dict[str, Any], catalog: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A list row as the contract's result (what ``pages.shown`` reads)."""
    pid = row["policy"]
    rule = registry().rules.get(pid)
    info = catalog.get(pid, {})
    amount = row.get("amount")
    status = row.get("status") or "eligible"
    return {
        "policy": pid,
        "title": info.get("title") or (rule.title if rule else pid),
        "flow": info.get("flow") or (rule.flow if rule else "none"),
        "status": status,
        "amount": float(amount) if status == "eligible" and amount not in (None, "") else None,
        "unit": row.get("unit") or "CNY",
        "period": {"from": row.get("period_from") or None, "to": row.get("period_to") or None},
        "deadline": row.get("deadline") or None,
        "reasons": [r for r in REASON_SPLIT.split(row.get("reasons") or "") if r.strip()],
        "missing": [m for m in MISSING_SPLIT.split(row.get("missing") or "") if m],
        "citations": [{"doc_no": c.doc_no, "article": c.article} for c in (rule.citations if rule else ())],
    }


class BatchLetters:
    """The letters of one batch output directory."""

    def __init__(self, out: Path) -> None:
        if not out.is_dir():
            raise LettersError(f"批量测算结果目录不存在：{out}")
        if not (out / "policies.csv").exists():
            raise LettersError(f"{out} 不是完成的批量测算结果目录（缺少 policies.csv），请先运行 renshe batch")
        self.out = out
        self.as_of = _as_of(out)
        policies = pl.read_csv(out / "policies.csv", infer_schema=False)
        self.catalog = {r["policy"]: r for r in policies.iter_rows(named=True)}
        self.eligible = _read(out, ELIGIBLE_FOLDERS)
        self.rejected = _read(out, (REJECTIONS,))

    def eligible_units(self) -> list[str]:
        """The units with at least one policy they may enjoy, in USCC order."""
        return sorted(self.eligible["uscc"].unique().to_list()) if self.eligible.height else []

    def known(self) -> set[str]:
        return set(self.eligible["uscc"].to_list()) | set(self.rejected["uscc"].to_list())

    def body(self, uscc: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """(case, body) of unit ``uscc``: who it is and its results with their totals by flow."""
        from renshe.engine.same_money import MONEY_FLOWS

        rows = [
            *self.eligible.filter(pl.col("uscc") == uscc).iter_rows(named=True),
            *self.rejected.filter(pl.col("uscc") == uscc).iter_rows(named=True),
        ]
        if not rows:
            raise LettersError(f"批量测算结果中没有该单位（统一社会信用代码 {uscc}）")
        results = [_result(r, self.catalog) for r in rows]
        totals = {flow: 0.0 for flow in MONEY_FLOWS}
        for r, row in zip(results, rows, strict=True):
            # the lists of counted money are the flow's money (each counted once)
            if row["folder"] != "eligible" and r["amount"] is not None and r["flow"] in totals:
                totals[r["flow"]] = round(totals[r["flow"]] + r["amount"], 2)
        first = rows[0]
        case = {"enterprise": {"uscc": uscc, "name": first.get("name") or "", "region": first.get("region")}}
        return case, {"as_of": self.as_of, "classification": None, "results": results, "totals": totals}

    def pdf(self, uscc: str) -> tuple[str, bytes]:
        """(unit name, the letter's PDF) of unit ``uscc``."""
        from renshe.web import letter
        from renshe.web.pages import shown

        case, body = self.body(uscc)
        return case["enterprise"]["name"], letter.letter_pdf(case, body, shown(body))


USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def write_letters(
    out: Path,
    target: Path,
    units: list[str] | None = None,
    limit: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Written]:
    """Write the letters of batch output ``out`` into ``target`` (``<USCC>.pdf``): of
    ``units`` if given (each must be in the batch), else of every unit with a policy it may
    enjoy; at most ``limit``. Yields each letter written; LettersError on bad arguments."""
    if limit is not None and limit < 1:
        raise LettersError(f"--limit 须为正整数（填写的是 {limit}）")
    bad = [u for u in units or [] if not USCC.match(u.strip().upper())]
    if bad:
        raise LettersError("--units 中的统一社会信用代码格式有误：" + "、".join(bad))
    letters = BatchLetters(out)
    if units:
        wanted = list(dict.fromkeys(u.strip().upper() for u in units))
        missing = [u for u in wanted if u not in letters.known()]
        if missing:
            raise LettersError("批量测算结果中没有这些单位：" + "、".join(missing))
    else:
        wanted = letters.eligible_units()
    if limit is not None:
        wanted = wanted[:limit]
    if target.exists() and not target.is_dir():
        raise LettersError(f"--out 须为目录，{target} 是一个文件")
    target.mkdir(parents=True, exist_ok=True)
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # a line per font subset otherwise
    total = len(wanted)
    if progress:
        progress(0, total)
    for n, uscc in enumerate(wanted, start=1):
        name, data = letters.pdf(uscc)
        path = target / f"{uscc}.pdf"
        path.write_bytes(data)
        if progress:
            progress(n, total)
        yield Written(uscc, name, path)
