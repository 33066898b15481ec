"""Who may read how a copy is being worked out at its organisation: the ý kiến chỉ đạo, the
chủ trì, the phối hợp parts with their contributions, the people để biết and the progress
notes (design §15.1). The receiving organisation's people read it, and so does anyone named in
it; the issuer side follows the copy by its own fields (handler, deadline, report) and never
reads this. The API's ``handling`` and the document page's own copies both ask here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from orgchart.selectors import Grants

from ..handling import HandlerRole, ProgressNote, ReceiptHandler
from ..models import Receipt

#: What ``handling_of`` reads; a list of copies prefetches it once (``prefetch_handling``).
HANDLING_PREFETCH = ("handlers__user", "progress_notes__author")


@dataclass(frozen=True)
class Handling:
    instruction: str
    lead: list[ReceiptHandler]
    coordinators: list[ReceiptHandler]
    informed: list[ReceiptHandler]
    progress: list[ProgressNote]


def prefetch_handling(receipts: Iterable[Receipt]) -> None:
    prefetch_related_objects(list(receipts), *HANDLING_PREFETCH)


def handling_of(receipt: Receipt, *, user, grants: Grants) -> Handling | None:
    """The copy's handling as ``user`` may read it; None when nobody is assigned yet or the
    person stands outside it. Reads the prefetched rows: no query for a prefetched copy."""
    handlers = list(receipt.handlers.all())
    if not handlers:
        return None
    inside = receipt.organization_id in grants.member_of or any(
        h.user_id == user.pk for h in handlers
    )
    if not inside:
        return None
    return Handling(
        instruction=receipt.instruction,
        lead=[h for h in handlers if h.role == HandlerRole.LEAD],
        coordinators=[h for h in handlers if h.role == HandlerRole.COORDINATE],
        informed=[h for h in handlers if h.role == HandlerRole.INFORM],
        progress=list(receipt.progress_notes.all()),
    )
