"""The bureau's own records the service desk reads: the unit registration (单位参保登记)
that 数据比对 compares an application with, and that names the payee (户名、开户行) in
the bank file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from renshe.store.models import Base


class RegisteredUnit(Base):
    """单位参保登记: what the bureau holds on an insured unit (the batch registry's
    ``units``, ``insured`` and ``contributions`` of one unit) and its registered account."""

    __tablename__ = "registered_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    region: Mapped[str] = mapped_column(String(6))
    unit_type: Mapped[str | None] = mapped_column(String(32))
    industry: Mapped[str | None] = mapped_column(String(8))
    employees: Mapped[int | None] = mapped_column(Integer)
    insured: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # month → insured headcount
    contributions: Mapped[list[Any]] = mapped_column(JSON, default=list)  # the case format's rows
    account_name: Mapped[str | None] = mapped_column(String(128))  # 户名
    bank_name: Mapped[str | None] = mapped_column(String(128))  # 开户行
    bank_account: Mapped[str | None] = mapped_column(String(34))
    updated_on: Mapped[dt.date] = mapped_column(Date)
