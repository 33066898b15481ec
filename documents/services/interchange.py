"""Documents that arrive as edXML packages (QCVN 102:2016): registered like any document from
outside the system (``register_incoming``: the next số đến, then the leader's assignment), with
the package's own metadata kept beside the receipt and its files stored as the receipt's
attachments, each checked by the same validator as an upload."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from orgchart.models import Organization, OrganizationKind, RoleCode
from orgchart.selectors import grants_of

from .. import audit, extraction, uploads
from ..choices import DocType, Urgency
from ..edxml.reader import AttachmentTooLarge, Package, PackageInvalid
from ..errors import Conflict, Forbidden, InvalidInput, ServiceError
from ..exchanged import ExchangedDocument
from ..lifecycle import Purpose, ReceiptStatus
from ..models import EDXML_CODES, Attachment, Receipt, fold
from . import outbox
from .core import _announce, step_transaction
from .drafting import _resolve_issuer
from .receiving import register_incoming

R = ReceiptStatus
#: The code of a copy that has arrived, whatever it became in the same step.
ARRIVED = EDXML_CODES[R.DELIVERED]
URGENCY = {"1": Urgency.KHAN, "2": Urgency.THUONG_KHAN, "3": Urgency.HOA_TOC, "4": Urgency.HOA_TOC}

#: Where each column of the kept metadata comes from in the package, for the errors.
SOURCES = {
    "document_id": "MessageHeader.DocumentId",
    "sender_organ_id": "MessageHeader.From.OrganId",
    "sender_name": "MessageHeader.From.OrganName",
    "code_number": "MessageHeader.Code.CodeNumber",
    "code_notation": "MessageHeader.Code.CodeNotation",
    "promulgation_place": "MessageHeader.PromulgationInfo.Place",
    "type_code": "MessageHeader.DocumentType.Type",
    "type_name": "MessageHeader.DocumentType.TypeName",
    "signer_competence": "MessageHeader.SignerInfo.Competence",
    "signer_position": "MessageHeader.SignerInfo.Position",
    "signer_full_name": "MessageHeader.SignerInfo.FullName",
}


class UnsupportedAttachment(ServiceError):
    status_code = 415
    default_code = "unsupported_media_type"


def clerk_organization(actor, code: Organization | str | None) -> Organization:
    """The organisation the clerk registers for: the one named, else the only one where the
    actor is a clerk. 403 for someone who is a clerk nowhere (or not of the one named)."""
    grants = grants_of(actor)
    if code:
        organization = _resolve_issuer(code)
        if not grants.has(organization.pk, RoleCode.CLERK):
            raise Forbidden()
        return organization
    clerk_of = sorted(grants.orgs_with(RoleCode.CLERK))
    if not clerk_of:
        raise Forbidden()
    if len(clerk_of) > 1:
        raise InvalidInput(
            {"organization": [_("Bạn là văn thư của nhiều cơ quan: chọn một (organization).")]}
        )
    return Organization.objects.get(pk=clerk_of[0])


def _doc_type(package: Package) -> str:
    wanted = fold(package.type_name).strip()
    if not wanted:
        return ""
    with override(None):
        for value, label in DocType.choices:
            if fold(str(label)) == wanted:
                return value
    return ""


def _metadata(package: Package) -> dict:
    values = {
        "document_id": package.document_id,
        "sender_organ_id": package.sender.organ_id,
        "sender_name": package.sender.name,
        "code_number": package.code_number,
        "code_notation": package.code_notation,
        "promulgation_place": package.place,
        "promulgation_date": package.promulgation_date,
        "type_code": package.type_code,
        "type_name": package.type_name,
        "subject": package.subject,
        "content": package.content,
        "signer_competence": package.signer_competence,
        "signer_position": package.signer_position,
        "signer_full_name": package.signer_full_name,
        "due_date": package.due_date,
        "header": package.header,
    }
    errors = {}
    for name, where in SOURCES.items():
        column = ExchangedDocument._meta.get_field(name)
        value = str(values[name])
        if isinstance(column, models.CharField) and len(value) > (column.max_length or 0):
            errors[where] = [_("Dài quá %(limit)s ký tự.") % {"limit": column.max_length}]
    if errors:
        raise PackageInvalid(errors)
    return values


def _checked_files(package: Package) -> list[tuple[str, str, bytes]]:
    checked = []
    for index, packed in enumerate(package.attachments):
        upload = ContentFile(packed.data, name=packed.name)
        try:
            content_type = uploads.check(upload)
        except ValidationError as error:
            where = f"AttachmentEncoded.Attachment.{index}"
            if error.code == uploads.TOO_LARGE:
                raise AttachmentTooLarge() from None
            if error.code == uploads.UNSUPPORTED:
                raise UnsupportedAttachment(f"{where}: {packed.name}") from None
            raise PackageInvalid({where: error.messages}) from None
        name = packed.name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "tep-dinh-kem"
        checked.append((name, content_type, packed.data))
    return checked


def import_package(
    *, actor, package: Package, organization: Organization | str | None = None
) -> Receipt:
    """Register the package as an incoming document of the clerk's organisation. The same
    DocumentId twice for one organisation is refused (409 ``duplicate``). The sender is told
    01 and 03 (arrived, registered) through the outbox."""
    target = clerk_organization(actor, organization)
    values = _metadata(package)
    files = _checked_files(package)
    _refuse_duplicate(target, package)
    try:
        with step_transaction():
            receipt = register_incoming(
                actor=actor,
                organization=target,
                sender_name=(package.sender.name or package.sender.organ_id)[:255],
                sender_symbol=package.symbol[:80],
                sender_date=package.promulgation_date,
                title=package.subject[:500],
                doc_type=_doc_type(package),
                urgency=URGENCY.get(package.priority, Urgency.NORMAL),
            )
            _keep(receipt, target, values, files, actor)
            outbox.enqueue_status(receipt=receipt, code=ARRIVED)
            outbox.enqueue_status(receipt=receipt)
    except IntegrityError:
        # Two clerks importing the same package at once: the constraint decides.
        raise _duplicate(package) from None
    return receipt


def receive_package(*, package: Package, to: str = "") -> Receipt:
    """A package that came through a transport, with nobody at the keyboard: it arrives (01)
    at the organisation of ours the transport says it is for (``to``, a mã định danh among
    the package's To), else the first of ours it lists, and waits there for its clerk to
    register it (03) or refuse it (02), like a document from inside the system."""
    target = addressee(package, to)
    values = _metadata(package)
    files = _checked_files(package)
    _refuse_duplicate(target, package)
    try:
        with step_transaction():
            now = timezone.now()
            receipt = Receipt(
                organization=target,
                status=R.DELIVERED,
                delivered_at=now,
                purpose=Purpose.EXECUTE,
                urgency=URGENCY.get(package.priority, Urgency.NORMAL),
                sender_name=(package.sender.name or package.sender.organ_id)[:255],
                sender_symbol=package.symbol[:80],
                sender_date=package.promulgation_date,
                sender_title=package.subject[:500],
                sender_doc_type=_doc_type(package),
            )
            receipt.save()
            audit.record(
                actor=None,
                action="deliver",
                receipt=receipt,
                to_status=receipt.status,
                data={"edxml": package.document_id, "sender_symbol": receipt.sender_symbol},
            )
            _keep(receipt, target, values, files, None)
            _announce([receipt], "deliver", None)
            outbox.enqueue_status(receipt=receipt)
    except IntegrityError:
        raise _duplicate(package) from None
    return receipt


def addressee(package: Package, to: str = "") -> Organization:
    """Ours among the package's To (by mã định danh): ``to``, else the first one listed."""
    wanted = [r.organ_id for r in package.recipients if r.organ_id and (not to or r.organ_id == to)]
    ours = {
        o.organ_id: o
        for o in Organization.objects.filter(organ_id__in=wanted).exclude(
            kind=OrganizationKind.EXTERNAL
        )
    }
    for organ_id in wanted:
        if organ_id in ours:
            return ours[organ_id]
    raise PackageInvalid({"MessageHeader.To": [_("Gói tin không gửi tới cơ quan nào ở đây.")]})


def _duplicate(package: Package) -> Conflict:
    return Conflict(
        _("Văn bản %(id)s đã được tiếp nhận.") % {"id": package.document_id}, code="duplicate"
    )


def _refuse_duplicate(target: Organization, package: Package) -> None:
    if ExchangedDocument.objects.filter(
        organization=target, document_id=package.document_id
    ).exists():
        raise _duplicate(package)


def _keep(receipt: Receipt, target: Organization, values: dict, files, actor) -> None:
    ExchangedDocument.objects.create(receipt=receipt, organization=target, **values)
    for name, content_type, data in files:
        attachment = Attachment(
            receipt=receipt,
            original_name=name,
            content_type=content_type,
            size=len(data),
            uploaded_by=actor,
            text=extraction.extract(ContentFile(data), content_type),
        )
        attachment.file.save(name, ContentFile(data), save=False)
        attachment.save()
    receipt.save(update_fields=["search_text"])  # with the files' text
