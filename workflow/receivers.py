"""Start delivery when a dispatch commits. ``documents`` sends the signal and knows nothing of
Celery; the tasks are enqueued here."""

import logging

from django.dispatch import receiver

from documents.handling import HandlerRole, ReceiptHandler
from documents.models import Document, Receipt, Urgency
from documents.signals import document_dispatched, document_recalled, stepped

from . import notifications, tasks
from .models import NotificationKind

log = logging.getLogger(__name__)


@receiver(document_dispatched)
def enqueue_delivery(sender, document_id: int, **kwargs) -> None:
    urgency = Document.objects.filter(pk=document_id).values_list("urgency", flat=True).first()
    try:
        tasks.enqueue_document(document_id, urgency or Urgency.NORMAL)
    except Exception:
        # The dispatch has committed and its receipts wait as pending: the sweeper delivers
        # them once the broker (or whatever failed) is back. The clerk's request must not
        # fail for it.
        log.exception("could not enqueue delivery of document %s; the sweeper will", document_id)


@receiver(document_recalled)
def enqueue_recall_notice(sender, document_id: int, **kwargs) -> None:
    try:
        tasks.notify_recall.apply_async((document_id,), priority=tasks.BACKGROUND_PRIORITY)
    except Exception:
        log.exception("could not enqueue the recall notice of document %s", document_id)


#: What each part of an assignment is told, in its notification.
ASSIGNED_TEXT = {
    HandlerRole.LEAD: "Đồng chí được phân công chủ trì xử lý",
    HandlerRole.COORDINATE: "Đồng chí được phân công phối hợp xử lý",
    HandlerRole.INFORM: "Văn bản chuyển đồng chí để biết",
}


@receiver(stepped, dispatch_uid="workflow.assigned")
def notify_assigned(sender, artifacts: list, action: str, actor=None, **kwargs) -> None:
    """Each person the leader's assignment names is told, inside the step's transaction: the
    chủ trì and phối hợp handlers beside their task, the để biết people as their only word."""
    if sender is not Receipt or action != "assign":
        return
    for receipt in artifacts:
        handlers = ReceiptHandler.objects.filter(receipt=receipt).select_related("user")
        deadline = f" (hạn {receipt.deadline:%d/%m/%Y})" if receipt.deadline else ""
        for part, text in ASSIGNED_TEXT.items():
            users = [h.user for h in handlers if h.role == part]
            notifications.notify(
                users=users,
                kind=NotificationKind.ASSIGNED,
                key=part,
                receipt=receipt,
                private=bool(receipt.document is not None and receipt.document.is_secret),
                text=f"{urgency(receipt)}{text}{deadline}: "
                f"{notifications.describe_receipt(receipt)}",
            )


def urgency(receipt: Receipt) -> str:
    return notifications.urgency_tag(receipt.urgency)
