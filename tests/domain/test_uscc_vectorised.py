"""The vectorised USCC check (batch staging, demo registry) agrees with the scalar one."""

from __future__ import annotations

import random

import numpy as np
import polars as pl

from renshe.domain.identifiers import is_valid_uscc, uscc_check_char, uscc_check_chars, uscc_valid_expr

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def codes(n: int, seed: int) -> list[str | None]:
    rng = random.Random(seed)
    out: list[str | None] = [None, "", "91110108MA01C7LM3W", "91110108ma01c7lm3w", "9111010８MA01C7LM3W"]
    for _ in range(n):
        body = "91" + "".join(rng.choice(ALPHABET) for _ in range(15))
        code = body + uscc_check_char(body)
        kind = rng.randrange(6)
        if kind == 1:  # another check character
            code = body + rng.choice(ALPHABET)
        elif kind == 2:  # a letter outside the alphabet
            i = rng.randrange(17)
            code = code[:i] + rng.choice("IOSVZ") + code[i + 1 :]
        elif kind == 3:  # too short or too long
            code = code[:-1] if rng.random() < 0.5 else code + "0"
        elif kind == 4:  # a non-ASCII character (same length in characters, more bytes)
            code = code[:5] + "中" + code[6:]
        out.append(code)
    return out


def test_vectorised_check_equals_the_scalar_one() -> None:
    sample = codes(3000, seed=7)
    got = pl.Series("uscc", sample, dtype=pl.String).to_frame().select(uscc_valid_expr(pl.col("uscc"))).to_series()
    assert got.to_list() == [bool(c) and is_valid_uscc(c) for c in sample]
    assert 0 < sum(got) < len(sample)


def test_check_characters_from_values() -> None:
    bodies = [c[:17] for c in codes(200, seed=3)[5:] if c and len(c) >= 17 and all(ch in ALPHABET for ch in c[:17])]
    values = np.array([[ALPHABET.index(ch) for ch in b] for b in bodies], dtype=np.int64)
    assert [chr(x) for x in uscc_check_chars(values)] == [uscc_check_char(b) for b in bodies]
