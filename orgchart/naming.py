"""How a person's name is written: family name first, in Vietnamese order ("Trịnh Quang Huy").
One rule for the API, the signature block and the certificate of the person's signature."""

from __future__ import annotations


def full_name(user) -> str:
    """Family name first, as the API has always given it; the username when there is none."""
    return " ".join(p for p in (user.last_name, user.first_name) if p) or user.username
