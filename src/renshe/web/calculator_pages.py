"""The calculator pages (政策计算器): the form (no JSON needed), the JSON box under 高级, the
small JSON helpers the form calls while it is filled (industry search, live size class,
USCC check character), the statement template, and the policy letter (政策告知书) as a
printable page and a PDF. All public: the calculator needs no sign-in."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from renshe.domain import industries, regions
from renshe.engine.calculator import evaluate_json
from renshe.engine.case import BadCase
from renshe.engine.catalog import implements
from renshe.http.deps import optional_user
from renshe.http.hardening import download_headers
from renshe.http.uploads import off_loop
from renshe.services.local_standards import refresh_if_stale
from renshe.services.users import User
from renshe.web import calculator_form as cf
from renshe.web import contributions_upload as upload
from renshe.web import letter
from renshe.web.pages import demo_cases, shown, templates

router = APIRouter(include_in_schema=False)

#: the size class's Chinese name on the results, ordered large → micro (contract sizes)
SIZE_TEXT = {
    "large": "大型",
    "medium": "中型",
    "small": "小型",
    "micro": "微型",
    "unclassifiable": "不适用划型（金融业）",
}


def _context(
    request: Request,
    user: User | None,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    case_json: str = "",
    tab: str = "form",
    chosen: dict[str, Any] | None = None,
    everything: bool = False,
) -> dict[str, Any]:
    values = dict(values)
    values.setdefault("subject", "enterprise")
    values.setdefault("as_of", "2020-07-31")
    values.setdefault("flags", [])
    values.setdefault("groups", [])
    return {
        "cases": demo_cases(),
        "chosen": chosen,
        "case_json": case_json,
        "user": user,
        "everything": everything,
        "values": values,
        "errors": errors or {},
        "tab": tab,
        "labels": cf.labels(),
        "field_labels": cf.FIELD_LABELS,
        "grid": cf.grid_months(values),
        "insurances": list(cf.labels()["insurances"]),
        "regions": regions.region_tree(),
        "quarters": cf.QUARTERS,
        "more_fields": [
            "attrition_2019",
            "ui_contribution_months",
            "profit_tax_change_2019",
            "eligible_new_hires_12m",
            "work_injury_class",
            *(f"profit_{q}" for q in cf.QUARTERS),
        ],
        "placements": range(1, cf.PLACEMENT_ROWS + 1),
        "month_label": cf.month_label,
        "cell": cf.cell,
        "size_box": cf.size_info(
            str(values.get("industry") or ""),
            str(values.get("employees") or ""),
            str(values.get("revenue") or ""),
            str(values.get("assets") or ""),
            str(values.get("size") or ""),
        ),
    }


def _with_results(context: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    context["body"] = body
    page = shown(body)
    context.update(page)
    cls = body.get("classification") or {}
    context["size_text"] = SIZE_TEXT.get(cls.get("size") or "", "未能划型") if cls else ""
    return context


@router.get("/", response_class=HTMLResponse)
@implements(
    "cn.hrss_temp_work_subsidy_duty_2020",
    "cn.hrss_temp_subsidy_supervision_2020",
    "cn.hrss_labour_relations_wage_duty_2020",
    "cn.labour_relations_guidance_2020",
    "cn.miit_sme_local_cost_relief_menu_2020",
    "xinmi.labour_relations_guidance_2020",
    "xinmi.new_employment_forms_coverage_2020",
    "cn.si_relief_declaration_procedure_2020",
    "yongzhou.policy_delivery_service_2022",
    "cn.hrss_medical_staff_protection_duty_2020",
    tests=["tests/web/test_calculator_page.py::test_results_grouped_by_status"],
)
def calculator(
    request: Request, example: str | None = None, blank: bool = False, user: User | None = Depends(optional_user)
) -> HTMLResponse:
    """The form, filled with a demo case (the first unless ``example`` names one), or empty (``blank``)."""
    cases = demo_cases()
    if blank:
        return templates.TemplateResponse(request, "calculator.html", _context(request, user, values={}))
    chosen = next((c for c in cases if c["key"] == example), cases[0])
    case = json.loads(chosen["json"])
    whole = cf.represents(case)
    context = _context(
        request,
        user,
        values=cf.values_of_case(case),
        case_json=chosen["json"],
        chosen=chosen,
        tab="form" if whole else "json",
    )
    context["partial_example"] = not whole
    return templates.TemplateResponse(request, "calculator.html", context)


def filled(request: Request, user: User | None, case: dict[str, Any], **extra: Any) -> HTMLResponse:
    """The form filled with ``case`` (e.g. the bureau's registry data of a signed-in unit) and its results."""
    whole = cf.represents(case)
    context = _context(
        request,
        user,
        values=cf.values_of_case(case),
        case_json=json.dumps(case, ensure_ascii=False, indent=2),
        tab="form" if whole else "json",
    )
    context["partial_example"] = not whole
    context.update(extra)
    refresh_if_stale()  # the approved local standards (地方标准)
    return templates.TemplateResponse(request, "calculator.html", _with_results(context, evaluate_json(case)))


@router.post("/calculate", response_class=HTMLResponse)
def calculate(
    request: Request,
    case_json: str = Form(...),
    everything: bool = Form(False),
    user: User | None = Depends(optional_user),
) -> HTMLResponse:
    """The JSON box (高级): the case as the contract writes it."""
    context = _context(request, user, values={}, case_json=case_json, tab="json", everything=everything)
    try:
        refresh_if_stale()  # the approved local standards (地方标准)
        body = evaluate_json(case_json, everything=everything)
    except BadCase as bad:
        context["problems"] = bad.problems
        return templates.TemplateResponse(request, "calculator.html", context, status_code=422)
    context["values"] = _context(request, user, values=cf.values_of_case(json.loads(case_json)))["values"]
    context["grid"] = cf.grid_months(context["values"])
    return templates.TemplateResponse(request, "calculator.html", _with_results(context, body))


def _form_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in set(form.keys()):
        if key in ("flags", "groups"):
            values[key] = [v for v in form.getlist(key) if isinstance(v, str)]
        elif key != "contributions_file":
            v = form.get(key)
            values[key] = v if isinstance(v, str) else ""
    return values


@router.post("/calculate/form", response_class=HTMLResponse)
async def calculate_form(request: Request, user: User | None = Depends(optional_user)) -> HTMLResponse:
    """The form: the unit's statement file (if any) fills the grid, the form becomes the
    case, the case is evaluated; every problem is shown on its field with the values kept."""
    form = await request.form()
    values = _form_values(form)
    everything = values.get("everything") == "true"
    errors: dict[str, str] = {}
    file = form.get("contributions_file")
    if isinstance(file, UploadFile) and file.filename:
        data = await file.read(upload.FILE_LIMIT + 1)
        try:
            statement = await off_loop(upload.read_statement, data, file.filename)
        except upload.StatementError as exc:
            errors["contributions_file"] = f"社保缴费明细文件“{file.filename}”：{exc}"
        else:
            values.update(statement.values)
            first, last = statement.months[0], statement.months[-1]
            grid = cf.grid_months(values)
            values["grid_from"] = min(first, grid[0])
            values["grid_to"] = max(last, grid[-1])
    if values.get("action") == "grid" or errors:
        context = _context(request, user, values=values, errors=errors, everything=everything)
        return templates.TemplateResponse(request, "calculator.html", context, status_code=422 if errors else 200)
    built = cf.build_case(values)
    if built.case is None:
        context = _context(request, user, values=values, errors=built.errors, everything=everything)
        return templates.TemplateResponse(request, "calculator.html", context, status_code=422)
    case_json = json.dumps(built.case, ensure_ascii=False, indent=2)
    context = _context(request, user, values=values, case_json=case_json, everything=everything)
    try:
        await run_in_threadpool(refresh_if_stale)  # the approved local standards (地方标准)
        body = await run_in_threadpool(evaluate_json, built.case, False, None, False, everything)
    except BadCase as bad:  # the form checked the case already; this is the engine's own word
        context["problems"] = bad.problems
        return templates.TemplateResponse(request, "calculator.html", context, status_code=422)
    return templates.TemplateResponse(request, "calculator.html", _with_results(context, body))


# ------------------------------------------------------------------ helpers the form calls


@router.get("/calculate/industries")
def industry_search(q: str = "") -> JSONResponse:
    """Industries (GB/T 4754-2017) whose Chinese name or code holds ``q``."""
    return JSONResponse({"industries": industries.search_industries(q[:40], cf.INDUSTRY_HITS)})


@router.get("/calculate/size")
def size_class(
    industry: str = "", employees: str = "", revenue: str = "", assets: str = "", size: str = ""
) -> JSONResponse:
    """The size class of what the form holds, with its reason (domain.size)."""
    return JSONResponse(cf.size_info(industry[:80], employees[:40], revenue[:40], assets[:40], size[:10]))


@router.get("/calculate/uscc")
def uscc_check(code: str = "") -> JSONResponse:
    """What is wrong with a 统一社会信用代码, and the whole code when only its check character is."""
    problem, fill = cf.uscc_advice(code[:40]) if code.strip() else (None, None)
    return JSONResponse({"ok": problem is None, "message": problem or "", "fill": fill or ""})


@router.get("/calculate/contributions-template.{fmt}")
def statement_template(request: Request, fmt: str) -> Response:
    """The 社保缴费明细 template: the headers the form understands, as xlsx or csv."""
    if fmt == "csv":
        return Response(
            upload.template_csv(),
            media_type="text/csv; charset=utf-8",
            headers=download_headers("社保缴费明细模板.csv"),
        )
    if fmt == "xlsx":
        return Response(
            upload.template_xlsx(),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers=download_headers("社保缴费明细模板.xlsx"),
        )
    return templates.TemplateResponse(
        request, "message.html", {"message": "模板只有 csv 和 xlsx 两种格式"}, status_code=404
    )


# ------------------------------------------------------------------ the letter (政策告知书)


def _letter_data(case_json: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | list[str]:
    try:
        refresh_if_stale()
        body = evaluate_json(case_json)
    except BadCase as bad:
        return [p.line() for p in bad.problems]
    case = json.loads(case_json)
    page = _with_results({}, body)
    return case, body, page


@router.post("/calculate/letter", response_class=HTMLResponse)
def letter_page(
    request: Request, case_json: str = Form(...), user: User | None = Depends(optional_user)
) -> HTMLResponse:
    """The letter as a page to print (the print stylesheet leaves out the site's frame)."""
    data = _letter_data(case_json)
    if isinstance(data, list):
        return templates.TemplateResponse(
            request,
            "message.html",
            {"message": "案例有误，无法出具告知书：" + "；".join(data[:5]), "user": user},
            status_code=422,
        )
    case, _, page = data
    from renshe.domain.times import now_beijing

    return templates.TemplateResponse(
        request,
        "letter.html",
        {**page, "user": user, "who": letter.subject_of(case), "issued": now_beijing(), "case_json": case_json},
    )


@router.post("/calculate/letter.pdf")
async def letter_download(request: Request, case_json: str = Form(...)) -> Response:
    data = await run_in_threadpool(_letter_data, case_json)
    if isinstance(data, list):
        return templates.TemplateResponse(
            request, "message.html", {"message": "案例有误，无法出具告知书：" + "；".join(data[:5])}, status_code=422
        )
    case, body, page = data
    try:
        pdf = await off_loop(letter.letter_pdf, case, body, page)
    except letter.FontMissing as exc:
        return templates.TemplateResponse(request, "message.html", {"message": str(exc)}, status_code=503)
    name = letter.subject_of(case)["name"].strip("（）") or "政策告知书"
    return Response(pdf, media_type="application/pdf", headers=download_headers(f"政策告知书-{name}.pdf"))
