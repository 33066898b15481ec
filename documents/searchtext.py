"""The folded text search reads (``selectors.search``), composed in one place for a document
and for a document that came from outside, so the screens, the API, the data migration and
``manage.py reindex_search`` agree on what is searchable.

Two columns per row: ``title_text`` (type, trích yếu, số, ký hiệu, issuer or sender), which
ranks a result, and ``search_text`` (the same followed by the body and the attachments' text),
which finds it. Both are folded in Python, so a plain LIKE (SQLite) or a trigram index
(PostgreSQL) compares unaccented lower-case words on either database."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

#: At most this much of one attachment's text is kept (``extraction.extract``), and of a
#: whole row's: a document with many long files is found by their beginnings.
MAX_FILE_CHARS = 100_000
MAX_TEXT_CHARS = 200_000


def fold(text: str) -> str:
    """Lower-case text without Vietnamese diacritics, so ``ke hoach`` finds ``Kế hoạch`` with a
    plain LIKE on any database (SQLite has no unaccent)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def compose(head: Iterable[str], body: str, files: Iterable[str]) -> tuple[str, str]:
    """``(title_text, search_text)``. The file texts are folded already (as stored on each
    attachment)."""
    title_text = fold(" ".join(part for part in head if part))
    parts = [title_text, fold(" ".join(body.split()))]
    total = sum(len(p) for p in parts)
    for text in files:
        if total >= MAX_TEXT_CHARS:
            break
        parts.append(text[: MAX_TEXT_CHARS - total])
        total += len(parts[-1])
    return title_text, "\n".join(p for p in parts if p)[:MAX_TEXT_CHARS]
