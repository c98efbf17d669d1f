"""docs/screenshots.md: every image it links is in docs/ (a PNG, small enough to keep in
git), every screenshot the script takes is linked, and the README links the page."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "screenshots.md"
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")
#: a screenshot kept in git stays under this size
MAX_BYTES = 300 * 1024


def _linked() -> list[str]:
    return IMAGE.findall(DOC.read_text(encoding="utf-8"))


def test_every_linked_image_exists_and_is_a_small_png() -> None:
    linked = _linked()
    assert len(linked) >= 7
    for link in linked:
        path = DOC.parent / link
        assert path.is_file(), f"{link} is linked but missing"
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), f"{link} is not a PNG"
        assert len(data) < MAX_BYTES, f"{link}: {len(data)} bytes"


def test_every_screenshot_of_the_script_is_linked_and_the_readme_links_the_page() -> None:
    script = (ROOT / "scripts" / "screenshots.py").read_text(encoding="utf-8")
    taken = set(re.findall(r'"([\w-]+\.png)"', script))
    assert taken and {Path(link).name for link in _linked()} == taken
    assert "(docs/screenshots.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
