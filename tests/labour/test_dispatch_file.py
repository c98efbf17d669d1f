"""The real-name report check (劳务派遣实名动态管理 5 项信息): bad files give one clear error,
bad rows give an error per row and field, good rows are kept."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook

from renshe.services.dispatch import ReportFileError, check_file
from tests.labour.conftest import GOOD, HEADER, csv_bytes


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_good_file_with_and_without_bom() -> None:
    for bom in (False, True):
        r = check_file(csv_bytes(*GOOD, bom=bom))
        assert r.summary() == {"accepted": 3, "rejected": []}


def test_trimming_and_lower_case_x() -> None:
    # a valid id whose check character is X, written with a lower-case x
    from renshe.domain.identifiers import id_check_char

    body = next(f"11010519900101{n:03d}" for n in range(1000) if id_check_char(f"11010519900101{n:03d}") == "X")
    r = check_file(csv_bytes(f"  张三 , {body}x ,13912345678 , 示例公司 , 91110108MA01GGGG2x "))
    assert r.summary() == {"accepted": 1, "rejected": []}
    assert r.accepted[0]["劳动者身份证号"] == body + "X"
    assert r.accepted[0]["用人单位统一社会信用代码"] == "91110108MA01GGGG2X"
    assert r.accepted[0]["劳动者姓名"] == "张三"


BROKEN = [
    ("劳动者姓名", ",110105198001011238,13912345678,甲公司,91110108MA01C7LM3W", "必填"),
    ("劳动者身份证号", "张三,110105198001011239,13912345678,甲公司,91110108MA01C7LM3W", "校验码"),
    ("劳动者身份证号", "张三,11010519800101123,13912345678,甲公司,91110108MA01C7LM3W", "18 位"),
    ("劳动者身份证号", "张三,110105198013011238,13912345678,甲公司,91110108MA01C7LM3W", "出生日期"),
    ("劳动者身份证号", "张三,11010519800A011238,13912345678,甲公司,91110108MA01C7LM3W", "数字"),
    ("劳动者手机号", "张三,110105198001011238,12912345678,甲公司,91110108MA01C7LM3W", "手机号"),
    ("劳动者手机号", "张三,110105198001011238,+8613912345678,甲公司,91110108MA01C7LM3W", "手机号"),
    ("用人单位名称", "张三,110105198001011238,13912345678,,91110108MA01C7LM3W", "必填"),
    ("用人单位统一社会信用代码", "张三,110105198001011238,13912345678,甲公司,91110108MA01C7LM3X", "校验码"),
    ("用人单位统一社会信用代码", "张三,110105198001011238,13912345678,甲公司,91110108MA01C7LM3", "18 位"),
    ("用人单位统一社会信用代码", "张三,110105198001011238,13912345678,甲公司,91110108MA01C7LMOW", "不使用"),
    ("用人单位统一社会信用代码", "张三,110105198001011238,13912345678,甲公司,91110108MA01C7LM3w", "大写"),
]


@pytest.mark.parametrize(("field", "row", "says"), BROKEN)
def test_every_field_broken_in_turn(field: str, row: str, says: str) -> None:
    r = check_file(csv_bytes(GOOD[0], row, GOOD[1]))
    assert r.summary()["accepted"] == 2
    assert [(x["row"], x["field"]) for x in r.rejected] == [(2, field)]
    assert says in r.rejected[0]["problem"]


def test_all_problems_of_a_row_are_listed() -> None:
    r = check_file(csv_bytes("张三,1,2,甲公司,3"))
    assert [x["field"] for x in r.rejected] == ["劳动者身份证号", "劳动者手机号", "用人单位统一社会信用代码"]


def test_duplicate_row_rejected_first_kept() -> None:
    r = check_file(csv_bytes(GOOD[0], GOOD[1], " " + GOOD[0]))
    assert r.summary()["accepted"] == 2
    assert r.rejected == [{"row": 3, "field": "劳动者身份证号", "problem": "与第 1 行完全相同，重复的行不予接收"}]


def test_empty_rows_are_skipped_but_counted() -> None:
    r = check_file(csv_bytes(GOOD[0], "", ",,,,", "张三,1,13912345678,甲公司,91110108MA01C7LM3W"))
    assert r.empty_rows == [2, 3]
    assert r.summary()["accepted"] == 1
    assert {x["row"] for x in r.rejected} == {4}


def test_columns_in_any_order_and_extra_columns_ignored() -> None:
    header = "备注,用人单位统一社会信用代码,用人单位名称,劳动者手机号,劳动者身份证号,劳动者姓名"
    r = check_file(csv_bytes("x,91110108MA01C7LM3W,甲公司,13912345678,110105198001011238,张三", header=header))
    assert r.summary() == {"accepted": 1, "rejected": []}


def test_missing_column_is_one_error() -> None:
    with pytest.raises(ReportFileError) as err:
        check_file(csv_bytes(GOOD[0], header=HEADER.replace("劳动者手机号", "手机")))
    assert "缺少列：劳动者手机号" in err.value.message


def test_gbk_is_detected_and_named() -> None:
    with pytest.raises(ReportFileError) as err:
        check_file(("\n".join([HEADER, GOOD[0]]) + "\n").encode("gbk"))
    assert "GBK" in err.value.message and "UTF-8" in err.value.message


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02\xff\xfe\x00garbage", b"PK\x03\x04not really a zip"])
def test_unreadable_files(data: bytes) -> None:
    with pytest.raises(ReportFileError):
        check_file(data, "r.xlsx" if data.startswith(b"PK") else "r.csv")


def test_xlsx_with_numeric_cells() -> None:
    data = xlsx_bytes(
        [
            HEADER.split(","),
            ["张三", "110105198001011238", 13912345678, "甲公司", "91110108MA01C7LM3W"],
            [None, None, None, None, None],
            ["李四", 110105198001011238.0, "139", "乙公司", "91110108MA01C7LM3W"],
        ]
    )
    r = check_file(data, "report.xlsx")
    assert r.summary()["accepted"] == 1
    assert {x["row"] for x in r.rejected} == {3}
    assert {x["field"] for x in r.rejected} >= {"劳动者手机号"}


def test_cli_json_and_exit_codes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from renshe.cli import app

    good = tmp_path / "r.csv"
    good.write_bytes(csv_bytes(GOOD[0], "张三,1,13912345678,甲公司,91110108MA01C7LM3W"))
    out = CliRunner().invoke(app, ["dispatch", "check", str(good), "--json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body == {
        "accepted": 1,
        "rejected": [{"row": 2, "field": "劳动者身份证号", "problem": body["rejected"][0]["problem"]}],
    }
    bad = tmp_path / "bad.csv"
    bad.write_bytes(("\n".join([HEADER, GOOD[0]])).encode("gbk"))
    out = CliRunner().invoke(app, ["dispatch", "check", str(bad), "--json"])
    assert out.exit_code == 2 and "GBK" in out.stderr
    out = CliRunner().invoke(app, ["dispatch", "check", str(tmp_path / "none.csv")])
    assert out.exit_code == 2 and "不存在" in out.stderr
    missing = tmp_path / "m.csv"
    missing.write_bytes(csv_bytes(header="劳动者姓名,劳动者身份证号"))
    out = CliRunner().invoke(app, ["dispatch", "check", str(missing)])
    assert out.exit_code == 2 and "缺少列" in out.stderr
