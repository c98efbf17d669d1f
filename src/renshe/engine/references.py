"""Citations (出处): every rule and every parameter names the document, the
article and the sentence it comes from."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


class MissingReference(ValueError):
    """A rule or parameter was declared without doc_no, article or quote."""


@dataclass(frozen=True)
class Reference:
    """A citation: document number exactly as printed (with 〔〕), article, quote.

    ``source`` names where a value not printed in the seed documents comes from
    (a public fact: a minimum-wage notice, a national standard)."""

    doc_no: str
    article: str
    quote: str
    title: str | None = None
    source: str | None = None

    @classmethod
    def from_mapping(cls, data: Any, where: str, defaults: dict[str, Any] | None = None) -> Reference:
        """``defaults`` are the host document's (doc_no, title…). A citation of another
        document (its own ``doc_no``) never takes the host's title: it carries its own
        ``title:`` or none."""
        merged = dict(defaults or {})
        if isinstance(data, dict):
            given = {k: v for k, v in data.items() if v is not None}
            if "doc_no" in given and str(given["doc_no"]).strip() != str(merged.get("doc_no") or "").strip():
                merged.pop("title", None)
            merged.update(given)
        missing = [k for k in ("doc_no", "article", "quote") if not str(merged.get(k) or "").strip()]
        if missing:
            raise MissingReference(f"{where}: reference lacks {', '.join(missing)}")
        return cls(
            doc_no=str(merged["doc_no"]).strip(),
            article=str(merged["article"]).strip(),
            quote=" ".join(str(merged["quote"]).split()),
            title=merged.get("title"),
            source=merged.get("source"),
        )

    def brief(self) -> dict[str, str]:
        """The short form printed with results: doc_no and article."""
        return {"doc_no": self.doc_no, "article": self.article}

    def full(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v is not None}
