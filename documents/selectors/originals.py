"""What verification finds in a stored original, as the document page shows it."""

from __future__ import annotations

from django.core.cache import cache

from ..originals import SignedPdf
from ..signing import Verification, verify_pdf

#: Verification results, kept per file hash: the file under a hash never changes.
CHECK_SECONDS = 3600


def checked(row: SignedPdf) -> Verification:
    """What verification finds in a stored original now (``signing.verify_pdf``), kept a
    while per hash; the page shows it beside the PDF."""
    key = f"vb-original-check:{row.sha256}"
    found = cache.get(key)
    if found is None:
        found = verify_pdf(row.read())
        cache.set(key, found, CHECK_SECONDS)
    return found
