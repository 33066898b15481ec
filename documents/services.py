"""The one door for every state change (design.md section 9).

Each service is keyword-only, takes the acting user, and in one transaction: locks the row,
checks the actor may act (``selectors.authorize``), runs the FSM transition, and writes the
audit event. Nothing else sets a state or writes an audit row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from orgchart.models import Organization, RoleCode
from orgchart.selectors import grants_of, position_title

from . import audit, numbering
from .errors import ConcurrentChange, Conflict, Forbidden, InvalidInput, NotFound
from .models import (
    SETTLED,
    Attachment,
    AuthorityPrefix,
    DocType,
    Document,
    DocumentStatus,
    DocumentVersion,
    Purpose,
    Receipt,
    ReceiptStatus,
    Recipient,
    Secrecy,
    Urgency,
)
from .selectors import authorize
from .signals import document_changed, document_dispatched, document_recalled, receipt_changed

User = get_user_model()
S, R = DocumentStatus, ReceiptStatus


@contextmanager
def _transition_errors():
    """django-fsm's own errors become the service layer's 409s."""
    try:
        yield
    except ConcurrentTransition:
        raise ConcurrentChange() from None
    except TransitionNotAllowed:
        raise Conflict() from None


def _lock_document(document: Document | int) -> Document:
    pk = document.pk if isinstance(document, Document) else document
    try:
        return Document.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=pk)
    except Document.DoesNotExist:
        raise NotFound() from None


def _lock_receipt(receipt: Receipt | int) -> Receipt:
    pk = receipt.pk if isinstance(receipt, Receipt) else receipt
    try:
        return (
            Receipt.objects.select_for_update(of=("self",))
            .select_related("document", "organization")
            .get(pk=pk)
        )
    except Receipt.DoesNotExist:
        raise NotFound() from None


def _announce(document: Document, action: str, actor) -> None:
    """Tell the flows about a committed step, whoever took it and through whichever door."""
    document_id, to_status = document.pk, document.status
    actor_id = getattr(actor, "pk", None)
    transaction.on_commit(
        lambda: document_changed.send(
            sender=Document,
            document_id=document_id,
            action=action,
            to_status=to_status,
            actor_id=actor_id,
        )
    )


def _require_text(field: str, value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: [message]})
    return value


# ---------------------------------------------------------------------------------------------
# Drafting


@dataclass(frozen=True)
class RecipientInput:
    organization: Organization | None
    name: str
    email: str
    purpose: str


_FIELDS = (
    "doc_type",
    "title",
    "body",
    "urgency",
    "secrecy",
    "authority_prefix",
    "collective_name",
    "signer_title",
    "luu",
)


def _clean_draft(
    data: dict, *, issuer: Organization, errors: dict[str, list[str]]
) -> tuple[dict, list[RecipientInput] | None, list[Receipt] | None, object]:
    """Validate every field before anything is written; collect all errors at once."""
    cleaned: dict = {}
    if "title" in data:
        title = (data.get("title") or "").strip()
        if not title:
            errors.setdefault("title", []).append(
                _("Trích yếu không được để trống. / The title must not be empty.")
            )
        elif len(title) > 500:
            errors.setdefault("title", []).append(
                _("Trích yếu tối đa 500 ký tự. / The title is at most 500 characters.")
            )
        cleaned["title"] = title
    choices = {
        "doc_type": DocType,
        "urgency": Urgency,
        "secrecy": Secrecy,
        "authority_prefix": AuthorityPrefix,
    }
    for field, enum in choices.items():
        if field in data:
            value = data[field] if data[field] is not None else ""
            if value not in enum.values:
                errors.setdefault(field, []).append(
                    _("Giá trị không hợp lệ: %(value)s. / Unknown value: %(value)s.")
                    % {"value": value}
                )
            cleaned[field] = value
    for field in ("body", "collective_name", "signer_title", "luu"):
        if field in data:
            cleaned[field] = (data[field] or "").strip() if field != "body" else data[field] or ""

    recipients = None
    if "recipients" in data:
        recipients = _clean_recipients(data["recipients"] or [], issuer=issuer, errors=errors)

    references = None
    if "references" in data:
        references = _clean_references(data["references"] or [], issuer=issuer, errors=errors)

    signer = None
    if data.get("signer") is not None:
        signer = _clean_signer(data["signer"], issuer=issuer, errors=errors)
    return cleaned, recipients, references, signer


def _clean_recipients(items, *, issuer: Organization, errors) -> list[RecipientInput]:
    messages: list[str] = []
    codes = [
        item.get("organization")
        for item in items
        if isinstance(item, dict) and item.get("organization") is not None
    ]
    codes = [c.code if isinstance(c, Organization) else str(c) for c in codes]
    orgs = {o.code: o for o in Organization.objects.active().filter(code__in=codes)}
    result: list[RecipientInput] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            messages.append(
                _("Nơi nhận %(n)d không hợp lệ. / Recipient %(n)d is invalid.") % {"n": index + 1}
            )
            continue
        purpose = item.get("purpose") or ""
        if purpose not in Purpose.values:
            messages.append(
                _("Mục đích không hợp lệ: %(value)s. / Unknown purpose: %(value)s.")
                % {"value": purpose}
            )
        org_ref = item.get("organization")
        if org_ref is not None:
            code = org_ref.code if isinstance(org_ref, Organization) else str(org_ref)
            org = orgs.get(code)
            if org is None:
                messages.append(
                    _("Không có cơ quan mã %(code)s. / Unknown organisation code %(code)s.")
                    % {"code": code}
                )
                continue
            if org.pk == issuer.pk:
                messages.append(
                    _("Cơ quan ban hành không tự gửi cho mình. / The issuer cannot be a recipient.")
                )
                continue
            key = f"org:{org.pk}"
            result.append(RecipientInput(org, "", org.email, purpose))
        else:
            name = (item.get("name") or "").strip()
            if not name:
                messages.append(
                    _("Nơi nhận cần mã cơ quan hoặc tên. / A recipient needs a code or a name.")
                )
                continue
            key = f"name:{name.casefold()}"
            result.append(RecipientInput(None, name, (item.get("email") or "").strip(), purpose))
        if key in seen:
            messages.append(
                _("Nơi nhận bị trùng: %(name)s. / Duplicate recipient: %(name)s.")
                % {"name": result[-1].organization.code if result[-1].organization else name}
            )
        seen.add(key)
    if messages:
        errors.setdefault("recipients", []).extend(messages)
    return result


def _clean_references(items, *, issuer: Organization, errors) -> list[Receipt]:
    ids = []
    for item in items:
        try:
            ids.append(item.pk if isinstance(item, Receipt) else int(item))
        except (TypeError, ValueError):
            errors.setdefault("references", []).append(
                _("Căn cứ không hợp lệ. / Invalid reference.")
            )
            return []
    found = list(Receipt.objects.filter(pk__in=ids, organization=issuer))
    if len(found) != len(set(ids)):
        errors.setdefault("references", []).append(
            _(
                "Căn cứ phải là văn bản đến của cơ quan ban hành. / A reference must be an "
                "incoming document of the issuer."
            )
        )
    return found


def _clean_signer(value, *, issuer: Organization, errors):
    from orgchart.selectors import signers_of

    signers = signers_of(issuer)
    lookup = {"pk": value.pk} if isinstance(value, User) else {"username": str(value)}
    signer = signers.filter(**lookup).first()
    if signer is None:
        errors.setdefault("signer", []).append(
            _(
                "Người ký phải là người có thẩm quyền ký của cơ quan. / The signer must be a "
                "signer of the issuer."
            )
        )
    return signer


def _resolve_issuer(issuer: Organization | str) -> Organization:
    if isinstance(issuer, Organization):
        return issuer
    org = Organization.objects.active().filter(code=str(issuer)).first()
    if org is None:
        raise InvalidInput(
            {
                "issuer": [
                    _("Không có cơ quan mã %(code)s. / Unknown organisation code %(code)s.")
                    % {"code": issuer}
                ]
            }
        )
    return org


def _save_recipients(document: Document, recipients: Sequence[RecipientInput]) -> None:
    document.recipients.all().delete()
    Recipient.objects.bulk_create(
        Recipient(
            document=document,
            organization=r.organization,
            name=r.name,
            email=r.email,
            purpose=r.purpose,
            order=index,
        )
        for index, r in enumerate(recipients)
    )


def create_draft(
    *,
    actor,
    issuer: Organization | str,
    doc_type: str,
    title: str,
    body: str = "",
    urgency: str = Urgency.NORMAL,
    secrecy: str = Secrecy.NORMAL,
    authority_prefix: str = AuthorityPrefix.NONE,
    collective_name: str = "",
    signer_title: str = "",
    signer=None,
    recipients: Iterable[dict] = (),
    references: Iterable = (),
    luu: str = "",
) -> Document:
    issuer = _resolve_issuer(issuer)
    grants = grants_of(actor)
    if not grants.has(issuer.pk, RoleCode.DRAFTER):
        raise Forbidden(
            _("Bạn không phải người soạn thảo của %(org)s. / You are not a drafter of %(org)s.")
            % {"org": issuer.code}
        )
    data = {
        "doc_type": doc_type,
        "title": title,
        "body": body,
        "urgency": urgency,
        "secrecy": secrecy,
        "authority_prefix": authority_prefix,
        "collective_name": collective_name,
        "signer_title": signer_title,
        "luu": luu,
        "recipients": list(recipients),
        "references": list(references),
        "signer": signer,
    }
    errors: dict[str, list[str]] = {}
    cleaned, recipient_rows, reference_rows, signer_user = _clean_draft(
        data, issuer=issuer, errors=errors
    )
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        document = Document(issuer=issuer, drafter=actor, signer=signer_user, **cleaned)
        document.save()
        _save_recipients(document, recipient_rows or [])
        if reference_rows:
            document.references.set(reference_rows)
        document.participants.add(actor)
        audit.record(
            actor=actor,
            action="create",
            document=document,
            to_status=document.status,
            on_behalf_of_id=grants.principal_for(issuer.pk, RoleCode.DRAFTER),
        )
        _announce(document, "create", actor)
    return document


def edit_draft(*, actor, document: Document, **changes) -> Document:
    unknown = set(changes) - set(_FIELDS) - {"recipients", "references", "signer"}
    if unknown:
        raise InvalidInput({f: [_("Không sửa được trường này. / Not editable.")] for f in unknown})
    with transaction.atomic():
        document = _lock_document(document)
        authorize(actor, "edit", document)
        errors: dict[str, list[str]] = {}
        cleaned, recipient_rows, reference_rows, signer_user = _clean_draft(
            changes, issuer=document.issuer, errors=errors
        )
        if errors:
            raise InvalidInput(errors)
        for field, value in cleaned.items():
            setattr(document, field, value)
        if "signer" in changes:
            document.signer = signer_user
        document.save()
        if recipient_rows is not None:
            _save_recipients(document, recipient_rows)
        if reference_rows is not None:
            document.references.set(reference_rows)
        audit.record(
            actor=actor,
            action="edit",
            document=document,
            from_status=document.status,
            to_status=document.status,
            data={"fields": sorted(changes)},
        )
    return document


def add_attachment(
    *, actor, document: Document, uploaded_file, content_type: str, original_name: str = ""
) -> Attachment:
    """Attach a file to a draft. The caller has established the content type from the bytes
    (never from the name); the stored name is generated and the original kept as metadata."""
    name = (original_name or getattr(uploaded_file, "name", "") or "").replace("\\", "/")
    name = name.rsplit("/", 1)[-1].strip()[:255] or "tep-dinh-kem"
    with transaction.atomic():
        document = _lock_document(document)
        authorize(actor, "attach", document)
        attachment = Attachment(
            document=document,
            original_name=name,
            content_type=content_type,
            size=uploaded_file.size,
            uploaded_by=actor,
        )
        attachment.file.save(name, uploaded_file, save=False)
        attachment.save()
        document.participants.add(actor)
        audit.record(
            actor=actor,
            action="attach",
            document=document,
            from_status=document.status,
            to_status=document.status,
            data={"attachment": attachment.pk, "name": name, "size": attachment.size},
        )
    return attachment


def _snapshot(document: Document) -> dict:
    return {
        "issuer": document.issuer.code,
        "doc_type": document.doc_type,
        "title": document.title,
        "urgency": document.urgency,
        "secrecy": document.secrecy,
        "authority_prefix": document.authority_prefix,
        "collective_name": document.collective_name,
        "signer_title": document.signer_title,
        "signer": document.signer.username if document.signer_id else None,
        "luu": document.luu,
        "recipients": [
            {
                "organization": r.organization.code if r.organization_id else None,
                "name": r.display_name,
                "email": r.email,
                "purpose": r.purpose,
            }
            for r in document.recipients.select_related("organization")
        ],
        "references": sorted(document.references.values_list("pk", flat=True)),
        "attachments": list(document.attachments.values_list("original_name", flat=True)),
    }


def _step(
    *,
    actor,
    document: Document,
    action: str,
    transition: str | Callable[[Document], str],
    comment: str = "",
    data: dict | None = None,
    kwargs_for: Callable[[Document], dict] | None = None,
) -> Document:
    """Lock, authorise, transition, audit: the shape every document step shares.

    ``transition`` and ``kwargs_for`` may depend on the locked row, so they are computed
    only after the actor is authorised on the current state.
    """
    with transaction.atomic():
        document = _lock_document(document)
        authorization = authorize(actor, action, document)
        from_status = document.status
        name = transition(document) if callable(transition) else transition
        kwargs = kwargs_for(document) if kwargs_for else {}
        with _transition_errors():
            getattr(document, name)(**kwargs)
            document.save()
        document.participants.add(actor)
        audit.record(
            actor=actor,
            action=action,
            document=document,
            from_status=from_status,
            to_status=document.status,
            comment=comment,
            data={**(data or {}), **_audit_data(kwargs)},
            on_behalf_of_id=authorization.on_behalf_of_id,
        )
        _announce(document, action, actor)
    return document


def _audit_data(kwargs: dict) -> dict:
    """The values a transition was given that belong in the trail (numbers, not objects)."""
    return {k: v for k, v in kwargs.items() if isinstance(v, int | str) and k != "signer_title"}


def submit(*, actor, document: Document, comment: str = "") -> Document:
    with transaction.atomic():
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
        _("Trả lại phải kèm ý kiến. / A return needs a comment."),
    )


def review(*, actor, document: Document, decision: str, comment: str = "") -> Document:
    """Content review (the unit's leader, at ``in_review``) or format check (the clerk, at
    ``format_check``); either may return the draft with a comment."""
    if decision not in (Decision.APPROVE, Decision.RETURN):
        raise InvalidInput({"decision": [_("Chọn approve hoặc return. / Use approve or return.")]})
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
        raise InvalidInput({"decision": [_("Chọn sign hoặc return. / Use sign or return.")]})
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
    )


def register(*, actor, document: Document) -> Document:
    """Number the signed document in the issuer's outgoing book (Decree 30 Art. 15)."""

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
    )


def dispatch(*, actor, document: Document) -> Document:
    """One receipt per recipient, created in bulk; delivery starts once this commits."""

    def with_recipients(locked: Document) -> dict:
        if not locked.recipients.exists():
            raise Conflict(
                _("Văn bản chưa có nơi nhận. / The document has no recipients."),
                code="no_recipients",
            )
        return {}

    with transaction.atomic():
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
    reason = _require_text(
        "reason", reason, _("Thu hồi phải nêu lý do. / A recall needs a reason.")
    )
    with transaction.atomic():
        document = _step(
            actor=actor, document=document, action="recall", transition="recall", comment=reason
        )
        document_id = document.pk
        transaction.on_commit(
            lambda: document_recalled.send(sender=Document, document_id=document_id)
        )
    return document


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
    with transaction.atomic():
        receipt = _lock_receipt(receipt)
        authorization = authorize(actor, action, receipt) if actor is not None else None
        from_status = receipt.status
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
        if receipt.document_id and receipt.is_settled:
            _settle_document(receipt.document_id)
        receipt_id, to_status = receipt.pk, receipt.status
        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(
            lambda: receipt_changed.send(
                sender=Receipt,
                receipt_id=receipt_id,
                action=action,
                to_status=to_status,
                actor_id=actor_id,
            )
        )
    return receipt


def _settle_document(document_id: int) -> None:
    """Complete the document when its last receipt settles. The document row is locked, so
    of many receipts settling at once exactly one sees the others done and completes it."""
    document = _lock_document(document_id)
    if document.status != S.DISPATCHED:
        return
    if document.receipts.exclude(SETTLED).exists():
        return
    with _transition_errors():
        document.complete()
        document.save()
    audit.record(
        actor=None,
        action="complete",
        document=document,
        from_status=S.DISPATCHED,
        to_status=document.status,
    )


def deliver(*, receipt: Receipt | int, problem: str = "") -> bool:
    """Mark one receipt as arrived (code 01). Idempotent: a receipt no longer pending is left
    alone and False is returned, so a task run twice delivers once."""
    with transaction.atomic():
        receipt = _lock_receipt(receipt)
        if receipt.status != R.PENDING:
            return False
        if receipt.document_id and receipt.document.status == S.RECALLED:
            return False
        _receipt_step(
            actor=None,
            receipt=receipt,
            action="deliver",
            transition="deliver",
            kwargs_for=lambda r: {"at": timezone.now()},
            data={"problem": problem} if problem else None,
        )
        if problem:
            Receipt.objects.filter(pk=receipt.pk).update(delivery_problem=problem[:255])
    return True


def mark_delivery_problem(*, receipt: Receipt | int, problem: str) -> None:
    """Record why a receipt could not be delivered, for the sender's clerk to see."""
    pk = receipt.pk if isinstance(receipt, Receipt) else receipt
    with transaction.atomic():
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


def acknowledge(*, actor, receipt: Receipt) -> Receipt:
    """The recipient's clerk registers the arrival: the next incoming number (số đến)."""

    def numbered(r: Receipt) -> dict:
        now = timezone.now()
        secret = bool(r.document_id and r.document.is_secret)
        book, number = numbering.take_incoming(
            organization_id=r.organization_id, secret=secret, at=now
        )
        return {"book": book, "number": number, "at": now}

    return _receipt_step(
        actor=actor,
        receipt=receipt,
        action="acknowledge",
        transition="acknowledge",
        kwargs_for=numbered,
    )


def refuse(*, actor, receipt: Receipt, reason: str) -> Receipt:
    reason = _require_text(
        "reason", reason, _("Từ chối phải nêu lý do. / A refusal needs a reason.")
    )
    return _receipt_step(
        actor=actor,
        receipt=receipt,
        action="refuse",
        transition="refuse",
        comment=reason,
        kwargs_for=lambda r: {"reason": reason},
    )


def assign(*, actor, receipt: Receipt, assignee, deadline: datetime.date | None = None) -> Receipt:
    """The recipient's leader names a handler from the same organisation, with a deadline."""
    from orgchart.models import Membership

    if assignee is None:
        raise InvalidInput({"assignee": [_("Chọn người xử lý. / Choose a handler.")]})
    if not isinstance(assignee, User):
        assignee = User.objects.filter(username=str(assignee), is_active=True).first()
        if assignee is None:
            raise InvalidInput({"assignee": [_("Không có người dùng này. / Unknown user.")]})
    if deadline is not None and deadline < timezone.localdate():
        raise InvalidInput({"deadline": [_("Hạn xử lý đã qua. / The deadline is in the past.")]})

    def checked(r: Receipt) -> dict:
        if (
            not Membership.objects.active()
            .filter(user=assignee, organization_id=r.organization_id)
            .exists()
        ):
            raise InvalidInput(
                {
                    "assignee": [
                        _(
                            "Người xử lý phải thuộc cơ quan nhận. / The handler must belong "
                            "to the receiving organisation."
                        )
                    ]
                }
            )
        return {"assignee": assignee, "deadline": deadline}

    return _receipt_step(
        actor=actor,
        receipt=receipt,
        action="assign",
        transition="assign",
        data={
            "assignee": assignee.username,
            "deadline": deadline.isoformat() if deadline else None,
        },
        kwargs_for=checked,
    )


def start_handling(*, actor, receipt: Receipt) -> Receipt:
    return _receipt_step(actor=actor, receipt=receipt, action="start", transition="start")


def complete(*, actor, receipt: Receipt, report: str) -> Receipt:
    report = _require_text(
        "report", report, _("Cần nêu kết quả xử lý. / A completion needs a report.")
    )
    return _receipt_step(
        actor=actor,
        receipt=receipt,
        action="complete",
        transition="complete",
        comment=report,
        kwargs_for=lambda r: {"report": report},
    )


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
) -> Receipt:
    """Register a document that arrived from outside the system (paper, e-mail, the national
    exchange): it gets the next số đến like any other arrival."""
    organization = _resolve_issuer(organization)
    grants = grants_of(actor)
    if not grants.has(organization.pk, RoleCode.CLERK):
        raise Forbidden()
    errors: dict[str, list[str]] = {}
    for field, value in (("sender_name", sender_name), ("title", title)):
        if not (value or "").strip():
            errors.setdefault(field, []).append(_("Không được để trống. / Required."))
    if doc_type and doc_type not in DocType.values:
        errors.setdefault("doc_type", []).append(_("Loại văn bản không hợp lệ. / Unknown type."))
    if urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(_("Độ khẩn không hợp lệ. / Unknown urgency."))
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        now = timezone.now()
        receipt = Receipt(
            organization=organization,
            status=R.DELIVERED,
            delivered_at=now,
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
    return receipt
