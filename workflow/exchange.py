"""The Celery side of the edXML exchange: sending the outbox and reading the drop inboxes.

What to send is in the database (``documents.outbox.OutboxMessage``), queued inside the step
that called for it; a message committed enqueues its own sending at once, and the beat job
``send_outbox`` sends whatever is due besides (a message whose enqueue was lost, a retry whose
pause is over). The tries and their pauses are counted on the row (``services.exchange``),
so these tasks do not retry on their own. ``read_drop_inboxes`` takes in, for each partner
directory under ``EDXML_DROP_ROOT``, the files in its ``inbox/``, moving each to ``done/``
or to ``failed/`` with the reason.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.dispatch import receiver

from documents.edxml import transport
from documents.models import Receipt
from documents.outbox import MessageKind, OutboxMessage, Recall, RecallState
from documents.services import exchange
from documents.signals import outbox_queued, recall_exchanged
from orgchart.selectors import clerks_of

from . import notifications
from .models import NotificationKind

log = logging.getLogger(__name__)
#: At most this many messages sent, or files read, by one run of a beat job.
BATCH = 100


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_message(message_id: int) -> str:
    outcome = exchange.send(message_id=message_id)
    if outcome.state == "failed" and outcome.message is not None:
        _tell_failed(outcome.message)
    elif outcome.state == "retry" and outcome.message is not None:
        log.warning(
            "edXML message %s to %s failed (try %s): %s",
            message_id,
            outcome.message.organ_id,
            outcome.message.attempts,
            outcome.message.last_error,
        )
    return outcome.state


@shared_task(acks_late=True, reject_on_worker_lost=True)
def send_outbox(limit: int = BATCH) -> int:
    """Send the messages that are due, a bounded number per run; how many were sent."""
    sent = 0
    for pk in exchange.due(limit=limit):
        try:
            sent += send_message(pk) == "sent"
        except Exception:
            log.exception("edXML message %s could not be sent", pk)
    return sent


@shared_task(acks_late=True, reject_on_worker_lost=True)
def read_drop_inboxes(limit: int = BATCH) -> int:
    """Take in what the partners dropped, at most ``limit`` files per run; how many were
    read. A file that fails for a reason of its own goes to ``failed/``; one that meets a
    fault of ours (the database down) stays for the next run."""
    read = 0
    for partner in transport.partners():
        for path in transport.waiting(partner, limit - read):
            try:
                reason = exchange.receive_file(path=path, partner=partner)
            except Exception:
                log.exception("edXML file %s could not be read; left for the next run", path)
                continue
            transport.file_away(path, reason=reason)
            read += 1
            if reason:
                log.warning("edXML file %s from %s refused: %s", path.name, partner, reason)
        if read >= limit:
            break
    return read


def _tell_failed(message: OutboxMessage) -> None:
    receipt = Receipt.objects.select_related("document__issuer", "organization").get(
        pk=message.receipt_id
    )
    if message.kind == MessageKind.PACKAGE and receipt.document is not None:
        users, about = clerks_of(receipt.document.issuer), f"văn bản {receipt.document.symbol}"
    else:
        users, about = clerks_of(receipt.organization), f"trạng thái {message.code}"
    notifications.notify(
        users=users,
        kind=NotificationKind.DELIVERY_PROBLEM,
        receipt=receipt,
        key=f"edxml-{message.pk}",
        text=f"Không gửi được {about} tới {message.organ_id} qua liên thông: {message.last_error}",
    )


@receiver(outbox_queued, dispatch_uid="workflow.exchange.send")
def enqueue_sending(sender, message_id: int, **kwargs) -> None:
    try:
        send_message.apply_async((message_id,))
    except Exception:
        # The message waits queued in the database: the beat job sends it.
        log.exception("could not enqueue edXML message %s; the beat job will", message_id)


@receiver(recall_exchanged, dispatch_uid="workflow.exchange.recall")
def tell_recall(sender, recall: Recall, code: str, **kwargs) -> None:
    """Inside the transaction that records it: a sender asking back a document it sent us
    tells our clerks, who answer; an answer to our own request tells the issuer's clerks."""
    receipt = Receipt.objects.select_related("document__issuer", "organization").get(
        pk=recall.receipt_id
    )
    note = f": {recall.answer or recall.reason}" if (recall.answer or recall.reason) else ""
    if recall.state == RecallState.ASKED:
        users = clerks_of(receipt.organization)
        text = (
            f"{receipt.sender_name} đề nghị lấy lại văn bản "
            f"{notifications.describe_receipt(receipt)}{note}. Đề nghị trả lời đồng ý hoặc từ chối."
        )
    else:
        users = clerks_of(receipt.document.issuer) if receipt.document else []
        answer = "đồng ý" if recall.state == RecallState.ACCEPTED else "từ chối"
        name = receipt.organization.name if receipt.organization else ""
        symbol = receipt.document.symbol if receipt.document else ""
        text = f"{name} {answer} lấy lại văn bản {symbol}{note}"
    notifications.notify(
        users=users, kind=NotificationKind.RECALLED, receipt=receipt, key=code, text=text
    )
