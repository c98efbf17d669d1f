"""Passwords (argon2), API tokens and masking of personal data (脱敏)."""

from __future__ import annotations

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

#: roles that see identity numbers, phones and bank accounts in full
UNMASKED_ROLES = frozenset({"caseworker"})


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> tuple[str, str]:
    """(token to give the user, its SHA-256 to store)."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def mask_id_number(value: str | None) -> str | None:
    """110105198001011238 → 110105********1238."""
    if not value:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    """13812345678 → 138****5678."""
    if not value:
        return value
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)


def mask_account(value: str | None) -> str | None:
    """Bank account: only the last four digits shown."""
    if not value:
        return value
    return "*" * max(0, len(value) - 4) + value[-4:]


_ID_RE = re.compile(r"\b(\d{6})\d{8}(\d{3}[\dXx])\b")
_PHONE_RE = re.compile(r"\b(1[3-9]\d)\d{4}(\d{4})\b")


def mask_text(text: str) -> str:
    """Mask any resident ID or mobile number inside free text (for logs)."""
    text = _ID_RE.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)
