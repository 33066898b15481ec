"""Drafting: create and edit a draft, attach files, the snapshot a submit freezes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from orgchart.models import Organization, RoleCode
from orgchart.selectors import grants_of

from .. import audit, extraction
from ..bases import legal_bases
from ..errors import Forbidden, InvalidInput
from ..models import (
    Attachment,
    AuthorityPrefix,
    DocType,
    Document,
    DocumentStatus,
    Receipt,
    ReceiptStatus,
    Recipient,
    Secrecy,
    Urgency,
)
from ..report_forms import clean_answers
from ..selectors import authorize
from .core import (
    _announce,
    _lock_document,
    step_transaction,
)
from .obligations import (
    clean_obligations,
    clean_reply,
    executing_recipients,
    save_obligations,
    save_reply,
)
from .recipients import RecipientInput, clean_recipients

if TYPE_CHECKING:
    from django.contrib.auth.models import User as UserType  # the AUTH_USER_MODEL

User = get_user_model()
S, R = DocumentStatus, ReceiptStatus

# ---------------------------------------------------------------------------------------------
# Drafting


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
    "can_cu",
)


def _clean_fields(data: dict, *, errors: dict[str, list[str]]) -> dict:
    """The document's own fields."""
    cleaned: dict = {}
    if "title" in data:
        title = (data.get("title") or "").strip()
        if not title:
            errors.setdefault("title", []).append(_("Trích yếu không được để trống."))
        elif len(title) > 500:
            errors.setdefault("title", []).append(_("Trích yếu tối đa 500 ký tự."))
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
                    _("Giá trị không hợp lệ: %(value)s.") % {"value": value}
                )
            cleaned[field] = value
    for field in ("body", "collective_name", "signer_title", "luu"):
        if field in data:
            cleaned[field] = (data[field] or "").strip() if field != "body" else data[field] or ""
    if "can_cu" in data:
        cleaned["can_cu"] = "\n".join(legal_bases(data["can_cu"] or ""))
    return cleaned


def _clean_draft(
    data: dict, *, issuer: Organization, errors: dict[str, list[str]]
) -> tuple[dict, list[RecipientInput] | None, list[Receipt] | None, UserType | None]:
    """Validate every field before anything is written; collect all errors at once."""
    cleaned = _clean_fields(data, errors=errors)
    recipients = None
    if "recipients" in data:
        recipients = clean_recipients(data["recipients"] or [], issuer=issuer, errors=errors)

    references = None
    if "references" in data:
        references = _clean_references(data["references"] or [], issuer=issuer, errors=errors)

    signer = None
    if data.get("signer") is not None:
        signer = _clean_signer(data["signer"], issuer=issuer, errors=errors)
    if signer is not None and not cleaned.get("signer_title"):
        # The title under the signature is the signer's post, not words typed by the drafter.
        from orgchart.selectors import position_title

        cleaned["signer_title"] = position_title(signer, issuer.pk).upper()
    return cleaned, recipients, references, signer


def _clean_references(items, *, issuer: Organization, errors) -> list[Receipt]:
    ids = []
    for item in items:
        try:
            ids.append(item.pk if isinstance(item, Receipt) else int(item))
        except (TypeError, ValueError):
            errors.setdefault("references", []).append(_("Căn cứ không hợp lệ."))
            return []
    found = list(Receipt.objects.filter(pk__in=ids, organization=issuer))
    if len(found) != len(set(ids)):
        errors.setdefault("references", []).append(
            _("Căn cứ phải là văn bản đến của cơ quan ban hành.")
        )
    return found


def _clean_signer(value, *, issuer: Organization, errors) -> UserType | None:
    from orgchart.selectors import signers_of

    signers = signers_of(issuer)
    lookup = {"pk": value.pk} if isinstance(value, User) else {"username": str(value)}
    signer = signers.filter(**lookup).first()
    if signer is None:
        errors.setdefault("signer", []).append(
            _("Người ký phải là người có thẩm quyền ký của cơ quan.")
        )
    return signer


def _resolve_issuer(issuer: Organization | str) -> Organization:
    if isinstance(issuer, Organization):
        return issuer
    org = Organization.objects.active().filter(code=str(issuer)).first()
    if org is None:
        raise InvalidInput({"issuer": [_("Không có cơ quan mã %(code)s.") % {"code": issuer}]})
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
    obligations: Iterable[dict] | None = None,
    replies_to: int | None = None,
    fulfils: Iterable[int] = (),
    fulfils_periods: dict | None = None,
    answers: dict | None = None,
    can_cu: str = "",
) -> Document:
    issuer = _resolve_issuer(issuer)
    grants = grants_of(actor)
    if not grants.has(issuer.pk, RoleCode.DRAFTER):
        raise Forbidden(_("Bạn không phải người soạn thảo của %(org)s.") % {"org": issuer.code})
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
        "can_cu": can_cu,
        "recipients": list(recipients),
        "references": list(references),
        "signer": signer,
    }
    errors: dict[str, list[str]] = {}
    cleaned, recipient_rows, reference_rows, signer_user = _clean_draft(
        data, issuer=issuer, errors=errors
    )
    duties = clean_obligations(
        list(obligations or []),
        executing=executing_recipients(recipient_rows or []),
        errors=errors,
    )
    answered = clean_reply(
        replies_to,
        list(fulfils),
        issuer=issuer,
        addressed=[r.organization for r in recipient_rows or [] if r.organization],
        errors=errors,
        periods=fulfils_periods,
    )
    given = clean_answers(answers, answered.fulfils, errors)
    if errors:
        raise InvalidInput(errors)
    with step_transaction():
        document = Document(issuer=issuer, drafter=actor, signer=signer_user, **cleaned)
        document.save()
        _save_recipients(document, recipient_rows or [])
        if reference_rows:
            document.references.set(reference_rows)
        save_obligations(document, duties)
        save_reply(document, answered, given)
        document.participants.add(actor)
        audit.record(
            actor=actor,
            action="create",
            document=document,
            to_status=document.status,
            on_behalf_of_id=grants.principal_for(issuer.pk, RoleCode.DRAFTER),
        )
        _announce([document], "create", actor)
    return document


def edit_draft(*, actor, document: Document, **changes) -> Document:
    unknown = set(changes) - set(_FIELDS) - {"recipients", "references", "signer", *_ANSWERS}
    if unknown:
        raise InvalidInput({f: [_("Không sửa được trường này.")] for f in unknown})
    with step_transaction():
        document = _lock_document(document)
        authorize(actor, "edit", document)
        errors: dict[str, list[str]] = {}
        cleaned, recipient_rows, reference_rows, signer_user = _clean_draft(
            changes, issuer=document.issuer, errors=errors
        )
        answers = _clean_answers(document, changes, recipient_rows, errors)
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
        if "obligations" in answers:
            save_obligations(document, answers["obligations"])
        if "reply" in answers:
            save_reply(document, *answers["reply"])
        audit.record(
            actor=actor,
            action="edit",
            document=document,
            from_status=document.status,
            to_status=document.status,
            data={"fields": sorted(changes)},
        )
    return document


#: What a draft says of the work it asks for or answers (services.obligations).
_ANSWERS = ("obligations", "replies_to", "fulfils", "fulfils_periods", "answers")


def _clean_answers(document: Document, changes: dict, recipient_rows, errors) -> dict:
    """The obligations and the reply among ``changes``, checked against the recipients the
    draft will have (the new list when it changes, else its own)."""
    recipients = recipient_rows if recipient_rows is not None else list(document.recipients.all())
    answers: dict = {}
    if "obligations" in changes:
        answers["obligations"] = clean_obligations(
            list(changes["obligations"] or []),
            executing=executing_recipients(recipients),
            errors=errors,
        )
    if {"replies_to", "fulfils", "fulfils_periods", "answers"} & set(changes):
        current = getattr(document, "reply", None)
        replies_to = changes.get("replies_to", current.receipt_id if current else None)
        fulfils = changes.get(
            "fulfils", [o.pk for o in current.obligations.all()] if current else []
        )
        given = changes.get(
            "answers", {a.obligation_id: a.values for a in current.answers.all()} if current else {}
        )
        if "fulfils_periods" in changes:
            periods = changes["fulfils_periods"]
        else:
            kept = {str(i) for i in fulfils or []}
            periods = {k: v for k, v in _named_periods(current).items() if k in kept}
        answered = clean_reply(
            replies_to,
            list(fulfils or []),
            issuer=document.issuer,
            addressed=[r.organization for r in recipients if r.organization],
            errors=errors,
            periods=periods,
        )
        answers["reply"] = (answered, clean_answers(given, answered.fulfils, errors))
    return answers


def _named_periods(reply) -> dict[str, str]:
    """The periods a reply answers, by key, as an edit that leaves them alone keeps them."""
    if reply is None:
        return {}
    named = {}
    for obligation in reply.obligations.all():
        key = obligation.period(reply.period_for(obligation.pk)).key
        if key is not None:
            named[str(obligation.pk)] = key
    return named


def add_attachment(
    *, actor, document: Document, uploaded_file, content_type: str, original_name: str = ""
) -> Attachment:
    """Attach a file to a draft. The caller has established the content type from the bytes
    (never from the name); the stored name is generated and the original kept as metadata."""
    name = (original_name or getattr(uploaded_file, "name", "") or "").replace("\\", "/")
    name = name.rsplit("/", 1)[-1].strip()[:255] or "tep-dinh-kem"
    with step_transaction():
        document = _lock_document(document)
        authorize(actor, "attach", document)
        attachment = Attachment(
            document=document,
            original_name=name,
            content_type=content_type,
            size=uploaded_file.size,
            uploaded_by=actor,
            text=extraction.extract(uploaded_file, content_type),
        )
        attachment.file.save(name, uploaded_file, save=False)
        attachment.save()
        document.save(update_fields=["search_text"])  # now with the file's text
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
        "signer": document.signer.username if document.signer is not None else None,
        "luu": document.luu,
        "can_cu": document.can_cu,
        "recipients": [
            {
                "organization": r.organization.code if r.organization is not None else None,
                "name": r.display_name,
                "email": r.email,
                "purpose": r.purpose,
            }
            for r in document.recipients.select_related("organization")
        ],
        "references": sorted(document.references.values_list("pk", flat=True)),
        "attachments": list(document.attachments.values_list("original_name", flat=True)),
        # What it asks of its recipients is reviewed with it, so each version keeps it.
        "obligations": [
            {
                "kind": o.kind,
                "title": o.title,
                "due": o.due.isoformat(),
                "recurrence": o.recurrence,
                "until": o.until.isoformat() if o.until else None,
                "organizations": sorted({i.organization.code for i in o.items.all()}),
                "form": o.form,
            }
            for o in document.obligations.prefetch_related("items__organization")
        ],
    }
