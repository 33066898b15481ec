"""Reading an edXML package that came from outside: defensively, then leniently.

Defensively, because anyone on the axis can send one: no DTD is loaded, no entity is expanded,
nothing is fetched from the network, and a package that declares a DOCTYPE or an entity at
all is refused before the parser sees it (no real package has one; the billion laughs needs
one). The body itself is already bounded by the API's parser; here the tree is bounded in
depth and in elements, and each attachment in its decoded size (``ATTACHMENT_MAX_BYTES``),
checked from the base64 length before anything is decoded.

Leniently, because real packages are messy: elements are matched by their local name (with
or without the QCVN namespace, with any prefix), dates come as ``2019/01/16``, ``2019-01-16``
or ``16/01/2019``, optional parts may be missing or empty, and what cannot be mapped stays in
``header`` (the MessageHeader as it came). Only DocumentId, Code, Subject and From are
required; a package without them is refused naming each one missing."""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from lxml import etree

from ..errors import InvalidInput, ServiceError

#: Deepest element nesting a package may have (a real one is about 8 deep).
MAX_DEPTH = 32
#: Most elements a package may have (a real one has some dozens, plus a few per attachment).
MAX_ELEMENTS = 20_000

MALFORMED = _("Gói tin không phải XML hợp lệ: %(error)s")
DOCTYPE_REFUSED = _("Gói tin không được khai báo DOCTYPE hay thực thể (entity).")
TOO_DEEP = _("Gói tin lồng nhau quá %(depth)s cấp.")
TOO_MANY = _("Gói tin có quá nhiều phần tử (tối đa %(count)s).")
REQUIRED = _("Thiếu phần tử bắt buộc %(name)s.")
NOT_BASE64 = _("Tệp đính kèm không phải base64 hợp lệ.")
ATTACHMENT_TOO_LARGE = _("Tệp đính kèm quá lớn: tối đa %(limit)s byte.")
NOT_A_PACKAGE = _("Phần tử gốc phải là edXML hoặc edXMLEnvelope, không phải %(name)s.")

# Declarations a package never needs; refused on the bytes, before any parser runs.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DATE = (
    re.compile(r"^(?P<y>\d{4})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})"),
    re.compile(r"^(?P<d>\d{1,2})[/-](?P<m>\d{1,2})[/-](?P<y>\d{4})"),
)


class PackageInvalid(InvalidInput):
    """400 with a code of its own (``malformed``, ``doctype_refused``, ``invalid``)."""

    def __init__(self, errors: dict[str, list[str]], *, code: str = "invalid", detail=None):
        super().__init__(errors, detail)
        self.code = code


class AttachmentTooLarge(ServiceError):
    status_code = 413
    default_code = "too_large"
    default_detail = _("Tệp đính kèm của gói tin quá lớn.")


@dataclass
class Organ:
    organ_id: str = ""
    name: str = ""
    in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass
class PackedFile:
    content_id: str
    name: str
    description: str
    content_type: str
    data: bytes


@dataclass
class Package:
    sender: Organ
    document_id: str
    code_number: str
    code_notation: str
    subject: str
    header: str
    recipients: list[Organ] = field(default_factory=list)
    place: str = ""
    promulgation_date: datetime.date | None = None
    type_code: str = ""
    type_name: str = ""
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_full_name: str = ""
    due_date: datetime.date | None = None
    priority: str = ""
    promulgation_amount: str = ""
    page_amount: str = ""
    steering_type: str = ""
    to_places: list[str] = field(default_factory=list)
    attachments: list[PackedFile] = field(default_factory=list)

    @property
    def symbol(self) -> str:
        """Số, ký hiệu as printed: ``01/KH-MTTQ-BTT``."""
        return "/".join(part for part in (self.code_number, self.code_notation) if part)


def parser() -> etree.XMLParser:
    """The one reader of packages (and of our own exports, in the tests)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(raw: bytes) -> etree._Element:
    """The package's root element, or 400 naming what is wrong with the XML."""
    if _DECLARATION.search(raw):
        raise PackageInvalid({"package": [str(DOCTYPE_REFUSED)]}, code="doctype_refused")
    try:
        root = etree.fromstring(raw, parser())
    except etree.XMLSyntaxError as error:
        message = str(MALFORMED) % {"error": error.msg or str(error)}
        raise PackageInvalid({"package": [message]}, code="malformed") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        # Another encoding (UTF-16) hides the declaration from the byte check above.
        raise PackageInvalid({"package": [str(DOCTYPE_REFUSED)]}, code="doctype_refused")
    _bounded(root)
    return root


def _bounded(root: etree._Element) -> None:
    for count, element in enumerate(root.iter(), start=1):
        if count > MAX_ELEMENTS:
            raise PackageInvalid(
                {"package": [str(TOO_MANY) % {"count": MAX_ELEMENTS}]}, code="malformed"
            )
        if not isinstance(element.tag, str):
            # An entity reference left unexpanded: the package relied on a DTD.
            raise PackageInvalid({"package": [str(DOCTYPE_REFUSED)]}, code="doctype_refused")
    for element in root.iter():
        depth = sum(1 for _ in element.iterancestors())
        if depth > MAX_DEPTH:
            raise PackageInvalid(
                {"package": [str(TOO_DEEP) % {"depth": MAX_DEPTH}]}, code="malformed"
            )


def local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def children(element: etree._Element | None, name: str) -> list[etree._Element]:
    if element is None:
        return []
    return [c for c in element if local(c) == name]


def child(element: etree._Element | None, name: str) -> etree._Element | None:
    found = children(element, name)
    return found[0] if found else None


def text(element: etree._Element | None, *path: str) -> str:
    for name in path:
        element = child(element, name)
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def find(root: etree._Element, name: str) -> etree._Element | None:
    for element in root.iter():
        if local(element) == name:
            return element
    return None


def read_date(value: str) -> datetime.date | None:
    """``2019/01/16``, ``2019-01-16``, ``16/01/2019`` (a time after it is ignored); a date
    that cannot be read is ``None`` and stays, as written, in the header."""
    for pattern in _DATE:
        match = pattern.match(value.strip())
        if match:
            try:
                return datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def _organ(element: etree._Element | None) -> Organ:
    return Organ(
        organ_id=text(element, "OrganId"),
        name=text(element, "OrganName"),
        in_charge=text(element, "OrganizationInCharge"),
        address=text(element, "OrganAdd"),
        email=text(element, "Email"),
        telephone=text(element, "Telephone"),
        fax=text(element, "Fax"),
        website=text(element, "Website"),
    )


def _files(root: etree._Element, limit: int) -> list[PackedFile]:
    encoded = find(root, "AttachmentEncoded")
    files = []
    for index, attachment in enumerate(children(encoded, "Attachment")):
        where = f"AttachmentEncoded.Attachment.{index}"
        payload = re.sub(r"\s+", "", text(attachment, "ContentTransferEncoded"))
        # Decoded size from the encoded length, before decoding anything.
        if len(payload) // 4 * 3 - payload[-2:].count("=") > limit:
            raise AttachmentTooLarge(str(ATTACHMENT_TOO_LARGE) % {"limit": limit})
        try:
            data = base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise PackageInvalid({where: [str(NOT_BASE64)]}) from None
        content_id = text(attachment, "ContentId")
        name = text(attachment, "AttachmentName") or text(attachment, "Description")
        files.append(
            PackedFile(
                content_id=content_id,
                name=name or content_id or f"tep-{index + 1}",
                description=text(attachment, "Description"),
                content_type=text(attachment, "ContentType"),
                data=data,
            )
        )
    return files


def read(raw: bytes, *, attachment_limit: int | None = None) -> Package:
    """The package in ``raw``, checked; 400 (``PackageInvalid``) naming every required part
    missing, 413 (``AttachmentTooLarge``) for an attachment over the limit."""
    root = parse(raw)
    if local(root) not in ("edXML", "edXMLEnvelope"):
        raise PackageInvalid({"package": [str(NOT_A_PACKAGE) % {"name": local(root)}]})
    header = find(root, "MessageHeader")
    sender = _organ(child(header, "From"))
    code = child(header, "Code")
    package = Package(
        sender=sender,
        recipients=[_organ(to) for to in children(header, "To")],
        document_id=text(header, "DocumentId"),
        code_number=text(code, "CodeNumber"),
        code_notation=text(code, "CodeNotation"),
        subject=text(header, "Subject"),
        header=etree.tostring(header, encoding="unicode") if header is not None else "",
        place=text(header, "PromulgationInfo", "Place"),
        promulgation_date=read_date(text(header, "PromulgationInfo", "PromulgationDate")),
        type_code=text(header, "DocumentType", "Type"),
        type_name=text(header, "DocumentType", "TypeName"),
        content=text(header, "Content"),
        signer_competence=text(header, "SignerInfo", "Competence"),
        signer_position=text(header, "SignerInfo", "Position"),
        signer_full_name=text(header, "SignerInfo", "FullName"),
        due_date=read_date(text(header, "DueDate")),
        priority=text(header, "OtherInfo", "Priority"),
        promulgation_amount=text(header, "OtherInfo", "PromulgationAmount"),
        page_amount=text(header, "OtherInfo", "PageAmount"),
        # SteeringType sits in MessageHeader in the SDK's samples; accept it in OtherInfo too.
        steering_type=text(header, "SteeringType") or text(header, "OtherInfo", "SteeringType"),
        to_places=[text(p) for p in children(child(header, "ToPlaces"), "Place") if text(p)],
    )
    missing = []
    if header is None:
        missing.append("MessageHeader")
    else:
        if not package.document_id:
            missing.append("MessageHeader.DocumentId")
        if code is None or not (package.code_number or package.code_notation):
            missing.append("MessageHeader.Code")
        if not package.subject:
            missing.append("MessageHeader.Subject")
        if child(header, "From") is None or not (sender.organ_id or sender.name):
            missing.append("MessageHeader.From")
    if missing:
        raise PackageInvalid({name: [str(REQUIRED) % {"name": name}] for name in missing})
    limit = settings.ATTACHMENT_MAX_BYTES if attachment_limit is None else attachment_limit
    package.attachments = _files(root, limit)
    return package


@dataclass
class StatusMessage:
    """What another system reports about one of our documents (edXML ``Status``)."""

    document_id: str
    code: str
    sender: Organ
    description: str = ""
    timestamp: datetime.datetime | None = None
    staff: str = ""


def is_status(root: etree._Element) -> bool:
    return find(root, "Status") is not None and find(root, "MessageHeader") is None


def read_status_root(root: etree._Element) -> StatusMessage:
    status = find(root, "Status")
    message = StatusMessage(
        document_id=text(status, "ResponseFor", "DocumentId"),
        code=text(status, "StatusCode"),
        sender=_organ(child(status, "From")),
        description=text(status, "Description"),
        timestamp=_read_stamp(text(status, "Timestamp")),
        staff=text(status, "StaffInfo", "Staff"),
    )
    missing = [
        name
        for name, value in (
            ("Status.ResponseFor.DocumentId", message.document_id),
            ("Status.StatusCode", message.code),
            ("Status.From.OrganId", message.sender.organ_id),
        )
        if not value
    ]
    if missing:
        raise PackageInvalid({name: [str(REQUIRED) % {"name": name}] for name in missing})
    return message


def _read_stamp(value: str) -> datetime.datetime | None:
    for shape in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.datetime.strptime(value.strip(), shape)  # noqa: DTZ007  # local time of the sender, made aware by the caller
        except ValueError:
            continue
    return None
