"""Online vocational training (“互联网+职业技能培训”): the catalogue of online platforms and
their courses (线上培训平台及数字资源目录) — proposed in the call for platforms (征集), selected
into the local catalogue (纳入“两目录一系统”, with recognised hours) or refused with a reason,
or entered as a published batch from a workbook (北京第一批23家、第二批28家) —, searched by
anyone; training projects filed online by providers and enterprises (线上审批或备案, 创业培训
开班填报) and approved or refused by the district's caseworker within a working-day limit;
trainees enrolled and their completion assessment (结业考核) recorded — each trainee's
electronic training file (职业培训电子档案) —, and the statistics by region and month
(调度统计), which download as a workbook."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.domain.times import beijing_time, chinese_date
from renshe.engine.catalog import implements
from renshe.services import audit, exports, workbooks
from renshe.services.errors import Forbidden, NotFound, ServiceError
from renshe.services.programmes_common import (
    FieldError,
    added,
    area,
    check_choice,
    check_date,
    check_id_number,
    check_region,
    check_text,
    covers,
    due_after,
    region_label,
    require,
    require_caseworker_of,
)
from renshe.services.programmes_settings import citation, param
from renshe.services.security import mask_id_number
from renshe.store.models import User, now
from renshe.store.models_programmes import TrainingCourse, TrainingEnrolment, TrainingPlatform, TrainingProject

NATIONAL = "000000"  # a platform published by the ministry: in every area's catalogue
PLATFORM_STATUS = {"proposed": "待遴选", "selected": "已纳入目录", "refused": "未纳入"}
PROJECT_STATUS = {"filed": "待审批", "approved": "已通过", "refused": "未通过"}
PROVIDERS = ("agency", "enterprise")
CATALOGUE_HEADERS = {
    "name": "平台名称",
    "url": "网址",
    "title": "课程名称",
    "occupation": "职业（工种）",
    "hours": "学时",
    "free": "是否免费",
}
YES = ("是", "免费", "Y", "y", "1", "TRUE", "True", "true")
NO = ("否", "收费", "N", "n", "0", "FALSE", "False", "false")


# ----------------------------------------------------------------------------- catalogue


def _platform_region(region: str) -> str:
    return NATIONAL if region == NATIONAL else check_region(region, "目录所属地区")


def _in_catalogue_of(platform: TrainingPlatform, region: str | None) -> bool:
    if platform.region == NATIONAL or not region:
        return True
    return region.startswith(area(platform.region)) or platform.region.startswith(area(region))


def _course(raw: dict[str, Any], row: int | None = None) -> TrainingCourse:
    title = check_text(raw.get("title"), "title", "课程名称", row)
    occupation = check_text(raw.get("occupation"), "occupation", "职业（工种）", row)
    hours = raw.get("hours")
    try:
        hours = int(str(hours).strip())
    except (TypeError, ValueError):
        raise FieldError("hours", f"学时“{hours if hours is not None else ''}”应为正整数", row) from None
    if hours <= 0:
        raise FieldError("hours", f"学时“{hours}”应为正整数", row)
    return TrainingCourse(title=title, occupation=occupation, hours=hours, free=bool(raw.get("free", True)))


@implements(
    "cn.internet_plus_training_platform_collection_2020",
    tests=["tests/desk/test_programmes_training.py::test_platform_call_select_and_refuse"],
)
def propose_platform(
    s: Session,
    user: User,
    *,
    name: str,
    region: str,
    url: str = "",
    batch: str = "",
    free: bool = True,
    courses: list[dict[str, Any]] | None = None,
) -> TrainingPlatform:
    """A platform answers the call (征集线上培训平台): an agency proposes itself, a caseworker may
    enter one proposed on paper. It waits for selection (遴选)."""
    require(user, ("agency", "caseworker"), "只有人力资源服务机构（培训平台）或经办人员可以申报线上培训平台")
    name = check_text(name, "name", "平台名称")
    region = _platform_region(region)
    if user.role == "caseworker" and not covers(user, region):
        raise FieldError("region", "只能登记本辖区目录的平台")
    built = [_course(c) for c in courses or []]
    platform = TrainingPlatform(
        name=name,
        url=(url or "").strip(),
        region=region,
        batch=(batch or "").strip(),
        free=free,
        status="proposed",
        proposed_by=user.id,
        courses=built,
    )
    return added(s, user, platform, "training.platform.propose", "training_platform", {"region": region})


@implements(
    "cn.internet_plus_training_catalogue_2020",
    "cn.internet_plus_training_platform_collection_2020",
    tests=["tests/desk/test_programmes_training.py::test_platform_call_select_and_refuse"],
)
def decide_platform(
    s: Session, user: User, platform_id: int, *, select_it: bool, reason: str = "", recognised_hours: int | None = None
) -> TrainingPlatform:
    """Select a proposed platform into the local catalogue (纳入本地补贴性培训机构目录, with the
    recognised class hours) or refuse it with the reason (资质、信誉、服务质量)."""
    platform = _platform(s, platform_id)
    require_caseworker_of(
        user, platform.region if platform.region != NATIONAL else (user.region or ""), "遴选线上培训平台"
    )
    if platform.status != "proposed":
        raise ServiceError(f"该平台{PLATFORM_STATUS[platform.status]}，不能再次遴选")
    reason = (reason or "").strip()
    if not select_it and not reason:
        raise FieldError("reason", "未纳入目录须填写理由")
    if recognised_hours is not None and recognised_hours <= 0:
        raise FieldError("recognised_hours", f"认定学时“{recognised_hours}”应为正整数")
    platform.status = "selected" if select_it else "refused"
    platform.reason = reason or None
    platform.recognised_hours = recognised_hours if select_it else None
    platform.decided_by, platform.decided_at = user.id, now()
    audit.record(
        s,
        user,
        "training.platform.decide",
        "training_platform",
        platform.id,
        {"status": platform.status, "reason": platform.reason},
    )
    return platform


def _platform(s: Session, platform_id: int) -> TrainingPlatform:
    platform = s.get(TrainingPlatform, platform_id)
    if platform is None:
        raise NotFound(f"未找到线上培训平台 {platform_id}")
    return platform


def read_catalogue(data: bytes, filename: str = "") -> list[dict[str, Any]]:
    """The rows of a catalogue workbook (平台名称、网址、课程名称、职业（工种）、学时、是否免费),
    each problem naming its row and field; raises FieldError on the first bad row."""
    out = []
    for row in workbooks.field_records(data, filename, CATALOGUE_HEADERS):
        cells, n = row.texts(), row.number
        name = check_text(cells["name"], "name", "平台名称", n)
        free = cells["free"]
        if free not in YES + NO:
            raise FieldError("free", f"是否免费“{free}”应为 是 或 否", n)
        course = _course({**cells, "free": free in YES}, n)
        out.append({"row": n, "name": name, "url": cells["url"], "course": course})
    if not out:
        raise FieldError("file", "文件中没有数据行")
    return out


@implements(
    "beijing.free_online_training_batch1_2020",
    "beijing.free_online_training_batch2_2020",
    "beijing.free_online_training_catalogue_2020",
    "cn.internet_plus_training_catalogue_2020",
    tests=[
        "tests/desk/test_programmes_training.py::test_published_batch_from_workbook",
        "tests/desk/test_programmes_training.py::test_bad_catalogue_row_saves_nothing",
    ],
)
def import_batch(s: Session, user: User, data: bytes, *, region: str, batch: str) -> list[TrainingPlatform]:
    """A published batch (公布的目录清单) entered from a workbook: every platform selected at once,
    with its courses. A bad row stops the whole file (nothing saved), naming the row and field."""
    require(user, ("caseworker",), "只有经办人员可以录入公布的培训平台目录")
    region = _platform_region(region)
    if region != NATIONAL and not covers(user, region):
        raise FieldError("region", "只能录入本辖区的目录")
    batch = check_text(batch, "batch", "批次（文号）")
    rows = read_catalogue(data)
    by_name: dict[str, TrainingPlatform] = {}
    for r in rows:
        p = by_name.get(r["name"])
        if p is None:
            p = by_name[r["name"]] = TrainingPlatform(
                name=r["name"],
                url=r["url"],
                region=region,
                batch=batch,
                free=True,
                status="selected",
                proposed_by=user.id,
                decided_by=user.id,
                decided_at=now(),
                courses=[],
            )
        p.courses.append(r["course"])
        p.free = p.free and r["course"].free
    s.add_all(by_name.values())
    s.flush()
    audit.record(
        s,
        user,
        "training.catalogue.import",
        "training_platform",
        batch,
        {"platforms": len(by_name), "courses": len(rows), "region": region},
    )
    return list(by_name.values())


#: the published batches whose size the catalogue checks against (参数: 平台家数)
PUBLISHED_BATCHES = {
    "京能指文〔2020〕1号": "training.beijing_batch1_platforms",
    "京能指文〔2020〕3号": "training.beijing_batch2_platforms",
}


@implements(
    "beijing.free_online_training_batch1_2020",
    "beijing.free_online_training_batch2_2020",
    tests=["tests/desk/test_programmes_training.py::test_published_batch_from_workbook"],
)
def batch_completeness(s: Session) -> list[dict[str, Any]]:
    """For each published batch: platforms entered against the number the notice published."""
    out = []
    for doc, name in PUBLISHED_BATCHES.items():
        entered = len(
            s.execute(
                select(TrainingPlatform.id).where(
                    TrainingPlatform.batch.startswith(doc), TrainingPlatform.status == "selected"
                )
            ).all()
        )
        out.append({"batch": doc, "published": param(name), "entered": entered, "citation": citation(name)})
    return out


@implements(
    "beijing.free_online_training_catalogue_2020",
    "cn.stable_labour_free_online_training_2020",
    "cn.internet_plus_training_catalogue_2020",
    "xinmi.online_skills_training_campaign_2020",
    tests=["tests/desk/test_programmes_training.py::test_catalogue_search"],
)
def search(
    s: Session, *, q: str = "", occupation: str = "", region: str = "", free_only: bool = False, batch: str = ""
) -> list[dict[str, Any]]:
    """The catalogue anyone may search (公布的免费在线培训目录): selected platforms of the area
    (and the ministry's), matched on platform, course or occupation; each course with its hours."""
    q, occupation, batch = q.strip(), occupation.strip(), batch.strip()
    platforms = (
        s.execute(select(TrainingPlatform).where(TrainingPlatform.status == "selected").order_by(TrainingPlatform.id))
        .scalars()
        .all()
    )
    out = []
    for p in platforms:
        if region and not _in_catalogue_of(p, region):
            continue
        if batch and not p.batch.startswith(batch):
            continue
        courses = [
            c
            for c in p.courses
            if (not occupation or occupation in c.occupation)
            and (not free_only or c.free)
            and (not q or q in c.title or q in c.occupation or q in p.name)
        ]
        if (q or occupation or free_only) and not courses:
            continue
        out.append(platform_view(p, courses))
    return out


def platform_view(p: TrainingPlatform, courses: list[TrainingCourse] | None = None) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "url": p.url,
        "region": p.region,
        "region_name": "全国" if p.region == NATIONAL else region_label(p.region),
        "batch": p.batch,
        "free": p.free,
        "status": p.status,
        "status_name": PLATFORM_STATUS[p.status],
        "reason": p.reason,
        "recognised_hours": p.recognised_hours,
        "courses": [
            {"id": c.id, "title": c.title, "occupation": c.occupation, "hours": c.hours, "free": c.free}
            for c in (p.courses if courses is None else courses)
        ],
    }


def proposals(s: Session, user: User) -> list[dict[str, Any]]:
    """Platforms waiting for selection in the caseworker's area (and the ministry's)."""
    require(user, ("caseworker", "auditor", "admin"), "线上培训平台遴选仅供人社部门人员查看")
    rows = (
        s.execute(select(TrainingPlatform).where(TrainingPlatform.status == "proposed").order_by(TrainingPlatform.id))
        .scalars()
        .all()
    )
    return [platform_view(p) for p in rows if p.region == NATIONAL or covers(user, p.region)]


# ----------------------------------------------------------------------------- projects


def options(on: dt.date | None = None) -> dict[str, list[str]]:
    """The pickers of a filing: kinds, training modes and trainee groups (from the parameters)."""
    return {
        "kinds": param("training.kinds", on),
        "modes": param("training.modes", on),
        "groups": param("training.trainee_groups", on),
    }


@implements(
    "cn.internet_plus_training_online_approval_2020",
    "henan.internet_plus_startup_training_filing_2020",
    "xinmi.vocational_training_programmes_2020",
    "cn.stable_labour_free_online_training_2020",
    tests=[
        "tests/desk/test_programmes_training.py::test_file_approve_refuse_and_overdue",
        "tests/desk/test_programmes_training.py::test_filing_errors_name_the_field",
    ],
)
def file_project(
    s: Session,
    user: User,
    *,
    region: str,
    kind: str,
    title: str,
    mode: str,
    trainee_group: str,
    start_date: dt.date | str,
    end_date: dt.date | str,
    planned: int,
    occupation: str = "",
    platform_id: int | None = None,
    today: dt.date | None = None,
) -> TrainingProject:
    """A provider or enterprise files a training project online (线上备案/审批): kind, mode
    (三单联动、定向、以工代训、订单、送培训下乡 or online), trainee group, dates, headcount and, for
    online training, a platform of the catalogue. A class is filed before it starts (开班前填报).
    The district decides within the working-day limit."""
    require(user, PROVIDERS, "只有培训机构（人力资源服务机构）或企业可以申报培训项目")
    today = today or dt.date.today()
    region = check_region(region, "培训地点")
    opts = options(today)
    kind = check_choice(kind, opts["kinds"], "kind", "事项")
    title = check_text(title, "title", "项目名称")
    mode = check_choice(mode, opts["modes"], "mode", "培训方式")
    trainee_group = check_choice(trainee_group, opts["groups"], "trainee_group", "参训人员类别")
    start, end = check_date(start_date, "start_date", "开班日期"), check_date(end_date, "end_date", "结业日期")
    if end < start:
        raise FieldError("end_date", f"结业日期 {chinese_date(end)} 早于开班日期 {chinese_date(start)}")
    if start < today:
        raise FieldError("start_date", f"开班日期 {chinese_date(start)} 已过：开班信息应在开班前填报")
    if not isinstance(planned, int) or planned <= 0:
        raise FieldError("planned", f"计划人数“{planned}”应为正整数")
    platform = None
    if platform_id is not None:
        platform = s.get(TrainingPlatform, platform_id)
        if platform is None or platform.status != "selected" or not _in_catalogue_of(platform, region):
            raise FieldError("platform_id", "所选线上培训平台不在本地培训目录中")
    elif mode == "线上培训":
        raise FieldError("platform_id", "线上培训须选择目录中的线上培训平台")
    due = due_after(today, int(param("training.decision_working_days", today)))
    project = TrainingProject(
        provider_id=user.id,
        region=region,
        kind=kind,
        title=title,
        mode=mode,
        trainee_group=trainee_group,
        occupation=(occupation or "").strip(),
        start_date=start,
        end_date=end,
        planned=planned,
        platform=platform,
        status="filed",
        due_on=due or start,
    )
    return added(s, user, project, "training.project.file", "training_project", {"region": region, "kind": kind})


def get_project(s: Session, user: User, project_id: int) -> TrainingProject:
    project = s.get(TrainingProject, project_id)
    if project is None:
        raise NotFound(f"未找到培训项目 {project_id}")
    if project.provider_id != user.id and not covers(user, project.region):
        raise Forbidden("该培训项目不在本辖区")
    return project


@implements(
    "cn.internet_plus_training_online_approval_2020",
    "henan.internet_plus_startup_training_filing_2020",
    tests=["tests/desk/test_programmes_training.py::test_file_approve_refuse_and_overdue"],
)
def decide_project(s: Session, user: User, project_id: int, *, approve: bool, reason: str = "") -> TrainingProject:
    """The district's caseworker approves the filing or refuses it with the reason."""
    project = get_project(s, user, project_id)
    require_caseworker_of(user, project.region, "审批培训项目")
    if project.status != "filed":
        raise ServiceError(f"该项目{PROJECT_STATUS[project.status]}，不能再次审批")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise FieldError("reason", "不予通过须填写理由")
    project.status = "approved" if approve else "refused"
    project.reason = reason or None
    project.decided_by, project.decided_at = user.id, now()
    audit.record(
        s,
        user,
        "training.project.decide",
        "training_project",
        project.id,
        {"status": project.status, "reason": project.reason},
    )
    return project


def project_view(p: TrainingProject, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    return {
        "id": p.id,
        "title": p.title,
        "kind": p.kind,
        "mode": p.mode,
        "trainee_group": p.trainee_group,
        "occupation": p.occupation,
        "region": p.region,
        "region_name": region_label(p.region),
        "provider": p.provider.display_name,
        "platform": p.platform.name if p.platform else None,
        "start_date": p.start_date.isoformat(),
        "end_date": p.end_date.isoformat(),
        "start_text": chinese_date(p.start_date),
        "end_text": chinese_date(p.end_date),
        "planned": p.planned,
        "status": p.status,
        "status_name": PROJECT_STATUS[p.status],
        "reason": p.reason,
        "due_on": p.due_on.isoformat(),
        "due_text": chinese_date(p.due_on),
        "overdue": p.status == "filed" and p.due_on < today,
        "submitted": beijing_time(p.submitted_at),
        "decided": beijing_time(p.decided_at),
        "enrolled": len(p.enrolments),
        "completed": sum(1 for e in p.enrolments if e.completed_on),
        "passed": sum(1 for e in p.enrolments if e.passed),
    }


def projects(s: Session, user: User, today: dt.date | None = None) -> list[dict[str, Any]]:
    """A provider's own filings; the staff's filings of their area, overdue first."""
    rows = s.execute(select(TrainingProject).order_by(TrainingProject.id.desc())).scalars().all()
    if user.role in PROVIDERS:
        mine = [p for p in rows if p.provider_id == user.id]
    else:
        require(user, ("caseworker", "auditor", "admin"), "培训项目仅供申报单位和人社部门人员查看")
        mine = [p for p in rows if covers(user, p.region)]
    views = [project_view(p, today) for p in mine]
    return sorted(views, key=lambda v: (not v["overdue"], v["status"] != "filed", -v["id"]))


@implements(
    "cn.internet_plus_training_online_approval_2020",
    tests=["tests/desk/test_programmes_training.py::test_file_approve_refuse_and_overdue"],
)
def overdue(s: Session, user: User, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Filings still waiting after their working-day limit (超期未办结)."""
    return [v for v in projects(s, user, today) if v["overdue"]]


# ----------------------------------------------------------------------------- trainees


@implements(
    "cn.internet_plus_training_statistics_2020",
    "henan.internet_plus_startup_training_filing_2020",
    tests=["tests/desk/test_programmes_training.py::test_enrol_assess_and_statistics_round_trip"],
)
def enrol(
    s: Session, user: User, project_id: int, *, name: str, id_number: str, enrolled_on: dt.date | str | None = None
) -> TrainingEnrolment:
    """A trainee of an approved project (the provider, or the district's caseworker, enters it)."""
    project = get_project(s, user, project_id)
    if user.id != project.provider_id:
        require_caseworker_of(user, project.region, "登记参训人员")
    if project.status != "approved":
        raise ServiceError("培训项目通过审批后才能登记参训人员")
    name = check_text(name, "name", "姓名")
    id_number = check_id_number(id_number)
    on = check_date(enrolled_on or dt.date.today(), "enrolled_on", "报名日期")
    if any(e.id_number == id_number for e in project.enrolments):
        raise FieldError("id_number", "该人员已在本项目登记")
    e = TrainingEnrolment(project=project, name=name, id_number=id_number, enrolled_on=on)
    s.add(e)
    s.flush()
    audit.record(s, user, "training.enrol", "training_project", project.id, {"enrolment": e.id})
    return e


@implements(
    "henan.internet_plus_startup_training_filing_2020",
    "cn.internet_plus_training_statistics_2020",
    tests=["tests/desk/test_programmes_training.py::test_enrol_assess_and_statistics_round_trip"],
)
def record_result(
    s: Session, user: User, enrolment_id: int, *, completed_on: dt.date | str, passed: bool
) -> TrainingEnrolment:
    """The online completion assessment (线上结业考核) result, recorded against the class."""
    e = s.get(TrainingEnrolment, enrolment_id)
    if e is None:
        raise NotFound(f"未找到参训记录 {enrolment_id}")
    project = get_project(s, user, e.project_id)
    if user.id != project.provider_id:
        require_caseworker_of(user, project.region, "记录结业考核")
    on = check_date(completed_on, "completed_on", "结业日期")
    if on < e.enrolled_on:
        raise FieldError("completed_on", f"结业日期 {chinese_date(on)} 早于报名日期 {chinese_date(e.enrolled_on)}")
    e.completed_on, e.passed = on, passed
    audit.record(s, user, "training.result", "training_project", project.id, {"enrolment": e.id, "passed": passed})
    return e


def training_file(s: Session, user: User, id_number: str) -> list[dict[str, Any]]:
    """A worker's electronic training file (职业培训电子档案): every course taken, in the user's area."""
    id_number = check_id_number(id_number)
    rows = (
        s.execute(
            select(TrainingEnrolment)
            .where(TrainingEnrolment.id_number == id_number)
            .order_by(TrainingEnrolment.enrolled_on)
        )
        .scalars()
        .all()
    )
    return [
        {
            "project": e.project.title,
            "mode": e.project.mode,
            "platform": e.project.platform.name if e.project.platform else None,
            "enrolled_on": chinese_date(e.enrolled_on),
            "completed_on": chinese_date(e.completed_on),
            "passed": e.passed,
        }
        for e in rows
        if covers(user, e.project.region) or e.project.provider_id == user.id
    ]


def _in_campaign(on: dt.date) -> bool:
    return param("training.campaign_from", on) <= on <= param("training.campaign_to", on)


@implements(
    "cn.internet_plus_training_statistics_2020",
    "xinmi.online_skills_training_campaign_2020",
    "xinmi.vocational_training_programmes_2020",
    tests=[
        "tests/desk/test_programmes_training.py::test_enrol_assess_and_statistics_round_trip",
        "tests/desk/test_programmes_training.py::test_scoping_other_district",
    ],
)
def statistics(s: Session, user: User, *, year: int | None = None) -> dict[str, Any]:
    """Enrolments, completions and passes by region and month (调度统计), with the same counts by
    training mode and by trainee group, and the “百日免费线上技能培训行动” count (online courses on a
    catalogued platform within the campaign window)."""
    require(user, ("caseworker", "auditor", "admin"), "培训统计仅供人社部门人员查看")
    rows = s.execute(select(TrainingEnrolment)).scalars().all()
    cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_mode: Counter[str] = Counter()
    by_group: Counter[str] = Counter()
    campaign = 0
    for e in rows:
        p = e.project
        if not covers(user, p.region) or (year and e.enrolled_on.year != year):
            continue
        month = f"{e.enrolled_on:%Y-%m}"
        c = cells[(p.region, month)]
        c["enrolled"] += 1
        c["completed"] += e.completed_on is not None
        c["passed"] += bool(e.passed)
        by_mode[p.mode] += 1
        by_group[p.trainee_group] += 1
        campaign += p.platform is not None and _in_campaign(e.enrolled_on)
    table = [
        {
            "region": r,
            "region_name": region_label(r),
            "month": m,
            **{k: c[k] for k in ("enrolled", "completed", "passed")},
        }
        for (r, m), c in sorted(cells.items())
    ]
    return {
        "rows": table,
        "by_mode": dict(by_mode),
        "by_group": dict(by_group),
        "campaign": campaign,
        "campaign_window": [chinese_date(param("training.campaign_from")), chinese_date(param("training.campaign_to"))],
        "citation": citation("training.kinds"),
        "campaign_citation": citation("training.campaign_from"),
    }


STAT_HEADER = ["地区代码", "地区", "月份", "报名人数", "结业人数", "考核合格人数"]


def statistics_xlsx(stats: dict[str, Any]) -> bytes:
    """The statistics as a workbook: 按地区月份 sheet and 按培训方式 / 按人员类别 sheets."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "按地区月份"
    exports.append_row(ws, STAT_HEADER)
    for r in stats["rows"]:
        exports.append_row(ws, [r["region"], r["region_name"], r["month"], r["enrolled"], r["completed"], r["passed"]])
    for title, key in (("按培训方式", "by_mode"), ("按人员类别", "by_group")):
        sheet = wb.create_sheet(title)
        exports.append_row(sheet, [title[1:], "报名人数"])
        for k, v in stats[key].items():
            exports.append_row(sheet, [k, v])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def masked_trainees(p: TrainingProject) -> list[dict[str, Any]]:
    return [
        {
            "id": e.id,
            "name": e.name,
            "id_number": mask_id_number(e.id_number),
            "enrolled_on": chinese_date(e.enrolled_on),
            "completed_on": chinese_date(e.completed_on),
            "passed": e.passed,
        }
        for e in p.enrolments
    ]
