"""The outgoing path: submit, review, sign, register, dispatch, recall."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart.selectors import position_title

from .. import numbering
from ..errors import Conflict, InvalidInput
from ..models import (
    Document,
    DocumentStatus,
    DocumentVersion,
    Receipt,
    ReceiptStatus,
)
from ..signals import document_dispatched, document_recalled
from .core import (
    _require_text,
    _step,
    step_transaction,
)
from .drafting import _snapshot
from .electronic import sealed, signed_by

User = get_user_model()
S, R = DocumentStatus, ReceiptStatus


def submit(*, actor, document: Document, comment: str = "") -> Document:
    with step_transaction():
        document = _step(
            actor=actor, document=document, action="submit", transition="submit", comment=comment
        )
        DocumentVersion.objects.create(
            document=document,
            number=document.version,
            title=document.title,
            body=document.body,
            snapshot=_snapshot(document),
            created_by=actor,
        )
    return document


def withdraw(*, actor, document: Document, reason: str = "") -> Document:
    return _step(
        actor=actor, document=document, action="withdraw", transition="withdraw", comment=reason
    )


class Decision:
    APPROVE = "approve"
    RETURN = "return"
    SIGN = "sign"


def _return_comment(comment: str) -> str:
    return _require_text(
        "comment",
        comment,
        _("Trả lại phải kèm ý kiến."),
    )


def review(*, actor, document: Document, decision: str, comment: str = "") -> Document:
    """Content review (the unit's leader, at ``in_review``) or format check (the clerk, at
    ``format_check``); either may return the draft with a comment."""
    if decision not in (Decision.APPROVE, Decision.RETURN):
        raise InvalidInput({"decision": [_("Chọn approve hoặc return.")]})
    if decision == Decision.RETURN:
        comment = _return_comment(comment)

    def transition(locked: Document) -> str:
        if decision == Decision.RETURN:
            return "send_back"
        if locked.status == S.FORMAT_CHECK:
            return "approve_format"
        if locked.issuer.requires_format_check:
            return "approve_content"
        return "approve_content_skip_format"

    return _step(
        actor=actor,
        document=document,
        action="review",
        transition=transition,
        comment=comment,
        data={"decision": decision},
    )


def sign(
    *, actor, document: Document, decision: str = Decision.SIGN, comment: str = ""
) -> Document:
    if decision not in (Decision.SIGN, Decision.RETURN):
        raise InvalidInput({"decision": [_("Chọn sign hoặc return.")]})
    if decision == Decision.RETURN:
        comment = _return_comment(comment)
        return _step(
            actor=actor,
            document=document,
            action="sign",
            transition="send_back",
            comment=comment,
            data={"decision": decision},
        )
    return _step(
        actor=actor,
        document=document,
        action="sign",
        transition="sign",
        comment=comment,
        data={"decision": decision},
        kwargs_for=lambda d: {"signer": actor, "signer_title": position_title(actor, d.issuer_id)},
        after=signed_by(actor),
    )


def hand_over(*, actor, document: Document, signer, comment: str = "") -> Document:
    """Give a document awaiting signature to another signer of the issuer (the designated one
    is away, say): the signature block names the new signer and their title, and the task
    moves to them. The designated signer or the drafter may do it."""
    from orgchart.selectors import signers_of

    def handed(locked: Document) -> dict:
        candidate = signer
        if not isinstance(candidate, User):
            candidate = User.objects.filter(username=str(candidate or "")).first()
        if candidate is None or not signers_of(locked.issuer).filter(pk=candidate.pk).exists():
            raise InvalidInput(
                {"signer": [_("Người ký phải là người có thẩm quyền ký của cơ quan.")]}
            )
        if candidate.pk == locked.signer_id:
            raise InvalidInput({"signer": [_("Văn bản đã do người này ký.")]})
        before = locked.signer.username if locked.signer is not None else None
        locked.signer = candidate
        locked.signer_title = position_title(candidate, locked.issuer_id) or locked.signer_title
        return {"from_signer": before, "to_signer": candidate.username}

    return _step(
        actor=actor,
        document=document,
        action="hand_over",
        transition=None,
        comment=comment,
        kwargs_for=handed,
    )


def register(*, actor, document: Document) -> Document:
    """Number the signed document in the issuer's outgoing book (Decree 30 Art. 15), draw
    the number and date into the signed file and apply the organisation's signature (Art.
    17)."""

    def numbered(locked: Document) -> dict:
        now = timezone.now()
        book, number, symbol = numbering.take_outgoing(locked, now)
        return {"book": book, "number": number, "symbol": symbol, "issued_at": now}

    return _step(
        actor=actor,
        document=document,
        action="register",
        transition="register",
        kwargs_for=numbered,
        after=sealed,
    )


def dispatch(*, actor, document: Document) -> Document:
    """One receipt per recipient, created in bulk; delivery starts once this commits."""

    def with_recipients(locked: Document) -> dict:
        count = locked.recipients.count()
        if not count:
            raise Conflict(
                _("Văn bản chưa có nơi nhận."),
                code="no_recipients",
            )
        locked.open_receipts = count
        return {}

    with step_transaction():
        document = _step(
            actor=actor,
            document=document,
            action="dispatch",
            transition="dispatch",
            kwargs_for=with_recipients,
        )
        # Pending receipts are the outbox: delivery picks them up after commit, and the
        # sweeper picks up any whose message was lost.
        Receipt.objects.bulk_create(
            Receipt(
                document=document,
                recipient=r,
                organization_id=r.organization_id,
                purpose=r.purpose,
                urgency=document.urgency,
            )
            for r in document.recipients.all()
        )
        document_id = document.pk
        transaction.on_commit(
            lambda: document_dispatched.send(sender=Document, document_id=document_id)
        )
    return document


def recall(*, actor, document: Document, reason: str) -> Document:
    reason = _require_text("reason", reason, _("Thu hồi phải nêu lý do."))
    with step_transaction():
        document = _step(
            actor=actor, document=document, action="recall", transition="recall", comment=reason
        )
        document_id = document.pk
        transaction.on_commit(
            lambda: document_recalled.send(sender=Document, document_id=document_id)
        )
    return document
