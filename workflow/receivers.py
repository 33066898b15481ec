"""Start delivery when a dispatch commits. ``documents`` sends the signal and knows nothing of
Celery; the tasks are enqueued here."""

import logging

from django.dispatch import receiver
from django.utils import timezone

from documents.handling import HandlerRole, ReceiptHandler
from documents.models import Document, Receipt, ReceiptStatus, Urgency
from documents.signals import (
    document_dispatched,
    document_recalled,
    obligations_chased,
    receipts_chased,
    stepped,
)
from orgchart.selectors import clerks_of, leaders_of

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


@receiver(receipts_chased)
def notify_chased(sender, document, receipts, actor, **kwargs) -> None:
    """Inside the chase's transaction: whoever the copy waits on hears of it — its clerks
    until it is acknowledged, its leaders until a handler is named, then the handler."""
    today = timezone.localdate()
    for receipt in receipts:
        notifications.notify(
            users=chased_people(receipt),
            kind=NotificationKind.CHASED,
            receipt=receipt,
            document=document,
            key=today.isoformat(),
            text=f"Đôn đốc: {document.issuer.name} đề nghị "
            f"{CHASED_ASK.get(receipt.status, 'xử lý')} văn bản {notifications.describe(document)}",
            private=document.is_secret,
        )


@receiver(obligations_chased)
def remind_chased(
    sender, document, obligation, receipts, overdue, actor, owed=None, **kwargs
) -> set[int]:
    """Inside the chase's transaction: each organisation that owes the obligation gets the
    daily reminder's own notice (of the periods it owes, overdue when the earliest is),
    unless it had it today; the ids of those reminded now."""
    today = timezone.localdate()
    reminded = set()
    for receipt in receipts:
        items = (owed or {}).get(receipt.pk) or [obligation]
        late = items[0].due < today if owed else overdue
        if tasks.remind_owing(receipt, items, today, overdue=late):
            reminded.add(receipt.pk)
    return reminded


#: What the chased copy is asked for, in the notification's words.
CHASED_ASK = {
    ReceiptStatus.DELIVERED: "tiếp nhận",
    ReceiptStatus.ACKNOWLEDGED: "phân công xử lý",
    ReceiptStatus.ASSIGNED: "xử lý, báo cáo kết quả",
    ReceiptStatus.IN_PROGRESS: "xử lý, báo cáo kết quả",
}


def chased_people(receipt) -> list:
    if receipt.status == ReceiptStatus.DELIVERED:
        return list(clerks_of(receipt.organization))
    if receipt.status == ReceiptStatus.ACKNOWLEDGED:
        return list(leaders_of(receipt.organization))
    return [receipt.assignee] if receipt.assignee is not None else []


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
