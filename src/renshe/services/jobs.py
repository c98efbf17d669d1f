"""Urgent job board (急聘岗位): postings, screening, review, search, applications,
matching and weekly statistics.

* Enterprises post vacancies; a producer of epidemic-supply goods marks its post urgent
  (急聘, 重点企业: 人社部明电〔2020〕2号 一 "优先发布用工信息").
* Before publication every posting is screened for wording that refuses workers from
  severely affected regions (人社部明电〔2020〕2号 三), and for the discrimination the seeds
  and 就业促进法 name — sex, age, marital or child-bearing status, household registration
  or origin, ethnicity, health; a refused posting says which words, which kind, and quotes
  the sentence that forbids it. The word lists and patterns are data
  (labour_parameters.yaml, jobs_screening.yaml).
* A caseworker reviews the rest within the time limit (1 day: 北京市人社局 2020-02-14 通知 一).
* Persons register as job seekers, search, apply, and see matching posts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from renshe.domain.regions import problem_with_region
from renshe.engine.catalog import implements
from renshe.services import audit
from renshe.services.errors import Conflict, Forbidden, NotFound, ServiceError
from renshe.services.labour_settings import citation, param
from renshe.services.security import mask_phone
from renshe.store.models import User, now
from renshe.store.models_labour import JobApplication, JobPosting, JobSeeker

STATUS_NAMES = {
    "refused": "未通过筛查（含歧视性表述）",
    "pending": "待经办审核",
    "published": "已发布",
    "rejected": "审核未通过",
    "closed": "已关闭",
}
STAFF = ("caseworker", "auditor", "admin")
_CLAUSE = re.compile(r"[，,。．.；;！!？?\n\r、/（）()【】\[\]]+")


@implements(
    "beijing.graduate_recruitment_supervision_2020",
    "beijing.hr_agency_good_practice_annual_report_2020",
    "beijing.hr_market_enforcement_2020",
    tests=["tests/labour/test_jobs.py::test_refused_posting_says_why"],
)
def screen_text(text: str, on: dt.date | None = None) -> list[str]:
    """Phrases that refuse workers from severely affected regions: a clause (分句) holding both
    a region term and an exclusion term. Returns the offending clauses."""
    regions = [str(x) for x in param("jobs.severe_region_terms", on)]
    exclusions = [str(x) for x in param("jobs.exclusion_terms", on)]
    hits = []
    for clause in _CLAUSE.split(text):
        clause = clause.strip()
        if clause and any(r in clause for r in regions) and any(e in clause for e in exclusions):
            hits.append(clause)
    return hits


def refusal_reason(hits: list[str], found: list[Discrimination] | None = None) -> str:
    parts = []
    if hits:
        ref = citation("jobs.exclusion_terms")
        parts.append(
            f"招聘信息含有拒绝招录疫情严重地区劳动者的表述：{'；'.join('“' + h + '”' for h in hits)}。"
            f"依据{ref['doc_no']}{ref['article']}：“各类人力资源服务机构和用人单位不得发布拒绝招录疫情严重地区"
            "劳动者的招聘信息。”"
        )
    parts.extend(d.reason() for d in found or [])
    return "".join(parts) + "请删除该表述后重新提交。"


@dataclass(frozen=True)
class Category:
    """One kind of discrimination (jobs_screening.yaml): its patterns, the wording that makes
    it lawful for a post, and the sentences that forbid it."""

    key: str
    name: str
    patterns: tuple[re.Pattern[str], ...]
    lawful_if: tuple[str, ...]
    references: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class Discrimination:
    """A clause of a posting that discriminates, the words found and the category."""

    category: Category
    clause: str
    words: str

    def reason(self) -> str:
        quotes = "；".join(f"{r['doc_no']}{r['article']}：“{r['quote']}”" for r in self.category.references)
        return f"含有{self.category.name}歧视的表述“{self.words}”（“{self.clause}”），依据{quotes}。"

    def view(self) -> dict[str, Any]:
        return {
            "category": self.category.key,
            "name": self.category.name,
            "clause": self.clause,
            "words": self.words,
            "references": list(self.category.references),
        }


@cache
def categories() -> tuple[Category, ...]:
    data = yaml.safe_load((Path(__file__).with_name("jobs_screening.yaml")).read_text(encoding="utf-8"))
    out = []
    for c in data["categories"]:
        refs = tuple({k: str(r[k]) for k in ("doc_no", "article", "quote")} for r in c["references"])
        if not refs or not c["patterns"]:
            raise ValueError(f"jobs_screening.yaml: {c['key']} needs patterns and a reference")
        out.append(
            Category(
                c["key"], c["name"], tuple(re.compile(p) for p in c["patterns"]), tuple(c.get("lawful_if") or ()), refs
            )
        )
    return tuple(out)


def screen_discrimination(text: str, skip: list[str] | None = None) -> list[Discrimination]:
    """Each clause (分句) that shows a kind of discrimination, unless the posting names a
    post where the law allows it (``lawful_if``); clauses in ``skip`` (already refused
    under 人社部明电〔2020〕2号) are not refused twice."""
    found = []
    clauses = [c.strip() for c in _CLAUSE.split(text) if c.strip() and c.strip() not in (skip or [])]
    for category in categories():
        if any(term in text for term in category.lawful_if):
            continue
        for clause in clauses:
            match = next((m for p in category.patterns if (m := p.search(clause))), None)
            if match is not None:
                found.append(Discrimination(category, clause, match.group(0).strip()))
    return found


def _region(value: str, what: str) -> str:
    p = problem_with_region(value)
    if p:
        raise ServiceError(f"{what}“{value}”不是有效的行政区划代码（6 位数字，GB/T 2260）")
    return value


def _skills(values: list[str] | None) -> list[str]:
    return sorted({v.strip() for v in values or [] if v and v.strip()})


@implements(
    "beijing.onsite_recruitment_suspension_2020",
    "beijing.key_enterprise_labour_demand_survey_2020",
    "beijing.hr_services_online_2020",
    "beijing.hr_agency_offline_event_suspension_2020",
    "beijing.urgent_vacancy_posting_review_2020",
    "beijing.graduate_cloud_job_fair_2020",
    "beijing.public_hr_service_task_force_2020",
    "cn.spring_breeze_online_recruitment_2020",
    "cn.online_recruitment_training_2020",
    "cn.key_enterprise_staffing_2020",
    "cn.key_enterprise_cross_region_recruitment_2020",
    "cn.migrant_local_jobs_public_posts_2020",
    "cn.graduate_onsite_recruitment_suspension_2020",
    "cn.graduate_online_hiring_2020",
    "cn.online_recruitment_aggregation_2020",
    "cn.hr_agency_online_services_2020",
    "cn.stable_labour_online_recruitment_2020",
    "cn.hr_services_key_unit_staffing_2020",
    "cn.hr_services_online_recruitment_2020",
    "cn.miit_sme_staffing_support_2020",
    "henan.local_employment_guidance_2020",
    "henan.key_enterprise_staffing_2020",
    "henan.key_enterprise_cross_region_recruitment_2020",
    "henan.online_recruitment_2020",
    "xinmi.employment_service_campaigns_2020",
    "xinmi.job_vacancy_pipeline_2020",
    "xinmi.resumption_staffing_ledger_2020",
    "yongzhou.online_recruitment_2022",
    "cn.poverty_local_employment_priority_2020",
    tests=["tests/labour/test_jobs.py::test_post_review_search_apply_match"],
)
def post(
    s: Session,
    user: User,
    *,
    title: str,
    description: str,
    region: str,
    industry: str | None = None,
    skills: list[str] | None = None,
    positions: int = 1,
    epidemic_supply: bool = False,
    at: dt.datetime | None = None,
) -> JobPosting:
    """Submit a posting: refused at once for discriminatory wording, otherwise queued for review."""
    if user.role not in ("enterprise", "agency"):
        raise Forbidden("只有用人单位或人力资源服务机构可以发布招聘信息")
    title, description = title.strip(), description.strip()
    if not title:
        raise ServiceError("岗位名称不能为空")
    if not description:
        raise ServiceError("岗位描述不能为空")
    if positions < 1:
        raise ServiceError("招聘人数应为正整数")
    at = at or now()
    text = f"{title}\n{description}\n{' '.join(skills or [])}"
    hits = screen_text(text, at.date())
    found = screen_discrimination(text, skip=hits)
    job = JobPosting(
        enterprise_id=user.id,
        title=title,
        description=description,
        region=_region(region.strip(), "工作地点"),
        industry=(industry or "").strip() or None,
        skills=_skills(skills),
        positions=positions,
        urgent=bool(epidemic_supply),
        submitted_at=at,
    )
    if hits or found:
        job.status, job.reason = "refused", refusal_reason(hits, found)
    else:
        job.status = "pending"
        job.review_due = at + dt.timedelta(days=int(param("jobs.review_days", at.date())))
    s.add(job)
    s.flush()
    audit.record(
        s,
        user,
        f"job.{job.status}",
        "job_posting",
        job.id,
        {"title": title, "hits": hits, "kinds": [d.category.key for d in found]},
    )
    return job


def get(s: Session, user: User | None, job_id: int) -> JobPosting:
    job = s.get(JobPosting, job_id)
    if job is None:
        raise NotFound(f"未找到岗位 {job_id}")
    if job.status != "published" and not (user and (user.role in STAFF or job.enterprise_id == user.id)):
        raise Forbidden("该岗位尚未发布，无权查看") if user else NotFound(f"未找到岗位 {job_id}")
    return job


@implements(
    "beijing.urgent_vacancy_posting_review_2020",
    "beijing.graduate_recruitment_supervision_2020",
    "beijing.hr_agency_offline_event_suspension_2020",
    "xinmi.job_vacancy_pipeline_2020",
    tests=["tests/labour/test_jobs.py::test_post_review_search_apply_match"],
)
def review(
    s: Session, user: User, job_id: int, approve: bool, reason: str | None = None, at: dt.datetime | None = None
) -> JobPosting:
    if user.role != "caseworker":
        raise Forbidden("只有经办人员可以审核招聘信息")
    job = get(s, user, job_id)
    if user.region and not job.region.startswith(_prefix(user.region)):
        raise Forbidden("该岗位的工作地点不在本辖区")
    if job.status != "pending":
        raise Conflict(f"岗位当前状态为“{STATUS_NAMES[job.status]}”，不能审核")
    if not approve and not (reason or "").strip():
        raise ServiceError("审核不通过须写明理由（信息真实性、合法性）")
    at = at or now()
    job.status = "published" if approve else "rejected"
    job.reason = None if approve else reason
    job.reviewed_by, job.reviewed_at = user.id, at
    audit.record(s, user, f"job.{'publish' if approve else 'reject'}", "job_posting", job.id, {"reason": reason or ""})
    return job


def view(job: JobPosting, at: dt.datetime | None = None) -> dict[str, Any]:
    at = at or now()
    return {
        "id": job.id,
        "title": job.title,
        "description": job.description,
        "region": job.region,
        "industry": job.industry,
        "skills": job.skills,
        "positions": job.positions,
        "urgent": job.urgent,
        "status": job.status,
        "status_name": STATUS_NAMES[job.status],
        "reason": job.reason,
        "employer": job.enterprise.display_name,
        "submitted_at": job.submitted_at.isoformat(timespec="minutes"),
        "review_due": job.review_due.isoformat(timespec="minutes") if job.review_due else None,
        "review_overdue": bool(job.status == "pending" and job.review_due and at > job.review_due),
    }


def mine(s: Session, user: User) -> list[JobPosting]:
    return list(
        s.execute(
            select(JobPosting).where(JobPosting.enterprise_id == user.id).order_by(JobPosting.id.desc())
        ).scalars()
    )


def queue(s: Session, user: User) -> list[JobPosting]:
    """Postings waiting for review, oldest first (overdue ones are flagged by :func:`view`)."""
    if user.role not in STAFF:
        raise Forbidden("审核队列仅供人社部门人员查看")
    return list(
        s.execute(select(JobPosting).where(JobPosting.status == "pending").order_by(JobPosting.submitted_at)).scalars()
    )


def search(
    s: Session, q: str = "", region: str = "", industry: str = "", urgent: bool | None = None
) -> list[JobPosting]:
    stmt = select(JobPosting).where(JobPosting.status == "published")
    if region:
        stmt = stmt.where(JobPosting.region.startswith(_prefix(region)))
    if industry:
        stmt = stmt.where(JobPosting.industry == industry)
    if urgent is not None:
        stmt = stmt.where(JobPosting.urgent.is_(urgent))
    jobs = list(s.execute(stmt.order_by(JobPosting.urgent.desc(), JobPosting.id.desc())).scalars())
    words = [w for w in q.split() if w]
    return [j for j in jobs if all(w in f"{j.title} {j.description} {' '.join(j.skills)}" for w in words)]


def _prefix(region: str) -> str:
    while region.endswith("00"):
        region = region[:-2]
    return region


def register_seeker(s: Session, user: User, region: str, industry: str | None, skills: list[str]) -> JobSeeker:
    if user.role != "person":
        raise Forbidden("只有个人可以登记求职")
    seeker = s.execute(select(JobSeeker).where(JobSeeker.person_id == user.id)).scalar_one_or_none()
    if seeker is None:
        seeker = JobSeeker(person_id=user.id, region=region, skills=[])
        s.add(seeker)
    seeker.region = _region(region.strip(), "求职地区")
    seeker.industry = (industry or "").strip() or None
    seeker.skills = _skills(skills)
    s.flush()
    audit.record(s, user, "job.seeker", "job_seeker", seeker.id, {"region": seeker.region})
    return seeker


def apply(s: Session, user: User, job_id: int) -> JobApplication:
    if user.role != "person":
        raise Forbidden("只有个人可以投递简历")
    job = get(s, user, job_id)
    if job.status != "published":
        raise Conflict("该岗位未发布，不能投递")
    app = JobApplication(posting_id=job.id, person_id=user.id)
    s.add(app)
    try:
        s.flush()
    except IntegrityError:
        s.rollback()
        raise Conflict("已投递过该岗位") from None
    audit.record(s, user, "job.apply", "job_posting", job.id, {})
    return app


def score(job: JobPosting, seeker: JobSeeker) -> tuple[int, list[str]]:
    """Simple matching (人岗匹配): same county 3, same prefecture 2, same province 1; same industry 2;
    1 per shared skill. Returns the score and the reasons."""
    points, why = 0, []
    for digits, pts, label in ((6, 3, "同一区县"), (4, 2, "同一地市"), (2, 1, "同一省份")):
        if job.region[:digits] == seeker.region[:digits]:
            points += pts
            why.append(label)
            break
    if job.industry and job.industry == seeker.industry:
        points += 2
        why.append(f"行业相同（{job.industry}）")
    shared = sorted(set(job.skills) & set(seeker.skills))
    if shared:
        points += len(shared)
        why.append("技能匹配：" + "、".join(shared))
    return points, why


@implements(
    "beijing.district_online_hr_market_2020",
    "cn.poverty_job_matching_2020",
    "cn.poverty_online_job_push_2020",
    "yongzhou.hr_liaison_officers_2022",
    "cn.poverty_local_employment_priority_2020",
    tests=["tests/labour/test_jobs.py::test_post_review_search_apply_match"],
)
def matches_for_person(s: Session, user: User, limit: int = 20) -> list[dict[str, Any]]:
    seeker = s.execute(select(JobSeeker).where(JobSeeker.person_id == user.id)).scalar_one_or_none()
    if seeker is None:
        raise ServiceError("请先登记求职信息（地区、行业、技能）")
    ranked = []
    for job in search(s):
        pts, why = score(job, seeker)
        if pts > 0:
            ranked.append({**view(job), "score": pts, "why": why})
    ranked.sort(key=lambda r: (-r["score"], not r["urgent"], -r["id"]))
    return ranked[:limit]


def matches_for_job(s: Session, user: User, job_id: int, limit: int = 50) -> list[dict[str, Any]]:
    job = get(s, user, job_id)
    if user.role not in STAFF and job.enterprise_id != user.id:
        raise Forbidden("只能查看本单位岗位的匹配人选")
    out: list[dict[str, Any]] = []
    for seeker in s.execute(select(JobSeeker)).scalars():
        pts, why = score(job, seeker)
        if pts > 0:
            out.append(
                {
                    "name": seeker.person.display_name,
                    "phone": mask_phone(seeker.person.phone),
                    "region": seeker.region,
                    "score": pts,
                    "why": why,
                }
            )
    out.sort(key=lambda r: -r["score"])
    return out[:limit]


@implements(
    "beijing.hr_market_monitoring_points_2020",
    "beijing.graduate_recruitment_month_reporting_2020",
    "cn.hr_market_monitoring_2020",
    "cn.hr_services_demand_monitoring_2020",
    "cn.hrss_situation_monitoring_2020",
    "xinmi.resumption_staffing_ledger_2020",
    tests=["tests/labour/test_jobs.py::test_post_review_search_apply_match"],
)
def weekly_stats(s: Session, user: User, weeks: int = 8, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per ISO week (Monday start): posts submitted, published, refused by screening, seekers
    registered, applications (matches made)."""
    if user.role not in STAFF:
        raise Forbidden("统计仅供人社部门人员查看")
    today = today or now().date()
    start = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=weeks - 1)
    rows = {
        start + dt.timedelta(weeks=i): {
            "week": (start + dt.timedelta(weeks=i)).isoformat(),
            "posted": 0,
            "urgent": 0,
            "published": 0,
            "refused": 0,
            "seekers": 0,
            "applications": 0,
        }
        for i in range(weeks)
    }

    def bucket(t: dt.datetime | None) -> dict[str, Any] | None:
        if t is None:
            return None
        return rows.get(t.date() - dt.timedelta(days=t.date().weekday()))

    for job in s.execute(select(JobPosting)).scalars():
        b = bucket(job.submitted_at)
        if b:
            b["posted"] += 1
            b["urgent"] += job.urgent
            b["refused"] += job.status == "refused"
        if job.status in ("published", "closed"):
            b2 = bucket(job.reviewed_at)
            if b2:
                b2["published"] += 1
    for seeker in s.execute(select(JobSeeker)).scalars():
        if b := bucket(seeker.registered_at):
            b["seekers"] += 1
    for app in s.execute(select(JobApplication)).scalars():
        if b := bucket(app.applied_at):
            b["applications"] += 1
    return list(rows.values())
