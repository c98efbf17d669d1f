"""The text a PDF shows, read through its fonts' ToUnicode maps (for the letter tests).

pypdf reads the file (pages, streams, fonts); the text of fpdf2's CID-keyed fonts is
decoded here, two bytes per glyph through each font's ToUnicode map, because pypdf's own
extraction mis-reads fpdf2's embedded encoding CMap (a NUL between characters, and some
characters of a large subset wrong)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)", re.DOTALL)
_FONT = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf")
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _literal(raw: bytes) -> bytes:
    out, i = bytearray(), 1
    while i < len(raw) - 1:
        c = raw[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        if nxt in _ESCAPES:
            out += _ESCAPES[nxt]
            i += 2
        elif nxt.isdigit():
            digits = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            assert digits is not None
            out.append(int(digits.group(), 8))
            i += 1 + len(digits.group())
        else:  # a backslash before a line end: the string continues
            i += 2
    return bytes(out)


def _unicode_map(font: object) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")  # type: ignore[index]
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for a, b in re.findall(r"<([0-9A-Fa-f]+)>[ \t]*<([0-9A-Fa-f]+)>", block):
            out[int(a, 16)] = bytes.fromhex(b).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for a, b, c in re.findall(r"<([0-9A-Fa-f]+)>[ \t]*<([0-9A-Fa-f]+)>[ \t]*<([0-9A-Fa-f]+)>", block):
            for n in range(int(a, 16), int(b, 16) + 1):
                out[n] = chr(int(c, 16) + n - int(a, 16))
    return out


def pdf_text(data: bytes) -> str:
    """Every page's text, in the order drawn, without spaces or line breaks."""
    reader = PdfReader(io.BytesIO(data))
    text = []
    for page in reader.pages:
        fonts = {name.lstrip("/"): _unicode_map(f.get_object()) for name, f in page["/Resources"]["/Font"].items()}
        content = page.get_contents().get_data()  # type: ignore[union-attr]
        current: dict[int, str] = {}
        tokens = sorted(
            [(m.start(), "font", m) for m in _FONT.finditer(content)]
            + [(m.start(), "text", m) for m in _STRING.finditer(content)],
            key=lambda t: t[0],
        )
        for _, kind, m in tokens:
            if kind == "font":
                current = fonts.get(m.group(1).decode(), {})
                continue
            raw = _literal(m.group())
            text.extend(current.get(int.from_bytes(raw[i : i + 2], "big"), "") for i in range(0, len(raw) - 1, 2))
    return re.sub(r"\s+", "", "".join(text))
