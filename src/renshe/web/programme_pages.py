"""Employment-programme and public-institution pages (就业服务台账、贷后管理、公益性岗位、零就业家庭、
事业单位招聘、职称、绩效工资): each a list with its forms, built from one template
(programmes/desk.html). Pickers for every choice; a bad entry re-renders the page with what was
typed and the problem on its field; another district's records are not shown. Thin: the
services do the work and decide who may do what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.engine.catalog import page_for
from renshe.http.deps import db, optional_user
from renshe.http.hardening import download_headers
from renshe.http.labour_forms import XLSX
from renshe.services import (
    employment_services,
    guaranteed_loans,
    public_institutions,
    welfare_posts,
    zero_employment,
)
from renshe.services.errors import Forbidden, NotFound, ServiceError
from renshe.services.programmes_common import FieldError
from renshe.services.programmes_settings import citation, param
from renshe.services.users import User
from renshe.web.desk_pages import need_login, page
from renshe.web.training_pages import district_options, field_errors

router = APIRouter(include_in_schema=False)
page_for(
    "renshe.services.employment_services",
    "/employment-services/overcapacity",
    "/employment-services/returnee",
    "/employment-services/flexible",
    "/employment-services/campus",
)
page_for("renshe.services.guaranteed_loans", "/loans")
page_for("renshe.services.welfare_posts", "/welfare-posts")
page_for("renshe.services.zero_employment", "/zero-employment")
page_for("renshe.services.public_institutions", "/recruitment", "/titles", "/performance-pay")
Values = dict[str, dict[str, Any]]
Errors = dict[str, list[Any]]


def fld(name: str, label: str, kind: str = "text", options: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    opts = [(o, o) if isinstance(o, str) else o for o in options or []]
    return {"name": name, "label": label, "type": kind, "options": opts, **extra}


def form(
    fid: str, title: str, action: str, fields: list[dict[str, Any]], button: str, values: Values, **extra: Any
) -> dict[str, Any]:
    return {
        "id": fid,
        "title": title,
        "action": action,
        "fields": fields,
        "button": button,
        "values": values.get(fid, {}),
        **extra,
    }


def _int(value: str, field: str, label: str) -> int:
    value = (value or "").strip()
    if not value.lstrip("-").isdigit():
        raise FieldError(field, f"{label}“{value}”应为整数")
    return int(value)


def _date(value: str, field: str, label: str) -> dt.date:
    """A date the form requires (an empty one is refused on its field)."""
    value = (value or "").strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FieldError(field, f"{label}“{value}”应为 YYYY-MM-DD 格式的日期") from None


def _optional_date(value: str, field: str, label: str) -> dt.date | None:
    """A date the form may leave empty."""
    return _date(value, field, label) if (value or "").strip() else None


async def _raw(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: str(v) for k, v in data.items() if isinstance(v, str)}


def _render(request: Request, user: User, title: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return page(
        request,
        "programmes/desk.html",
        user,
        status_code=status_code,
        title=title,
        **{
            "citations": [],
            "notes": [],
            "tables": [],
            "forms": [],
            "links": [],
            "form_errors": {},
            "done": "",
            **context,
        },
    )


Builder = Callable[[Request, User, Session, int, Errors, Values, str], HTMLResponse]


def _show(request: Request, user: User | None, s: Session, build: Builder, done: str = "") -> Response:
    if user is None:
        return need_login(request)
    try:
        return build(request, user, s, 200, {}, {}, done)
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)


def _submit(
    request: Request,
    user: User | None,
    s: Session,
    build: Builder,
    fid: str,
    raw: dict[str, str],
    action: Callable[[User], object],
    ok: str,
) -> Response:
    """Run a form's action; a field problem re-renders the page with what was typed."""
    if user is None:
        return need_login(request)
    try:
        action(user)
    except FieldError as exc:
        return build(request, user, s, 400, {fid: field_errors(exc)}, {fid: raw}, "")
    except (Forbidden, NotFound) as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    except ServiceError as exc:
        return build(request, user, s, exc.status, {fid: field_errors(exc)}, {fid: raw}, "")
    return RedirectResponse(ok, status_code=303)


# ----------------------------------------------------------------------------- service ledgers

LEDGER_COLUMNS = [
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("region_name", "地区"),
    ("option", "选项"),
    ("service", "服务内容"),
    ("served_on", "服务日期"),
    ("follow_up_due", "回访期限"),
    ("followed_up_on", "回访日期"),
]


def _ledger_page(kind: str) -> Builder:
    def build(
        request: Request, user: User, s: Session, code: int, errors: Errors, values: Values, done: str
    ) -> HTMLResponse:
        data = employment_services.ledger(s, user, kind)
        write = user.role == "caseworker"
        opts = [(o, o) for o in data["choices"]]
        columns = list(LEDGER_COLUMNS)
        if kind == "overcapacity":
            columns.insert(2, ("enterprise", "企业"))
        if kind == "campus":
            columns.append(("expert", "指导专家"))
        rows = []
        for r in data["records"]:
            fid = f"follow-up-{r['id']}"
            rows.append(
                {
                    **r,
                    "option": r["option"] or "未定",
                    "_alert": r["overdue"],
                    "_forms": [
                        form(
                            fid,
                            "回访",
                            f"/employment-services/records/{r['id']}/follow-up",
                            [
                                fld("on", "回访日期", "date"),
                                fld("option", data["option_label"], "select", opts),
                                fld("note", "回访情况", max=2000),
                            ],
                            "记录回访",
                            values,
                        )
                    ]
                    if write
                    else [],
                }
            )
        tables = [
            {"id": "records", "title": f"{data['kind_name']}台账", "columns": columns, "rows": rows, "forms": write},
            {"id": "overdue", "title": "回访超期", "columns": LEDGER_COLUMNS, "rows": data["overdue"]},
        ]
        if kind == "overcapacity":
            tables.insert(
                0,
                {
                    "id": "enterprises",
                    "title": "企业职工安置进度",
                    "rows": [{**e, "id": e["uscc"]} for e in data["enterprises"]],
                    "columns": [
                        ("enterprise", "企业"),
                        ("uscc", "统一社会信用代码"),
                        ("workers", "分流职工"),
                        ("placed", "已安置"),
                        ("unplaced", "未安置"),
                    ],
                },
            )
        fields = [
            fld("region", "所在地区", "select", district_options(user), blank=False),
            fld("name", "姓名", max=64),
            fld("id_number", "身份证号", max=18),
            fld("served_on", "服务日期", "date"),
            fld("option", data["option_label"], "select", opts),
            fld("service", "服务内容", max=2000),
        ]
        if kind == "overcapacity":
            fields += [fld("enterprise", "企业名称"), fld("uscc", "统一社会信用代码", max=18)]
        forms = []
        if kind == "campus":
            experts = employment_services.experts(s, user)
            fields.append(
                fld(
                    "expert_id",
                    "指导专家",
                    "select",
                    [(e["id"], f"{e['name']}（{e['institution']}）") for e in experts],
                )
            )
            tables.insert(
                0,
                {
                    "id": "experts",
                    "title": "职业指导专家库",
                    "rows": experts,
                    "columns": [
                        ("name", "姓名"),
                        ("institution", "所在单位"),
                        ("speciality", "专长"),
                        ("region_name", "地区"),
                    ],
                },
            )
        if write:
            forms.append(
                form("record-form", f"登记{data['kind_name']}", f"/employment-services/{kind}", fields, "登记", values)
            )
            if kind == "campus":
                forms.append(
                    form(
                        "expert-form",
                        "专家入库",
                        "/career-experts",
                        [
                            fld("region", "所在地区", "select", district_options(user), blank=False),
                            fld("name", "专家姓名", max=64),
                            fld("institution", "所在单位（高校）"),
                            fld("speciality", "专长"),
                        ],
                        "加入专家库",
                        values,
                    )
                )
        links = [(f"/employment-services/{k}", v[0], f"nav-{k}") for k, v in employment_services.KINDS.items()]
        links.append((f"/employment-services/{kind}.xlsx", "下载 xlsx", "ledger-xlsx"))
        return _render(
            request,
            user,
            data["kind_name"],
            code,
            citations=[data["citation"], data["follow_up_citation"]],
            tables=tables,
            forms=forms,
            links=links,
            form_errors=errors,
            done=done,
        )

    return build


@router.get("/employment-services/{kind}.xlsx")
def ledger_xlsx(
    request: Request, kind: str, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    if user is None:
        return need_login(request)
    try:
        data = employment_services.ledger(s, user, employment_services.check_kind(kind))
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return Response(
        employment_services.ledger_xlsx(data), media_type=XLSX, headers=download_headers(f"ledger-{kind}.xlsx")
    )


@router.get("/employment-services/{kind}", response_class=HTMLResponse)
def ledger(
    request: Request,
    kind: str,
    saved: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if kind not in employment_services.KINDS:
        return page(request, "desk/message.html", user, status_code=404, message=f"没有“{kind}”台账")
    return _show(request, user, s, _ledger_page(kind), "已保存。" if saved else "")


@router.post("/employment-services/{kind}", response_class=HTMLResponse)
async def ledger_record(
    request: Request, kind: str, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    if kind not in employment_services.KINDS:
        return page(request, "desk/message.html", user, status_code=404, message=f"没有“{kind}”台账")
    raw = await _raw(request)

    def act(u: User) -> None:
        expert = raw.get("expert_id", "")
        employment_services.record(
            s,
            u,
            kind,
            region=raw.get("region", ""),
            name=raw.get("name", ""),
            id_number=raw.get("id_number", ""),
            served_on=raw.get("served_on", ""),
            option=raw.get("option", ""),
            service=raw.get("service", ""),
            enterprise=raw.get("enterprise", ""),
            uscc=raw.get("uscc", ""),
            expert_id=int(expert) if expert.isdigit() else None,
        )

    return _submit(
        request, user, s, _ledger_page(kind), "record-form", raw, act, f"/employment-services/{kind}?saved=1"
    )


@router.post("/employment-services/records/{record_id}/follow-up", response_class=HTMLResponse)
async def ledger_follow_up(
    request: Request,
    record_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    raw = await _raw(request)
    try:
        kind = employment_services.kind_of(s, record_id)
    except NotFound as exc:
        return page(request, "desk/message.html", user, status_code=404, message=exc.message)

    def act(u: User) -> None:
        employment_services.follow_up(
            s,
            u,
            record_id,
            on=_date(raw.get("on", ""), "on", "回访日期"),
            option=raw.get("option", ""),
            note=raw.get("note", ""),
        )

    return _submit(
        request, user, s, _ledger_page(kind), f"follow-up-{record_id}", raw, act, f"/employment-services/{kind}?saved=1"
    )


@router.post("/career-experts", response_class=HTMLResponse)
async def add_expert(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    raw = await _raw(request)

    def act(u: User) -> None:
        employment_services.add_expert(
            s,
            u,
            region=raw.get("region", ""),
            name=raw.get("name", ""),
            institution=raw.get("institution", ""),
            speciality=raw.get("speciality", ""),
        )

    return _submit(
        request, user, s, _ledger_page("campus"), "expert-form", raw, act, "/employment-services/campus?saved=1"
    )


# ----------------------------------------------------------------------------- guaranteed loans


def _loans_page(
    request: Request, user: User, s: Session, code: int, errors: Errors, values: Values, done: str
) -> HTMLResponse:
    data = guaranteed_loans.book(s, user)
    write = user.role == "caseworker"
    columns = [
        ("borrower", "借款人"),
        ("id_number", "身份证号"),
        ("bank", "经办银行（贷后管理）"),
        ("amount", "金额（元）"),
        ("issued_on", "放款日期"),
        ("due_on", "到期日期"),
        ("status_name", "状态"),
        ("visits", "回访次数"),
        ("next_visit", "下次回访"),
    ]
    rows = [
        {
            **x,
            "_alert": x["status"] == "overdue" or x["visit_due"],
            "_forms": [
                form(
                    f"visit-{x['id']}",
                    "回访",
                    f"/loans/{x['id']}/visits",
                    [fld("on", "回访日期", "date"), fld("note", "情况", max=2000)],
                    "记录回访",
                    values,
                ),
                form(
                    f"settle-{x['id']}",
                    "结清或展期",
                    f"/loans/{x['id']}/settle",
                    [fld("repaid_on", "结清日期", "date"), fld("extended_to", "展期到期日", "date")],
                    "登记",
                    values,
                ),
            ]
            if write and x["status"] != "repaid"
            else [],
        }
        for x in data["loans"]
    ]
    forms = (
        [
            form(
                "loan-form",
                "登记创业担保贷款",
                "/loans",
                [
                    fld("region", "所在地区", "select", district_options(user), blank=False),
                    fld("borrower", "借款人", max=64),
                    fld("id_number", "身份证号", max=18),
                    fld("bank", "经办银行"),
                    fld("amount", "贷款金额（元）", "number", max=20),
                    fld("issued_on", "放款日期", "date"),
                    fld("due_on", "到期日期", "date"),
                ],
                "登记",
                values,
            )
        ]
        if write
        else []
    )
    return _render(
        request,
        user,
        "创业担保贷款贷后管理",
        code,
        citations=[data["citation"]],
        form_errors=errors,
        done=done,
        tables=[
            {"id": "loans", "title": "贷款", "columns": columns, "rows": rows, "forms": write},
            {"id": "overdue", "title": "逾期贷款", "columns": columns, "rows": data["overdue"]},
            {"id": "visits-due", "title": "应回访", "columns": columns, "rows": data["visits_due"]},
        ],
        forms=forms,
    )


@router.get("/loans", response_class=HTMLResponse)
def loans(
    request: Request,
    saved: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _show(request, user, s, _loans_page, "已保存。" if saved else "")


@router.post("/loans", response_class=HTMLResponse)
async def loan_add(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    raw = await _raw(request)
    keys = ("region", "borrower", "id_number", "bank", "amount", "issued_on", "due_on")
    return _submit(
        request,
        user,
        s,
        _loans_page,
        "loan-form",
        raw,
        lambda u: guaranteed_loans.add(s, u, **{k: raw.get(k, "") for k in keys}),
        "/loans?saved=1",
    )


@router.post("/loans/{loan_id}/visits", response_class=HTMLResponse)
async def loan_visit(
    request: Request,
    loan_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _loans_page,
        f"visit-{loan_id}",
        raw,
        lambda u: guaranteed_loans.visit(
            s,
            u,
            loan_id,
            on=_date(raw.get("on", ""), "on", "回访日期"),
            note=raw.get("note", ""),
        ),
        "/loans?saved=1",
    )


@router.post("/loans/{loan_id}/settle", response_class=HTMLResponse)
async def loan_settle(
    request: Request,
    loan_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _loans_page,
        f"settle-{loan_id}",
        raw,
        lambda u: guaranteed_loans.settle(
            s,
            u,
            loan_id,
            repaid_on=_optional_date(raw.get("repaid_on", ""), "repaid_on", "结清日期"),
            extended_to=_optional_date(raw.get("extended_to", ""), "extended_to", "展期到期日"),
        ),
        "/loans?saved=1",
    )


# ----------------------------------------------------------------------------- public-welfare posts


def _welfare_page(
    request: Request, user: User, s: Session, code: int, errors: Errors, values: Values, done: str
) -> HTMLResponse:
    data = welfare_posts.board(s, user)
    write = user.role == "caseworker"
    posts = [(p["id"], f"{p['title']}（{p['post_type']}，余 {p['free']} 个）") for p in data["posts"] if p["free"] > 0]
    person = [
        ("name", "姓名"),
        ("id_number", "身份证号"),
        ("group", "人员类别"),
        ("region_name", "地区"),
        ("reviewed_on", "回头看日期"),
        ("employed", "已就业"),
        ("market_failed", "市场化渠道难以就业"),
    ]
    queue = [
        {
            **p,
            "employed": "是" if p["employed"] else "否",
            "market_failed": "是" if p["market_failed"] else "否",
            "_forms": [
                form(
                    f"place-{p['id']}",
                    "安排",
                    f"/welfare-posts/candidates/{p['id']}/place",
                    [fld("post_id", "岗位", "select", posts), fld("on", "上岗日期", "date")],
                    "安排上岗",
                    values,
                )
            ]
            if write
            else [],
        }
        for p in data["queue"]
    ]
    review = [
        {
            **p,
            "employed": "",
            "market_failed": "",
            "_forms": [
                form(
                    f"review-{p['id']}",
                    "回头看",
                    f"/welfare-posts/candidates/{p['id']}/review",
                    [
                        fld("on", "回访日期", "date"),
                        fld("employed", "已就业", "checkbox"),
                        fld("market_failed", "市场化渠道难以就业", "checkbox"),
                    ],
                    "记录",
                    values,
                )
            ]
            if write
            else [],
        }
        for p in data["to_review"]
    ]
    forms = (
        [
            form(
                "post-form",
                "开发公益性岗位",
                "/welfare-posts",
                [
                    fld("region", "所在地区", "select", district_options(user), blank=False),
                    fld("title", "岗位名称"),
                    fld("post_type", "岗位类型", "select", param("welfare.post_types")),
                    fld("places", "岗位数", "number", max=7),
                    fld("part_time", "兼职岗位", "checkbox"),
                ],
                "保存",
                values,
            ),
            form(
                "candidate-form",
                "登记待安置人员",
                "/welfare-posts/candidates",
                [
                    fld("region", "所在地区", "select", district_options(user), blank=False),
                    fld("name", "姓名", max=64),
                    fld("id_number", "身份证号", max=18),
                    fld("group", "人员类别", "select", param("welfare.groups")),
                ],
                "登记",
                values,
            ),
        ]
        if write
        else []
    )
    return _render(
        request,
        user,
        "公益性岗位与安置“回头看”",
        code,
        form_errors=errors,
        done=done,
        forms=forms,
        citations=[citation("welfare.post_types"), citation("welfare.priority_groups")],
        notes=[f"优先顺序：市场化渠道难以就业的，其次 {'、'.join(data['priority_groups'])}。"],
        tables=[
            {
                "id": "posts",
                "title": "岗位",
                "rows": data["posts"],
                "columns": [
                    ("title", "岗位"),
                    ("post_type", "类型"),
                    ("places", "岗位数"),
                    ("free", "空余"),
                    ("region_name", "地区"),
                ],
            },
            {"id": "queue", "title": "待安置（按优先顺序）", "columns": person, "rows": queue, "forms": write},
            {"id": "to-review", "title": "待“回头看”", "columns": person[:4], "rows": review, "forms": write},
            {
                "id": "placed",
                "title": "已安置",
                "rows": data["placed"],
                "columns": [("name", "姓名"), ("group", "人员类别"), ("post", "岗位"), ("placed_on", "上岗日期")],
            },
        ],
    )


@router.get("/welfare-posts", response_class=HTMLResponse)
def welfare(
    request: Request,
    saved: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _show(request, user, s, _welfare_page, "已保存。" if saved else "")


@router.post("/welfare-posts", response_class=HTMLResponse)
async def welfare_post(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _welfare_page,
        "post-form",
        raw,
        lambda u: welfare_posts.add_post(
            s,
            u,
            region=raw.get("region", ""),
            title=raw.get("title", ""),
            post_type=raw.get("post_type", ""),
            places=_int(raw.get("places", ""), "places", "岗位数"),
            full_time=not raw.get("part_time"),
        ),
        "/welfare-posts?saved=1",
    )


@router.post("/welfare-posts/candidates", response_class=HTMLResponse)
async def welfare_candidate(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _welfare_page,
        "candidate-form",
        raw,
        lambda u: welfare_posts.add_candidate(
            s,
            u,
            region=raw.get("region", ""),
            name=raw.get("name", ""),
            id_number=raw.get("id_number", ""),
            group=raw.get("group", ""),
        ),
        "/welfare-posts?saved=1",
    )


@router.post("/welfare-posts/candidates/{candidate_id}/review", response_class=HTMLResponse)
async def welfare_review(
    request: Request,
    candidate_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _welfare_page,
        f"review-{candidate_id}",
        raw,
        lambda u: welfare_posts.review(
            s,
            u,
            candidate_id,
            on=_date(raw.get("on", ""), "on", "回访日期"),
            employed=bool(raw.get("employed")),
            market_failed=bool(raw.get("market_failed")),
        ),
        "/welfare-posts?saved=1",
    )


@router.post("/welfare-posts/candidates/{candidate_id}/place", response_class=HTMLResponse)
async def welfare_place(
    request: Request,
    candidate_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _welfare_page,
        f"place-{candidate_id}",
        raw,
        lambda u: welfare_posts.place(
            s,
            u,
            candidate_id,
            _int(raw.get("post_id", ""), "post_id", "岗位"),
            on=_date(raw.get("on", ""), "on", "上岗日期"),
        ),
        "/welfare-posts?saved=1",
    )


# ----------------------------------------------------------------------------- zero-employment households


def _zero_page(
    request: Request, user: User, s: Session, code: int, errors: Errors, values: Values, done: str
) -> HTMLResponse:
    data = zero_employment.board(s, user)
    write = user.role == "caseworker"
    columns = [
        ("head_name", "户主"),
        ("id_number", "身份证号"),
        ("unit", "乡镇（街道）"),
        ("members", "劳动年龄成员"),
        ("identified_on", "认定日期"),
        ("days_open", "已持续天数"),
    ]
    rows = [
        {
            **h,
            "_alert": True,
            "_forms": [
                form(
                    f"clear-{h['id']}",
                    "消除",
                    f"/zero-employment/{h['id']}/clear",
                    [fld("employed", "已就业成员（多人用“、”分隔）", max=300), fld("on", "就业日期", "date")],
                    "登记就业",
                    values,
                )
            ]
            if write
            else [],
        }
        for h in data["open"]
    ]
    forms = (
        [
            form(
                "household-form",
                "认定零就业家庭",
                "/zero-employment",
                [
                    fld("region", "所在地区", "select", district_options(user), blank=False),
                    fld("unit", "乡镇（街道）", "select", data["units"]),
                    fld("head_name", "户主姓名", max=64),
                    fld("id_number", "户主身份证号", max=18),
                    fld("members", "劳动年龄内家庭成员数", "number", max=3),
                    fld("identified_on", "认定日期", "date"),
                ],
                "认定",
                values,
            ),
            form(
                "targets-form",
                "记入目标任务进度",
                "/zero-employment/targets",
                [fld("year", "年度", "number", max=4, value=str(dt.date.today().year))],
                "记入并查看进度",
                values,
            ),
        ]
        if write
        else []
    )
    state = "已实现动态为零" if data["met"] else f"尚有 {len(data['open'])} 户未消除（目标 {data['target_open']} 户）"
    return _render(
        request,
        user,
        "城镇零就业家庭动态清零",
        code,
        citations=[data["citation"]],
        notes=[state],
        form_errors=errors,
        done=done,
        forms=forms,
        tables=[
            {"id": "open", "title": "未消除", "columns": columns, "rows": rows, "forms": write},
            {
                "id": "cleared",
                "title": "已消除",
                "columns": [*columns[:5], ("employed", "就业成员"), ("employed_on", "就业日期")],
                "rows": data["cleared"],
            },
        ],
    )


@router.get("/zero-employment", response_class=HTMLResponse)
def zero(
    request: Request,
    saved: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _show(request, user, s, _zero_page, "已保存。" if saved else "")


@router.post("/zero-employment", response_class=HTMLResponse)
async def zero_identify(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _zero_page,
        "household-form",
        raw,
        lambda u: zero_employment.identify(
            s,
            u,
            region=raw.get("region", ""),
            unit=raw.get("unit", ""),
            head_name=raw.get("head_name", ""),
            id_number=raw.get("id_number", ""),
            members=_int(raw.get("members", ""), "members", "劳动年龄内家庭成员数"),
            identified_on=raw.get("identified_on", ""),
        ),
        "/zero-employment?saved=1",
    )


@router.post("/zero-employment/{household_id}/clear", response_class=HTMLResponse)
async def zero_clear(
    request: Request,
    household_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _zero_page,
        f"clear-{household_id}",
        raw,
        lambda u: zero_employment.clear(
            s,
            u,
            household_id,
            employed=raw.get("employed", "").replace("，", "、").split("、"),
            on=raw.get("on", ""),
        ),
        "/zero-employment?saved=1",
    )


@router.post("/zero-employment/targets", response_class=HTMLResponse)
async def zero_targets(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    raw = await _raw(request)
    if user is None:
        return need_login(request)
    try:
        year = _int(raw.get("year", ""), "year", "年度")
        name = zero_employment.sync_targets(s, user, year)
    except FieldError as exc:
        return _zero_page(request, user, s, 400, {"targets-form": field_errors(exc)}, {"targets-form": raw}, "")
    except ServiceError as exc:
        return page(request, "desk/message.html", user, status_code=exc.status, message=exc.message)
    return RedirectResponse(f"/targets/{name}", status_code=303)


# ----------------------------------------------------------------------------- public institutions


def _recruitment_page(
    request: Request, user: User, s: Session, code: int, errors: Errors, values: Values, done: str
) -> HTMLResponse:
    staff = user.role in ("caseworker", "auditor", "admin")
    write = user.role == "caseworker"
    rounds = public_institutions.rounds(s, user) if staff else []
    columns = [
        ("unit", "招聘单位"),
        ("kind", "类别"),
        ("places", "招聘人数"),
        ("written_on", "笔试"),
        ("interview_on", "面试"),
        ("applicants", "报名"),
        ("hired", "聘用"),
    ]
    rows = [
        {
            **r,
            "kind": r["kind"] + ("（绿色通道）" if r["green_channel"] else ""),
            "_forms": [
                form(
                    f"reschedule-{r['id']}",
                    "调整考试时间",
                    f"/recruitment/rounds/{r['id']}/reschedule",
                    [
                        fld("reason", "调整原因", max=500),
                        fld("written_on", "新笔试日期", "date"),
                        fld("interview_on", "新面试日期", "date"),
                    ],
                    "调整并公告",
                    values,
                ),
                form(
                    f"results-{r['id']}",
                    "结果",
                    f"/recruitment/rounds/{r['id']}/results",
                    [fld("applicants", "报名人数", "number", max=8), fld("hired", "聘用人数", "number", max=8)],
                    "登记结果",
                    values,
                ),
            ]
            if write
            else [],
        }
        for r in rounds
    ]
    forms = (
        [
            form(
                "round-form",
                "发布招聘计划",
                "/recruitment/rounds",
                [
                    fld("region", "所在地区", "select", district_options(user), blank=False),
                    fld("unit", "招聘单位"),
                    fld("kind", "招聘类别", "select", param("recruitment.kinds")),
                    fld("places", "招聘人数", "number", max=7),
                    fld("written_on", "笔试日期", "date"),
                    fld("interview_on", "面试日期", "date"),
                    fld("green_channel", "招聘绿色通道（简化程序，可免笔试）", "checkbox"),
                ],
                "发布并公告",
                values,
            )
        ]
        if write
        else []
    )
    announcements = [{**a, "id": i} for i, a in enumerate(public_institutions.announcements(s), start=1)]
    return _render(
        request,
        user,
        "事业单位公开招聘",
        code,
        form_errors=errors,
        done=done,
        forms=forms,
        citations=[
            citation("recruitment.green_channel_kinds"),
            citation("recruitment.rescheduling_rule"),
            citation("recruitment.kinds"),
        ],
        tables=(
            [{"id": "rounds", "title": "本辖区招聘计划", "columns": columns, "rows": rows, "forms": write}]
            if staff
            else []
        )
        + [
            {
                "id": "announcements",
                "title": "招聘公告",
                "rows": announcements,
                "columns": [("published", "发布时间"), ("region_name", "地区"), ("text", "公告")],
            }
        ],
    )


@router.get("/recruitment", response_class=HTMLResponse)
def recruitment(
    request: Request,
    saved: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    if user is None:  # the announcements are public (向社会公告)
        rows = [{**a, "id": i} for i, a in enumerate(public_institutions.announcements(s), start=1)]
        return page(
            request,
            "programmes/desk.html",
            None,
            title="事业单位公开招聘",
            citations=[],
            notes=[],
            forms=[],
            links=[],
            form_errors={},
            done="",
            tables=[
                {
                    "id": "announcements",
                    "title": "招聘公告",
                    "rows": rows,
                    "columns": [("published", "发布时间"), ("region_name", "地区"), ("text", "公告")],
                }
            ],
        )
    return _show(request, user, s, _recruitment_page, "已保存。" if saved else "")


@router.post("/recruitment/rounds", response_class=HTMLResponse)
async def recruitment_open(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _recruitment_page,
        "round-form",
        raw,
        lambda u: public_institutions.open_round(
            s,
            u,
            region=raw.get("region", ""),
            unit=raw.get("unit", ""),
            kind=raw.get("kind", ""),
            places=_int(raw.get("places", ""), "places", "招聘人数"),
            written_on=raw.get("written_on") or None,
            interview_on=raw.get("interview_on") or None,
            green_channel=bool(raw.get("green_channel")),
        ),
        "/recruitment?saved=1",
    )


@router.post("/recruitment/rounds/{round_id}/reschedule", response_class=HTMLResponse)
async def recruitment_reschedule(
    request: Request,
    round_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _recruitment_page,
        f"reschedule-{round_id}",
        raw,
        lambda u: public_institutions.reschedule(
            s,
            u,
            round_id,
            reason=raw.get("reason", ""),
            written_on=raw.get("written_on") or None,
            interview_on=raw.get("interview_on") or None,
        ),
        "/recruitment?saved=1",
    )


@router.post("/recruitment/rounds/{round_id}/results", response_class=HTMLResponse)
async def recruitment_results(
    request: Request,
    round_id: int,
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    raw = await _raw(request)
    return _submit(
        request,
        user,
        s,
        _recruitment_page,
        f"results-{round_id}",
        raw,
        lambda u: public_institutions.record_results(
            s,
            u,
            round_id,
            applicants=_int(raw.get("applicants", ""), "applicants", "报名人数"),
            hired=_int(raw.get("hired", ""), "hired", "聘用人数"),
        ),
        "/recruitment?saved=1",
    )


def _titles_page(
    request: Request, user: User, s: Session, code: int, errors: Errors, values: Values, done: str
) -> HTMLResponse:
    data = public_institutions.title_queue(s, user)
    rows = [{**q, "priority": data["priority_label"] if q["priority"] else ""} for q in data["queue"]]
    forms = (
        [
            form(
                "title-form",
                "受理职称申报",
                "/titles",
                [
                    fld("region", "所在地区", "select", district_options(user), blank=False),
                    fld("name", "姓名", max=64),
                    fld("id_number", "身份证号", max=18),
                    fld("unit", "工作单位"),
                    fld("title_sought", "申报职称", max=100),
                    fld("frontline_medical", data["priority_label"], "checkbox"),
                ],
                "受理",
                values,
            )
        ]
        if user.role == "caseworker"
        else []
    )
    return _render(
        request,
        user,
        "职称评审队列",
        code,
        citations=[data["citation"]],
        form_errors=errors,
        done=done,
        forms=forms,
        tables=[
            {
                "id": "queue",
                "title": "评审顺序",
                "rows": rows,
                "columns": [
                    ("name", "姓名"),
                    ("id_number", "身份证号"),
                    ("unit", "单位"),
                    ("title_sought", "申报职称"),
                    ("priority", "优先"),
                    ("submitted", "受理时间"),
                ],
            }
        ],
    )


@router.get("/titles", response_class=HTMLResponse)
def titles(
    request: Request,
    saved: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _show(request, user, s, _titles_page, "已保存。" if saved else "")


@router.post("/titles", response_class=HTMLResponse)
async def titles_apply(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    raw = await _raw(request)
    keys = ("region", "name", "id_number", "unit", "title_sought")
    return _submit(
        request,
        user,
        s,
        _titles_page,
        "title-form",
        raw,
        lambda u: public_institutions.apply_title(
            s,
            u,
            **{k: raw.get(k, "") for k in keys},
            frontline_medical=bool(raw.get("frontline_medical")),
        ),
        "/titles?saved=1",
    )


def _pay_page(
    request: Request, user: User, s: Session, code: int, errors: Errors, values: Values, done: str
) -> HTMLResponse:
    data = public_institutions.pay_grants(s, user)
    forms = (
        [
            form(
                "pay-form",
                "核增一次性绩效工资",
                "/performance-pay",
                [
                    fld("region", "所在地区", "select", district_options(user), blank=False),
                    fld("unit", "医疗卫生机构"),
                    fld("year", "年度", "number", max=4),
                    fld("yearly_total", "年度绩效工资总量（元）", "number", max=20),
                    fld("regular_paid", "已发放常规绩效工资（元）", "number", max=20),
                    fld("one_off", "一次性核增额（元）", "number", max=20),
                ],
                "核增",
                values,
            )
        ]
        if user.role == "caseworker"
        else []
    )
    return _render(
        request,
        user,
        "一次性绩效工资总量核增",
        code,
        citations=[data["citation"]],
        form_errors=errors,
        done=done,
        forms=forms,
        notes=[f"一次性核增部分{data['rule']}，与年度总量分列，不相加。"],
        tables=[
            {
                "id": "grants",
                "title": "核增记录",
                "rows": data["grants"],
                "columns": [
                    ("unit", "单位"),
                    ("year", "年度"),
                    ("yearly_total", "年度总量（元）"),
                    ("regular_paid", "常规已发（元）"),
                    ("room_left", "总量余额（元）"),
                    ("one_off", "一次性核增（元，另列）"),
                    ("approved", "核增时间"),
                ],
            }
        ],
    )


@router.get("/performance-pay", response_class=HTMLResponse)
def pay(
    request: Request,
    saved: str = "",
    user: User | None = Depends(optional_user),
    s: Session = Depends(db, scope="function"),
) -> Response:
    return _show(request, user, s, _pay_page, "已保存。" if saved else "")


@router.post("/performance-pay", response_class=HTMLResponse)
async def pay_grant(
    request: Request, user: User | None = Depends(optional_user), s: Session = Depends(db, scope="function")
) -> Response:
    raw = await _raw(request)
    keys = ("region", "unit", "yearly_total", "regular_paid", "one_off")
    return _submit(
        request,
        user,
        s,
        _pay_page,
        "pay-form",
        raw,
        lambda u: public_institutions.grant_one_off(
            s,
            u,
            **{k: raw.get(k, "") for k in keys},
            year=_int(raw.get("year", ""), "year", "年度"),
        ),
        "/performance-pay?saved=1",
    )
