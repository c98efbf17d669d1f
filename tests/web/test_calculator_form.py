"""The calculator form (政策计算器表单) at the TestClient level: the form's case is the JSON
case (example 01), every bad input is named in Chinese on its field with what was typed
kept and no 500, the unit's 社保缴费明细 (xlsx / csv with the bureau's Chinese headers)
fills the grid, the helpers the form calls (industry search, size, USCC), the template,
and the 政策告知书 (page and PDF)."""

from __future__ import annotations

import copy
import io
import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from renshe.domain.identifiers import uscc_check_char
from renshe.domain.times import beijing_time, chinese_date
from renshe.engine.calculator import evaluate_json
from renshe.web import calculator_form as cf
from renshe.web.contributions_upload import read_statement
from tests.conftest import EXAMPLES
from tests.web.conftest import Node, html
from tests.web.pdf_text import pdf_text

EXAMPLE_01 = json.loads((EXAMPLES / "01_beijing_medium_software.json").read_text(encoding="utf-8"))["case"]
THREE = ("pension", "unemployment", "work_injury")


def software_form() -> dict[str, Any]:
    """Example 01 as a person fills the form: pickers, the industry picked by name, the flag
    ticked, the grid typed month by month (written out here, not derived from the case)."""
    form: dict[str, Any] = {
        "subject": "enterprise",
        "as_of": "2020-07-31",
        "name": "北京示例科技有限公司",
        "uscc": "91110108MA01C7LM3W",
        "province": "110000",
        "city": "110100",
        "district": "110108",
        "unit_type": "enterprise",
        "industry": "I65 软件和信息技术服务业",
        "employees": "120",
        "revenue": "52,000,000",
        "assets": "30000000",
        "flags": ["capital_function"],
    }
    for month in ["2018-12"] + [f"2019-{m:02d}" for m in range(1, 13)]:
        form[f"insured_{month}"] = "100"
    form.update(
        {"insured_2020-01": "110", "insured_2020-02": "112", "insured_2020-03": "115", "insured_2020-04": "120"}
    )
    due = {"pension": "32000", "unemployment": "1600", "work_injury": "400", "medical": "20000"}
    for month in ("2020-02", "2020-03", "2020-04", "2020-05", "2020-06"):
        for ins, amount in due.items():
            form[f"due_{month}_{ins}"] = amount
            paid = amount if month == "2020-02" else ("10000" if ins == "medical" else "0")
            form[f"paid_{month}_{ins}"] = paid
    return form


def post(client: TestClient, form: dict[str, Any], files: dict[str, Any] | None = None) -> tuple[int, Node]:
    r = client.post("/calculate/form", data=form, files=files)
    assert r.status_code != 500
    return r.status_code, html(r)


def error_of(doc: Node, name: str) -> str:
    return doc.by_id(f"err-{name}").text()


# ------------------------------------------------------------------ the form's case


def test_the_form_case_is_the_json_case_of_example_01() -> None:
    built = cf.build_case(software_form())
    assert built.errors == {}
    assert built.case == EXAMPLE_01


def test_the_form_page_evaluates_what_the_json_box_does(client: TestClient) -> None:
    status, doc = post(client, software_form())
    assert status == 200
    shown_case = json.loads(doc.value("case_json"))
    assert shown_case == EXAMPLE_01, "高级 shows the case the form built"
    body = evaluate_json(EXAMPLE_01)
    for r in body["results"]:
        row = doc.find("tr", data_policy=r["policy"])
        assert row, r["policy"]
        assert row[0].attrs["data-status"] == r["status"]
        assert row[0].attrs["data-amount"] == ("" if r["amount"] is None else str(r["amount"]))
    assert doc.by_id("result-size").text() == "中型"
    # each result's citation names the document, links to the policy and quotes its sentence
    relief = doc.find("tr", data_policy="cn.si_relief_2020")[0]
    cite = relief.find("td", class_="cite")[0]
    assert cite.find("a")[0].attrs["href"] == "/policies/cn.si_relief_2020"
    assert "人社部发〔2020〕11号" in cite.text() and cite.find("q", class_="quote")[0].text()
    # the 测算日 in Chinese
    assert "2020年7月31日" in doc.by_id("results").find("h2")[0].text()


def test_every_demo_case_loads_into_the_form(client: TestClient) -> None:
    for path in sorted((EXAMPLES.parent.parent / "spec" / "examples").glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))["case"]
        if cf.represents(case):
            assert cf.build_case(cf.values_of_case(case)).case is not None
    r = client.get("/?example=04_xinmi_small_retailer")
    assert r.status_code == 200
    doc = html(r)
    assert doc.has_id("partial-example"), "a case with parameter overrides goes to the JSON box"
    assert "open" in doc.by_id("advanced").attrs
    doc = html(client.get("/?example=01_beijing_medium_software"))
    assert doc.value("district") == "110108" and doc.value("industry") == "I65 软件和信息技术服务业"
    assert "open" not in doc.by_id("advanced").attrs
    assert doc.by_id("size-label").text() == "中型", "the size class with its reason, computed on the server"
    assert "从业人员120人" in doc.by_id("size-basis").text()


# ------------------------------------------------------------------ bad input, field by field

FIRST17 = "91110108MA01C7LM3"
#: fields picked from a list: a value not on it (a forged request) can't be shown as chosen
SELECTS = {"size", "unit_type", "work_injury_class"}

BAD = [
    ("as_of", "2020-13-45", "as_of", "测算日期“2020-13-45”应为 YYYY-MM-DD"),
    ("as_of", "", "as_of", "测算日期不能为空"),
    ("as_of", "1900-01-01", "as_of", "超出范围"),
    (
        "uscc",
        FIRST17,
        "uscc",
        f"校验码为“{uscc_check_char(FIRST17)}”，完整代码应为 {FIRST17}{uscc_check_char(FIRST17)}",
    ),
    ("uscc", FIRST17 + "E", "uscc", f"第 18 位校验码应为“{uscc_check_char(FIRST17)}”"),
    ("uscc", "91110108MO01C7LM3W", "uscc", "不允许的字符“O”"),
    ("uscc", "9111010", "uscc", "应为 18 位，填写了 7 位"),
    ("industry", "飞船制造", "industry", "所属行业“飞船制造”未找到"),
    ("industry", "G", "industry", "是门类"),
    ("industry", "制造", "industry", "不唯一"),
    ("employees", "abc", "employees", "从业人员数“abc”应为数字"),
    ("employees", "-3", "employees", "从业人员数不能为负数"),
    ("revenue", "1e20", "revenue", "超出合理范围"),
    ("revenue", "nan", "revenue", "应为数字"),
    ("insured_2020-01", "3.5", "insured_2020-01", "2020年1月 参保人数“3.5”应为整数"),
    ("due_2020-03_pension", "三万二", "due_2020-03_pension", "2020年3月 养老保险 单位应缴“三万二”应为数字"),
    ("paid_2020-04_work_injury", "", "paid_2020-04_work_injury", "2020年4月 工伤保险 单位实缴未填写"),
    ("attrition_2019", "-1", "attrition_2019", "2019年自然减员人数不能为负数"),
    ("profit_tax_change_2019", "大幅下降", "profit_tax_change_2019", "2019年利税同比变化“大幅下降”应为数字"),
    ("profit_2020Q1", "亏损", "profit_2020Q1", "2020年第1季度利润“亏损”应为数字"),
    ("size", "giant", "size", "请从列表中选择经认定的企业规模"),
    ("unit_type", "company", "unit_type", "请选择单位类型"),
    ("work_injury_class", "9", "work_injury_class", "一类至八类"),
    ("loan_applicant", "partnership", "loan_partners", "请填写合伙人数"),
    ("grid_from", "2019年", "grid_from", "应为 YYYY-MM 格式的月份"),
]


@pytest.mark.parametrize(("field", "typed", "where", "message"), BAD, ids=[f"{b[0]}={b[1]!r}" for b in BAD])
def test_a_bad_field_is_named_beside_it_and_kept(
    client: TestClient, field: str, typed: str, where: str, message: str
) -> None:
    form = software_form()
    form[field] = typed
    status, doc = post(client, form)
    assert status == 422
    assert message in error_of(doc, where)
    # beside its field: the input points at its message, and the summary links to the field
    target = doc.by_id(f"f-{where}")
    assert target.attrs.get("aria-describedby") == f"err-{where}" and "invalid" in target.attrs.get("class", "")
    assert any(a.attrs.get("href") == f"#f-{where}" for a in doc.by_id("form-errors").find("a"))
    # what was typed is kept, in this field and the others (a list offers only its own options)
    if field not in SELECTS:
        assert doc.value(field) == typed
    assert doc.value("name") == "北京示例科技有限公司" and doc.value("district") == "110108"
    assert doc.value("due_2020-02_pension") == "32000"
    assert not doc.has_id("results"), "nothing is calculated from a form with a mistake"


def test_region_problems_are_named_on_the_picker(client: TestClient) -> None:
    for change, message in (
        (dict(province="", city="", district=""), "请选择所在地区"),
        (dict(district="410183"), "不属于所选的省"),
        (dict(province="990000", city="", district=""), "不是有效的行政区划"),
    ):
        form = {**software_form(), **change}
        status, doc = post(client, form)
        assert status == 422
        assert message in error_of(doc, "region")
        assert doc.by_id("f-province").attrs.get("aria-describedby") == "err-region"


def test_person_and_agency_problems(client: TestClient) -> None:
    person = {
        "subject": "person",
        "as_of": "2020-03-31",
        "province": "110000",
        "city": "110100",
        "district": "110105",
        "id_number": "11010519800101123",
        "work_years": "十二",
        "on_standby": "maybe",
        "direct_contact_days": "10",
    }
    status, doc = post(client, person)
    assert status == 422
    assert "缺第 18 位校验码" in error_of(doc, "id_number")
    assert "累计工作年限“十二”应为数字" in error_of(doc, "work_years")
    assert "是否待岗" in error_of(doc, "on_standby")
    assert doc.value("id_number") == "11010519800101123" and doc.value("direct_contact_days") == "10"
    agency = {
        "subject": "agency",
        "as_of": "2020-06-30",
        "province": "110000",
        "city": "110100",
        "district": "110105",
        "placement_uscc_1": "91110108MA01C7LM3W",
        "placement_count_1": "",
        "placement_uscc_2": "",
        "placement_count_2": "50",
    }
    status, doc = post(client, agency)
    assert status == 422
    assert "第 1 行介绍就业人数未填写" in error_of(doc, "placement_count_1")
    assert "第 2 行介绍就业：请填写用工单位的统一社会信用代码" in error_of(doc, "placement_uscc_2")
    assert doc.value("placement_uscc_1") == "91110108MA01C7LM3W"
    status, doc = post(client, {"subject": "robot", "as_of": "2020-06-30"})
    assert status == 422 and "请选择测算对象" in error_of(doc, "subject")


def test_person_and_agency_forms_are_their_examples(client: TestClient) -> None:
    nurse = json.loads((EXAMPLES / "06_beijing_frontline_nurse.json").read_text(encoding="utf-8"))["case"]
    form = {
        "subject": "person",
        "as_of": "2020-03-31",
        "province": "110000",
        "city": "110100",
        "district": "110105",
        "id_number": "110105198001011238",
        "work_years": "12",
        "direct_contact_days": "10",
        "other_frontline_days": "5",
    }
    assert cf.build_case(form).case == nurse
    status, doc = post(client, form)
    assert status == 200
    assert doc.find("tr", data_policy="beijing.frontline_allowance_2020")[0].attrs["data-amount"] == "4000.0"
    agency = json.loads((EXAMPLES / "05_beijing_agency_service_subsidy.json").read_text(encoding="utf-8"))["case"]
    form = {
        "subject": "agency",
        "as_of": "2020-06-30",
        "province": "110000",
        "city": "110100",
        "district": "110105",
        "uscc": "91110105MA00DDDD45",
        "placement_uscc_1": "91110108MA01C7LM3W",
        "placement_count_1": "60",
        "placement_uscc_2": "91110105MA00EEEE5X",
        "placement_count_2": "50",
    }
    assert cf.build_case(form).case == agency


# ------------------------------------------------------------------ the unit's statement file


def statement_rows() -> list[list[Any]]:
    """Example 01's contributions as the bureau's export writes them: 202002, 企业职工基本养老保险, 1,600.00."""
    names = {
        "pension": "企业职工基本养老保险",
        "unemployment": "失业保险",
        "work_injury": "工伤保险",
        "medical": "职工基本医疗保险",
    }
    rows: list[list[Any]] = [["费款所属期", "险种", "缴费基数", "单位应缴金额", "单位实缴金额", "个人应缴", "参保人数"]]
    for row in EXAMPLE_01["enterprise"]["contributions"]:
        head = {"2020-02": 112, "2020-03": 115, "2020-04": 120}.get(row["month"], "")
        rows.append(
            [
                row["month"].replace("-", ""),
                names[row["insurance"]],
                1000000,
                f"{row['employer_due']:,.2f}",
                row["employer_paid"],
                0,
                head,
            ]
        )
    return rows


def as_csv(rows: list[list[Any]]) -> bytes:
    return ("\ufeff" + "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n").encode("utf-8")


def as_xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def without_grid(form: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in form.items() if not re.match(r"^(due|paid)_", k)}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_statement_file_fills_the_grid(client: TestClient, kind: str) -> None:
    data = as_csv(statement_rows()) if kind == "csv" else as_xlsx(statement_rows())
    statement = read_statement(data, f"缴费明细.{kind}")
    assert statement.months == ["2020-02", "2020-03", "2020-04", "2020-05", "2020-06"]
    assert statement.values["due_2020-02_unemployment"] == "1600"
    assert statement.values["paid_2020-03_medical"] == "10000"
    assert statement.values["insured_2020-04"] == "120", "参保人数 of the 失业保险 row"
    # on the page: the file's rows fill the grid and the case equals example 01
    form = without_grid(software_form())
    status, doc = post(client, form, files={"contributions_file": (f"缴费明细.{kind}", data)})
    assert status == 200
    assert doc.value("due_2020-06_work_injury") == "400"
    assert json.loads(doc.value("case_json")) == EXAMPLE_01
    # "更新表格": the grid filled from the file, nothing calculated yet
    status, doc = post(client, {**form, "action": "grid"}, files={"contributions_file": (f"缴费明细.{kind}", data)})
    assert status == 200 and not doc.has_id("results")
    assert doc.value("paid_2020-02_pension") == "32000"


def test_a_bad_statement_file_is_named_on_its_field(client: TestClient) -> None:
    rows = statement_rows()
    cases = [
        (as_csv([[c for i, c in enumerate(r) if i != 3] for r in rows]), "缺少列：单位应缴"),
        (
            as_csv(rows[:2] + [["2020-13", "失业保险", 0, "1", "1", 0, ""]] + rows[3:]),
            "第 3 行“费款所属期”：“2020-13”不是月份",
        ),
        (as_csv(rows[:3] + [["202002", "住房公积金", 0, "1", "1", 0, ""]]), "第 4 行“险种”：“住房公积金”"),
        (
            as_csv(rows[:3] + [["202003", "失业保险", 0, "-5", "1", 0, ""]]),
            "第 4 行“单位应缴”：“-5”应为不小于 0 的金额",
        ),
        (as_csv(rows + [rows[1]]), f"第 {len(rows) + 1} 行：2020年2月养老保险与第 2 行重复"),
        ("费款所属期,险种,单位应缴,单位实缴\n202002,失业保险,1,1\n".encode("gbk"), "GBK"),
        (b"", "文件为空"),
        (b"PK\x03\x04 not really a workbook", "xlsx 文件已损坏"),
    ]
    form = without_grid(software_form())
    for data, message in cases:
        status, doc = post(client, form, files={"contributions_file": ("明细.csv", data)})
        assert status == 422, message
        assert message in error_of(doc, "contributions_file"), (message, error_of(doc, "contributions_file"))
        assert "明细.csv" in error_of(doc, "contributions_file")
        assert doc.value("name") == "北京示例科技有限公司" and doc.value("insured_2019-06") == "100"
        assert not doc.has_id("results")


def test_the_template_reads_back(client: TestClient) -> None:
    r = client.get("/calculate/contributions-template.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.decode("utf-8-sig").splitlines()[0] == "费款所属期,险种,单位应缴,单位实缴,参保人数"
    assert read_statement(r.content, "模板.csv").months == ["2020-02"]
    r = client.get("/calculate/contributions-template.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == ["费款所属期", "险种", "单位应缴", "单位实缴", "参保人数"]
    assert read_statement(r.content, "模板.xlsx").values["due_2020-02_pension"] == "0"
    assert client.get("/calculate/contributions-template.pdf").status_code == 404


# ------------------------------------------------------------------ helpers the form calls


def test_industry_search_size_and_uscc(client: TestClient) -> None:
    hits = client.get("/calculate/industries", params={"q": "零售"}).json()["industries"]
    assert hits[0] == {"code": "F52", "name": "零售业", "section": "批发和零售业"}
    assert client.get("/calculate/industries", params={"q": "k7020"}).json()["industries"][0]["name"] == "物业管理"
    size = client.get(
        "/calculate/size", params={"industry": "F52 零售业", "employees": "40", "revenue": "800000"}
    ).json()
    assert size["size"] == "micro" and size["label"] == "微型" and "营业收入80万元<100万元" in size["basis"]
    assert client.get("/calculate/size", params={"industry": "F52", "employees": "x"}).json()["size"] is None
    bare = client.get("/calculate/size", params={"industry": "F", "employees": "40", "revenue": "1"}).json()
    assert bare["size"] is None and "门类" in bare["basis"]
    given = client.get("/calculate/size", params={"industry": "I65", "size": "small"}).json()
    assert given["label"] == "小型" and "经认定" in given["basis"]
    check = client.get("/calculate/uscc", params={"code": FIRST17}).json()
    assert check == {"ok": False, "message": check["message"], "fill": FIRST17 + uscc_check_char(FIRST17)}
    assert client.get("/calculate/uscc", params={"code": FIRST17 + uscc_check_char(FIRST17)}).json()["ok"] is True


# ------------------------------------------------------------------ the letter (政策告知书)


def test_the_letter_as_pdf_and_as_a_page(client: TestClient) -> None:
    case = copy.deepcopy(EXAMPLE_01)
    r = client.post("/calculate/letter.pdf", data={"case_json": json.dumps(case, ensure_ascii=False)})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    text = pdf_text(r.content)
    assert "政策告知书" in text and "北京示例科技有限公司" in text and "北京市海淀区" in text
    assert "170,000.00元" in text and "人社部发〔2020〕11号" in text
    body = evaluate_json(case)
    for flow, label in (("cash", "现金拨付"), ("reduction", "减免")):
        assert f"{label}：{body['totals'][flow]:,.2f}元" in text
    assert re.search(r"出具时间：\d{4}年\d{1,2}月\d{1,2}日\d{2}:\d{2}（北京时间）", text)
    r = client.post("/calculate/letter", data={"case_json": json.dumps(case, ensure_ascii=False)})
    assert r.status_code == 200
    doc = html(r)
    assert doc.by_id("letter-name").text() == "北京示例科技有限公司"
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", doc.by_id("letter-issued").text())
    # a bad case: a message, no 500
    r = client.post("/calculate/letter.pdf", data={"case_json": "{not json"})
    assert r.status_code == 422 and "案例有误" in r.text


def test_times_in_beijing_time() -> None:
    import datetime as dt

    assert beijing_time(dt.datetime(2020, 3, 2, 8, 0, tzinfo=dt.UTC)) == "2020年3月2日 16:00"
    assert beijing_time(dt.datetime(2020, 3, 2, 8, 0)) == "2020年3月2日 16:00", "a time without a zone is UTC"
    assert beijing_time("2020-03-01T23:30:00+08:00") == "2020年3月1日 23:30"
    assert beijing_time("2020-12-31T17:05:00Z") == "2021年1月1日 01:05"
    assert beijing_time(None) == "" and beijing_time("不是时间") == "不是时间"
    assert chinese_date("2020-07-31") == "2020年7月31日" and chinese_date("2020-02") == "2020年2月"


def test_a_statement_too_large_is_refused_on_its_field(client: TestClient) -> None:
    from renshe.web.contributions_upload import FILE_LIMIT

    data = as_csv(statement_rows()) + b"," * (FILE_LIMIT + 1)
    status, doc = post(client, without_grid(software_form()), files={"contributions_file": ("明细.csv", data)})
    assert status == 422
    assert "过大：上限为 2 MB" in error_of(doc, "contributions_file")
    assert doc.value("name") == "北京示例科技有限公司"


def test_the_region_picker_offers_gb_t_2260_names(client: TestClient) -> None:
    doc = html(client.get("/?blank=1"))
    provinces = {o.attrs["value"]: o.text() for o in doc.by_id("f-province").find("option") if o.attrs["value"]}
    assert len(provinces) == 34 and provinces["410000"] == "河南省"
    cities = {
        o.attrs["value"]: (o.text(), o.attrs["data-parent"])
        for o in doc.by_id("f-city").find("option")
        if o.attrs["value"]
    }
    assert cities["410100"] == ("郑州市", "410000") and cities["431100"] == ("永州市", "430000")
    districts = {
        o.attrs["value"]: (o.text(), o.attrs["data-parent"])
        for o in doc.by_id("f-district").find("option")
        if o.attrs["value"]
    }
    assert districts["410183"] == ("新密市", "410100") and districts["110105"] == ("朝阳区", "110100")
    assert sum(1 for _, parent in districts.values() if parent == "110100") == 16, "Beijing's 16 districts"
    # the flags: Chinese check boxes, each with a one-line explanation
    flags = doc.find("label", class_="flag")
    assert len(flags) == len(cf.labels()["flags"]) and all(f.find("span", class_="hint")[0].text() for f in flags)


def test_a_persons_letter_masks_the_id_number(client: TestClient) -> None:
    nurse = json.loads((EXAMPLES / "06_beijing_frontline_nurse.json").read_text(encoding="utf-8"))["case"]
    nurse["person"]["name"] = "张三"
    r = client.post("/calculate/letter.pdf", data={"case_json": json.dumps(nurse, ensure_ascii=False)})
    assert r.status_code == 200
    text = pdf_text(r.content)
    assert "张三" in text and "110105198001011238" not in text and "1238" in text
    assert "北京市朝阳区" in text and "4,000.00元" in text
