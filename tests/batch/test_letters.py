"""政策告知书 in bulk (``renshe letters``): one PDF per unit from a finished batch over a
small demo registry, each naming its unit and listing its money by flow apart; bad
arguments get a clear Chinese message and nothing is written."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polars as pl
import pytest

from renshe.batch.demo import make_registry
from tests.conftest import RENSHE
from tests.web.pdf_text import pdf_text

AS_OF = "2020-06-30"


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("letters")
    make_registry(300, 1, root / "reg")
    proc = subprocess.run(
        [str(RENSHE), "batch", str(root / "reg"), "--as-of", AS_OF, "--out", str(root / "out"), "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return root / "out"


def _letters(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RENSHE), "letters", *args], capture_output=True, text=True, timeout=600, check=False)


def _listed(out: Path, folder: str) -> pl.DataFrame:
    return pl.concat(
        [pl.read_csv(f, infer_schema=False).select("uscc", "name") for f in (out / folder).glob("*.csv")]
    ).unique()


def test_letters_of_eligible_units_name_the_unit_and_keep_flows_apart(batch_out: Path, tmp_path: Path) -> None:
    proc = _letters(str(batch_out), "--out", str(tmp_path / "letters"), "--limit", "2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "告知书 2/2" in proc.stderr  # the progress line
    paid = _listed(batch_out, "payments")
    names = dict(paid.iter_rows())
    written = sorted(p.stem for p in (tmp_path / "letters").glob("*.pdf"))
    assert len(written) == 2
    eligible = (
        set(_listed(batch_out, "payments")["uscc"])
        | set(_listed(batch_out, "eligible")["uscc"])
        | set(_listed(batch_out, "reductions")["uscc"])
        | set(_listed(batch_out, "deferrals")["uscc"])
    )
    assert set(written) <= eligible
    for uscc in written:
        text = pdf_text((tmp_path / "letters" / f"{uscc}.pdf").read_bytes())
        assert text.startswith("政策告知书")
        assert uscc in text
        if uscc in names:
            assert names[uscc] in text
        assert "测算日期：2020年6月30日" in text
        # the money section: each flow on its own line, never one grand total
        money = text[text.index("一、可享受的资金") : text.index("二、可享受的政策")]
        assert "现金拨付：" in money and "减免：" in money and "缓缴：" in money
        assert "合计" not in money and "总计" not in money


def test_a_named_unit_gets_its_letter_with_its_cash(batch_out: Path, tmp_path: Path) -> None:
    paid = pl.concat([pl.read_csv(f, infer_schema=False) for f in (batch_out / "payments").glob("*.csv")])
    uscc = max(paid["uscc"].unique().to_list())
    mine = paid.filter(pl.col("uscc") == uscc)
    cash = round(sum(float(a) for a in mine["amount"]), 2)
    proc = _letters(str(batch_out), "--out", str(tmp_path / "one"), "--units", uscc)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert [p.name for p in (tmp_path / "one").iterdir()] == [f"{uscc}.pdf"]
    text = pdf_text((tmp_path / "one" / f"{uscc}.pdf").read_bytes())
    assert mine["name"][0] in text
    assert f"现金拨付：{cash:,.2f}元" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--units", "12345"], "--units 中的统一社会信用代码格式有误：12345"),
        (["--units", "91110101000000009Y"], "批量测算结果中没有这些单位：91110101000000009Y"),
        (["--limit", "0"], "--limit 须为正整数"),
    ],
)
def test_bad_arguments_are_refused_with_a_chinese_message(
    batch_out: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    proc = _letters(str(batch_out), "--out", str(tmp_path / "none"), *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not (tmp_path / "none").exists()


def test_a_folder_that_is_not_a_batch_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = _letters(str(tmp_path / "empty"), "--out", str(tmp_path / "none"))
    assert proc.returncode == 2
    assert "不是完成的批量测算结果目录" in proc.stderr
    missing = _letters(str(tmp_path / "nowhere"), "--out", str(tmp_path / "none"))
    assert missing.returncode == 2 and "批量测算结果目录不存在" in missing.stderr
    assert not (tmp_path / "none").exists()
