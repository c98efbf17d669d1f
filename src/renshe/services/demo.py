"""Demo data (演示数据): a user for every role and a few applications, so a new user
can walk the whole service desk after `make run`."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from renshe.services import applications
from renshe.services.users import create_user
from renshe.store.models import User

DEMO_PASSWORD = "renshe-demo-2020"
DEMO_USERS: list[dict[str, Any]] = [
    {
        "username": "qiye",
        "role": "enterprise",
        "display_name": "北京示例科技有限公司",
        "uscc": "91110108MA01C7LM3W",
        "phone": "13800001234",
    },
    {
        "username": "xinmi_qiye",
        "role": "enterprise",
        "display_name": "新密示例商贸有限公司",
        "uscc": "91410183MA45CCCC35",
    },
    {
        "username": "jigou",
        "role": "agency",
        "display_name": "北京示例人力资源服务有限公司",
        "uscc": "91110105MA00DDDD45",
    },
    {
        "username": "geren",
        "role": "person",
        "display_name": "张三",
        "id_number": "110105198001011238",
        "phone": "13912345678",
    },
    {"username": "jingban", "role": "caseworker", "display_name": "北京市人社局经办人员", "region": "110000"},
    # a district caseworker: sees its own district only (朝阳's, chaoyang_jingban, is in labour_demo)
    {"username": "haidian_jingban", "role": "caseworker", "display_name": "海淀区人社局经办人员", "region": "110108"},
    {"username": "xinmi_jingban", "role": "caseworker", "display_name": "新密市人社局经办人员", "region": "410183"},
    # finance (财务), one per demo area: disburses what the area's caseworkers approved (maker–checker)
    {"username": "caiwu", "role": "finance", "display_name": "北京市人社局财务人员", "region": "110000"},
    {"username": "xinmi_caiwu", "role": "finance", "display_name": "新密市人社局财务人员", "region": "410183"},
    {"username": "shenji", "role": "auditor", "display_name": "审计人员"},
    {"username": "admin", "role": "admin", "display_name": "系统管理员"},
]


def _example(name: str) -> dict[str, Any]:
    text = resources.files("renshe.web").joinpath("demo_cases", f"{name}.json").read_text(encoding="utf-8")
    return dict(json.loads(text)["case"])


def seed_registry(s: Session) -> None:
    """The demo units' registrations as the bureau holds them (services/demo_registry.yaml)."""
    from renshe.services import registry_records

    text = resources.files("renshe.services").joinpath("demo_registry.yaml").read_text(encoding="utf-8")
    for entry in yaml.safe_load(text)["units"]:
        unit = dict(_example(entry["case"])["enterprise"])
        for key, value in entry["changes"].items():
            unit[key] = {**unit[key], **value} if isinstance(value, dict) else value
        registry_records.register(
            s,
            unit,
            account_name=entry["account_name"],
            bank_name=entry["bank_name"],
            bank_account=entry["bank_account"],
        )


def seed(s: Session) -> bool:
    """Create the demo users and applications once; False when already there."""
    if s.execute(select(User).where(User.username == "qiye")).scalar_one_or_none():
        return False
    users = {u["username"]: create_user(s, password=DEMO_PASSWORD, **u) for u in DEMO_USERS}
    applications.submit(
        s,
        users["qiye"],
        "beijing.one_time_si_subsidy_2020",
        _example("01_beijing_medium_software"),
        "demo-1",
        commitment=True,
        bank_account="6222020200012345678",
    )
    applications.submit(
        s,
        users["xinmi_qiye"],
        "xinmi.stable_job_refund_2020",
        _example("04_xinmi_small_retailer"),
        "demo-2",
        missing_items=["2019年12月失业保险缴费明细"],
        bank_account="6222020200087654321",
    )
    seed_registry(s)  # the bureau's unit registrations (数据比对, 户名、开户行)
    __import__("renshe.services.targets.demo", fromlist=["seed_targets"]).seed_targets(s)  # targets: demo progress
    __import__("renshe.services.labour_demo", fromlist=["seed_labour"]).seed_labour(s, DEMO_PASSWORD)  # labour market
    __import__("renshe.services.programmes_demo", fromlist=["seed_programmes"]).seed_programmes(s)  # online training
    return True
