"""Text a person can have saved (可保存的文字): no invisible control characters.

PostgreSQL's text cannot hold NUL (U+0000) at all, and the other C0 control characters are
invisible on every page, letter and export; only tab, newline and carriage return belong in
typed text. One rule for every face: the API's bodies (``http.deps.Strict``), the web forms and
query strings (``http.text_gate``) and the sign-in names (``services.users``)."""

from __future__ import annotations

import re

#: characters no user name holds: every C0 control character (tab and newline too) and DEL
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
#: characters no saved text holds: the C0 controls but tab (\t), newline (\n), carriage return (\r)
UNSAVEABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def control_problem(label: str, value: str) -> str | None:
    """The Chinese sentence naming ``label`` when ``value`` holds a control character
    that cannot be saved, else None."""
    found = UNSAVEABLE.search(value)
    if found is None:
        return None
    return (
        f"{label}含有不可见的控制字符（U+{ord(found.group()):04X}，第 {found.start() + 1} 个字符），"
        "无法保存；请删除后重新提交"
    )
