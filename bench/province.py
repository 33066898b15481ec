"""The generated province's name and shape, importable without Django.

``bench/generate.py`` writes a province into a database of its own, named from the number of
documents it holds (``vanban_province_1m`` at scale 1.0, ``vanban_province_1k`` at 0.001), on
the server ``DATABASE_URL`` points at; ``bench/pages.py`` finds it again by the same name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

PREFIX = "vanban_province_"
#: Scale 1.0: five years of a province's MTTQ system (issue 14).
DOCUMENTS_AT_ONE = 1_000_000
PEOPLE_AT_ONE = 200_000
COMMITTEES_AT_ONE = 30
WARDS_PER_COMMITTEE_AT_ONE = 15
YEARS = 5


def documents_for(scale: float) -> int:
    if not scale > 0:
        raise ValueError("the scale must be positive")
    return max(1, round(DOCUMENTS_AT_ONE * scale))


def tag(documents: int) -> str:
    """``1k``, ``20k``, ``1m``, ``1.5m``; below a thousand the plain number."""
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if documents >= size:
            value = documents / size
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))
            return text.replace(".", "_") + suffix
    return str(documents)


def database_name(scale: float) -> str:
    return PREFIX + tag(documents_for(scale))


def is_province_name(name: str) -> bool:
    rest = name[len(PREFIX) :] if name.startswith(PREFIX) else ""
    return bool(rest) and all(c.isalnum() or c == "_" for c in rest) and len(name) <= 63


def database_url(scale: float, base_url: str, name: str | None = None) -> str:
    """``base_url`` (a ``postgres://`` URL, as ``DATABASE_URL``) with its database replaced by
    the province's; user, password, host, port and query stay."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        raise ValueError("the province lives on PostgreSQL: DATABASE_URL must be postgres://…")
    return urlunsplit(parts._replace(path="/" + (name or database_name(scale))))


@dataclass(frozen=True)
class Shape:
    """How many of each the generator makes at a scale. The org chart grows sub-linearly (a
    thousandth of the documents still needs committees, wards and their clerks); documents
    and people linearly."""

    scale: float
    documents: int
    committees: int
    wards_per_committee: int
    people: int

    @classmethod
    def at(cls, scale: float) -> Shape:
        documents = documents_for(scale)
        committees = min(COMMITTEES_AT_ONE, max(1, round(COMMITTEES_AT_ONE * math.sqrt(scale))))
        wards = min(WARDS_PER_COMMITTEE_AT_ONE, max(3, round(15 * scale**0.25)))
        return cls(
            scale=scale,
            documents=documents,
            committees=committees,
            wards_per_committee=wards,
            people=max(1, round(PEOPLE_AT_ONE * scale)),
        )
