"""Passwords (argon2), API tokens and masking of personal data (脱敏)."""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import cache
from importlib import resources

import yaml
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


@cache
def _dummy_hash() -> str:
    """An argon2 hash of a random secret, made with the same parameters as every real hash."""
    return _hasher.hash(secrets.token_urlsafe(32))


def verify_password_or_dummy(password_hash: str | None, password: str) -> bool:
    """Verify against the user's hash, or against a dummy hash when there is no such user,
    so both paths cost one argon2 verification and the time taken does not tell whether a
    user name exists."""
    if password_hash is None:
        verify_password(_dummy_hash(), password)
        return False
    return verify_password(password_hash, password)


#: shortest password accepted (NIST SP 800-63B asks for at least 8; 12 because the desk
#: moves money and there is no second factor)
PASSWORD_MIN_LENGTH = 12
#: project-specific words that make a password guessable (the project and bureau names)
_GUESSABLE_WORDS = ("renshe", "人社", "rensheju", "shebao", "社保")
_AFFIX = re.compile(r"^[\d\W_]+|[\d\W_]+$")


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("renshe.services").joinpath("common_passwords.yaml").read_text(encoding="utf-8")
    return frozenset(str(p).lower() for p in yaml.safe_load(text)["passwords"])


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with a new password (empty when it is acceptable), in Chinese."""
    problems = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append(f"密码：至少需要 {PASSWORD_MIN_LENGTH} 个字符，实际为 {len(password)} 个")
    lower = password.lower()
    core = _AFFIX.sub("", lower)
    if lower in _common_passwords() or core in _common_passwords() or len(set(lower)) <= 2:
        problems.append("密码：属于常见或已泄露的密码（或仅在其前后加了数字、符号），请换一个不易猜到的密码")
    if username and username.lower() in lower:
        problems.append(f"密码：不能包含用户名 {username}")
    word = next((w for w in _GUESSABLE_WORDS if w in lower), None)
    if word:
        problems.append(f"密码：不能包含易猜词“{word}”（系统或单位名称）")
    return problems


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


#: a resident ID number (居民身份证号码): 17 digits and a check digit or X, not part of a longer code
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
#: a bank account (银行账号): 12 to 19 digits (the lengths of Chinese bank card and account numbers),
#: standing alone (an application number such as SQ202003020001 is not one)
_ACCOUNT = re.compile(r"(?<![0-9A-Za-z])\d{12,19}(?![0-9A-Za-z])")
#: a mobile phone number: 11 digits starting with 1
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1\d{10}(?![0-9A-Za-z])")


def mask_personal_data(text: str) -> str:
    """``text`` with every ID number, bank account and mobile phone masked by the same functions
    the services use for their views (ID first: an 18-digit ID is also 12–19 digits)."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group()) or "", text)
    text = _ACCOUNT.sub(lambda m: mask_account(m.group()) or "", text)
    return _MOBILE.sub(lambda m: mask_phone(m.group()) or "", text)
