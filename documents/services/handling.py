"""The handling of an assigned receipt before its final report: progress notes (cập nhật
tiến độ) from the chủ trì and phối hợp handlers, and each phối hợp handler's contribution,
which closes that handler's own task. Neither moves the receipt: the chủ trì's report does."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..errors import Conflict
from ..handling import HandlerRole, ProgressNote, ReceiptHandler
from ..models import Receipt
from ..selectors import authorize
from .core import _lock_receipt, _require_text, step_transaction


def post_progress(*, actor, receipt: Receipt | int, note: str) -> Receipt:
    """A progress note on the receipt's handling; the state stays as it is."""
    note = _require_text("note", note, _("Cần nêu nội dung tiến độ."))
    with step_transaction():
        receipt = _lock_receipt(receipt)
        authorization = authorize(actor, "progress", receipt)
        ProgressNote.objects.create(receipt=receipt, author=actor, note=note)
        audit.record(
            actor=actor,
            action="progress",
            receipt=receipt,
            from_status=receipt.status,
            to_status=receipt.status,
            comment=note,
            on_behalf_of_id=authorization.on_behalf_of_id,
        )
    return receipt


def contribute(*, actor, receipt: Receipt | int, contribution: str) -> Receipt:
    """A phối hợp handler sends their part to the chủ trì; their task is then done."""
    contribution = _require_text(
        "contribution", contribution, _("Cần nêu ý kiến, kết quả phối hợp.")
    )
    with step_transaction():
        receipt = _lock_receipt(receipt)
        authorization = authorize(actor, "contribute", receipt)
        part = (
            ReceiptHandler.objects.select_for_update()
            .filter(receipt=receipt, user=actor, role=HandlerRole.COORDINATE)
            .first()
        )
        if part is None or part.contributed_at is not None:
            raise Conflict()
        part.contribution, part.contributed_at = contribution, timezone.now()
        part.save(update_fields=["contribution", "contributed_at"])
        audit.record(
            actor=actor,
            action="contribute",
            receipt=receipt,
            from_status=receipt.status,
            to_status=receipt.status,
            comment=contribution,
            on_behalf_of_id=authorization.on_behalf_of_id,
        )
    return receipt
