"""Page tests (网页) of the labour services at the TestClient level: a fresh demo database
per module (tests/desk fixtures), sign-in by bearer token (the pages read it like the
cookie), and a small HTML reader to look at one element, its text and its form values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.desk.conftest import client, database, login  # noqa: F401  (fixtures)

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return re.sub(r"\s+", " ", " ".join(parts)).strip()

    def walk(self):  # type: ignore[no-untyped-def]
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.walk()

    def find(self, tag: str | None = None, **attrs: str) -> list[Node]:
        return [
            n
            for n in self.walk()
            if (tag is None or n.tag == tag)
            and all(n.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def by_id(self, ident: str) -> Node:
        found = [n for n in self.walk() if n.attrs.get("id") == ident]
        assert found, f"no element #{ident}"
        return found[0]

    def has_id(self, ident: str) -> bool:
        return any(n.attrs.get("id") == ident for n in self.walk())

    def value(self, name: str) -> str:
        """The value a form field would submit (input value, textarea text, selected option)."""
        for n in self.walk():
            if n.attrs.get("name") != name:
                continue
            if n.tag == "textarea":
                return "".join(c for c in n.children if isinstance(c, str))
            if n.tag == "select":
                chosen = [o for o in n.find("option") if "selected" in o.attrs] or n.find("option")[:1]
                return chosen[0].attrs.get("value", chosen[0].text()) if chosen else ""
            if n.attrs.get("type") in ("radio", "checkbox") and "checked" not in n.attrs:
                continue
            return n.attrs.get("value", "")
        raise AssertionError(f"no form field {name}")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def html(response: httpx.Response) -> Node:
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    reader = _Reader()
    reader.feed(response.text)
    return reader.root


@pytest.fixture(scope="module")
def who(client: TestClient) -> dict[str, dict[str, str]]:
    names = (
        "jingban",
        "chaoyang_jingban",
        "xinmi_jingban",
        "yongzhou_jingban",
        "shenji",
        "admin",
        "qiye",
        "jigou",
        "geren",
    )
    return {u: login(client, u) for u in names}


def redirected_to_login(client: TestClient, path: str) -> str:
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303, r.status_code
    return r.headers["location"]
