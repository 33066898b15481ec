"""Status messages another system sends about one of our documents (QCVN 102:2016 codes 01–06):
they move the copy we sent that organisation along its lifecycle, as its own clerk's steps
would move a copy inside the system. Idempotent: a status the copy has already reached, or
passed, changes nothing; a later one walks through the steps in between.

The steps are those of the receipt lifecycle, taken through its FSM transitions, audited one
by one with the message's code, and announced to the flows; the person importing is the
issuer's clerk, recorded as the actor, the organisation that reported it in the data.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart.models import RoleCode
from orgchart.selectors import grants_of

from .. import audit
from ..choices import SignatureStatus
from ..edxml.reader import PackageInvalid, StatusMessage
from ..errors import Conflict, Forbidden, NotFound
from ..models import EDXML_CODES, Document, Receipt, ReceiptStatus
from .core import _announce, _lock_receipt, _transition_errors, step_transaction
from .receiving import _settle_document

R = ReceiptStatus

#: Where each code takes the copy: the codes our own copies report, read the other way.
TARGET: dict[str, str] = {code: state for state, code in EDXML_CODES.items()}
#: The way forward, and the transition (the lifecycle's verb) that takes each step.
PATH: list[str] = [R.PENDING, R.DELIVERED, R.ACKNOWLEDGED, R.ASSIGNED, R.IN_PROGRESS, R.COMPLETED]
VERB: dict[str, str] = {
    R.DELIVERED: "deliver",
    R.ACKNOWLEDGED: "acknowledge",
    R.ASSIGNED: "assign",
    R.IN_PROGRESS: "start",
    R.COMPLETED: "complete",
    R.REFUSED: "refuse",
}


def document_of(document_id: str) -> Document:
    """Ours by its DocumentId, ``<organ id>,<yyyy/mm/dd>,<number/symbol>``."""
    organ_id, _sep, rest = document_id.partition(",")
    _date, _sep, symbol = rest.partition(",")
    document = None
    if organ_id.strip() and symbol.strip():
        document = (
            Document.objects.filter(issuer__organ_id=organ_id.strip(), symbol=symbol.strip())
            .select_related("issuer")
            .first()
        )
    if document is None:
        raise NotFound(_("Không có văn bản %(id)s của cơ quan.") % {"id": document_id})
    return document


def _steps(current: str, target: str) -> list[str]:
    """The states to pass through from ``current`` to ``target``; none when it is there or
    beyond already. A refusal is possible only before the copy is taken in."""
    if target == R.REFUSED:
        if current in (R.PENDING, R.DELIVERED):
            return [*([R.DELIVERED] if current == R.PENDING else []), R.REFUSED]
        return []
    if current == R.REFUSED or current not in PATH:
        return []
    here, there = PATH.index(current), PATH.index(target)
    return PATH[here + 1 : there + 1]


def import_status(*, actor, message: StatusMessage) -> tuple[Receipt, bool]:
    """Apply the message to our copy for the reporting organisation; ``(receipt, changed)``.
    404 for a document not ours, 403 for someone not the issuer's clerk, 409 for a copy
    inside the system (its own clerk moves it) or a code this exchange does not carry."""
    document = document_of(message.document_id)
    if not grants_of(actor).has(document.issuer_id, RoleCode.CLERK):
        raise Forbidden()
    return apply_status(actor=actor, document=document, message=message)


def apply_status(*, actor, document: Document, message: StatusMessage) -> tuple[Receipt, bool]:
    """``import_status`` once the importer may: also the inbox reader's, as the system
    (``actor`` None), for a message that came through the sender's own transport."""
    target = TARGET.get(message.code)
    if target is None:
        raise Conflict(
            _("Mã trạng thái %(code)s chưa được hỗ trợ.") % {"code": message.code},
            code="unsupported_status",
        )
    receipt = (
        Receipt.objects.filter(document=document, organization__organ_id=message.sender.organ_id)
        .select_related("organization")
        .first()
    )
    if receipt is None:
        raise PackageInvalid(
            {"Status.From.OrganId": [_("Cơ quan này không phải nơi nhận văn bản.")]}
        )
    if not receipt.is_outside:
        raise Conflict(
            _("Nơi nhận dùng hệ thống này; trạng thái do văn thư của họ cập nhật."),
            code="inside_recipient",
        )
    at = timezone.make_aware(message.timestamp) if message.timestamp else timezone.now()
    with step_transaction():
        receipt = _lock_receipt(receipt)
        steps = _steps(receipt.status, target)
        was_settled = receipt.is_settled
        for state in steps:
            before = receipt.status
            with _transition_errors():
                _take(receipt, state, message, at)
            receipt.save()
            audit.record(
                actor=actor,
                action=VERB[state],
                receipt=receipt,
                from_status=before,
                to_status=receipt.status,
                comment=message.description if state in (R.REFUSED, R.COMPLETED) else "",
                data={
                    "edxml_status": message.code,
                    "reported_by": message.sender.organ_id,
                    **({"staff": message.staff} if message.staff else {}),
                },
            )
            _announce([receipt], VERB[state], actor)
        if steps and receipt.is_settled and not was_settled:
            _settle_document(document.pk)
    return receipt, bool(steps)


def _take(receipt: Receipt, state: str, message: StatusMessage, at) -> None:
    if state == R.DELIVERED:
        receipt.deliver(at=at, signature_status=SignatureStatus.UNSIGNED)
    elif state == R.ACKNOWLEDGED:
        # Its số đến is in the recipient's own register, not ours.
        receipt.acknowledge(book=None, number=None, at=at)
    elif state == R.ASSIGNED:
        receipt.assign(assignee=None, deadline=None)
    elif state == R.IN_PROGRESS:
        receipt.start()
    elif state == R.COMPLETED:
        receipt.complete(report=message.description or str(_("Hoàn thành")))
    elif state == R.REFUSED:
        receipt.refuse(reason=message.description or str(_("Từ chối tiếp nhận")))
