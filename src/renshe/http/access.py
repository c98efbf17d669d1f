"""Who may call what (权限表): one rule for every route under /api/v1 and every desk page
that writes. ``tests/desk/test_route_matrix.py`` reads the application's routes and fails
for a route without a rule here, for a rule whose roles differ from the route's
``require(...)``, and exercises each rule with the wrong roles (and, for the money path,
with a user of another area).

A rule names the roles allowed (``PUBLIC``: no sign-in; ``SIGNED_IN``: any signed-in
user, the service then decides by ownership) and whether the service also bounds the
user by area (``area=True``: ``applications.require_area`` / ``can_see``)."""

from __future__ import annotations

from dataclasses import dataclass

from renshe.services.users import ROLES

PUBLIC: frozenset[str] = frozenset()
SIGNED_IN: frozenset[str] = frozenset(ROLES)
APPLICANTS = frozenset({"enterprise", "agency", "person"})
STAFF_READ = frozenset({"caseworker", "auditor", "admin"})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    area: bool = False
    money: bool = False  # a step on the money path (公示、异议复核、拨付、导出、确认拨付、追回)

    @property
    def public(self) -> bool:
        return not self.roles


def only(*roles: str, area: bool = False, money: bool = False) -> Rule:
    return Rule(frozenset(roles), area, money)


RULES: dict[tuple[str, str], Rule] = {
    # calculator and catalogue: public
    ("POST", "/api/v1/evaluate"): Rule(PUBLIC),
    ("GET", "/api/v1/policies"): Rule(PUBLIC),
    ("GET", "/api/v1/policies/{policy_id}"): Rule(PUBLIC),
    # service desk
    ("POST", "/api/v1/login"): Rule(PUBLIC),
    ("GET", "/api/v1/me"): Rule(SIGNED_IN),
    ("GET", "/api/v1/me/case"): only("enterprise"),  # the unit's own registry data (services/prefill.py)
    ("GET", "/api/v1/me/granted"): only("enterprise"),  # 免申即享结果 of the last batch
    ("POST", "/api/v1/applications"): Rule(APPLICANTS),
    ("GET", "/api/v1/applications"): Rule(SIGNED_IN, area=True),
    ("GET", "/api/v1/applications/{number}"): Rule(SIGNED_IN, area=True),
    ("GET", "/api/v1/applications/{number}/comparison"): only("caseworker", "auditor", area=True),
    ("POST", "/api/v1/applications/{number}/review"): only("caseworker", area=True),
    ("POST", "/api/v1/applications/{number}/resubmit"): Rule(APPLICANTS),
    ("GET", "/api/v1/notices"): Rule(PUBLIC),
    ("POST", "/api/v1/notices"): only("caseworker", area=True, money=True),
    ("POST", "/api/v1/notices/objections/{number}"): Rule(PUBLIC),  # 公示: anyone may object
    ("POST", "/api/v1/notices/{batch_id}/close"): only("caseworker", area=True, money=True),
    ("POST", "/api/v1/applications/{number}/objection-review"): only("caseworker", area=True, money=True),
    ("POST", "/api/v1/disbursements"): only("finance", area=True, money=True),
    ("GET", "/api/v1/disbursements/{disbursement_id}/export"): only("finance", "auditor", area=True, money=True),
    ("POST", "/api/v1/disbursements/{disbursement_id}/paid"): only("finance", area=True, money=True),
    ("POST", "/api/v1/disbursements/{disbursement_id}/return"): only("finance", area=True, money=True),
    ("GET", "/api/v1/applications/{number}/objections"): only("caseworker", "auditor", area=True),
    ("POST", "/api/v1/applications/{number}/clawback"): only("caseworker", area=True, money=True),
    # accounts (api/users.py): sign-out for anyone signed in; user management for admins
    ("POST", "/api/v1/logout"): Rule(SIGNED_IN),
    ("GET", "/api/v1/users"): only("admin"),
    ("POST", "/api/v1/users"): only("admin"),
    ("POST", "/api/v1/users/{username}/disable"): only("admin"),
    ("POST", "/api/v1/users/{username}/enable"): only("admin"),
    ("POST", "/api/v1/users/{username}/password"): only("admin"),
    ("PATCH", "/api/v1/users/{username}"): only("admin"),
    ("GET", "/api/v1/audit"): only("auditor", "admin"),
    ("GET", "/api/v1/audit/verify"): only("auditor", "admin"),
    # local standards (api/local_standards.py): bounded by the parameter's jurisdiction in the service
    ("GET", "/api/v1/local-standards"): only("admin"),
    ("POST", "/api/v1/local-standards"): only("admin", area=True),
    ("POST", "/api/v1/local-standards/{standard_id}/approve"): only("admin", area=True),
    ("POST", "/api/v1/local-standards/{standard_id}/reject"): only("admin", area=True),
    ("GET", "/api/v1/local-standards/export"): only("admin"),
    # targets and monitoring (roles decided in services/targets)
    ("GET", "/api/v1/targets"): Rule(SIGNED_IN),
    ("GET", "/api/v1/targets/shipped/{name}"): Rule(SIGNED_IN),
    ("GET", "/api/v1/targets/{name}"): Rule(SIGNED_IN),
    ("POST", "/api/v1/targets/import"): Rule(SIGNED_IN),
    ("GET", "/api/v1/targets/{name}/export"): Rule(SIGNED_IN),
    ("POST", "/api/v1/targets/{name}/progress"): Rule(SIGNED_IN),
    ("POST", "/api/v1/targets/{name}/progress/upload"): Rule(SIGNED_IN),
    ("GET", "/api/v1/targets/{name}/dashboard"): Rule(SIGNED_IN),
    ("GET", "/api/v1/targets/{name}/dashboard.xlsx"): Rule(SIGNED_IN),
    ("POST", "/api/v1/monitor"): Rule(SIGNED_IN),
    ("GET", "/api/v1/monitor/runs"): Rule(SIGNED_IN),
    ("GET", "/api/v1/monitor/runs/{run_id}"): Rule(SIGNED_IN),
    ("GET", "/api/v1/monitor/runs/{run_id}/export"): Rule(SIGNED_IN),
    # labour market: dispatch reports, job board, 311 follow-up, transport, disputes
    ("POST", "/api/v1/dispatch/check"): Rule(SIGNED_IN),
    ("POST", "/api/v1/dispatch/reports"): only("agency"),
    ("GET", "/api/v1/dispatch/reports"): only("agency"),
    ("GET", "/api/v1/dispatch/reports/{report_id}"): Rule(SIGNED_IN, area=True),
    ("GET", "/api/v1/dispatch/reports/{report_id}/rejected.{fmt}"): Rule(SIGNED_IN, area=True),
    ("GET", "/api/v1/dispatch/district"): Rule(STAFF_READ, area=True),
    ("GET", "/api/v1/dispatch/municipal"): Rule(STAFF_READ, area=True),
    ("GET", "/api/v1/dispatch/export"): Rule(STAFF_READ, area=True),
    ("GET", "/api/v1/dispatch/cycles"): Rule(PUBLIC),
    ("POST", "/api/v1/dispatch/density"): Rule(SIGNED_IN),
    ("POST", "/api/v1/dispatch/screening"): Rule(SIGNED_IN),
    ("POST", "/api/v1/jobs"): only("enterprise", "agency"),
    ("GET", "/api/v1/jobs"): Rule(PUBLIC),
    ("GET", "/api/v1/jobs/mine"): only("enterprise", "agency"),
    ("GET", "/api/v1/jobs/queue"): Rule(STAFF_READ),
    ("GET", "/api/v1/jobs/stats"): Rule(STAFF_READ),
    ("GET", "/api/v1/jobs/matches"): only("person"),
    ("PUT", "/api/v1/jobs/seeker"): only("person"),
    ("GET", "/api/v1/jobs/{job_id}"): Rule(SIGNED_IN),
    ("POST", "/api/v1/jobs/{job_id}/review"): only("caseworker"),
    ("POST", "/api/v1/jobs/{job_id}/apply"): only("person"),
    ("GET", "/api/v1/jobs/{job_id}/matches"): Rule(SIGNED_IN),
    ("POST", "/api/v1/followup311/persons"): only("caseworker", area=True),
    ("POST", "/api/v1/followup311/persons/{person_id}/services"): only("caseworker", area=True),
    ("GET", "/api/v1/followup311/behind"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/transport/trips"): only("person", "caseworker"),
    ("GET", "/api/v1/transport/trips"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/transport/plans"): only("caseworker", area=True),
    ("GET", "/api/v1/transport/plans"): Rule(STAFF_READ, area=True),
    ("GET", "/api/v1/transport/trips/mine"): only("person"),
    ("GET", "/api/v1/transport/plans/export"): only("caseworker", area=True),
    ("GET", "/api/v1/transport/plans/{vehicle_id}"): Rule(STAFF_READ, area=True),
    ("GET", "/api/v1/disputes"): Rule(SIGNED_IN, area=True),
    ("POST", "/api/v1/disputes"): only("person"),
    ("GET", "/api/v1/disputes/{number}"): Rule(SIGNED_IN, area=True),
    ("POST", "/api/v1/disputes/{number}/accept"): only("caseworker", area=True),
    ("POST", "/api/v1/disputes/{number}/close"): only("caseworker", area=True),
    # reports and publications (api/reports.py): daily reports, announcements, HR service agencies,
    # the shortage occupation catalogue; area bounded in the services (dispatch.covers)
    ("GET", "/api/v1/daily-reports/kinds"): Rule(PUBLIC),
    ("POST", "/api/v1/daily-reports/{kind}"): only("agency"),
    ("GET", "/api/v1/daily-reports/mine"): only("agency"),
    ("GET", "/api/v1/daily-reports/reports/{report_id}"): Rule(SIGNED_IN, area=True),
    ("GET", "/api/v1/daily-reports/{kind}/day"): Rule(STAFF_READ, area=True),
    ("GET", "/api/v1/daily-reports/{kind}/export"): Rule(STAFF_READ, area=True),
    ("GET", "/api/v1/daily-reports/{kind}/template"): Rule(PUBLIC),
    ("GET", "/api/v1/announcements"): Rule(PUBLIC),
    ("POST", "/api/v1/announcements"): only("caseworker", "admin", "agency", area=True),
    ("POST", "/api/v1/agency-filings"): only("agency"),
    ("GET", "/api/v1/agency-filings"): Rule(SIGNED_IN, area=True),
    ("POST", "/api/v1/agency-filings/{filing_id}/review"): only("caseworker", "admin", area=True),
    ("POST", "/api/v1/agency-annual-reports"): only("agency"),
    ("GET", "/api/v1/agency-annual-reports"): Rule(PUBLIC),
    ("POST", "/api/v1/agency-annual-reports/{report_id}/publish"): only("caseworker", "admin", area=True),
    ("POST", "/api/v1/enforcement-cases"): only("caseworker", "admin", area=True),
    ("GET", "/api/v1/enforcement-cases"): Rule(SIGNED_IN, area=True),
    ("POST", "/api/v1/enforcement-cases/{case_id}/close"): only("caseworker", "admin", area=True),
    ("GET", "/api/v1/occupations"): Rule(PUBLIC),
    ("GET", "/api/v1/occupations/{catalogue_id}"): Rule(PUBLIC),
    ("GET", "/api/v1/occupations/{catalogue_id}/xlsx"): Rule(PUBLIC),
    ("POST", "/api/v1/occupations"): only("caseworker", "admin", area=True),
    # service matters (api/matters.py, 办事事项): filers their own, caseworkers their area's
    ("GET", "/api/v1/matters/catalog"): Rule(PUBLIC),
    ("POST", "/api/v1/matters"): Rule(APPLICANTS),
    ("GET", "/api/v1/matters"): Rule(SIGNED_IN, area=True),
    ("GET", "/api/v1/matters/queue.xlsx"): Rule(STAFF_READ, area=True),
    ("GET", "/api/v1/matters/audit"): only("auditor", "admin"),
    ("GET", "/api/v1/matters/{number}"): Rule(SIGNED_IN, area=True),
    ("POST", "/api/v1/matters/{number}/accept"): only("caseworker", area=True),
    ("POST", "/api/v1/matters/{number}/defer"): only("caseworker", area=True),
    ("POST", "/api/v1/matters/{number}/resume"): only("caseworker", area=True),
    ("POST", "/api/v1/matters/{number}/complete"): only("caseworker", area=True),
    ("POST", "/api/v1/matters/{number}/refuse"): only("caseworker", area=True),
    ("POST", "/api/v1/matters/{number}/originals"): only("caseworker", area=True),
    ("POST", "/api/v1/matters/{number}/audit"): only("auditor"),
    # training and employment programmes (api/programmes.py): area bounded in the services
    ("GET", "/api/v1/training/catalogue"): Rule(PUBLIC),
    ("POST", "/api/v1/training/platforms"): only("agency", "caseworker", area=True),
    ("POST", "/api/v1/training/platforms/{platform_id}/decision"): only("caseworker", area=True),
    ("POST", "/api/v1/training/projects"): only("agency", "enterprise"),
    ("GET", "/api/v1/training/projects"): only("agency", "enterprise", "caseworker", "auditor", "admin", area=True),
    ("POST", "/api/v1/training/projects/{project_id}/decision"): only("caseworker", area=True),
    ("POST", "/api/v1/training/projects/{project_id}/trainees"): only("agency", "enterprise", "caseworker", area=True),
    ("GET", "/api/v1/training/statistics"): Rule(STAFF_READ, area=True),
    ("GET", "/api/v1/training/statistics.xlsx"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/training/needs"): only("caseworker", area=True),
    ("GET", "/api/v1/training/needs"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/employment-services/{kind}/records"): only("caseworker", area=True),
    ("GET", "/api/v1/employment-services/{kind}"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/employment-services/records/{record_id}/follow-up"): only("caseworker", area=True),
    ("POST", "/api/v1/career-experts"): only("caseworker", area=True),
    ("POST", "/api/v1/loans"): only("caseworker", area=True),
    ("GET", "/api/v1/loans"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/loans/{loan_id}/visits"): only("caseworker", area=True),
    ("POST", "/api/v1/loans/{loan_id}/settle"): only("caseworker", area=True),
    ("GET", "/api/v1/welfare-posts"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/welfare-posts"): only("caseworker", area=True),
    ("POST", "/api/v1/welfare-posts/candidates"): only("caseworker", area=True),
    ("POST", "/api/v1/welfare-posts/candidates/{candidate_id}/review"): only("caseworker", area=True),
    ("POST", "/api/v1/welfare-posts/candidates/{candidate_id}/place"): only("caseworker", area=True),
    ("GET", "/api/v1/zero-employment"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/zero-employment"): only("caseworker", area=True),
    ("POST", "/api/v1/zero-employment/{household_id}/clear"): only("caseworker", area=True),
    ("POST", "/api/v1/zero-employment/targets/{year}"): only("caseworker", "admin", area=True),
    ("GET", "/api/v1/recruitment/announcements"): Rule(PUBLIC),
    ("GET", "/api/v1/recruitment/rounds"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/recruitment/rounds"): only("caseworker", area=True),
    ("POST", "/api/v1/recruitment/rounds/{round_id}/reschedule"): only("caseworker", area=True),
    ("POST", "/api/v1/recruitment/rounds/{round_id}/results"): only("caseworker", area=True),
    ("GET", "/api/v1/titles"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/titles"): only("caseworker", area=True),
    ("GET", "/api/v1/performance-pay"): Rule(STAFF_READ, area=True),
    ("POST", "/api/v1/performance-pay"): only("caseworker", area=True),
    ("GET", "/api/v1/ledger-imports/{kind}/template"): only("caseworker"),
    ("POST", "/api/v1/ledger-imports/{kind}"): only("caseworker", area=True),  # each row's record in the area
    # desk pages that write (web/desk_pages.py)
    ("POST", "/login"): Rule(PUBLIC),
    ("POST", "/logout"): Rule(PUBLIC),
    ("POST", "/apply"): Rule(APPLICANTS),
    ("POST", "/apply/form"): Rule(SIGNED_IN),  # shows the form; the filing is /apply
    ("POST", "/my/{number}/supply"): Rule(APPLICANTS),
    ("POST", "/desk/{number}/review"): only("caseworker", area=True),
    ("POST", "/desk/notice"): only("caseworker", area=True, money=True),
    ("POST", "/desk/disburse"): only("finance", area=True, money=True),
    ("POST", "/desk/notices/{batch_id}/close"): only("caseworker", area=True, money=True),
    ("POST", "/desk/{number}/objections/{objection_id}"): only("caseworker", area=True, money=True),
    ("POST", "/desk/{number}/clawback"): only("caseworker", area=True, money=True),
    ("POST", "/desk/payouts/{disbursement_id}/return"): only("finance", area=True, money=True),
    ("POST", "/notice/{number}/objection"): Rule(PUBLIC),
}


def rule(method: str, path: str) -> Rule | None:
    return RULES.get((method.upper(), path))
