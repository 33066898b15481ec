"""The edXML exchange with other systems, past the outbox: sending a queued message through
its organisation's transport (with a growing pause between tries, a bounded number of them,
then a delivery problem the clerk sees), reading what a partner dropped in its inbox (a
package arrives, a status moves our copy, a recall is asked or answered) and the recall
exchange itself (13 asked, 15 accepted, 16 refused), in both directions.

The tries are counted on the row, not by Celery: a worker that dies mid-send leaves the
message queued with its count, and the beat job picks it up once its pause is over. A
message is sent under its row lock and only while queued, so two workers never both send
it; a transport that accepted it while the commit then failed sends the same file again,
under the same name, which the other side reads as the duplicate it is."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart.models import RoleCode
from orgchart.selectors import grants_of

from .. import audit
from ..edxml import reader, transport, writer
from ..edxml.reader import PackageInvalid, StatusMessage
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, ServiceError
from ..exchanged import ExchangedDocument
from ..lifecycle import DocumentStatus
from ..models import Receipt
from ..outbox import MessageKind, MessageState, OutboxMessage, Recall, RecallState
from ..selectors import get_visible_receipt
from ..signals import recall_exchanged
from . import outbox
from .core import _announce, _lock_receipt, _require_text, step_transaction
from .exchange_status import TARGET, apply_status, document_of
from .interchange import receive_package
from .receiving import deliver, mark_delivery_problem

Q = MessageState
ANSWERS = {writer.RECALL_ACCEPTED: RecallState.ACCEPTED, writer.RECALL_REFUSED: RecallState.REFUSED}


@dataclass
class Outcome:
    state: str  # sent, retry, failed, canceled, skipped
    message: OutboxMessage | None = None


def due(*, now: datetime.datetime | None = None, limit: int = 100) -> list[int]:
    """The queued messages whose time has come, oldest first, at most ``limit``."""
    return list(
        OutboxMessage.objects.filter(state=Q.QUEUED, next_attempt_at__lte=now or timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def pause(attempts: int) -> datetime.timedelta:
    """After the n-th failed try: the base, doubled each time, up to the longest pause."""
    seconds = settings.EDXML_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.EDXML_RETRY_MAX_SECONDS))


def send(
    *,
    message_id: int,
    transport_for: Callable[[str], transport.Transport] = transport.transport_for,
    now: datetime.datetime | None = None,
) -> Outcome:
    """Try one message if it is queued and due. A package the transport accepted delivers
    our copy (code 01 on our side, as a mail server's acceptance does for e-mail)."""
    with step_transaction():
        message = (
            OutboxMessage.objects.select_for_update(of=("self",))
            .select_related("receipt__organization", "document")
            .filter(pk=message_id)
            .first()
        )
        now = now or timezone.now()
        if message is None or message.state != Q.QUEUED:
            return Outcome("skipped", message)
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return Outcome("skipped", message)
        document = message.document
        if message.kind == MessageKind.PACKAGE and (
            document is None or document.status != DocumentStatus.DISPATCHED
        ):
            message.state, message.next_attempt_at = Q.FAILED, None
            message.last_error = "Văn bản đã bị thu hồi trước khi gửi."
            message.save(update_fields=["state", "next_attempt_at", "last_error"])
            return Outcome("canceled", message)
        message.attempts += 1
        try:
            transport_for(message.organ_id).send(message)
        except Exception as exc:  # noqa: BLE001  (whatever a transport raises is a try that failed)
            return _failed(message, exc, now)
        message.state, message.sent_at = Q.SENT, now
        message.next_attempt_at, message.last_error = None, ""
        message.save(
            update_fields=["state", "sent_at", "next_attempt_at", "last_error", "attempts"]
        )
        if message.kind == MessageKind.PACKAGE:
            deliver(receipt=message.receipt_id)
    return Outcome("sent", message)


def _failed(message: OutboxMessage, exc: Exception, now: datetime.datetime) -> Outcome:
    message.last_error = f"{type(exc).__name__}: {exc}"[:500]
    fields = ["attempts", "last_error", "next_attempt_at", "state"]
    if message.attempts < settings.EDXML_SEND_MAX_ATTEMPTS:
        message.next_attempt_at = now + pause(message.attempts)
        message.save(update_fields=fields)
        return Outcome("retry", message)
    message.state, message.next_attempt_at = Q.FAILED, None
    message.save(update_fields=fields)
    what = (
        "gói tin edXML"
        if message.kind == MessageKind.PACKAGE
        else f"thông điệp trạng thái {message.code}"
    )
    # Stored and shown as written: Vietnamese, the language of the records.
    mark_delivery_problem(
        receipt=message.receipt_id,
        problem=(
            f"Không gửi được {what} tới {message.organ_id} sau {message.attempts} lần "
            f"({type(exc).__name__}); cần kiểm tra kết nối liên thông."
        ),
    )
    return Outcome("failed", message)


# ---------------------------------------------------------------------------------------------
# What comes in


def receive_file(*, path: Path, partner: str) -> str:
    """Take in one file a partner dropped: a package (it arrives here) or a status message
    (it moves our copy, or asks for or answers a recall). ``""`` when it was taken in, else
    why not, for ``failed/``. The sender named inside must be the partner of the directory."""
    try:
        if path.stat().st_size > settings.EDXML_MAX_BYTES:
            return f"too_large: > {settings.EDXML_MAX_BYTES} bytes"
        raw = path.read_bytes()
        root = reader.parse(raw)
        if reader.is_status(root):
            message = reader.read_status_root(root)
            _from(message.sender.organ_id, partner, "Status.From.OrganId")
            take_status(message)
        else:
            package = reader.read(raw)
            _from(package.sender.organ_id, partner, "MessageHeader.From.OrganId")
            receive_package(package=package, to=transport.addressed_to(path))
    except InvalidInput as error:
        fields = "; ".join(f"{name}: {' '.join(texts)}" for name, texts in error.errors.items())
        return f"{getattr(error, 'code', 'invalid')}: {fields}"
    except ServiceError as error:
        return f"{error.code}: {error.detail}"
    return ""


def _from(organ_id: str, partner: str, where: str) -> None:
    if organ_id != partner:
        raise PackageInvalid(
            {where: [_("Không phải cơ quan của thư mục %(id)s.") % {"id": partner}]}
        )


def take_status(message: StatusMessage) -> None:
    """A status that came through a transport, applied as the system."""
    if message.code in TARGET:
        apply_status(actor=None, document=document_of(message.document_id), message=message)
    elif message.code == writer.RECALL_ASKED:
        recall_asked(message)
    elif message.code in ANSWERS:
        recall_answered(message)
    else:
        raise Conflict(
            _("Mã trạng thái %(code)s chưa được hỗ trợ.") % {"code": message.code},
            code="unsupported_status",
        )


# ---------------------------------------------------------------------------------------------
# The recall exchange


def recall_answered(message: StatusMessage) -> Receipt:
    """15 or 16 about our recalled document: our copy there settles as recalled, or stays,
    the refusal on record for the issuer. Idempotent: a copy answered already is left."""
    document = document_of(message.document_id)
    receipt = (
        Receipt.objects.filter(document=document, organization__organ_id=message.sender.organ_id)
        .select_related("organization")
        .first()
    )
    recall = Recall.objects.filter(receipt=receipt).first() if receipt is not None else None
    if receipt is None or recall is None:
        raise Conflict(_("Văn bản này chưa được yêu cầu lấy lại."), code="not_recalled")
    with step_transaction():
        receipt = _lock_receipt(receipt)
        recall = Recall.objects.select_for_update().get(pk=recall.pk)
        if recall.state != RecallState.ASKED:
            return receipt
        recall.state = ANSWERS[message.code]
        recall.answer = own_words(message)
        recall.answered_at = _at(message)
        recall.save()
        _record_exchanged(recall, receipt, f"recall_{recall.state}", message)
    return receipt


def _record_exchanged(recall: Recall, receipt: Receipt, action: str, message: StatusMessage):
    """What a partner's 13, 15 or 16 did to one of our copies: on the trail (nobody of ours
    took the step; the partner's identifier says who reported it), and the clerks told."""
    audit.record(
        actor=None,
        action=action,
        receipt=receipt,
        from_status=receipt.status,
        to_status=receipt.status,
        comment=message.description,
        data={"edxml_status": message.code, "reported_by": message.sender.organ_id},
    )
    recall_exchanged.send(sender=Recall, recall=recall, code=message.code)


def recall_asked(message: StatusMessage) -> list[Receipt]:
    """13 from a sender that wants back a document it sent us: each copy of ours waits for
    its clerk's answer (``answer_recall``), and the clerks are told."""
    copies = list(
        ExchangedDocument.objects.filter(
            document_id=message.document_id, sender_organ_id=message.sender.organ_id
        ).values_list("receipt_id", flat=True)
    )
    if not copies:
        raise NotFound(_("Không có văn bản %(id)s của cơ quan.") % {"id": message.document_id})
    asked = []
    with step_transaction():
        for pk in copies:
            receipt = _lock_receipt(pk)
            recall, created = Recall.objects.get_or_create(
                receipt=receipt, defaults={"asked_at": _at(message), "reason": own_words(message)}
            )
            asked.append(receipt)
            if created:
                _record_exchanged(recall, receipt, "recall_asked", message)
    return asked


def answer_recall(*, actor, receipt: Receipt | int, accept: bool, answer: str = "") -> Recall:
    """Our clerk answers the sender's request for a document back: 15 (agreed) or 16
    (refused, with the reason), sent to the sender through the outbox. 404 for a copy the
    clerk cannot see, 403 for someone not its organisation's clerk, 409 when nothing asks."""
    pk = receipt.pk if isinstance(receipt, Receipt) else receipt
    receipt = get_visible_receipt(actor, pk)
    if receipt.organization_id is None or not grants_of(actor).has(
        receipt.organization_id, RoleCode.CLERK
    ):
        raise Forbidden(subject=receipt)
    if not accept:
        answer = _require_text("answer", answer, _("Từ chối lấy lại phải nêu lý do."))
    with step_transaction():
        receipt = _lock_receipt(receipt)
        recall = Recall.objects.select_for_update().filter(receipt=receipt).first()
        if recall is None or recall.state != RecallState.ASKED:
            raise Conflict(_("Không có yêu cầu lấy lại nào đang chờ trả lời."), code="not_asked")
        code = writer.RECALL_ACCEPTED if accept else writer.RECALL_REFUSED
        recall.state = ANSWERS[code]
        recall.answer = (answer or "").strip()
        recall.answered_at, recall.answered_by = timezone.now(), actor
        recall.save()
        if accept:
            # Given back: nobody handles it any more (lifecycle NOT_RECALLED).
            receipt.given_back_at = recall.answered_at
            receipt.save(update_fields=["given_back_at"])
        audit.record(
            actor=actor,
            action=f"recall_{recall.state}",
            receipt=receipt,
            from_status=receipt.status,
            to_status=receipt.status,
            comment=recall.answer,
            data={"edxml_status": code},
        )
        outbox.enqueue_status(receipt=receipt, code=code, note=recall.answer)
        _announce([receipt], f"recall_{recall.state}", actor)
    return recall


def own_words(message: StatusMessage) -> str:
    """What the other side wrote after the standard description of its code (ours write
    ``<description>: <reason>``), so that the screen does not say it twice."""
    text = message.description.strip()
    standard = writer.DESCRIPTIONS.get(message.code, "")
    if standard and text.startswith(standard):
        text = text[len(standard) :].lstrip(" :")
    return text


def _at(message: StatusMessage) -> datetime.datetime:
    return timezone.make_aware(message.timestamp) if message.timestamp else timezone.now()
