"""renshe command line (命令行). Thin: parses arguments, calls the engine, prints."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="renshe 人社 — 疫情期间人社政策计算器",
)
policies_app = typer.Typer(no_args_is_help=True, help="政策目录 (the policies renshe evaluates)")
app.add_typer(policies_app, name="policies")
demo_app = typer.Typer(no_args_is_help=True, help="演示数据 (demo data)")
app.add_typer(demo_app, name="demo")
catalog_app = typer.Typer(no_args_is_help=True, help="政策目录覆盖 (where renshe implements each catalog entry)")
app.add_typer(catalog_app, name="catalog")


def _fail(lines: list[str], code: int = 2) -> None:
    for line in lines:
        print(line, file=sys.stderr)
    raise typer.Exit(code)


def _dump(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


@app.command()
def evaluate(
    case_file: Annotated[str, typer.Argument(help="case JSON file (案例), or - for standard input")],
    explain: Annotated[bool, typer.Option("--explain", help="add each result's trace (计算过程)")] = False,
    everything: Annotated[
        bool,
        typer.Option(
            "--all",
            help="also list policies out of the case's scope (status out_of_scope: another region, not in force)",
        ),
    ] = False,
    local_standards: Annotated[
        Path | None,
        typer.Option(
            "--local-standards", help="approved local standards (地方标准): a file from 'renshe standards export'"
        ),
    ] = None,
) -> None:
    """Evaluate one case: every policy in scope, its status, amount, money flow, reasons and
    citations, and the totals by flow."""
    from renshe.engine.calculator import evaluate_json
    from renshe.engine.case import BadCase

    if local_standards is not None:
        from renshe.engine.parameters import Overlay, use_overlay

        use_overlay(Overlay.from_json(_local_standards(local_standards, None) or "{}"))

    try:
        raw = sys.stdin.read() if case_file == "-" else Path(case_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail([f"{case_file}: cannot read the case file ({exc})"])
        return
    try:
        body = evaluate_json(raw, explain=explain, one_off=True, everything=everything)
    except BadCase as bad:
        _fail([p.line() for p in bad.problems])
        return
    _dump(body)


@policies_app.command("list")
def policies_list(
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    jurisdiction: Annotated[str | None, typer.Option(help="only this jurisdiction (cn, beijing, henan…)")] = None,
) -> None:
    """List every policy: id, title, jurisdiction, effective period, doc_no, implements."""
    from renshe.engine.rules import registry

    rules = [r for r in registry().rules.values() if jurisdiction in (None, r.jurisdiction)]
    rows = [r.summary() for r in sorted(rules, key=lambda r: r.id)]
    if as_json:
        _dump(rows)
        return
    for row in rows:
        eff = row["effective"]
        print(
            f"{row['id']:<48} {row['jurisdiction']:<9} {eff['from'] or '…'}..{eff['to'] or '…'}  "
            f"{row['doc_no']}  {row['title']}"
        )


@catalog_app.command("coverage")
def catalog_coverage(as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False) -> None:
    """Every catalog entry: kind, where renshe implements it, its tests, status (implemented, information, missing)."""
    from renshe import coverage

    rows = coverage.report()
    if not rows:
        _fail([f"找不到政策目录：{coverage.catalog_dir()}（可用 RENSHE_CATALOG 指定）"])
    if as_json:
        _dump(rows)
        return
    for kind, counts in coverage.summary(rows).items():
        shown = "，".join(f"{coverage.STATUS_NAMES[s]} {n}" for s, n in sorted(counts.items()))
        print(f"{coverage.KIND_NAMES.get(kind, kind)}（{kind}）：{shown}")
    print(f"共 {len(rows)} 项")
    for row in rows:
        if row["status"] == "missing":
            print(f"尚未实现 {row['id']}：{row['reason']}")


@policies_app.command("show")
def policies_show(policy_id: Annotated[str, typer.Argument(help="policy id, e.g. cn.si_relief_2020")]) -> None:
    """Show one policy: its quote, parameters with dated values, and citations."""
    from renshe.engine.rules import registry

    reg = registry()
    if policy_id not in reg.rules:
        close = [r for r in reg.rules if policy_id.split(".")[-1] in r]
        hint = f"; did you mean {', '.join(sorted(close)[:5])}?" if close else ""
        _fail([f"{policy_id}: unknown policy id (see 'renshe policies list'){hint}"])
        return
    r = reg.rules[policy_id]
    body = r.summary()
    body["citations"] = [c.full() for c in r.citations]
    if r.flow_basis is not None:
        body["flow_basis"] = r.flow_basis.full()
    body["same_money"] = [
        {"kind": rel.kind, "members": list(rel.members), "citation": rel.citation.full()}
        for rel in reg.relations
        if policy_id in rel.members
    ]
    body["files"] = _rule_files(r)
    body["catalog"] = _catalog_entries(r.implements)
    # the facts its document declares beside it (case.Facts); a rule may also read others' and the core's
    body["document_facts"] = sorted(p for p, m in reg.case_models.origins.items() if m == r.module)
    used = set()
    body["parameters"] = []
    for name, p in sorted(reg.parameters.items()):
        if name.startswith(policy_id + ".") and name not in used:
            used.add(name)
            body["parameters"].append(
                {
                    "name": name,
                    "unit": p.unit,
                    "description": p.description,
                    "values": {d.isoformat(): v for d, v in p.values},
                    "reference": p.reference.full(),
                }
            )
    _dump(body)


def _rule_files(r: Any) -> dict[str, str | None]:
    """Where a rule lives: its module, its YAML (the law) and its test cases, so that a
    newcomer goes from a catalog id to the code and the tests in one step."""
    import importlib

    module = Path(importlib.import_module(r.module).__file__ or "")
    root = module.parents[4]  # src/renshe/policies/<jurisdiction>/<document>.py → the checkout
    cases = root / "tests" / "policies" / "cases" / f"{r.id}.yaml"

    def shown(path: Path) -> str:
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    return {
        "module": shown(module),
        "yaml": shown(module.with_suffix(".yaml")),
        "cases": shown(cases) if cases.exists() else None,
    }


def _catalog_entries(ids: tuple[str, ...]) -> list[dict[str, Any]]:
    """The catalog entries a rule implements (../shared/spec/policies): title and citation."""
    from renshe import coverage

    entries = coverage.catalog()
    return [
        {
            "id": i,
            "file": entries[i]["file"],
            "title": entries[i].get("title"),
            "doc_no": entries[i].get("doc_no"),
            "article": entries[i].get("article"),
            "quote": entries[i].get("quote"),
        }
        for i in ids
        if i in entries
    ]


def _progress(label: str) -> Any:
    """A progress bar on a terminal; plain lines otherwise (logs, CI)."""
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), transient=False)
        bar.start()
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)
            if done >= total:
                bar.stop()

        return update

    def plain(done: int, total: int) -> None:
        print(f"{label} {done}/{total}", file=sys.stderr, flush=True)

    return plain


#: the batch's phases as its progress shows them
BATCH_PHASES = {"stage": "入库（校验、分区）", "evaluate": "测算", "outputs": "名单与报表"}
#: seconds between two plain progress lines (logs, CI)
PLAIN_PROGRESS_EVERY = 0.5


def _unit_progress(label: str) -> Any:
    """The progress of one batch phase in units (单位), with the rate and the time left: a bar
    on a terminal, plain lines otherwise (``入库 1500/3000 单位 …``)."""
    import time

    started: list[float] = []
    first: list[int] = []

    def rate_and_left(done: int, total: int) -> tuple[float | None, float | None]:
        if not started:
            started.append(time.monotonic())
            first.append(done)
            return None, None
        elapsed = time.monotonic() - started[0]
        if elapsed <= 0 or done <= first[0]:
            return None, None
        rate = (done - first[0]) / elapsed
        return rate, (total - done) / rate

    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("单位"),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            transient=False,
        )
        bar.start()
        task = bar.add_task(label, total=None, rate="")

        def update(done: int, total: int) -> None:
            rate, _ = rate_and_left(done, total)
            bar.update(task, completed=done, total=total, rate=f"{rate:,.0f} 单位/秒" if rate else "")
            if done >= total:
                bar.stop()

        return update

    printed: list[float] = []

    def plain(done: int, total: int) -> None:
        rate, left = rate_and_left(done, total)
        now = time.monotonic()
        if printed and done < total and now - printed[-1] < PLAIN_PROGRESS_EVERY:
            return  # a line at most every PLAIN_PROGRESS_EVERY seconds, and the last one
        printed.append(now)
        speed = f"，{rate:.0f} 单位/秒，剩余 {left:.0f} 秒" if rate else ""
        print(f"{label} {done}/{total} 单位{speed}", file=sys.stderr, flush=True)

    return plain


def _overrides(settings: list[str]) -> dict[str, Any]:
    """PARAM=VALUE pairs; VALUE is JSON where it parses (numbers, lists), else text."""
    from renshe.engine.rules import registry

    out: dict[str, Any] = {}
    problems = []
    for item in settings:
        name, sep, value = item.partition("=")
        if not sep:
            problems.append(f"--set {item}: expected PARAM=VALUE")
            continue
        if name not in registry().parameters:
            problems.append(f"--set {name}: unknown parameter (see 'renshe policies show ID')")
            continue
        try:
            out[name] = json.loads(value)
        except json.JSONDecodeError:
            out[name] = value
    from renshe.engine.parameters import override_problems

    # a value of the wrong kind is refused here, as the calculator refuses it in a case
    problems += [
        f"--set {p.path.removeprefix('parameters.')}: {p.message}"
        for p in override_problems(registry().parameters, out)
    ]
    if problems:
        _fail(problems)
    return out


def _as_of(value: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail([f'--as-of: "{value}" is not a date (YYYY-MM-DD)'])


def _local_standards(path: Path | None, url: str | None) -> str:
    """The approved local standards (地方标准) a batch uses, as ``Overlay.to_json`` ("" for none)."""
    from sqlalchemy.exc import SQLAlchemyError

    from renshe.services import local_standards as ls

    if path is not None and url is not None:
        _fail(["--local-standards and --database-url: give one of them"])
    try:
        overlay = ls.load_file(path) if path is not None else ls.load_database(url) if url is not None else None
    except OSError as exc:
        _fail([f"--local-standards {path}: {exc.strerror or exc}"])
        return ""
    except ValueError as exc:
        _fail([f"--local-standards {exc}"])
        return ""
    except SQLAlchemyError as exc:
        _fail([f"--database-url: cannot read the approved local standards ({type(exc).__name__})"])
        return ""
    if overlay is None or not overlay.values:
        return ""
    for v in overlay.values:
        print(f"地方标准：{v.name} = {v.value}（{v.reference.doc_no} {v.reference.article}）", file=sys.stderr)
    return overlay.to_json()


HEADERS_HELP = "header mapping YAML for a registry with other column names (docs/registry-headers.md)"


def _use_headers(path: Path | None) -> None:
    """``--headers mapping.yaml``: the registry readers (and the batch's worker processes) use it."""
    if path is None:
        return
    if not path.is_file():
        _fail([f"--headers: {path} 不存在"])
    os.environ["RENSHE_REGISTRY_HEADERS"] = str(path.resolve())


def _demo_registry() -> None:
    """The demo server's registry and last batch (免申即享), unless a registry is configured."""
    from renshe.services import prefill

    if os.environ.get(prefill.REGISTRY_VARIABLE):
        return
    from renshe.batch.last import ensure

    out = prefill.data_dir() / "demo-batch"
    print("演示登记库的免申即享批量测算……", flush=True)
    ensure(prefill.DEMO_REGISTRY, out)
    os.environ[prefill.REGISTRY_VARIABLE] = str(prefill.DEMO_REGISTRY)
    os.environ[prefill.BATCH_VARIABLE] = str(out.resolve())


@app.command()
def batch(
    registry_path: Annotated[Path, typer.Argument(metavar="REGISTRY", help="registry directory or .xlsx workbook")],
    as_of: Annotated[str, typer.Option("--as-of", help="judgement date (测算日), YYYY-MM-DD")],
    out: Annotated[str, typer.Option("--out", help="output directory, or an fsspec URL (s3://bucket/run)")],
    policies: Annotated[list[str] | None, typer.Option("--policies", help="only these policy ids (repeatable)")] = None,
    setting: Annotated[list[str] | None, typer.Option("--set", help="PARAM=VALUE parameter override")] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Dask scheduler: tcp://HOST:8786 or 'local' (every phase "
            "runs on its workers; --out may be an fsspec URL, e.g. s3://…)"
        ),
    ] = None,
    partition_size: Annotated[int, typer.Option(help="units per partition")] = 50_000,
    workers: Annotated[int | None, typer.Option(help="local worker processes (default: all cores)")] = None,
    local_standards: Annotated[
        Path | None,
        typer.Option(
            "--local-standards", help="approved local standards (地方标准): a file from 'renshe standards export'"
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url", help="use the local standards approved in this database (e.g. $RENSHE_DATABASE_URL)"
        ),
    ] = None,
    headers: Annotated[Path | None, typer.Option("--headers", help=HEADERS_HELP)] = None,
) -> None:
    """No-application batch (免申即享): evaluate a whole registry, write payment lists and a report."""
    _use_headers(headers)
    from renshe.batch.registry import RegistryError
    from renshe.batch.runner import BatchConfig, BatchError, run_batch

    config = BatchConfig(
        registry=registry_path,
        as_of=_as_of(as_of),
        out=out if "://" in out else Path(out),
        policies=policies or None,
        overrides=_overrides(setting or []),
        partition_size=partition_size,
        workers=workers,
        scheduler=scheduler,
        local_json=_local_standards(local_standards, database_url),
    )
    try:
        summary = run_batch(config, phases=lambda phase: _unit_progress(BATCH_PHASES[phase]))
    except (RegistryError, BatchError) as exc:
        _fail([str(exc)])
        return
    from renshe.engine.rules import FLOW_NAMES

    money = "，".join(f"{FLOW_NAMES[f]} {v:,.2f} 元" for f, v in summary["totals"].items() if v)
    print(
        f"单位 {summary['units']:,} 个（输入中有误的行 {summary['rejected_rows']:,} 行，见 problems.csv）；"
        f"拨付名单 {summary['payments']['rows']:,} 笔 {summary['payments']['sum']:,.2f} 元；"
        f"按资金性质（分列，不相加）：{money or '无'}。结果在 {out}/（summary.json, report.html）"
    )


@app.command()
def letters(
    batch_out: Annotated[Path, typer.Argument(metavar="BATCH_OUT", help="a finished 'renshe batch' output directory")],
    out: Annotated[Path, typer.Option("--out", help="directory for the letters (one <USCC>.pdf per unit)")],
    units: Annotated[list[str] | None, typer.Option("--units", help="only these units' USCC (repeatable)")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="at most this many letters")] = None,
) -> None:
    """政策告知书 in bulk: one PDF per unit from a batch's results (default: every unit with a policy it may enjoy)."""
    from renshe.web.bulk_letters import LettersError, write_letters
    from renshe.web.letter import FontMissing

    try:
        written = list(write_letters(batch_out, out, units=units, limit=limit, progress=_progress("告知书")))
    except (LettersError, FontMissing) as exc:
        _fail([str(exc)])
        return
    print(f"已出具政策告知书 {len(written):,} 份，结果在 {out}/（按统一社会信用代码命名）")


@app.command()
def simulate(
    registry_path: Annotated[Path, typer.Argument(metavar="REGISTRY", help="registry directory or .xlsx workbook")],
    as_of: Annotated[str, typer.Option("--as-of", help="judgement date (测算日), YYYY-MM-DD")],
    setting: Annotated[list[str], typer.Option("--set", help="PARAM=VALUE: the reform (repeatable)")],
    base: Annotated[list[str] | None, typer.Option("--base-set", help="PARAM=VALUE for both runs")] = None,
    out: Annotated[Path, typer.Option("--out", help="output directory")] = Path("simulation"),
    policies: Annotated[list[str] | None, typer.Option("--policies", help="only these policy ids")] = None,
    partition_size: Annotated[int, typer.Option(help="units per partition")] = 50_000,
    workers: Annotated[int | None, typer.Option(help="local worker processes")] = None,
    local_standards: Annotated[
        Path | None,
        typer.Option(
            "--local-standards", help="approved local standards (地方标准) for both runs: 'renshe standards export'"
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option("--database-url", help="use the local standards approved in this database, for both runs"),
    ] = None,
) -> None:
    """Policy simulation (政策模拟): baseline vs reform cost, winners and losers."""
    from renshe.batch.registry import RegistryError
    from renshe.batch.runner import BatchConfig, BatchError
    from renshe.batch.simulate import simulate as run_simulation
    from renshe.batch.simulate import write_simulation

    config = BatchConfig(
        registry=registry_path,
        as_of=_as_of(as_of),
        out=out,
        policies=policies or None,
        overrides=_overrides(base or []),
        partition_size=partition_size,
        workers=workers,
        local_json=_local_standards(local_standards, database_url),
    )
    reform = _overrides(setting)
    try:
        tables = run_simulation(config, reform, progress=_progress("单位"))
    except (RegistryError, BatchError) as exc:
        _fail([str(exc)])
        return
    write_simulation(tables, out, reform)
    by_policy, by_flow = tables["by_policy"], tables["by_flow"]
    print(f"{'政策':<48}{'资金性质':<8}{'基线（元）':>18}{'调整后（元）':>18}{'差额（元）':>18}")
    for r in by_policy.iter_rows(named=True):
        print(f"{r['policy']:<48}{r['flow']:<12}{r['baseline']:>20,.2f}{r['reform']:>20,.2f}{r['difference']:>20,.2f}")
    for r in by_flow.iter_rows(named=True):
        if r["baseline"] or r["reform"]:
            print(
                f"合计（{r['flow_name']}）{'':<36}{r['baseline']:>20,.2f}{r['reform']:>20,.2f}{r['difference']:>20,.2f}"
            )
    print(f"各类资金分列，不相加；明细与图表在 {out}/（simulation.html, simulation.png, simulation_*.csv）")


@demo_app.command("registry")
def demo_registry(
    units: Annotated[int, typer.Option(help="number of insured units")] = 10_000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same registry)")] = 1,
    out: Annotated[Path, typer.Option(help="output directory")] = Path("demo-registry"),
    fmt: Annotated[str, typer.Option("--format", help="parquet | csv | xlsx")] = "parquet",
) -> None:
    """Make a deterministic synthetic registry (演示参保单位库)."""
    from renshe.batch.demo import make_registry

    if fmt not in ("parquet", "csv", "xlsx"):
        _fail([f"--format: {fmt!r} is not one of parquet, csv, xlsx"])
    counts = make_registry(units, seed, out, fmt, progress=_progress("单位"))
    print("，".join(f"{k} {v:,} 行" for k, v in counts.items()) + f"：已写入 {out}/")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    demo: Annotated[bool, typer.Option("--demo", help="load demo data and print the demo logins")] = False,
    workers: Annotated[int, typer.Option(min=1, help="server processes (evaluation is CPU-bound: one per core)")] = 1,
) -> None:
    """Start the web application and the HTTP API (网页与接口服务)."""
    import uvicorn

    from renshe.app import create_app
    from renshe.logs import uvicorn_config
    from renshe.services.database import database_url

    application = create_app(migrate=True, demo=demo)
    if demo:
        _demo_registry()
    print(f"renshe 人社政策服务: http://{host}:{port}/  (接口文档 http://{host}:{port}/docs)", flush=True)
    print(f"数据库: {database_url()}", flush=True)
    if demo:
        from renshe.services.demo import DEMO_PASSWORD, DEMO_USERS
        from renshe.services.labour_demo import LABOUR_USERS

        print(f"演示账号（密码均为 {DEMO_PASSWORD}）：", flush=True)
        users = [*DEMO_USERS, *LABOUR_USERS]
        width = max(len(u["username"]) for u in users)
        for u in users:
            print(f"  {u['username']:<{width}} {u['role']:<11} {u['display_name']}", flush=True)
    if workers == 1:
        uvicorn.run(application, host=host, port=port, log_level="info", log_config=uvicorn_config())
        return
    # the store is migrated and seeded once, here; each worker process serves with it
    import asyncio

    async def prepare() -> None:
        async with application.router.lifespan_context(application):
            pass

    asyncio.run(prepare())
    from renshe.app import DEMO_VARIABLE

    os.environ[DEMO_VARIABLE] = "1" if demo else "0"  # the workers serve as the parent was asked to
    uvicorn.run(
        "renshe.app:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        log_config=uvicorn_config(),
    )


dispatch_app = typer.Typer(no_args_is_help=True, help="劳务派遣实名动态管理 (dispatch real-name reports)")
app.add_typer(dispatch_app, name="dispatch")


@dispatch_app.command("check")
def dispatch_check(
    file: Annotated[Path, typer.Argument(help="report file: CSV (UTF-8) or xlsx with the five columns")],
    as_json: Annotated[bool, typer.Option("--json", help='print {"accepted": N, "rejected": [...]}')] = False,
) -> None:
    """Check a real-name report file (实名动态信息检查); exit 2 when the file itself is unusable."""
    from renshe.services.dispatch import ReportFileError, check_file

    try:
        data = file.read_bytes()
    except FileNotFoundError:
        _fail([f"无法读取文件 {file}：文件不存在"])
    except IsADirectoryError:
        _fail([f"无法读取文件 {file}：这是一个目录，不是文件"])
    except OSError as exc:
        _fail([f"无法读取文件 {file}：{exc.strerror or exc}"])
    try:
        result = check_file(data, file.name)
    except ReportFileError as exc:
        _fail([f"{file.name}：{exc.message}"])
    if as_json:
        print(json.dumps(result.summary(), ensure_ascii=False))
        return
    print(
        f"接收 {len(result.accepted)} 行，不予接收 {len({r['row'] for r in result.rejected})} 行"
        + (f"（空行 {len(result.empty_rows)} 行已跳过）" if result.empty_rows else "")
    )
    for r in result.rejected:
        print(f"第 {r['row']} 行 {r['field']}：{r['problem']}")


targets_app = typer.Typer(no_args_is_help=True, help="目标任务 (target tables shipped with renshe)")
app.add_typer(targets_app, name="targets")


@targets_app.command("list")
def targets_list() -> None:
    """List the shipped target tables (目标任务分解表)."""
    from renshe.services.targets import tables

    for name in tables.names():
        t = tables.load(name)
        print(f"{name}\t{t.year}\t{t.doc_no}\t{t.title}")


@targets_app.command("show")
def targets_show(
    name: Annotated[str, typer.Argument(help="table name, e.g. xinmi-2020")],
    as_json: Annotated[bool, typer.Option("--json", help='print {"name","year","columns","rows","total"}')] = False,
) -> None:
    """Print a shipped target table (目标任务分解表), its total row and whether the rows add up."""
    from renshe.services.targets import tables

    try:
        t = tables.load(name)
    except tables.UnknownTable as exc:
        _fail([str(exc.args[0])])
    if as_json:
        print(json.dumps(t.as_json(), ensure_ascii=False))
        return
    print(f"{t.title}（{t.doc_no}，{t.year}年）")
    headers = ["单位", *[c.header for c in t.columns]]
    body = [[unit, *["" if v is None else str(v) for v in values]] for unit, values in t.rows]
    if t.total is not None:
        body.append(["合计", *["" if v is None else str(v) for v in t.total]])
    print("\t".join(headers))
    for row in body:
        print("\t".join(row))
    problems = t.discrepancies()
    print("核对：各列合计与表中合计一致" if not problems else "核对：" + "；".join(problems))


@app.command()
def monitor(
    registry: Annotated[Path, typer.Argument(help="registry directory or xlsx workbook (units + insured)")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="month to monitor, YYYY-MM (default: latest)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write monitor.xlsx and monitor.json here")] = None,
    headers: Annotated[Path | None, typer.Option("--headers", help=HEADERS_HELP)] = None,
) -> None:
    """Employment monitoring and early warning (就业监测预警) over a registry's insured headcounts."""
    _use_headers(headers)
    from renshe.batch.registry import RegistryError
    from renshe.services import monitoring

    try:
        report = monitoring.run(registry, as_of)
    except RegistryError as exc:
        _fail([str(exc)])
    s = report["summary"]
    print(
        f"监测月份 {report['as_of']}：{s['regions']} 个地区，{s['units']} 户单位，参保 {s['headcount']} 人；"
        f"预警 {s['warnings']} 条（裁员率超线 {s['by_kind']['layoff_rate']}，参保人数环比下降 "
        f"{s['by_kind']['headcount_drop']}，地区环比下降 {s['by_kind']['region_drop']}）"
    )
    for w in report["warnings"][:20]:
        print(f"  [{w['kind_name']}] {w['name']}（{w['region']}）：{w['reason']}")
    if len(report["warnings"]) > 20:
        print(f"  ……其余 {len(report['warnings']) - 20} 条见导出文件")
    if report["problems"]:
        print(f"数据问题 {len(report['problems'])} 行（已跳过）", file=sys.stderr)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "monitor.xlsx").write_bytes(monitoring.export_xlsx(report))
        (out / "monitor.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"已写出 {out / 'monitor.xlsx'}、{out / 'monitor.json'}")


audit_app = typer.Typer(no_args_is_help=True, help="审计日志 (the audit log's hash chain and its checkpoints)")
app.add_typer(audit_app, name="audit")


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Publish the chain head (last event id and hash) to the append-only checkpoint file."""
    from renshe.services import audit
    from renshe.services.database import session

    with session() as s:
        line = audit.checkpoint(s)
        path = audit.checkpoint_path(s)
    if line is None:
        print("审计日志为空，未写检查点")
        return
    print(f"已写检查点：事件 {line['seq']}（共 {line['events']} 条），哈希 {line['hash']} → {path}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the chain and compare it with the published checkpoints; exit 1 when it fails."""
    from renshe.services import audit
    from renshe.services.database import session

    with session() as s:
        check = audit.verify(s)
    if not check.ok:
        _fail([f"审计日志校验失败：{check.problem}"], code=1)
    print(f"审计日志校验通过：共 {check.events} 条记录，与 {check.checkpoints} 个检查点一致")


case_app = typer.Typer(no_args_is_help=True, help="案例格式 (the case format)")
app.add_typer(case_app, name="case")


@case_app.command("schema")
def case_schema(
    out: Annotated[Path | None, typer.Option(help="write the schema to this file (docs/case.schema.json)")] = None,
) -> None:
    """Print the JSON Schema of a case (generated from the case model), or write it to OUT."""
    from renshe.engine.case_schema import case_schema_text

    text = case_schema_text()
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    print(f"案例格式 JSON Schema 已写入 {out}")


def main() -> None:
    from renshe.logs import configure_logging

    configure_logging()  # JSON lines on stderr, personal data masked (renshe.logs)
    app()


if __name__ == "__main__":
    main()


standards_app = typer.Typer(no_args_is_help=True, help="地方标准 (local standards approved by the bureau)")
app.add_typer(standards_app, name="standards")


@standards_app.command("export")
def standards_export(
    out: Annotated[Path | None, typer.Option("--out", help="file to write (default: standard output)")] = None,
) -> None:
    """The approved local standards of $RENSHE_DATABASE_URL as a file for 'renshe batch --local-standards'."""
    from renshe.services import local_standards as ls
    from renshe.services.database import session

    with session() as s:
        text = ls.export(s)
    if out is None:
        print(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")
        print(f"已导出地方标准 → {out}", file=sys.stderr)
