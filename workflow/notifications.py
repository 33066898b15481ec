"""Who is told what: in-app notifications and e-mail.

In-app notifications are the record (unique per user and event, so a task run twice adds
nothing); e-mail is a courtesy sent after the notification commits, only to the users whose
notification was created by this call.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from documents.models import Document, Receipt, Urgency
from documents.templatetags.vanban import ho_ten

from .models import Notification, NotificationKind

log = logging.getLogger(__name__)


def describe(document: Document) -> str:
    """Số, ký hiệu, ngày, cơ quan ban hành and trích yếu, as a clerk would quote a document."""
    parts = [document.symbol or document.get_doc_type_display()]
    if document.issued_at:
        parts.append(f"ngày {timezone.localtime(document.issued_at):%d/%m/%Y}")
    parts.append(f"của {document.issuer.name}")
    return f"{' '.join(parts)} — {document.title}"


def describe_receipt(receipt: Receipt) -> str:
    document = receipt.document
    if document is not None:
        return describe(document)
    date = f" ngày {receipt.sender_date:%d/%m/%Y}" if receipt.sender_date else ""
    return f"{receipt.sender_symbol}{date} của {receipt.sender_name} — {receipt.sender_title}"


def urgency_tag(urgency: str) -> str:
    return "" if urgency == Urgency.NORMAL else f"[{Urgency(urgency).label}] "


def notify(
    *,
    users: Iterable,
    kind: str,
    text: str,
    receipt: Receipt | None = None,
    document: Document | None = None,
    key: str = "",
    subject: str = "",
    private: bool = False,
) -> list[int]:
    """Create the missing notifications of one event and e-mail their users after commit.

    ``private`` (a secret document): the e-mail only says there is something to see in the
    system; the text stays inside it.

    Returns the ids of the users notified now. Callers that can race on the same event hold a
    lock on its receipt (delivery) or a unique reminder row, so "missing" is decided once.
    """
    users = list({u.pk: u for u in users}.values())
    if not users:
        return []
    if document is None and receipt is not None:
        document = receipt.document
    lookup: dict[str, object] = {"kind": kind, "key": key}
    if receipt is not None:
        lookup["receipt"] = receipt
    else:
        lookup["receipt__isnull"] = True
        lookup["document"] = document
    already = set(
        Notification.objects.filter(user__in=[u.pk for u in users], **lookup).values_list(
            "user_id", flat=True
        )
    )
    new = [u for u in users if u.pk not in already]
    Notification.objects.bulk_create(
        [
            Notification(user=u, kind=kind, key=key, text=text, receipt=receipt, document=document)
            for u in new
        ],
        ignore_conflicts=True,
    )
    addresses = [u.email for u in new if u.email]
    if addresses:
        if private:
            subject = "Có văn bản mật mới"
            body = SECRET_BODY
        else:
            subject = subject or text[:120]
            body = f"{text}\n\nXem chi tiết trong hệ thống văn bản."
        transaction.on_commit(lambda: send_quietly(subject, body, addresses))
    return [u.pk for u in new]


def notify_arrivals(receipts: list[Receipt], clerks: dict[int, list]) -> None:
    """Tell each receipt's clerks it has arrived: one INSERT for the whole batch. The receipts
    were pending under the caller's lock until now, so none of these notifications exists yet
    and every user named is told, once."""
    rows, mails = [], []
    for receipt in receipts:
        document = sent_document(receipt)
        text = f"{urgency_tag(receipt.urgency)}Văn bản đến: {describe(document)}"
        organization_id = receipt.organization_id
        users = clerks.get(organization_id, []) if organization_id is not None else []
        rows += [
            Notification(
                user=u,
                kind=NotificationKind.DELIVERED,
                text=text,
                receipt=receipt,
                document=document,
            )
            for u in users
        ]
        addresses = [u.email for u in users if u.email]
        if addresses:
            if document.is_secret:
                mails.append(("Có văn bản mật mới", SECRET_BODY, addresses))
            else:
                mails.append(
                    (text[:120], f"{text}\n\nXem chi tiết trong hệ thống văn bản.", addresses)
                )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    for subject, body, addresses in mails:
        transaction.on_commit(partial(send_quietly, subject, body, addresses))


def sent_document(receipt: Receipt) -> Document:
    """The document a receipt of a dispatch carries. Only a receipt registering a document
    that arrived from outside the system has none, and such a receipt is never delivered,
    recalled or mailed."""
    document = receipt.document
    if document is None:
        raise ValueError(f"receipt {receipt.pk} registers an outside document; nothing was sent")
    return document


SECRET_BODY = "Có văn bản mật gửi đến đồng chí. Xem trong hệ thống văn bản."


def send_quietly(subject: str, body: str, addresses: list[str]) -> None:
    """One message per person (they need not see each other); a mail server down never
    undoes the notification already recorded."""
    try:
        with get_connection() as connection:
            for address in addresses:
                EmailMessage(
                    subject=_one_line(subject),
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[address],
                    connection=connection,
                ).send()
    except Exception:
        log.exception("notification e-mail to %s failed", addresses)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def pdf_attachment(document: Document) -> tuple[str, bytes, str] | None:
    """Hook for the rendered (and, once signed, signed) PDF sent to outside recipients.

    Documents cannot be rendered yet; return ``(filename, content, "application/pdf")`` from
    here once they can, and external e-mails carry it.
    """
    return None


def external_message(receipt: Receipt, address: str) -> EmailMessage:
    """The e-mail that delivers a document to a recipient outside the system."""
    document = sent_document(receipt)
    recipient = receipt.recipient
    issued = f"{timezone.localtime(document.issued_at):%d/%m/%Y}" if document.issued_at else ""
    lines = [
        f"Kính gửi: {recipient.display_name if recipient is not None else address}",
        "",
        f"{document.issuer.name} gửi văn bản:",
        f"- Số, ký hiệu: {document.symbol}",
        f"- Loại văn bản: {document.get_doc_type_display()}",
        f"- Ngày ban hành: {issued}",
        f"- Trích yếu: {document.title}",
        f"- Độ khẩn: {document.get_urgency_display()}",
        f"- Mục đích: {receipt.get_purpose_display()}",
    ]
    signer = document.signer
    if signer is not None:
        lines.append(f"- Người ký: {ho_ten(signer)}")
    message = EmailMessage(
        subject=_one_line(f"{urgency_tag(document.urgency)}{document.symbol}: {document.title}"),
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"X-Van-Ban-Receipt": str(receipt.pk)},
    )
    pdf = pdf_attachment(document)
    if pdf is not None:
        message.attach(*pdf)
    return message


# ---------------------------------------------------------------------------------------------
# The person's own notifications: the one rule the API and the bell and its page read.


def own_notifications(user, *, unread: bool = False) -> QuerySet[Notification]:
    """``user``'s notifications, newest first; nobody reads anyone else's."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")
    return qs.filter(read_at__isnull=True) if unread else qs


def unread_count(user) -> int:
    """The bell's number: one COUNT."""
    return own_notifications(user, unread=True).count()


def mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of ``user``'s notifications read (``pk``), or all of them: one UPDATE; how many
    changed. Someone else's notification is not among the person's and is left alone."""
    qs = own_notifications(user, unread=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())
