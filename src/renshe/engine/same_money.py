"""Same money, counted once (同一笔资金只计一次; interface.md, contract version 2).

The one resolver of the relations rules declare in their documents' ``same_money:``
(``engine.rules.Relation``): ``overlaps`` (one measure under several documents: pay
the larger, ties to the first; a local document's conditions bind the others for
units in its area), ``part_of`` (the part is the whole's money delivered another
way) and ``exclusive_with`` (not both: the documents' choice, else the larger).

Each relation is decided by Polars expressions over one row per subject holding, for
each member ``i``, its status ``s{i}`` and amount ``a{i}``. The population path
(``evaluate.run``: the calculator's populations, the batch, the simulation) runs
them as a query; the single-case path (``engine.single``) runs the same expressions
compiled to Python by ``engine.fast``. Nothing else decides who is paid.

``totals`` adds a body's results up by flow with the same marks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from renshe.engine import fast
from renshe.engine.rules import Registry, Relation, Rule

ELIGIBLE, INELIGIBLE, UNDETERMINED = "eligible", "ineligible", "undetermined"
#: how a relation sees a result already not counted under an earlier relation (never a result's status)
NOT_TAKEN = "not_taken"
#: the result field that names the other member, by kind of relation
MARK = {"overlaps": "overlaps", "part_of": "part_of", "exclusive_with": "excluded_by"}
#: flows whose amounts are money (``none``: days, rates, determinations)
MONEY_FLOWS = ("cash", "reduction", "deferral", "credit", "wage")


@dataclass(frozen=True)
class Decision:
    """The expressions deciding one relation, per member: its status, its mark (the
    id of the member paid, or of the whole) and the reason added to its reasons."""

    relation: Relation
    status: list[pl.Expr]
    mark: list[pl.Expr]
    why: list[pl.Expr]


def _cite(rel: Relation) -> str:
    return f"{rel.citation.doc_no} {rel.citation.article}"


def _paid(
    rel: Relation, rules: dict[str, Rule], status: list[pl.Expr], amount: list[pl.Expr]
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Which eligible member is taken (the preferred one, else the larger amount, ties to
    the first) and, for the others that are eligible, its id and the reason."""
    n = len(rel.members)
    elig = [s == ELIGIBLE for s in status]
    amt = [a.fill_null(0.0) for a in amount]
    prefer = rel.members.index(rel.prefer) if rel.prefer is not None else None
    best = []
    for i in range(n):
        if prefer is not None and i != prefer:
            beats = [~elig[prefer]]
        else:
            beats = []
        if prefer is None or i != prefer:
            beats += [~(elig[j] & (amt[j] >= amt[i])) for j in range(i) if j != prefer]
            beats += [~(elig[j] & (amt[j] > amt[i])) for j in range(i + 1, n) if j != prefer]
        best.append(pl.all_horizontal([elig[i], *beats]) if beats else elig[i])
    count: pl.Expr = pl.lit(0)
    for e in elig:
        count = count + pl.when(e).then(pl.lit(1)).otherwise(pl.lit(0))
    several = count >= 2
    taken_id: pl.Expr = pl.lit(None, dtype=pl.String)
    taken_why: pl.Expr = pl.lit(None, dtype=pl.String)
    for i in reversed(range(n)):
        member = rules[rel.members[i]]
        taken_id = pl.when(best[i]).then(pl.lit(member.id)).otherwise(taken_id)
        if rel.kind == "overlaps":
            text = f"与「{member.title}」为同一笔资金（{_cite(rel)}），只计一次，按{member.id}支付"
        else:
            how = "按文件规定" if rel.prefer is not None else "按金额较大者"
            text = f"与「{member.title}」不可同时享受（{_cite(rel)}），{how}享受{member.id}"
        taken_why = pl.when(best[i]).then(pl.lit(text)).otherwise(taken_why)
    marks: list[pl.Expr] = [pl.when(elig[i] & several & ~best[i]).then(taken_id) for i in range(n)]
    whys: list[pl.Expr] = [pl.when(elig[i] & several & ~best[i]).then(taken_why) for i in range(n)]
    return marks, whys


def decide(rel: Relation, rules: dict[str, Rule]) -> Decision:
    """The expressions of one relation over columns ``s{i}`` (status) and ``a{i}`` (amount)."""
    n = len(rel.members)
    status = [pl.col(f"s{i}") for i in range(n)]
    amount = [pl.col(f"a{i}") for i in range(n)]
    nothing = pl.lit(None, dtype=pl.String)
    if rel.kind == "part_of":
        # a part exists only with its whole: a refund of a relief the unit does not get is no refund
        whole = rules[rel.members[0]]
        cut = (status[0] == INELIGIBLE) & (status[1] == ELIGIBLE)
        part_status = pl.when(cut).then(pl.lit(INELIGIBLE)).otherwise(status[1])
        mark = [nothing, pl.when(part_status == ELIGIBLE).then(pl.lit(whole.id))]
        part_why = pl.when(cut).then(pl.lit(f"是「{whole.title}」的一部分（{_cite(rel)}），该项不符合，本项亦不适用"))
        return Decision(rel, [status[0], part_status], mark, [nothing, part_why])
    why: list[pl.Expr] = [nothing] * n
    if rel.kind == "overlaps" and rel.local is not None:
        # the local document's conditions and exclusions bind the same money under the
        # provincial or national document for units in its area
        k = rel.members.index(rel.local)
        local = rules[rel.local]
        refused = status[k] == INELIGIBLE
        open_ = status[k] == UNDETERMINED
        bound = f"与「{local.title}」为同一笔资金，本地规定（{_cite(rel)}）的条件或排除不满足，不予享受"
        pending = f"与「{local.title}」为同一笔资金，须先确定本地规定（{_cite(rel)}）的条件"
        new_status, new_why = [], []
        for i in range(n):
            if i == k:
                new_status.append(status[i])
                new_why.append(nothing)
                continue
            cut = refused & status[i].is_in([ELIGIBLE, UNDETERMINED])
            wait = open_ & (status[i] == ELIGIBLE)
            new_status.append(
                pl.when(cut).then(pl.lit(INELIGIBLE)).when(wait).then(pl.lit(UNDETERMINED)).otherwise(status[i])
            )
            new_why.append(pl.when(cut).then(pl.lit(bound)).when(wait).then(pl.lit(pending)))
        status, why = new_status, new_why
    marks, whys = _paid(rel, rules, status, amount)
    # a member refused by the local rule is not eligible, so it is never also "not taken"
    return Decision(rel, status, marks, [pl.coalesce(w, m) for w, m in zip(why, whys, strict=True)])


_decided: dict[int, tuple[Registry, list[Decision], list[_Compiled | None]]] = {}
_lock = threading.Lock()


def _known(reg: Registry) -> tuple[Registry, list[Decision], list[_Compiled | None]]:
    with _lock:
        known = _decided.get(id(reg))
        if known is None or known[0] is not reg:
            known = (reg, [decide(rel, reg.rules) for rel in reg.relations], [None] * len(reg.relations))
            _decided[id(reg)] = known
        return known


def _decisions(reg: Registry) -> list[Decision]:
    """Every relation's decision (built once per registry)."""
    return _known(reg)[1]


# ---- the population path: one query per relation -----------------------------------------
Columns = dict[str, list[Any]]


def resolve_frames(results: dict[str, pl.DataFrame], reg: Registry, key: str) -> dict[str, pl.DataFrame]:
    """Apply every relation to the rules' result frames (``key``: the subject's row;
    columns ``status``, ``eligible``, ``amount``, ``reasons``; list or string reasons).
    Returns the frames with the new status, eligibility, amount, reasons and marks."""
    out = dict(results)
    for d in _decisions(reg):
        present = [m for m in d.relation.members if m in out]
        if len(present) < 2 or (d.relation.kind == "part_of" and present != list(d.relation.members)):
            continue
        idx = [d.relation.members.index(m) for m in present]
        keys = out[present[0]][key]
        # the rules' frames hold the entity's rows in the same order (``evaluate.run_rule``): side by side
        aligned = all(out[pid].height == keys.len() and out[pid][key].equals(keys) for pid in present[1:])
        columns: list[pl.Series] = [keys]
        for i, pid in zip(idx, present, strict=True):
            frame = out[pid] if aligned else keys.to_frame().join(out[pid], on=key, how="left", maintain_order="left")
            columns += [_competing(frame, d.relation).alias(f"s{i}"), frame["amount"].alias(f"a{i}")]
        wide = pl.DataFrame(columns)
        for i in range(len(d.relation.members)):
            if f"s{i}" not in wide.columns:  # a member not evaluated: never taken, never binding
                wide = wide.with_columns(
                    pl.lit(None, dtype=pl.String).alias(f"s{i}"), pl.lit(None, dtype=pl.Float64).alias(f"a{i}")
                )
        decided = wide.select(
            key,
            *[e.alias(f"status{i}") for i, e in enumerate(d.status)],
            *[e.alias(f"mark{i}") for i, e in enumerate(d.mark)],
            *[e.alias(f"why{i}") for i, e in enumerate(d.why)],
        )
        field = MARK[d.relation.kind]
        for i, pid in zip(idx, present, strict=True):
            mine = decided.select(key, f"status{i}", f"mark{i}", f"why{i}")
            if aligned:
                frame = out[pid].hstack(mine.drop(key).get_columns())
            else:
                frame = out[pid].join(mine, on=key, how="left", maintain_order="left")
            out[pid] = _apply_frame(frame, field, i)
    return out


def _competing(frame: pl.DataFrame, rel: Relation) -> pl.Series:
    """A member's status as a relation sees it: a result already not counted under an
    earlier relation (``overlaps``, ``excluded_by``) is not taken again, so relations that
    share a rule pay the money once among all of them."""
    taken = [pl.col(m).is_not_null() for m in ("overlaps", "excluded_by") if m in frame.columns]
    if rel.kind == "part_of" or not taken:
        return frame["status"]
    return frame.select(
        pl.when(pl.any_horizontal(taken)).then(pl.lit(NOT_TAKEN)).otherwise(pl.col("status"))
    ).to_series()


def _apply_frame(frame: pl.DataFrame, field: str, i: int) -> pl.DataFrame:
    """One member's frame with the relation's decision applied: a result the local
    document refuses loses its amount and shows only that reason; a result not taken
    keeps its amount, names the one taken, and says why."""
    new_status, mark, why = pl.col(f"status{i}"), pl.col(f"mark{i}"), pl.col(f"why{i}")
    new_status = pl.when(new_status == NOT_TAKEN).then(None).otherwise(new_status)
    cut = new_status.is_not_null() & (new_status != pl.col("status")) & (new_status == INELIGIBLE)
    status = pl.coalesce(new_status, pl.col("status"))
    reasons = pl.col("reasons")
    if frame.schema["reasons"] == pl.String:
        appended = (
            pl.when(why.is_null())
            .then(reasons)
            .when(reasons.is_null() | (reasons == ""))
            .then(why)
            .otherwise(pl.concat_str([reasons, why], separator="；"))
        )
        replaced = why
    else:
        appended = pl.when(why.is_null()).then(reasons).otherwise(pl.concat_list([reasons, why]))
        replaced = pl.concat_list([why])
    mark_value = mark if field not in frame.columns else pl.coalesce(pl.col(field), mark)
    frame = frame.with_columns(
        status.alias("status"),
        (status == ELIGIBLE).alias("eligible"),
        pl.when(cut).then(None).otherwise(pl.col("amount")).alias("amount"),
        pl.when(cut).then(replaced).otherwise(appended).alias("reasons"),
        mark_value.alias(field),
    )
    return frame.drop(f"status{i}", f"mark{i}", f"why{i}")


# ---- the single-case path: the same expressions compiled to Python ------------------------
@dataclass
class _Compiled:
    status: list[Callable[[dict[str, Any]], Any]]
    mark: list[Callable[[dict[str, Any]], Any]]
    why: list[Callable[[dict[str, Any]], Any]]


def _compiled(reg: Registry, index: int) -> _Compiled:
    """The decision of relation ``index`` compiled to Python functions over one row (cached)."""
    known = _known(reg)
    made = known[2][index]
    if made is not None:
        return made
    d = known[1][index]
    n = len(d.relation.members)
    schema: dict[str, fast.DType] = {}
    for i in range(n):
        schema[f"s{i}"] = fast.dtype_of(pl.String)
        schema[f"a{i}"] = fast.dtype_of(pl.Float64)
    comp = fast.Compiler(schema)
    made = _Compiled(
        [comp.row(e)[0] for e in d.status], [comp.row(e)[0] for e in d.mark], [comp.row(e)[0] for e in d.why]
    )
    known[2][index] = made
    return made


def resolve_rows(cols: dict[str, Columns], reg: Registry) -> None:
    """``resolve_frames`` for one subject whose results are one-row columns (in place)."""
    for index, d in enumerate(_decisions(reg)):
        members = d.relation.members
        present = [m for m in members if m in cols]
        if len(present) < 2 or (d.relation.kind == "part_of" and present != list(members)):
            continue
        row: dict[str, Any] = {}
        for i, m in enumerate(members):
            c = cols.get(m)
            taken = (
                c is not None
                and d.relation.kind != "part_of"
                and any(c.get(mark, [None])[0] is not None for mark in ("overlaps", "excluded_by"))
            )
            row[f"s{i}"] = NOT_TAKEN if taken else (c["status"][0] if c is not None else None)
            row[f"a{i}"] = c["amount"][0] if c is not None else None
        fns = _compiled(reg, index)
        field = MARK[d.relation.kind]
        for i, m in enumerate(members):
            c = cols.get(m)
            if c is None:
                continue
            status, mark, why = fns.status[i](row), fns.mark[i](row), fns.why[i](row)
            status = None if status == NOT_TAKEN else status
            reasons = c["reasons"][0]
            if status is not None and status != c["status"][0] and status == INELIGIBLE:
                c["amount"] = [None]
                reasons = why if isinstance(reasons, str) else [why]
            elif why is not None:
                if isinstance(reasons, str):
                    reasons = f"{reasons}；{why}" if reasons else why
                else:
                    reasons = [*(reasons or []), why]
            c["reasons"] = [reasons]
            if status is not None:
                c["status"] = [status]
                c["eligible"] = [status == ELIGIBLE]
            known = c.get(field, [None])[0]
            c[field] = [known if known is not None else mark]


# ---- totals by flow ------------------------------------------------------------------------
def counted_expr() -> pl.Expr:
    """Whether a result's amount counts in totals, payment lists and simulated costs, over
    result columns (``status unit amount flow overlaps excluded_by deadline as_of``):
    eligible, in yuan (a CNY/month floor is a rate, not money owed), of a money flow,
    not paid under another result (``overlaps``, ``excluded_by``), and, for a deferral,
    not yet due (its ``deadline``, an ISO date, on or after ``as_of``). The batch runs it
    in Polars; ``counted`` runs it compiled for one result."""
    overdue = ((pl.col("flow") == "deferral") & (pl.col("deadline") < pl.col("as_of"))).fill_null(False)
    return (
        (pl.col("status") == ELIGIBLE)
        & (pl.col("unit") == "CNY")
        & pl.col("amount").is_not_null()
        & pl.col("flow").is_in(list(MONEY_FLOWS))
        & pl.col("overlaps").is_null()
        & pl.col("excluded_by").is_null()
        & ~overdue
    ).fill_null(False)


COUNTED_COLUMNS = ("status", "unit", "amount", "flow", "overlaps", "excluded_by", "deadline", "as_of")


@cache
def _counted_fn() -> Callable[[dict[str, Any]], Any]:
    types = {name: fast.dtype_of(pl.Float64 if name == "amount" else pl.String) for name in COUNTED_COLUMNS}
    return fast.Compiler(types).row(counted_expr())[0]


def counted(result: dict[str, Any], as_of: str) -> bool:
    """``counted_expr`` for one result of a body."""
    row = {name: result.get(name) for name in COUNTED_COLUMNS}
    row["as_of"] = as_of
    if row["amount"] is not None:
        row["amount"] = float(row["amount"])
    if not isinstance(row["deadline"], str):
        row["deadline"] = None
    return bool(_counted_fn()(row))


def totals(results: list[dict[str, Any]], as_of: str) -> dict[str, float]:
    """The body's ``totals``: yuan per flow, each money once. A part (``part_of``) counts
    in its own flow and the whole is counted net of it."""
    sums = {flow: 0.0 for flow in MONEY_FLOWS}
    by_id = {r["policy"]: r for r in results}
    for r in results:
        if not counted(r, as_of):
            continue
        sums[r["flow"]] += r["amount"]
        whole = by_id.get(r.get("part_of") or "")
        if whole is not None and counted(whole, as_of):
            sums[whole["flow"]] -= r["amount"]
    return {flow: round(value, 2) + 0.0 for flow, value in sums.items()}
