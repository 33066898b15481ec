"""Queueing edXML messages for other systems (``documents/outbox.py``), inside the step that
calls for them, so that a step and what it owes the other side commit together. Each message
is queued once per copy, kind and code (a step announced again queues nothing) and its XML is
built once, here; the transport only carries the bytes (``services/exchange.py`` sends)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from orgchart.models import Organization

from ..edxml import writer
from ..exchanged import ExchangedDocument
from ..lifecycle import ReceiptStatus
from ..models import AuditEvent, Document, Receipt
from ..outbox import MessageKind, MessageState, OutboxMessage, Recall
from ..signals import outbox_queued, stepped

R = ReceiptStatus


class MessageTooLarge(ValueError):
    pass


def enqueue(
    *,
    kind: str,
    receipt: Receipt,
    organ_id: str,
    build: Callable[[], bytes],
    code: str = "",
    organization: Organization | None = None,
) -> OutboxMessage | None:
    """Queue the message ``build`` makes, unless this copy has it already; ``None`` then."""
    if OutboxMessage.objects.filter(receipt=receipt, kind=kind, code=code).exists():
        return None
    payload = build()
    if len(payload) > settings.EDXML_MAX_BYTES:
        raise MessageTooLarge(f"{len(payload)} bytes, at most {settings.EDXML_MAX_BYTES}")
    message = OutboxMessage.objects.create(
        kind=kind,
        code=code,
        receipt=receipt,
        document_id=receipt.document_id,
        organ_id=organ_id,
        organization=organization,
        payload=payload,
        next_attempt_at=timezone.now(),
    )
    pk = message.pk
    transaction.on_commit(lambda: outbox_queued.send(sender=OutboxMessage, message_id=pk))
    return message


def enqueue_package(*, receipt: Receipt) -> OutboxMessage | None:
    """The package of our copy's document, for the outside organisation it is addressed to."""
    organization = receipt.organization
    if organization is None or not organization.organ_id or receipt.document is None:
        raise ValueError(f"receipt {receipt.pk} has no organisation with a mã định danh")
    document = receipt.document
    return enqueue(
        kind=MessageKind.PACKAGE,
        receipt=receipt,
        organ_id=organization.organ_id,
        organization=organization,
        build=lambda: writer.package(document),
    )


def enqueue_status(
    *, receipt: Receipt, code: str | None = None, note: str = ""
) -> OutboxMessage | None:
    """The status of a copy that came to us by edXML (its code now, or ``code``), for the
    organisation that sent it. Nothing for any other copy, or a sender without mã định danh."""
    exchanged = ExchangedDocument.objects.filter(receipt=receipt).first()
    code = code or receipt.code
    if exchanged is None or code is None or not exchanged.sender_organ_id:
        return None
    if not note and code == receipt.code and receipt.status == R.COMPLETED:
        note = receipt.report
    return enqueue(
        kind=MessageKind.STATUS,
        code=code,
        receipt=receipt,
        organ_id=exchanged.sender_organ_id,
        organization=Organization.objects.filter(organ_id=exchanged.sender_organ_id).first(),
        build=lambda: writer.status_message(receipt, code, note=note),
    )


def announce(receipts: Sequence[Receipt]) -> None:
    """A step of some copies (from ``stepped``): those that came by edXML tell their sender
    the code they reached, in the step's transaction."""
    ids = [r.pk for r in receipts if r.document_id is None]
    if not ids:
        return
    exchanged = set(
        ExchangedDocument.objects.filter(receipt_id__in=ids).values_list("receipt_id", flat=True)
    )
    for receipt in receipts:
        if receipt.pk in exchanged:
            enqueue_status(receipt=receipt)


def ask_recall(*, document: Document, actor) -> list[Recall]:
    """A recalled document: each outside organisation that got its package is asked for it
    back (13) and our copy there waits for the answer (``Recall``). Inside the recall."""
    event = AuditEvent.objects.filter(document=document, action="recall").order_by("-seq").first()
    reason, at = (event.comment, event.at) if event is not None else ("", timezone.now())
    copies = (
        Receipt.objects.filter(
            document=document,
            outbox_messages__kind=MessageKind.PACKAGE,
            outbox_messages__state=MessageState.SENT,
        )
        .select_related("document__issuer", "organization")
        .order_by("pk")
    )
    asked = []
    for receipt in copies:
        recall, created = Recall.objects.get_or_create(
            receipt=receipt, defaults={"asked_at": at, "reason": reason}
        )
        if not created or receipt.organization is None:
            continue
        asked.append(recall)
        enqueue(
            kind=MessageKind.STATUS,
            code=writer.RECALL_ASKED,
            receipt=receipt,
            organ_id=receipt.organization.organ_id,
            organization=receipt.organization,
            build=partial(writer.recall_request, receipt, reason=reason, at=at, staff=actor),
        )
    return asked


@receiver(stepped, dispatch_uid="documents.outbox")
def on_step(sender, artifacts: list, action: str, actor=None, **kwargs) -> None:
    """The one place steps reach the outbox: a copy that came by edXML reports its code,
    a recall asks the outside organisations for their copies back."""
    if sender is Receipt:
        announce(artifacts)
    elif sender is Document and action == "recall":
        for document in artifacts:
            ask_recall(document=document, actor=actor)
