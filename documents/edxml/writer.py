"""Building edXML: the package of one of our issued documents, and the status message of one
receipt (QCVN 102:2016). Every element is in the QCVN namespace under the ``edXML`` prefix,
in the order the official SDK writes them.

Code lists the standard leaves to the axis operator are ours and documented here:
``Priority`` 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc (every real sample has 0);
``DocumentType/Type`` is the type's place in our list of Decree 30 types, and readers map
by ``TypeName``; ``SteeringType`` 0 (not a steering document); ``PromulgationAmount`` the
number of recipients; ``PageAmount`` the pages of the signed PDF."""

from __future__ import annotations

import base64
import datetime
import io

from django.utils import timezone
from django.utils.translation import override
from lxml import etree

from orgchart.models import Organization

from .. import originals, rendering
from ..choices import DocType, Urgency
from ..lifecycle import DocumentStatus
from ..models import AuditEvent, Document, Receipt
from ..numbering import REGISTER_ZONE
from . import NS, PREFIX

PRIORITY: dict[str, str] = {
    Urgency.NORMAL: "0",
    Urgency.KHAN: "1",
    Urgency.THUONG_KHAN: "2",
    Urgency.HOA_TOC: "3",
}

#: The sender asks for the document back (thu hồi); 15/16 are the recipient's answer
#: (``documents/services/exchange.py`` carries the three).
RECALL_ASKED = "13"
RECALL_ACCEPTED = "15"
RECALL_REFUSED = "16"
# In Vietnamese whatever the reader's language: the message goes to another system's clerk.
DESCRIPTIONS = {
    "01": "Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý",
    "02": "Từ chối tiếp nhận",
    "03": "Đã tiếp nhận (vào sổ văn bản đến)",
    "04": "Phân công xử lý",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Yêu cầu lấy lại (thu hồi) văn bản",
    "15": "Đồng ý lấy lại văn bản",
    "16": "Từ chối lấy lại văn bản",
}

DATE = "%Y/%m/%d"
STAMP = "%Y/%m/%d %H:%M:%S"


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _add(parent: etree._Element, name: str, value: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(name))
    if value:
        element.text = value
    return element


def _date(value: datetime.date | None) -> str:
    return value.strftime(DATE) if value else ""


def issued_on(document: Document) -> datetime.date | None:
    if document.issued_at is None:
        return None
    return timezone.localtime(document.issued_at, REGISTER_ZONE).date()


def code_of(document: Document) -> tuple[str, str]:
    """Số and ký hiệu apart: ``01/KH-MTTQ-BTT`` → ``("01", "KH-MTTQ-BTT")``."""
    number, _, notation = document.symbol.partition("/")
    return number, notation


def document_id(document: Document) -> str:
    """``<organ id>,<yyyy/mm/dd>,<number/symbol>``: how both ends name the document."""
    return f"{document.issuer.organ_id},{_date(issued_on(document))},{document.symbol}"


def _organ(parent: etree._Element, name: str, organization: Organization | None, *, title=""):
    element = _add(parent, name)
    _add(element, "OrganId", organization.organ_id if organization else "")
    _add(
        element,
        "OrganizationInCharge",
        organization.parent.name if organization and organization.parent else "",
    )
    _add(element, "OrganName", organization.name if organization else title)
    _add(element, "OrganAdd", organization.place_name if organization else "")
    _add(element, "Email", organization.email if organization else "")
    for empty in ("Telephone", "Fax", "Website"):
        _add(element, empty)
    return element


def _type_code(doc_type: str) -> str:
    return str(DocType.values.index(doc_type) + 1) if doc_type in DocType.values else ""


def _page_count(pdf: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])


def _files(document: Document) -> list[tuple[str, str, bytes]]:
    """(name, content type, bytes): the signed original first, then each attachment as the
    organisation sealed it when it is a PDF, else as uploaded."""
    pdf = rendering.stored_pdf(document)
    if pdf is None:
        raise ValueError(f"document {document.pk} has no stored original")
    name = rendering.build_sheet(document).filename
    files = [(f"{name}.pdf", "application/pdf", pdf)]
    for attachment in document.attachments.order_by("pk"):
        sealed = originals.sealed_copy(attachment)
        if sealed is not None:
            data = sealed.read()
        else:
            with attachment.file.open("rb") as handle:
                data = handle.read()
        files.append((attachment.original_name, attachment.content_type, data))
    return files


def package(document: Document) -> bytes:
    """The edXML package of an issued document, its signed PDF and attachments inside."""
    sheet = rendering.build_sheet(document)
    files = _files(document)
    number, notation = code_of(document)
    with override(None):  # the type's name as Decree 30 writes it, whatever the language
        type_name = str(DocType(document.doc_type).label)
    root = etree.Element(_q("edXML"), nsmap={PREFIX: NS})
    envelope = _add(root, "edXMLEnvelope")
    head = _add(envelope, "edXMLHeader")
    header = _add(head, "MessageHeader")
    _organ(header, "From", document.issuer)
    recipients = document.recipients.select_related("organization__parent").order_by("order")
    for recipient in recipients:
        _organ(header, "To", recipient.organization, title=recipient.name)
    _add(header, "DocumentId", document_id(document))
    code = _add(header, "Code")
    _add(code, "CodeNumber", number)
    _add(code, "CodeNotation", notation)
    info = _add(header, "PromulgationInfo")
    _add(info, "Place", document.issuer.place_name)
    _add(info, "PromulgationDate", _date(issued_on(document)))
    kind = _add(header, "DocumentType")
    _add(kind, "Type", _type_code(document.doc_type))
    _add(kind, "TypeDetail", "0")
    _add(kind, "TypeName", type_name)
    _add(header, "Subject", document.title)
    _add(header, "Content", document.body)
    signer = _add(header, "SignerInfo")
    _add(signer, "Competence", sheet.authority_line)
    _add(signer, "Position", sheet.signer_title)
    _add(signer, "FullName", sheet.signer_name)
    _add(header, "DueDate")
    other = _add(header, "OtherInfo")
    _add(other, "Priority", PRIORITY.get(document.urgency, "0"))
    _add(other, "SphereOfPromulgation")
    _add(other, "TyperNotation")
    _add(other, "PromulgationAmount", str(len(recipients)))
    _add(other, "PageAmount", str(_page_count(files[0][2])))
    _add(header, "SteeringType", "0")
    places = _add(header, "ToPlaces")
    for line in sheet.recipients:
        _add(places, "Place", line)
    _trace(head, document)
    manifest = _add(_add(envelope, "edXMLBody"), "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = _add(root, "AttachmentEncoded")
    for index, (name, content_type, data) in enumerate(files, start=1):
        content_id = f"cid:{index}"
        reference = _add(manifest, "Reference")
        for tag, value in (
            ("ContentId", content_id),
            ("ContentType", content_type),
            ("Description", name),
            ("AttachmentName", name),
        ):
            _add(reference, tag, value)
        attachment = _add(encoded, "Attachment")
        for tag, value in (
            ("ContentId", content_id),
            ("AttachmentName", name),
            ("Description", name),
            ("ContentType", content_type),
        ):
            _add(attachment, tag, value)
        _add(attachment, "ContentTransferEncoded", base64.b64encode(data).decode("ascii"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _trace(head: etree._Element, document: Document) -> None:
    traces = _add(head, "TraceHeaderList")
    trace = _add(traces, "TraceHeader")
    _add(trace, "OrganId", document.issuer.organ_id)
    _add(trace, "Timestamp", timezone.localtime(timezone.now(), REGISTER_ZONE).strftime(STAMP))
    business = _add(traces, "Bussiness")  # sic: the standard's spelling
    _add(business, "DocumentId", document_id(document))
    _add(business, "BussinessDocType", "0")  # a new document
    _add(business, "BussinessDocReason", "Văn bản điện tử mới")
    _add(business, "Paper", "0")


# ---------------------------------------------------------------------------------------------
# Status messages


def status_code(receipt: Receipt) -> str | None:
    """The QCVN 102 code of the receipt as it stands; ``None`` while it has not arrived."""
    if receipt.document is not None and receipt.document.status == DocumentStatus.RECALLED:
        return RECALL_ASKED
    return receipt.code


def _responding_for(receipt: Receipt) -> dict[str, str]:
    """What the status answers: our document, a package's document, or a paper one."""
    if receipt.document is not None:
        document = receipt.document
        return {
            "OrganId": document.issuer.organ_id,
            "OrganName": document.issuer.name,
            "Code": document.symbol,
            "PromulgationDate": _date(issued_on(document)),
            "DocumentId": document_id(document),
        }
    exchanged = getattr(receipt, "exchanged", None)
    if exchanged is not None:
        return {
            "OrganId": exchanged.sender_organ_id,
            "OrganName": exchanged.sender_name,
            "Code": receipt.sender_symbol,
            "PromulgationDate": _date(exchanged.promulgation_date),
            "DocumentId": exchanged.document_id,
        }
    return {
        "OrganId": "",
        "OrganName": receipt.sender_name,
        "Code": receipt.sender_symbol,
        "PromulgationDate": _date(receipt.sender_date),
        "DocumentId": f",{_date(receipt.sender_date)},{receipt.sender_symbol}",
    }


def status_message(receipt: Receipt, code: str | None = None, *, note: str = "") -> bytes:
    """The status message of the receipt's current step (or of ``code``, a step it has
    passed, or a recall answer 15/16): from the recipient organisation to the sender, with
    the step's time and the person who took it; ``note`` follows the description."""
    code = code or status_code(receipt)
    if code is None:
        raise ValueError(f"receipt {receipt.pk} has not arrived")
    answered = _responding_for(receipt)
    event = (
        AuditEvent.objects.filter(receipt=receipt)
        .exclude(action="refused")
        .select_related("actor")
        .order_by("-seq")
        .first()
    )
    if code == "02" and receipt.reason:
        note = note or receipt.reason
    return _status(
        answered,
        code=code,
        sender=receipt.organization,
        to=(answered["OrganId"], answered["OrganName"]),
        note=note,
        at=event.at if event is not None else receipt.updated_at,
        staff=event.actor if event is not None else None,
    )


def recall_request(receipt: Receipt, *, reason: str, at: datetime.datetime, staff) -> bytes:
    """Status 13 the other way: from the issuer of a recalled document to the organisation
    that holds our copy, asking for it back."""
    document = receipt.document
    if document is None or receipt.organization is None:
        raise ValueError(f"receipt {receipt.pk} is not our copy for an organisation")
    return _status(
        _responding_for(receipt),
        code=RECALL_ASKED,
        sender=document.issuer,
        to=(receipt.organization.organ_id, receipt.organization.name),
        note=reason,
        at=at,
        staff=staff,
    )


def _status(answered, *, code, sender, to, note, at, staff) -> bytes:
    root = etree.Element(_q("edXMLEnvelope"), nsmap={PREFIX: NS})
    status = _add(_add(root, "edXMLHeader"), "Status")
    responds = _add(status, "ResponseFor")
    for tag in ("OrganId", "Code", "PromulgationDate", "DocumentId"):
        _add(responds, tag, answered[tag])
    _organ(status, "From", sender)
    element = _add(status, "To")
    _add(element, "OrganId", to[0])
    _add(element, "OrganName", to[1])
    _add(status, "StatusCode", code)
    description = DESCRIPTIONS[code]
    if note:
        description = f"{description}: {note}"
    _add(status, "Description", description)
    _add(status, "Timestamp", timezone.localtime(at, REGISTER_ZONE).strftime(STAMP))
    info = _add(status, "StaffInfo")
    _add(info, "Department", sender.name if sender else "")
    _add(info, "Staff", rendering.context.person_name(staff) if staff else "")
    _add(info, "Email", staff.email if staff else "")
    _add(info, "Mobile")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
