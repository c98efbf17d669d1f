"""The calculator form (政策计算器表单): form fields in, the contract case out.

The form has one field per fact a person can type or pick — region as province → city →
district, industry by name, flags as check boxes, monthly headcounts and contributions as a
month × insurance grid — and :func:`build_case` turns its values into the case of
interface.md (the same case a JSON user would write). Each problem is a Chinese sentence on
the field it concerns (``errors[field]``); the values typed are handed back as they were.
The case is then checked by the engine's own validation (``parse_case``) too, so the form
can never build a case the JSON path would refuse.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from renshe.domain import identifiers, industries, regions, size
from renshe.engine.case import (
    EARLIEST_DATE,
    INSURANCES,
    LATEST_DATE,
    MAX_DAYS,
    MAX_MONEY,
    MAX_MONTHS,
    MAX_PERSONS,
    BadCase,
    parse_case,
)

HERE = Path(__file__).parent

#: default months of the grid (月份范围): the contract set reads 2018-12 (layoff rate), every
#: month of 2019 (Beijing's one-time subsidy) and 2020's relief window
GRID_FROM, GRID_TO = "2018-12", "2020-12"
#: at most this many months in the grid (five years): a form, not a ledger
GRID_MAX_MONTHS = 60
#: rows of agency placements (介绍就业情况) the form offers
PLACEMENT_ROWS = 5
#: quarters of profit the form asks for (the Beijing unemployment refund reads these)
QUARTERS = ("2019Q3", "2019Q4", "2020Q1", "2020Q2")
#: industries offered per search
INDUSTRY_HITS = 12

Values = dict[str, Any]  # field name → str (or list of str for check boxes)
Errors = dict[str, str]  # field name → Chinese sentence


@cache
def labels() -> dict[str, Any]:
    """The Chinese labels of the form (calculator_labels.yaml)."""
    return dict(yaml.safe_load((HERE / "calculator_labels.yaml").read_text(encoding="utf-8")))


#: the Chinese name of each form field, as the error sentences name it
FIELD_LABELS = {
    "subject": "测算对象",
    "as_of": "测算日期",
    "name": "单位名称",
    "uscc": "统一社会信用代码",
    "region": "所在地区",
    "province": "省（自治区、直辖市）",
    "city": "市（地区）",
    "district": "区（县）",
    "unit_type": "单位类型",
    "industry": "所属行业",
    "employees": "从业人员数",
    "revenue": "上年营业收入",
    "assets": "资产总额",
    "size": "经认定的企业规模",
    "attrition_2019": "2019年自然减员人数",
    "ui_contribution_months": "失业保险累计缴费月数",
    "profit_tax_change_2019": "2019年利税同比变化",
    "eligible_new_hires_12m": "近12个月新招用符合条件人员数",
    "work_injury_class": "工伤保险行业风险类别",
    "loan_applicant": "创业担保贷款申请人",
    "loan_partners": "合伙人数",
    "id_number": "公民身份号码",
    "person_name": "姓名",
    "work_years": "累计工作年限",
    "direct_contact_days": "直接接触患者的一线工作天数",
    "other_frontline_days": "其他一线工作天数",
    "on_standby": "是否待岗",
    "on_sick_leave": "是否病休（医疗期内）",
    "grid_from": "表格起始月份",
    "grid_to": "表格截止月份",
    "contributions_file": "社保缴费明细文件",
}
for _q in QUARTERS:
    FIELD_LABELS[f"profit_{_q}"] = f"{_q[:4]}年第{_q[-1]}季度利润"


def month_label(month: str) -> str:
    return f"{int(month[:4])}年{int(month[5:])}月"


def cell_label(kind: str, month: str, insurance: str | None = None) -> str:
    """A grid cell's Chinese name: 2020年2月 养老保险 单位应缴."""
    what = {"insured": "参保人数", "added": "新增参保人数", "due": "单位应缴", "paid": "单位实缴"}[kind]
    ins = f" {labels()['insurances'][insurance]}" if insurance else ""
    return f"{month_label(month)}{ins} {what}"


def cell(kind: str, month: str, insurance: str | None = None) -> str:
    """A grid cell's form field name: ``due_2020-02_pension``, ``insured_2020-01``."""
    return f"{kind}_{month}" + (f"_{insurance}" if insurance else "")


def months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:])
    out: list[str] = []
    while f"{y:04d}-{m:02d}" <= last and len(out) < GRID_MAX_MONTHS:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?$")


def parse_month(text: str) -> str | None:
    """``2020-02``, ``202002``, ``2020年2月``, ``2020/2``, ``2020-02-01`` (a spreadsheet's date
    cell) → ``2020-02``; None when it is no month."""
    t = text.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", t):
        t = t[:7]
    m = MONTH_RE.match(t)
    if not m:
        return None
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        return None
    return f"{year:04d}-{month:02d}"


@dataclass
class Form:
    """The values typed (kept as typed), the errors by field, and the case when it was built."""

    values: Values
    errors: Errors = field(default_factory=dict)
    case: dict[str, Any] | None = None

    def grid(self) -> list[str]:
        return grid_months(self.values)


def grid_months(values: Mapping[str, Any]) -> list[str]:
    first = parse_month(str(values.get("grid_from") or "")) or GRID_FROM
    last = parse_month(str(values.get("grid_to") or "")) or GRID_TO
    return months(first, last) if first <= last else months(GRID_FROM, GRID_TO)


# ------------------------------------------------------------------ single fields


def _text(values: Mapping[str, Any], name: str) -> str:
    v = values.get(name)
    return v.strip() if isinstance(v, str) else ""


def _number(
    raw: str, label: str, *, whole: bool, upper: float, signed: bool = False
) -> tuple[float | int | None, str | None]:
    """A number typed in a form: thousands separators and a trailing 元/人 allowed."""
    text = raw.replace(",", "").replace("，", "").replace(" ", "").removesuffix("元").removesuffix("人")
    try:
        value = float(text)
    except ValueError:
        return None, f"{label}“{raw}”应为{'整数' if whole else '数字'}"
    if value != value or value in (float("inf"), float("-inf")):
        return None, f"{label}“{raw}”应为{'整数' if whole else '数字'}"
    if whole and not value.is_integer():
        return None, f"{label}“{raw}”应为整数"
    if value < 0 and not signed:
        return None, f"{label}不能为负数（填写了“{raw}”）"
    if abs(value) > upper:
        return None, f"{label}“{raw}”超出合理范围：最多 {upper:,.0f}，请检查单位（元/人）是否填错"
    return (int(value) if whole or value.is_integer() else value), None  # 120, not 120.0, in the case


def uscc_advice(raw: str) -> tuple[str | None, str | None]:
    """What is wrong with a 统一社会信用代码 typed in the form, in Chinese, and the whole code
    to offer when only the check character (校验码, the 18th) is missing or wrong; (None,
    None) when it is valid. Spaces are ignored and letters taken as capitals."""
    code = "".join(raw.split()).upper()
    rule = identifiers.uscc_rule()
    body = len(rule.weights)
    bad = [ch for ch in code if ch not in rule.values]
    if bad:
        return (
            f"统一社会信用代码含有不允许的字符“{bad[0]}”：只能是数字和大写字母（不含 I、O、S、V、Z，{rule.standard}）"
        ), None
    if len(code) == body:
        fill = code + identifiers.uscc_check_char(code)
        return (
            f"统一社会信用代码只填了 {body} 位，缺第 {rule.length} 位校验码；按 {rule.standard} 由前 {body} 位"
            f"算得校验码为“{fill[-1]}”，完整代码应为 {fill}"
        ), fill
    if len(code) != rule.length:
        return f"统一社会信用代码应为 {rule.length} 位，填写了 {len(code)} 位", None
    expected = identifiers.uscc_check_char(code[:body])
    if code[body:] != expected:
        fill = code[:body] + expected
        return (
            f"统一社会信用代码第 {rule.length} 位校验码应为“{expected}”，填写的是“{code[body:]}”：请先核对前 {body} 位；"
            f"前 {body} 位无误时完整代码为 {fill}"
        ), fill
    return None, None


def resolve_industry(raw: str) -> tuple[str | None, str | None]:
    """The GB/T 4754 code of what was typed in the industry field — a code (``I65``), a code
    and its name as the picker writes it (``I65 软件和信息技术服务业``) or a name that only one
    industry has — or a Chinese error."""
    text = raw.strip()
    head = text.split()[0].upper() if text else ""
    if head and industries.problem_with_industry(head) is None:
        return head, None
    named = [i for i in industries.industry_names() if i["name"] == text]
    if len(named) == 1:
        return named[0]["code"], None
    hits = industries.search_industries(text, INDUSTRY_HITS)
    if hits:
        shown = "、".join(f"{h['code']} {h['name']}" for h in hits[:4])
        return None, f"所属行业“{text}”不唯一，请从列表中选择一项（如 {shown}）"
    return None, f"所属行业“{text}”未找到：请输入行业名称中的字词（如“软件”“零售”“餐饮”）后从列表中选择"


def region_of(values: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The most precise region picked (district, else city, else province), or an error."""
    for name in ("district", "city", "province"):
        code = _text(values, name)
        if code:
            problem = regions.problem_with_region(code)
            if problem:
                return None, f"所在地区“{code}”不是有效的行政区划（GB/T 2260），请重新选择"
            province = _text(values, "province")
            if province and code[:2] != province[:2]:
                return None, "所选的市、区不属于所选的省，请重新选择"
            return code, None
    return None, "请选择所在地区（省、市、区县）"


def size_info(industry: str, employees: str, revenue: str, assets: str, given: str = "") -> dict[str, Any]:
    """The size class (企业划型) of what the form holds so far, with its reason — the one place
    the page computes it (domain.size.classify), live and on the results. ``{"size":
    "medium", "label": "中型", "basis": …}``, or ``{"size": None, "basis": what is missing}``."""
    code, problem = resolve_industry(industry) if industry.strip() else (None, "请先选择所属行业")
    if code is None:
        return {"size": None, "label": "", "basis": problem}
    numbers: dict[str, float | None] = {}
    for name, raw in (("employees", employees), ("revenue", revenue), ("assets", assets)):
        if not raw.strip():
            numbers[name] = None
            continue
        value, err = _number(raw, FIELD_LABELS[name], whole=False, upper=MAX_MONEY)
        if err:
            return {"size": None, "label": "", "basis": err}
        numbers[name] = value
    chosen = given.strip() or None
    try:
        c = size.classify(code, numbers["employees"], numbers["revenue"], numbers["assets"], chosen)
    except size.SizeError:
        return {
            "size": None,
            "label": "",
            "basis": f"“{code}”是门类，划型需要更具体的行业（大类），请在所属行业中选择具体行业，或填写经认定的企业规模",
        }
    except ValueError as exc:
        return {"size": None, "label": "", "basis": str(exc)}
    label = labels()["sizes"].get(c.size or "", "不适用划型" if c.size == "unclassifiable" else "")
    return {"size": c.size, "label": label, "basis": c.basis, "citation": size.citation()["doc_no"]}


# ------------------------------------------------------------------ the case


def _numbers(
    values: Values,
    errors: Errors,
    spec: Iterable[tuple[str, bool, float]],
    target: dict[str, Any],
    *,
    key: dict[str, str] | None = None,
) -> None:
    for name, whole, upper in spec:
        raw = _text(values, name)
        if not raw:
            continue
        value, err = _number(raw, FIELD_LABELS[name], whole=whole, upper=upper)
        if err:
            errors[name] = err
        else:
            target[(key or {}).get(name, name)] = value


def _grid(values: Values, errors: Errors, enterprise: dict[str, Any]) -> None:
    insured: dict[str, int] = {}
    added: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for month in grid_months(values):
        for kind, into in (("insured", insured), ("added", added)):
            name = cell(kind, month)
            raw = _text(values, name)
            if raw:
                value, err = _number(raw, cell_label(kind, month), whole=True, upper=MAX_PERSONS)
                if err:
                    errors[name] = err
                else:
                    into[month] = int(value or 0)
        for ins in INSURANCES:
            due_name, paid_name = cell("due", month, ins), cell("paid", month, ins)
            due_raw, paid_raw = _text(values, due_name), _text(values, paid_name)
            if not due_raw and not paid_raw:
                continue
            row: dict[str, Any] = {"month": month, "insurance": ins}
            for name, raw, kind, slot in (
                (due_name, due_raw, "due", "employer_due"),
                (paid_name, paid_raw, "paid", "employer_paid"),
            ):
                if not raw:
                    other = "单位实缴" if kind == "due" else "单位应缴"
                    errors[name] = f"{cell_label(kind, month, ins)}未填写：已填{other}，请一并填写（未缴填 0）"
                    continue
                value, err = _number(raw, cell_label(kind, month, ins), whole=False, upper=MAX_MONEY)
                if err:
                    errors[name] = err
                else:
                    row[slot] = float(value or 0)
            if "employer_due" in row and "employer_paid" in row:
                rows.append(row)
    if insured:
        enterprise["insured"] = insured
    if added:
        enterprise["si_additions"] = added
    if rows:
        enterprise["contributions"] = rows


def _unit(values: Values, errors: Errors, region: str | None) -> dict[str, Any]:
    """A unit's USCC, name and region, as the enterprise and the agency forms both ask them."""
    unit: dict[str, Any] = {}
    uscc = _text(values, "uscc")
    if uscc:
        problem, _ = uscc_advice(uscc)
        if problem:
            errors["uscc"] = problem
        else:
            unit["uscc"] = "".join(uscc.split()).upper()
    if _text(values, "name"):
        unit["name"] = _text(values, "name")
    if region:
        unit["region"] = region
    return unit


def _enterprise(values: Values, errors: Errors, region: str | None) -> dict[str, Any]:
    e = _unit(values, errors, region)
    unit_type = _text(values, "unit_type") or "enterprise"
    if unit_type not in labels()["unit_types"]:
        errors["unit_type"] = "请选择单位类型"
    e["unit_type"] = unit_type
    industry = _text(values, "industry")
    if industry:
        code, problem = resolve_industry(industry)
        if problem:
            errors["industry"] = problem
        else:
            e["industry"] = code
    _numbers(
        values,
        errors,
        (("employees", False, MAX_PERSONS), ("revenue", False, MAX_MONEY), ("assets", False, MAX_MONEY)),
        e,
    )
    given = _text(values, "size")
    if given:
        if given not in labels()["sizes"]:
            errors["size"] = "请从列表中选择经认定的企业规模"
        else:
            e["size"] = given
    e["state_owned"] = _text(values, "state_owned") == "true"
    flags = [f for f in (values.get("flags") or []) if isinstance(f, str)]
    unknown = [f for f in flags if f not in labels()["flags"]]
    if unknown:
        errors["flags"] = "请只勾选列出的情况"
    e["flags"] = [f for f in labels()["flags"] if f in flags]  # the page's order
    if e.get("industry") and "size" not in e and "industry" not in errors:
        try:
            if size.industry_class(e["industry"]) is None:
                errors["industry"] = (
                    f"所属行业“{e['industry']}”是门类，划型需要具体行业：请选择其下的大类"
                    "（如批发业、零售业），或填写经认定的企业规模"
                )
        except ValueError:
            pass
    _numbers(values, errors, (("attrition_2019", True, MAX_PERSONS), ("eligible_new_hires_12m", True, MAX_PERSONS)), e)
    wic = _text(values, "work_injury_class")
    if wic:
        if wic not in {str(i) for i in range(1, 9)}:
            errors["work_injury_class"] = "工伤保险行业风险类别应为一类至八类之一"
        else:
            e["work_injury_class"] = int(wic)
    finance: dict[str, Any] = {}
    _numbers(values, errors, (("ui_contribution_months", True, MAX_MONTHS),), finance)
    change = _text(values, "profit_tax_change_2019")
    if change:
        value, err = _number(
            change.removesuffix("%").removesuffix("％"),
            FIELD_LABELS["profit_tax_change_2019"],
            whole=False,
            upper=MAX_MONEY,
            signed=True,
        )
        if err:
            errors["profit_tax_change_2019"] = err
        else:
            finance["profit_tax_change_2019"] = round(float(value or 0) / 100, 6)  # percent typed, ratio in the case
    profits: dict[str, float] = {}
    for q in QUARTERS:
        raw = _text(values, f"profit_{q}")
        if raw:
            value, err = _number(raw, FIELD_LABELS[f"profit_{q}"], whole=False, upper=MAX_MONEY, signed=True)
            if err:
                errors[f"profit_{q}"] = err
            else:
                profits[q] = float(value or 0)
    if profits:
        finance["quarterly_profit"] = profits
    if finance:
        e["finance"] = finance
    _grid(values, errors, e)
    return e


def _person(values: Values, errors: Errors, region: str | None) -> dict[str, Any]:
    p: dict[str, Any] = {}
    number = _text(values, "id_number")
    if number:
        problem = identifiers.problem_with_id_number(number)
        if problem:
            normal = identifiers.normalise_id_number(number)
            if len(normal) == 17 and normal.isdigit():
                errors["id_number"] = (
                    f"公民身份号码只填了 17 位，缺第 18 位校验码；按 GB 11643-1999 应为"
                    f"“{identifiers.id_check_char(normal)}”"
                )
            elif len(normal) != 18:
                errors["id_number"] = f"公民身份号码应为 18 位，填写了 {len(normal)} 位"
            else:
                errors["id_number"] = "公民身份号码有误（出生日期或第 18 位校验码不符），请核对"
        else:
            p["id_number"] = identifiers.normalise_id_number(number)
    if _text(values, "person_name"):
        p["name"] = _text(values, "person_name")
    if region:
        p["region"] = region
    _numbers(values, errors, (("work_years", False, MAX_MONTHS),), p)
    groups = [g for g in (values.get("groups") or []) if isinstance(g, str)]
    if any(g not in labels()["groups"] for g in groups):
        errors["groups"] = "请只勾选列出的人员类别"
    if groups:
        p["groups"] = [g for g in labels()["groups"] if g in groups]
    days: dict[str, Any] = {}
    _numbers(
        values,
        errors,
        (("direct_contact_days", True, MAX_DAYS), ("other_frontline_days", True, MAX_DAYS)),
        days,
        key={"direct_contact_days": "direct_contact", "other_frontline_days": "other_frontline"},
    )
    if days:
        p["days"] = days
    for name in ("on_standby", "on_sick_leave"):
        answer = _text(values, name)
        if answer in ("true", "false"):
            p[name] = answer == "true"
        elif answer:
            errors[name] = f"{FIELD_LABELS[name]}请选择“是”“否”或“不确定”"
    return p


def _agency(values: Values, errors: Errors, region: str | None) -> dict[str, Any]:
    a = _unit(values, errors, region)
    placements = []
    for i in range(1, PLACEMENT_ROWS + 1):
        code_name, count_name = f"placement_uscc_{i}", f"placement_count_{i}"
        code, count = _text(values, code_name), _text(values, count_name)
        if not code and not count:
            continue
        row: dict[str, Any] = {}
        if not code:
            errors[code_name] = f"第 {i} 行介绍就业：请填写用工单位的统一社会信用代码"
        else:
            problem, _ = uscc_advice(code)
            if problem:
                errors[code_name] = f"第 {i} 行用工单位的{problem}"
            else:
                row["enterprise_uscc"] = "".join(code.split()).upper()
        if not count:
            errors[count_name] = f"第 {i} 行介绍就业人数未填写"
        else:
            value, err = _number(count, f"第 {i} 行介绍就业人数", whole=True, upper=MAX_PERSONS)
            if err:
                errors[count_name] = err
            else:
                row["count"] = value
        if len(row) == 2:
            placements.append(row)
    if placements:
        a["placements"] = placements
    return a


def _loan(values: Values, errors: Errors) -> dict[str, Any] | None:
    applicant = _text(values, "loan_applicant")
    if not applicant:
        return None
    if applicant not in labels()["loan_applicants"]:
        errors["loan_applicant"] = "请从列表中选择创业担保贷款申请人"
        return None
    loan: dict[str, Any] = {"applicant": applicant}
    partners = _text(values, "loan_partners")
    if partners:
        value, err = _number(partners, FIELD_LABELS["loan_partners"], whole=True, upper=MAX_PERSONS)
        if err:
            errors["loan_partners"] = err
        elif not value:
            errors["loan_partners"] = "合伙人数至少为 1"
        else:
            loan["partners"] = value
    elif applicant == "partnership":
        errors["loan_partners"] = "合伙创业申请贷款，请填写合伙人数"
    return loan


#: where an engine problem's path lands on the form (the rest go to the form as a whole)
_PATH_FIELDS = {
    "as_of": "as_of",
    "uscc": "uscc",
    "name": "name",
    "region": "region",
    "unit_type": "unit_type",
    "industry": "industry",
    "employees": "employees",
    "revenue": "revenue",
    "assets": "assets",
    "size": "size",
    "id_number": "id_number",
    "work_years": "work_years",
    "loan": "loan_applicant",
}


def build_case(values: Values) -> Form:
    """The case of the form's values, or the errors by field (the values kept as typed)."""
    form = Form(values=values)
    errors = form.errors
    subject = _text(values, "subject") or "enterprise"
    if subject not in labels()["subjects"]:
        errors["subject"] = "请选择测算对象：企业、个人或人力资源服务机构"
        return form
    case: dict[str, Any] = {}
    as_of = _text(values, "as_of")
    try:
        day = dt.date.fromisoformat(as_of)
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            errors["as_of"] = f"测算日期“{as_of}”超出范围：应在 {EARLIEST_DATE.year} 年至 {LATEST_DATE.year} 年之间"
        case["as_of"] = as_of
    except ValueError:
        errors["as_of"] = (
            "测算日期不能为空" if not as_of else f"测算日期“{as_of}”应为 YYYY-MM-DD 格式的日期，如 2020-07-31"
        )
    grid_from, grid_to = _text(values, "grid_from"), _text(values, "grid_to")
    for name, raw in (("grid_from", grid_from), ("grid_to", grid_to)):
        if raw and parse_month(raw) is None:
            errors[name] = f"{FIELD_LABELS[name]}“{raw}”应为 YYYY-MM 格式的月份"
    region, problem = region_of(values)
    if problem:
        errors["region"] = problem
    if subject == "enterprise":
        case["enterprise"] = _enterprise(values, errors, region)
        loan = _loan(values, errors)
        if loan:
            case["loan"] = loan
    elif subject == "person":
        case["person"] = _person(values, errors, region)
        loan = _loan(values, errors)
        if loan:
            case["loan"] = loan
    else:
        case["agency"] = _agency(values, errors, region)
    if errors:
        return form
    try:
        parse_case(case)
    except BadCase as bad:
        from renshe.web.pages import field_name

        for p in bad.problems:
            last = re.split(r"[.\[]", p.path)[-1].rstrip("]").strip('"') if p.path else ""
            name = _PATH_FIELDS.get(p.path.split(".")[1] if p.path.count(".") else last, "form")
            errors.setdefault(name, f"{field_name(p.path) or FIELD_LABELS.get(name, '案例')}有误：{p.message}")
        return form
    form.case = case
    return form


# ------------------------------------------------------------------ the case back to the form


def values_of_case(case: Mapping[str, Any]) -> Values:
    """The form's values for a case (a demo case, or a JSON case moved to the form): the
    inverse of :func:`build_case` for the facts the form has."""
    values: Values = {"as_of": str(case.get("as_of", ""))}
    subject = next((s for s in ("enterprise", "person", "agency") if case.get(s)), "enterprise")
    values["subject"] = subject
    unit: Mapping[str, Any] = case.get(subject) or {}
    code = str(unit.get("region") or "")
    if len(code) == 6:
        values["province"] = code[:2] + "0000"
        if code[2:4] != "00":
            values["city"] = code[:4] + "00"
        if code[4:] != "00":
            values["district"] = code

    def put(name: str, value: Any) -> None:
        if value is not None:
            values[name] = f"{value:g}" if isinstance(value, float) else str(value)

    for name in (
        "uscc",
        "name",
        "unit_type",
        "employees",
        "revenue",
        "assets",
        "size",
        "attrition_2019",
        "eligible_new_hires_12m",
        "work_injury_class",
        "id_number",
        "work_years",
    ):
        put(name, unit.get(name))
    if subject == "person":
        put("person_name", unit.get("name"))
        values.pop("name", None)
    if unit.get("industry"):
        match = [i for i in industries.industry_names() if i["code"] == unit["industry"]]
        values["industry"] = f"{unit['industry']} {match[0]['name']}" if match else str(unit["industry"])
    if unit.get("state_owned"):
        values["state_owned"] = "true"
    values["flags"] = list(unit.get("flags") or [])
    values["groups"] = list(unit.get("groups") or [])
    finance = unit.get("finance") or {}
    put("ui_contribution_months", finance.get("ui_contribution_months"))
    if finance.get("profit_tax_change_2019") is not None:
        put("profit_tax_change_2019", round(float(finance["profit_tax_change_2019"]) * 100, 6))
    for q, v in (finance.get("quarterly_profit") or {}).items():
        put(f"profit_{q}", v)
    days = unit.get("days") or {}
    put("direct_contact_days", days.get("direct_contact"))
    put("other_frontline_days", days.get("other_frontline"))
    for name in ("on_standby", "on_sick_leave"):
        if unit.get(name) is not None:
            values[name] = "true" if unit[name] else "false"
    for i, row in enumerate(unit.get("placements") or [], start=1):
        put(f"placement_uscc_{i}", row.get("enterprise_uscc"))
        put(f"placement_count_{i}", row.get("count"))
    seen = sorted(
        {
            *(unit.get("insured") or {}),
            *(unit.get("si_additions") or {}),
            *(r["month"] for r in unit.get("contributions") or []),
        }
    )
    if seen:
        values["grid_from"] = min(seen[0], GRID_FROM)
        values["grid_to"] = max(seen[-1], GRID_TO)
    for m, n in (unit.get("insured") or {}).items():
        put(cell("insured", m), n)
    for m, n in (unit.get("si_additions") or {}).items():
        put(cell("added", m), n)
    for row in unit.get("contributions") or []:
        put(cell("due", row["month"], row["insurance"]), row["employer_due"])
        put(cell("paid", row["month"], row["insurance"]), row["employer_paid"])
    loan = case.get("loan") or {}
    put("loan_applicant", loan.get("applicant"))
    put("loan_partners", loan.get("partners"))
    return values


def represents(case: Mapping[str, Any]) -> bool:
    """True when the form holds every fact of ``case`` (its round trip is the same case);
    otherwise the page offers the case in the JSON box (高级)."""
    built = build_case(values_of_case(case)).case
    if built is None:
        return False
    try:
        return parse_case(built) == parse_case(dict(case))
    except BadCase:
        return False
