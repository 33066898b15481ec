"""The receiving side: delivery, acknowledgement or refusal, assignment, handling, and
documents registered from outside the system."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart.models import Membership, Organization, RoleCode
from orgchart.selectors import grants_of

from .. import audit, numbering, uploads
from ..choices import SignatureStatus
from ..errors import Conflict, Forbidden, InvalidInput
from ..handling import HandlerRole, ReceiptHandler
from ..models import (
    Attachment,
    DocType,
    Document,
    DocumentStatus,
    Purpose,
    Receipt,
    ReceiptStatus,
    Urgency,
)
from ..selectors import authorize
from .core import (
    _announce,
    _lock_document,
    _lock_receipt,
    _require_text,
    _transition_errors,
    step_transaction,
)
from .drafting import _resolve_issuer
from .electronic import arrival_status
from .obligations import fulfil_on_delivery

User = get_user_model()
S, R = DocumentStatus, ReceiptStatus

# ---------------------------------------------------------------------------------------------
# Receiving


def _receipt_step(
    *,
    actor,
    receipt: Receipt,
    action: str,
    transition: str,
    comment: str = "",
    data: dict | None = None,
    kwargs_for=None,
) -> Receipt:
    with step_transaction():
        receipt = _lock_receipt(receipt)
        authorization = authorize(actor, action, receipt) if actor is not None else None
        from_status = receipt.status
        was_settled = receipt.is_settled
        with _transition_errors():
            getattr(receipt, transition)(**(kwargs_for(receipt) if kwargs_for else {}))
            receipt.save()
        audit.record(
            actor=actor,
            action=action,
            receipt=receipt,
            from_status=from_status,
            to_status=receipt.status,
            comment=comment,
            data=data,
            on_behalf_of_id=authorization.on_behalf_of_id if authorization else None,
        )
        _announce([receipt], action, actor)
        if receipt.document_id and receipt.is_settled and not was_settled:
            # Last, so the document row is held for as short a time as possible.
            _settle_document(receipt.document_id)
    return receipt


def _settle_document(document_id: int) -> None:
    """One receipt fewer to wait for; the one that leaves none completes the document. The
    count is taken off in one statement that returns what is left, so of many receipts
    settling at once exactly one sees 0, and none reads its siblings."""
    table = connection.ops.quote_name(Document._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET open_receipts = open_receipts - 1 "  # nosec B608 # table from the model, values bound
            "WHERE id = %s AND open_receipts > 0 RETURNING open_receipts, status",
            [document_id],
        )
        row = cursor.fetchone()
    if row is None or row[0] != 0 or row[1] != S.DISPATCHED:
        return
    document = _lock_document(document_id)
    with _transition_errors():
        document.complete()
        document.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=None,
        action="complete",
        document=document,
        from_status=S.DISPATCHED,
        to_status=document.status,
    )
    _announce([document], "complete", None)


def deliver(*, receipt: Receipt | int, problem: str = "") -> bool:
    """Mark one receipt as arrived (code 01). Idempotent: a receipt no longer pending is left
    alone and False is returned, so a task run twice delivers once."""
    with step_transaction():
        receipt = _lock_receipt(receipt)
        if receipt.status != R.PENDING:
            return False
        if receipt.document is not None and receipt.document.status == S.RECALLED:
            return False
        checked = arrival_status(receipt.document)
        receipt = _receipt_step(
            actor=None,
            receipt=receipt,
            action="deliver",
            transition="deliver",
            kwargs_for=lambda r: {"at": timezone.now(), "signature_status": checked},
            data={"signature_status": checked, **({"problem": problem} if problem else {})},
        )
        fulfil_on_delivery([receipt])
        if problem:
            Receipt.objects.filter(pk=receipt.pk).update(delivery_problem=problem[:255])
    return True


def deliver_many(*, receipts: Sequence[int]) -> list[Receipt]:
    """Deliver several receipts inside the system at once (code 01): each row locked once,
    and the states, the audit events and the flows' tasks written in a handful of statements
    for the whole batch. Receipts no longer pending, of a document no longer dispatched, or
    addressed outside the system (those go by e-mail, one by one) are left out."""
    with step_transaction():
        locked = list(
            Receipt.objects.select_for_update(of=("self",))
            .select_related("document__issuer", "organization")
            .filter(pk__in=list(receipts), status=R.PENDING, document__status=S.DISPATCHED)
            .order_by("pk")
        )
        locked = [r for r in locked if not r.is_outside]
        if not locked:
            return []
        now = timezone.now()
        checked: dict[int, str] = {}
        for receipt in locked:
            status = arrival_status(receipt.document, checked)
            with _transition_errors():
                receipt.deliver(at=now, signature_status=status)
            receipt.updated_at = now
        Receipt.objects.bulk_update(
            locked, ["status", "delivered_at", "delivery_problem", "signature_status", "updated_at"]
        )
        audit.record_many(
            action="deliver",
            receipts=locked,
            from_status=R.PENDING,
            to_status=R.DELIVERED,
            data_for=lambda r: {"signature_status": r.signature_status},
        )
        fulfil_on_delivery(locked)
        _announce(locked, "deliver", None)
    return locked


def mark_delivery_problem(*, receipt: Receipt | int, problem: str) -> None:
    """Record why a receipt could not be delivered, for the sender's clerk to see."""
    pk = receipt.pk if isinstance(receipt, Receipt) else receipt
    with step_transaction():
        receipt = _lock_receipt(pk)
        if receipt.delivery_problem == problem[:255]:
            return
        Receipt.objects.filter(pk=pk).update(delivery_problem=problem[:255])
        audit.record(
            actor=None,
            action="delivery_problem",
            receipt=receipt,
            from_status=receipt.status,
            to_status=receipt.status,
            comment=problem,
        )


def acknowledge(*, actor, receipt: Receipt, override_reason: str = "") -> Receipt:
    """The recipient's clerk registers the arrival: the next incoming number (số đến). A
    document whose signatures did not verify on arrival is registered only when the clerk
    says why (``override_reason``, kept in the trail)."""
    override_reason = (override_reason or "").strip()

    def numbered(r: Receipt) -> dict:
        if r.signature_status == SignatureStatus.INVALID and not override_reason:
            raise Conflict(
                _("Chữ ký số không hợp lệ: nêu lý do vẫn tiếp nhận, hoặc từ chối văn bản."),
                code="signature_invalid",
                field="override_reason",
            )
        now = timezone.now()
        secret = bool(r.document is not None and r.document.is_secret)
        # Only a clerk of the receipt's organisation may acknowledge it, so it has one.
        organization_id = r.organization_id
        if organization_id is None:
            raise ValueError(f"receipt {r.pk} has no organisation to register it")
        book, number = numbering.take_incoming(
            organization_id=organization_id, secret=secret, at=now
        )
        return {"book": book, "number": number, "at": now}

    return _receipt_step(
        actor=actor,
        receipt=receipt,
        action="acknowledge",
        transition="acknowledge",
        kwargs_for=numbered,
        comment=override_reason,
        data={"signature_override": True} if override_reason else None,
    )


def refuse(*, actor, receipt: Receipt, reason: str) -> Receipt:
    reason = _require_text("reason", reason, _("Từ chối phải nêu lý do."))
    return _receipt_step(
        actor=actor,
        receipt=receipt,
        action="refuse",
        transition="refuse",
        comment=reason,
        kwargs_for=lambda r: {"reason": reason},
    )


def assign(
    *,
    actor,
    receipt: Receipt,
    assignee,
    deadline: datetime.date | None = None,
    coordinators: Sequence = (),
    informed: Sequence = (),
    instruction: str = "",
) -> Receipt:
    """The recipient's leader names the chủ trì handler (``assignee``), any phối hợp handlers
    and people told for information (để biết), all of the receiving organisation and each in
    one part only, with the ý kiến chỉ đạo and a deadline."""
    if assignee is None or assignee == "":
        raise InvalidInput({"assignee": [_("Chọn người xử lý.")]})
    errors: dict[str, list[str]] = {}
    lead = _people("assignee", [assignee], errors)
    parts = {
        HandlerRole.LEAD: lead,
        HandlerRole.COORDINATE: _people("coordinators", coordinators, errors),
        HandlerRole.INFORM: _people("informed", informed, errors),
    }
    if deadline is not None and deadline < timezone.localdate():
        errors.setdefault("deadline", []).append(_("Hạn xử lý đã qua."))
    seen: set[int] = set()
    for part, field in ((HandlerRole.COORDINATE, "coordinators"), (HandlerRole.INFORM, "informed")):
        for user in parts[part]:
            if user.pk in seen or user.pk == (lead[0].pk if lead else None):
                errors.setdefault(field, []).append(
                    _("Mỗi người chỉ nhận một vai trò: %(name)s.") % {"name": user.username}
                )
            seen.add(user.pk)
    if errors:
        raise InvalidInput(errors)
    instruction = (instruction or "").strip()

    def checked(r: Receipt) -> dict:
        members = set(
            Membership.objects.active()
            .filter(organization_id=r.organization_id, user__in=[u.pk for u in _all(parts)])
            .values_list("user_id", flat=True)
        )
        outsiders: dict[str, list[str]] = {}
        for part, field in PART_FIELDS.items():
            for user in parts[part]:
                if user.pk in members:
                    continue
                outsiders.setdefault(field, []).append(
                    _("Người xử lý phải thuộc cơ quan nhận.")
                    if part == HandlerRole.LEAD
                    else _("Người được phân công phải thuộc cơ quan nhận: %(name)s.")
                    % {"name": user.username}
                )
        if outsiders:
            raise InvalidInput(outsiders)
        ReceiptHandler.objects.bulk_create(
            [ReceiptHandler(receipt=r, user=u, role=part) for part in parts for u in parts[part]]
        )
        return {"assignee": lead[0], "deadline": deadline, "instruction": instruction}

    return _receipt_step(
        actor=actor,
        receipt=receipt,
        action="assign",
        transition="assign",
        comment=instruction,
        data={
            "assignee": lead[0].username,
            "coordinators": [u.username for u in parts[HandlerRole.COORDINATE]],
            "informed": [u.username for u in parts[HandlerRole.INFORM]],
            "deadline": deadline.isoformat() if deadline else None,
        },
        kwargs_for=checked,
    )


#: Which argument of ``assign`` names each part, for the field errors.
PART_FIELDS = {
    HandlerRole.LEAD: "assignee",
    HandlerRole.COORDINATE: "coordinators",
    HandlerRole.INFORM: "informed",
}


def _all(parts: dict) -> list:
    return [u for users in parts.values() for u in users]


def _people(field: str, given: Sequence, errors: dict[str, list[str]]) -> list:
    """Users named by instance or username, once each; unknown names go to ``errors``."""
    names = [str(g).strip() for g in given if not isinstance(g, User) and str(g).strip()]
    found = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    people: dict[int, object] = {}
    for g in given:
        user = g if isinstance(g, User) else found.get(str(g).strip())
        if user is None:
            if str(g).strip():
                errors.setdefault(field, []).append(
                    _("Không có người dùng này.")
                    if field == "assignee"
                    else _("Không có người dùng này: %(name)s.") % {"name": g}
                )
            continue
        if user.pk in people:
            errors.setdefault(field, []).append(
                _("Mỗi người chỉ nhận một vai trò: %(name)s.") % {"name": user.username}
            )
        people[user.pk] = user
    return list(people.values())


def start_handling(*, actor, receipt: Receipt) -> Receipt:
    return _receipt_step(actor=actor, receipt=receipt, action="start", transition="start")


def complete(*, actor, receipt: Receipt, report: str) -> Receipt:
    report = _require_text("report", report, _("Cần nêu kết quả xử lý."))
    return _receipt_step(
        actor=actor,
        receipt=receipt,
        action="complete",
        transition="complete",
        comment=report,
        kwargs_for=lambda r: {"report": report},
    )


#: A paper document is scanned as a PDF or as page images; nothing else is its copy.
SCAN_TYPES = (uploads.PDF, uploads.PNG, uploads.JPEG)
#: Files of one registration: a bound on one request's storage writes.
MAX_SCANS = 10


@dataclass(frozen=True)
class Scan:
    """One scanned file of a paper document: the upload and its type as ``uploads.check``
    found it from the bytes (the caller checks; the name is never trusted for the type)."""

    file: Any
    content_type: str
    name: str = ""


def register_incoming(
    *,
    actor,
    organization: Organization | str,
    sender_name: str,
    sender_symbol: str,
    sender_date: datetime.date | None,
    title: str,
    doc_type: str = "",
    urgency: str = Urgency.NORMAL,
    secret: bool = False,
    purpose: str = Purpose.EXECUTE,
    scans: Sequence[Scan] = (),
) -> Receipt:
    """Register a document that arrived from outside the system (paper, e-mail, the national
    exchange): it gets the next số đến like any other arrival, and, when it is to be acted on
    (``execute``/``coordinate``, the default being ``execute``), waits for its leader to assign
    a handler. ``scans`` (the paper's scanned pages, each already checked by
    ``documents.uploads``) are stored with the copy in the same transaction: a registration
    that fails leaves neither a number nor a file row."""
    organization = _resolve_issuer(organization)
    grants = grants_of(actor)
    if not grants.has(organization.pk, RoleCode.CLERK):
        raise Forbidden()
    errors: dict[str, list[str]] = {}
    for field, value in (("sender_name", sender_name), ("title", title)):
        if not (value or "").strip():
            errors.setdefault(field, []).append(_("Không được để trống."))
    if doc_type and doc_type not in DocType.values:
        errors.setdefault("doc_type", []).append(_("Loại văn bản không hợp lệ."))
    if urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(_("Độ khẩn không hợp lệ."))
    if purpose not in Purpose.values:
        errors.setdefault("purpose", []).append(
            _("Mục đích không hợp lệ: %(value)s.") % {"value": purpose}
        )
    scan_errors = _scan_errors(scans)
    if scan_errors:
        errors["scans"] = scan_errors
    if errors:
        raise InvalidInput(errors)
    stored: list = []
    try:
        with step_transaction():
            now = timezone.now()
            receipt = Receipt(
                organization=organization,
                status=R.DELIVERED,
                delivered_at=now,
                purpose=purpose,
                urgency=urgency,
                sender_name=sender_name.strip(),
                sender_symbol=sender_symbol.strip(),
                sender_date=sender_date,
                sender_title=title.strip(),
                sender_doc_type=doc_type,
            )
            book, number = numbering.take_incoming(
                organization_id=organization.pk, secret=secret, at=now
            )
            receipt.acknowledge(book=book, number=number, at=now)
            receipt.save()
            audit.record(
                actor=actor,
                action="register_incoming",
                receipt=receipt,
                to_status=receipt.status,
                data={"incoming_number": number, "sender_symbol": receipt.sender_symbol},
                on_behalf_of_id=grants.principal_for(organization.pk, RoleCode.CLERK),
            )
            _store_scans(receipt, scans, actor, stored)
            _announce([receipt], "register_incoming", actor)
    except BaseException:
        # The rows rolled back; the files written meanwhile go too.
        for file in stored:
            file.storage.delete(file.name)
        raise
    return receipt


def _scan_errors(scans: Sequence[Scan]) -> list[str]:
    errors = [
        _("%(name)s: bản quét phải là tệp PDF, PNG hoặc JPEG.") % {"name": scan.name}
        for scan in scans
        if scan.content_type not in SCAN_TYPES
    ]
    if len(scans) > MAX_SCANS:
        errors.append(_("Tối đa %(count)s tệp bản quét.") % {"count": MAX_SCANS})
    return errors


def _store_scans(receipt: Receipt, scans: Sequence[Scan], actor, stored: list) -> None:
    for scan in scans:
        name = (scan.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
        attachment = Attachment(
            receipt=receipt,
            original_name=name or "ban-quet",
            content_type=scan.content_type,
            size=scan.file.size,
            uploaded_by=actor,
        )
        attachment.file.save(attachment.original_name, scan.file, save=False)
        stored.append(attachment.file)
        attachment.save()
