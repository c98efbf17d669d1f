"""Employment-programme and public-institution pages (就业服务台账、贷后管理、公益性岗位、零就业家庭、
事业单位招聘、职称、绩效工资): each a ledger page (web/ledger_page.py) with its forms, built from one
template (programmes/desk.html). Pickers for every choice; a bad entry re-renders the page with what
was typed and the problem on its field; another district's records are not shown. Thin: the
services do the work and decide who may do what; each form below is one declaration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from renshe.engine.catalog import page_for
from renshe.http.deps import Db, Viewer
from renshe.services import (
    employment_services,
    guaranteed_loans,
    public_institutions,
    welfare_posts,
    zero_employment,
)
from renshe.services.errors import NotFound, ServiceError
from renshe.services.programmes_common import FieldError
from renshe.services.programmes_settings import citation, param
from renshe.services.users import User
from renshe.web.desk_pages import need_login
from renshe.web.ledger_page import (
    SAVED,
    Builder,
    Ledger,
    Page,
    Params,
    Raw,
    Values,
    again,
    day,
    fld,
    for_writer,
    form,
    import_link,
    message,
    optional_day,
    parts,
    pick,
    region_field,
    render,
    show,
    table,
    typed,
    whole,
    writes,
)

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
    def build(s: Session, user: User, values: Values) -> Page:
        data = employment_services.ledger(s, user, kind)
        write = writes(user)
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
            table("records", f"{data['kind_name']}台账", columns, rows, write),
            table("overdue", "回访超期", LEDGER_COLUMNS, data["overdue"]),
        ]
        if kind == "overcapacity":
            tables.insert(
                0,
                table(
                    "enterprises",
                    "企业职工安置进度",
                    [
                        ("enterprise", "企业"),
                        ("uscc", "统一社会信用代码"),
                        ("workers", "分流职工"),
                        ("placed", "已安置"),
                        ("unplaced", "未安置"),
                    ],
                    [{**e, "id": e["uscc"]} for e in data["enterprises"]],
                ),
            )
        fields = [
            region_field(user),
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
                table(
                    "experts",
                    "职业指导专家库",
                    [
                        ("name", "姓名"),
                        ("institution", "所在单位"),
                        ("speciality", "专长"),
                        ("region_name", "地区"),
                    ],
                    experts,
                ),
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
                            region_field(user),
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
        return parts(
            data["kind_name"],
            citations=[data["citation"], data["follow_up_citation"]],
            tables=tables,
            forms=forms,
            links=links,
        )

    return build


def _kind_page(s: Session, params: Params) -> Builder:
    kind = params["kind"]
    if kind not in employment_services.KINDS:
        raise NotFound(f"没有“{kind}”台账")
    return _ledger_page(kind)


def _record_page(s: Session, params: Params) -> Builder:
    """The ledger of the record's kind (which the page's address then names)."""
    params["kind"] = employment_services.kind_of(s, params["record_id"])
    return _ledger_page(params["kind"])


def _ledger_workbook(s: Session, user: User, kind: str) -> tuple[bytes, str]:
    data = employment_services.ledger(s, user, employment_services.check_kind(kind))
    return employment_services.ledger_xlsx(data), f"ledger-{kind}.xlsx"


def _record(s: Session, user: User, raw: Raw, kind: str) -> object:
    expert = raw.get("expert_id", "")
    return employment_services.record(
        s,
        user,
        kind,
        **pick(raw, "region", "name", "id_number", "served_on", "option", "service", "enterprise", "uscc"),
        expert_id=int(expert) if expert.isdigit() else None,
    )


Ledger(router, "/employment-services/{kind}", resolve=_kind_page).download(
    "/employment-services/{kind}.xlsx", _ledger_workbook
).get().post("/employment-services/{kind}", "record-form", _record)
Ledger(router, "/employment-services/{kind}", resolve=_record_page).post(
    "/employment-services/records/{record_id}/follow-up",
    "follow-up-{record_id}",
    lambda s, u, raw, record_id: employment_services.follow_up(
        s, u, record_id, on=day(raw, "on", "回访日期"), **pick(raw, "option", "note")
    ),
)
Ledger(router, "/employment-services/campus", _ledger_page("campus")).post(
    "/career-experts",
    "expert-form",
    lambda s, u, raw: employment_services.add_expert(s, u, **pick(raw, "region", "name", "institution", "speciality")),
)

# ----------------------------------------------------------------------------- guaranteed loans


def _loans_page(s: Session, user: User, values: Values) -> Page:
    data = guaranteed_loans.book(s, user)
    write = writes(user)
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
    forms = for_writer(
        user,
        form(
            "loan-form",
            "登记创业担保贷款",
            "/loans",
            [
                region_field(user),
                fld("borrower", "借款人", max=64),
                fld("id_number", "身份证号", max=18),
                fld("bank", "经办银行"),
                fld("amount", "贷款金额（元）", "number", max=20),
                fld("issued_on", "放款日期", "date"),
                fld("due_on", "到期日期", "date"),
            ],
            "登记",
            values,
        ),
    )
    return parts(
        "创业担保贷款贷后管理",
        links=import_link(user, "loans"),
        citations=[data["citation"]],
        tables=[
            table("loans", "贷款", columns, rows, write),
            table("overdue", "逾期贷款", columns, data["overdue"]),
            table("visits-due", "应回访", columns, data["visits_due"]),
        ],
        forms=forms,
    )


Ledger(router, "/loans", _loans_page).get().post(
    "/loans",
    "loan-form",
    lambda s, u, raw: guaranteed_loans.add(
        s, u, **pick(raw, "region", "borrower", "id_number", "bank", "amount", "issued_on", "due_on")
    ),
).post(
    "/loans/{loan_id}/visits",
    "visit-{loan_id}",
    lambda s, u, raw, loan_id: guaranteed_loans.visit(
        s, u, loan_id, on=day(raw, "on", "回访日期"), note=raw.get("note", "")
    ),
).post(
    "/loans/{loan_id}/settle",
    "settle-{loan_id}",
    lambda s, u, raw, loan_id: guaranteed_loans.settle(
        s,
        u,
        loan_id,
        repaid_on=optional_day(raw, "repaid_on", "结清日期"),
        extended_to=optional_day(raw, "extended_to", "展期到期日"),
    ),
)

# ----------------------------------------------------------------------------- public-welfare posts


def _welfare_page(s: Session, user: User, values: Values) -> Page:
    data = welfare_posts.board(s, user)
    write = writes(user)
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
    forms = for_writer(
        user,
        form(
            "post-form",
            "开发公益性岗位",
            "/welfare-posts",
            [
                region_field(user),
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
                region_field(user),
                fld("name", "姓名", max=64),
                fld("id_number", "身份证号", max=18),
                fld("group", "人员类别", "select", param("welfare.groups")),
            ],
            "登记",
            values,
        ),
    )
    return parts(
        "公益性岗位与安置“回头看”",
        links=import_link(user, "welfare"),
        forms=forms,
        citations=[citation("welfare.post_types"), citation("welfare.priority_groups")],
        notes=[f"优先顺序：市场化渠道难以就业的，其次 {'、'.join(data['priority_groups'])}。"],
        tables=[
            table(
                "posts",
                "岗位",
                [
                    ("title", "岗位"),
                    ("post_type", "类型"),
                    ("places", "岗位数"),
                    ("free", "空余"),
                    ("region_name", "地区"),
                ],
                data["posts"],
            ),
            table("queue", "待安置（按优先顺序）", person, queue, write),
            table("to-review", "待“回头看”", person[:4], review, write),
            table(
                "placed",
                "已安置",
                [("name", "姓名"), ("group", "人员类别"), ("post", "岗位"), ("placed_on", "上岗日期")],
                data["placed"],
            ),
        ],
    )


Ledger(router, "/welfare-posts", _welfare_page).get().post(
    "/welfare-posts",
    "post-form",
    lambda s, u, raw: welfare_posts.add_post(
        s,
        u,
        **pick(raw, "region", "title", "post_type"),
        places=whole(raw, "places", "岗位数"),
        full_time=not raw.get("part_time"),
    ),
).post(
    "/welfare-posts/candidates",
    "candidate-form",
    lambda s, u, raw: welfare_posts.add_candidate(s, u, **pick(raw, "region", "name", "id_number", "group")),
).post(
    "/welfare-posts/candidates/{candidate_id}/review",
    "review-{candidate_id}",
    lambda s, u, raw, candidate_id: welfare_posts.review(
        s,
        u,
        candidate_id,
        on=day(raw, "on", "回访日期"),
        employed=bool(raw.get("employed")),
        market_failed=bool(raw.get("market_failed")),
    ),
).post(
    "/welfare-posts/candidates/{candidate_id}/place",
    "place-{candidate_id}",
    lambda s, u, raw, candidate_id: welfare_posts.place(
        s, u, candidate_id, whole(raw, "post_id", "岗位"), on=day(raw, "on", "上岗日期")
    ),
)

# ----------------------------------------------------------------------------- zero-employment households


def _zero_page(s: Session, user: User, values: Values) -> Page:
    data = zero_employment.board(s, user)
    write = writes(user)
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
    forms = for_writer(
        user,
        form(
            "household-form",
            "认定零就业家庭",
            "/zero-employment",
            [
                region_field(user),
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
    )
    state = "已实现动态为零" if data["met"] else f"尚有 {len(data['open'])} 户未消除（目标 {data['target_open']} 户）"
    return parts(
        "城镇零就业家庭动态清零",
        links=import_link(user, "zero-employment"),
        citations=[data["citation"]],
        notes=[state],
        forms=forms,
        tables=[
            table("open", "未消除", columns, rows, write),
            table(
                "cleared",
                "已消除",
                [*columns[:5], ("employed", "就业成员"), ("employed_on", "就业日期")],
                data["cleared"],
            ),
        ],
    )


Ledger(router, "/zero-employment", _zero_page).get().post(
    "/zero-employment",
    "household-form",
    lambda s, u, raw: zero_employment.identify(
        s,
        u,
        **pick(raw, "region", "unit", "head_name", "id_number", "identified_on"),
        members=whole(raw, "members", "劳动年龄内家庭成员数"),
    ),
).post(
    "/zero-employment/{household_id}/clear",
    "clear-{household_id}",
    lambda s, u, raw, household_id: zero_employment.clear(
        s, u, household_id, employed=raw.get("employed", "").replace("，", "、").split("、"), on=raw.get("on", "")
    ),
)


@router.post("/zero-employment/targets", response_class=HTMLResponse)
async def zero_targets(request: Request, user: Viewer, s: Db) -> Response:
    """Count the households into the year's target (目标任务进度) and show it there."""
    raw = await typed(request)
    if user is None:
        return need_login(request)
    try:
        name = zero_employment.sync_targets(s, user, whole(raw, "year", "年度"))
    except FieldError as exc:
        return again(request, user, s, _zero_page, 400, "targets-form", exc, raw)
    except ServiceError as exc:
        return message(request, user, exc)
    return RedirectResponse(f"/targets/{name}", status_code=303)


# ----------------------------------------------------------------------------- public institutions


def _announcements(s: Session) -> dict[str, Any]:
    """The recruitment announcements (招聘公告), public."""
    rows = [{**a, "id": i} for i, a in enumerate(public_institutions.announcements(s), start=1)]
    return table(
        "announcements",
        "招聘公告",
        [("published", "发布时间"), ("region_name", "地区"), ("text", "公告")],
        rows,
    )


def _recruitment_page(s: Session, user: User, values: Values) -> Page:
    staff = user.role in ("caseworker", "auditor", "admin")
    write = writes(user)
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
    forms = for_writer(
        user,
        form(
            "round-form",
            "发布招聘计划",
            "/recruitment/rounds",
            [
                region_field(user),
                fld("unit", "招聘单位"),
                fld("kind", "招聘类别", "select", param("recruitment.kinds")),
                fld("places", "招聘人数", "number", max=7),
                fld("written_on", "笔试日期", "date"),
                fld("interview_on", "面试日期", "date"),
                fld("green_channel", "招聘绿色通道（简化程序，可免笔试）", "checkbox"),
            ],
            "发布并公告",
            values,
        ),
    )
    return parts(
        "事业单位公开招聘",
        forms=forms,
        citations=[
            citation("recruitment.green_channel_kinds"),
            citation("recruitment.rescheduling_rule"),
            citation("recruitment.kinds"),
        ],
        tables=([table("rounds", "本辖区招聘计划", columns, rows, write)] if staff else []) + [_announcements(s)],
    )


@router.get("/recruitment", response_class=HTMLResponse)
def recruitment(request: Request, user: Viewer, s: Db, saved: str = "") -> Response:
    if user is None:  # the announcements are public (向社会公告)
        return render(request, None, "事业单位公开招聘", tables=[_announcements(s)])
    return show(request, user, s, _recruitment_page, SAVED if saved else "")


def _dates(raw: Raw) -> dict[str, Any]:
    return {"written_on": raw.get("written_on") or None, "interview_on": raw.get("interview_on") or None}


Ledger(router, "/recruitment", _recruitment_page).post(
    "/recruitment/rounds",
    "round-form",
    lambda s, u, raw: public_institutions.open_round(
        s,
        u,
        **pick(raw, "region", "unit", "kind"),
        places=whole(raw, "places", "招聘人数"),
        **_dates(raw),
        green_channel=bool(raw.get("green_channel")),
    ),
).post(
    "/recruitment/rounds/{round_id}/reschedule",
    "reschedule-{round_id}",
    lambda s, u, raw, round_id: public_institutions.reschedule(
        s, u, round_id, reason=raw.get("reason", ""), **_dates(raw)
    ),
).post(
    "/recruitment/rounds/{round_id}/results",
    "results-{round_id}",
    lambda s, u, raw, round_id: public_institutions.record_results(
        s, u, round_id, applicants=whole(raw, "applicants", "报名人数"), hired=whole(raw, "hired", "聘用人数")
    ),
)


def _titles_page(s: Session, user: User, values: Values) -> Page:
    data = public_institutions.title_queue(s, user)
    rows = [{**q, "priority": data["priority_label"] if q["priority"] else ""} for q in data["queue"]]
    fields = [
        region_field(user),
        fld("name", "姓名", max=64),
        fld("id_number", "身份证号", max=18),
        fld("unit", "工作单位"),
        fld("title_sought", "申报职称", max=100),
        fld("frontline_medical", data["priority_label"], "checkbox"),
    ]
    columns = [
        ("name", "姓名"),
        ("id_number", "身份证号"),
        ("unit", "单位"),
        ("title_sought", "申报职称"),
        ("priority", "优先"),
        ("submitted", "受理时间"),
    ]
    return parts(
        "职称评审队列",
        citations=[data["citation"]],
        forms=for_writer(user, form("title-form", "受理职称申报", "/titles", fields, "受理", values)),
        tables=[table("queue", "评审顺序", columns, rows)],
    )


Ledger(router, "/titles", _titles_page).get().post(
    "/titles",
    "title-form",
    lambda s, u, raw: public_institutions.apply_title(
        s,
        u,
        **pick(raw, "region", "name", "id_number", "unit", "title_sought"),
        frontline_medical=bool(raw.get("frontline_medical")),
    ),
)


def _pay_page(s: Session, user: User, values: Values) -> Page:
    data = public_institutions.pay_grants(s, user)
    fields = [
        region_field(user),
        fld("unit", "医疗卫生机构"),
        fld("year", "年度", "number", max=4),
        fld("yearly_total", "年度绩效工资总量（元）", "number", max=20),
        fld("regular_paid", "已发放常规绩效工资（元）", "number", max=20),
        fld("one_off", "一次性核增额（元）", "number", max=20),
    ]
    columns = [
        ("unit", "单位"),
        ("year", "年度"),
        ("yearly_total", "年度总量（元）"),
        ("regular_paid", "常规已发（元）"),
        ("room_left", "总量余额（元）"),
        ("one_off", "一次性核增（元，另列）"),
        ("approved", "核增时间"),
    ]
    return parts(
        "一次性绩效工资总量核增",
        citations=[data["citation"]],
        forms=for_writer(user, form("pay-form", "核增一次性绩效工资", "/performance-pay", fields, "核增", values)),
        notes=[f"一次性核增部分{data['rule']}，与年度总量分列，不相加。"],
        tables=[table("grants", "核增记录", columns, data["grants"])],
    )


Ledger(router, "/performance-pay", _pay_page).get().post(
    "/performance-pay",
    "pay-form",
    lambda s, u, raw: public_institutions.grant_one_off(
        s,
        u,
        **pick(raw, "region", "unit", "yearly_total", "regular_paid", "one_off"),
        year=whole(raw, "year", "年度"),
    ),
)
