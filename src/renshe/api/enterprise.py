"""The signed-in enterprise's own data over HTTP (本单位信息): its calculator case from the
bureau's registry and what the last batch granted it (免申即享结果), for the calculator
form to fill itself. Thin: services/prefill.py does the work."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from renshe.http.deps import require
from renshe.services import prefill
from renshe.services.errors import ServiceError
from renshe.services.users import User

router = APIRouter(prefix="/api/v1/me", tags=["本单位"])


def _uscc(user: User) -> str:
    if not user.uscc:
        raise ServiceError("当前账号未登记统一社会信用代码")
    return user.uscc


@router.get("/case")
def my_case(as_of: str | None = None, user: User = Depends(require("enterprise"))) -> dict[str, Any]:
    """The unit's calculator case as the registry knows it (测算日: ``as_of``, else the last batch's)."""
    uscc = _uscc(user)
    return prefill.case_for(uscc, as_of=as_of or prefill.granted(uscc)["as_of"])


@router.get("/granted")
def my_granted(user: User = Depends(require("enterprise"))) -> dict[str, Any]:
    """免申即享结果: the last batch's results for the unit, by money flow (never added across flows)."""
    return prefill.granted(_uscc(user))
