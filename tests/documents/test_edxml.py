"""edXML (QCVN 102:2016): the seed plan's package read back by the reader the import uses,
the round trip into another organisation's incoming register, hand-made packages (optional
parts missing, messy dates, malformed XML, an XML bomb, an oversized attachment, a duplicate)
and the status message of a receipt in each state."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from django.test import override_settings
from lxml import etree

from documents import rendering, services
from documents.edxml import NS, reader, writer
from documents.edxml.reader import AttachmentTooLarge, PackageInvalid
from documents.errors import Conflict, Forbidden
from documents.exchanged import ExchangedDocument
from documents.models import ReceiptStatus
from documents.services.interchange import import_package
from tests.support import advance, receipt_for, user

pytestmark = pytest.mark.django_db
R = ReceiptStatus

#: The importing side of the round trip: the provincial MTTQ, the seed plan's first recipient,
#: as if the package had reached it over the axis (the plan is issued, not dispatched, so it
#: has no copy of it inside the system).
IMPORTER = "mttq-tinh"


@pytest.fixture
def issued(world):
    return advance(world.seed_plan(), "issued")


XSD = Path(writer.__file__).with_name("export.xsd")


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD), reader.parser()))


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def hand_made(
    *,
    document_id: str = "000.00.00.G22,2019/01/16,7816/VPCP-TTĐT",
    date: str = "2019/01/16",
    extra: str = "",
    attachments: str = "",
    drop: tuple[str, ...] = (),
) -> bytes:
    """A package as another system writes it: the SDK's default namespace on the root, the
    prefix inside, only some optional parts."""
    parts = {
        "From": "<edXML:From><edXML:OrganId>000.00.00.G22</edXML:OrganId>"
        "<edXML:OrganName>Văn phòng Chính phủ</edXML:OrganName></edXML:From>",
        "DocumentId": f"<edXML:DocumentId>{document_id}</edXML:DocumentId>",
        "Code": "<edXML:Code><edXML:CodeNumber>7816</edXML:CodeNumber>"
        "<edXML:CodeNotation>VPCP-TTĐT</edXML:CodeNotation></edXML:Code>",
        "Subject": "<edXML:Subject>V/v kết nối, liên thông phần mềm quản lý văn bản"
        "</edXML:Subject>",
    }
    header = "".join(v for k, v in parts.items() if k not in drop)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<edXML xmlns="{NS}"><edXML:edXMLEnvelope xmlns:edXML="{NS}">'
        f"<edXML:edXMLHeader><edXML:MessageHeader>{header}"
        f"<edXML:PromulgationInfo><edXML:PromulgationDate>{date}</edXML:PromulgationDate>"
        f"</edXML:PromulgationInfo>{extra}</edXML:MessageHeader></edXML:edXMLHeader>"
        f"</edXML:edXMLEnvelope><AttachmentEncoded>{attachments}</AttachmentEncoded></edXML>"
    ).encode()


def attachment(data: bytes, name: str = "van-ban.pdf") -> str:
    encoded = base64.b64encode(data).decode()
    return (
        f"<Attachment><ContentId>cid:1</ContentId><AttachmentName>{name}</AttachmentName>"
        f"<ContentType>application/pdf</ContentType><edXML:ContentTransferEncoded "
        f'xmlns:edXML="{NS}">{encoded}</edXML:ContentTransferEncoded></Attachment>'
    )


# ---------------------------------------------------------------------------------------------
# Export


def test_the_package_carries_the_seed_plan_and_parses_with_the_import_reader(issued, schema):
    raw = writer.package(issued)
    root = etree.fromstring(raw, reader.parser())  # the import's own reader
    schema.assertValid(root)
    assert root.tag == _q("edXML")
    header = root.find(f"{_q('edXMLEnvelope')}/{_q('edXMLHeader')}/{_q('MessageHeader')}")
    assert header is not None
    package = reader.read(raw)
    city = issued.issuer
    day = writer.issued_on(issued)
    assert package.document_id == f"{city.organ_id},{day:%Y/%m/%d},{issued.symbol}"
    assert package.sender.organ_id == "000.31.33.H56" and package.sender.name == city.name
    assert [to.organ_id for to in package.recipients][:2] == ["000.00.31.H56", "000.01.31.H56"]
    assert len(package.recipients) == issued.recipients.count()
    assert (package.code_number, package.code_notation) == tuple(issued.symbol.split("/", 1))
    assert package.promulgation_date == day and package.place == "Sầm Sơn"
    assert package.type_name == "Kế hoạch" and package.subject == issued.title
    assert package.signer_competence == "TM. BAN THƯỜNG TRỰC"
    assert package.signer_position == "PHÓ CHỦ TỊCH"
    assert package.signer_full_name == "Trịnh Quang Huy"
    assert package.priority == "0" and package.steering_type == "0"
    assert package.promulgation_amount == str(issued.recipients.count())
    assert int(package.page_amount) >= 1
    assert package.to_places == rendering.build_sheet(issued).recipients
    # The signed original first, byte for byte.
    first = package.attachments[0]
    assert first.content_type == "application/pdf"
    assert first.data == rendering.stored_pdf(issued)
    # The schema has teeth: without its DocumentId the package is not ours.
    header.remove(header.find(_q("DocumentId")))
    assert not schema.validate(root)
    traces = root.find(f"{_q('edXMLEnvelope')}/{_q('edXMLHeader')}/{_q('TraceHeaderList')}")
    assert traces is not None and traces.find(_q("Bussiness")) is not None


# ---------------------------------------------------------------------------------------------
# Import


def test_round_trip_into_another_organisation_keeps_every_field_and_the_pdf(issued):
    raw = writer.package(issued)
    sent = reader.read(raw)
    clerk = user(f"vt.{IMPORTER}")
    receipt = import_package(actor=clerk, package=reader.read(raw))
    receipt.refresh_from_db()
    assert receipt.organization.code == IMPORTER and receipt.document is None
    # Registered like any document from outside: a số đến, waiting for the leader.
    assert receipt.status == R.ACKNOWLEDGED and receipt.incoming_number
    assert receipt.sender_symbol == issued.symbol and receipt.sender_title == issued.title
    assert receipt.sender_date == writer.issued_on(issued) and receipt.sender_doc_type == "KH"
    kept = ExchangedDocument.objects.get(receipt=receipt)
    for column, value in (
        ("document_id", sent.document_id),
        ("code_number", sent.code_number),
        ("code_notation", sent.code_notation),
        ("promulgation_date", sent.promulgation_date),
        ("subject", issued.title),
        ("signer_competence", "TM. BAN THƯỜNG TRỰC"),
        ("signer_position", "PHÓ CHỦ TỊCH"),
        ("signer_full_name", "Trịnh Quang Huy"),
        ("sender_organ_id", issued.issuer.organ_id),
        ("sender_name", issued.issuer.name),
        ("content", issued.body.strip()),
    ):
        assert getattr(kept, column) == value, column
    assert "MessageHeader" in kept.header and sent.document_id in kept.header
    files = list(receipt.attachments.order_by("pk"))
    assert len(files) == len(sent.attachments)
    with files[0].file.open("rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).digest() == hashlib.sha256(rendering.stored_pdf(issued)).digest()
    assert files[0].content_type == "application/pdf"
    # Its flow started like any incoming document's: the leader has it to assign.
    from workflow.bookkeeping import process_for

    assert process_for(receipt) is not None


def test_the_same_document_id_twice_is_a_duplicate(world):
    clerk = user("vt.bacson")
    import_package(actor=clerk, package=reader.read(hand_made()))
    with pytest.raises(Conflict) as refused:
        import_package(actor=clerk, package=reader.read(hand_made()))
    assert refused.value.code == "duplicate"
    # Another organisation may register the same document.
    import_package(actor=user("vt.trungson"), package=reader.read(hand_made()))


def test_only_a_clerk_imports(world):
    with pytest.raises(Forbidden):
        import_package(actor=user("ld.bacson"), package=reader.read(hand_made()))


def test_optional_parts_may_be_missing_and_dates_be_messy(world):
    package = reader.read(hand_made(date="2019-01-16"))
    assert package.promulgation_date.isoformat() == "2019-01-16"
    assert package.signer_full_name == "" and package.attachments == []
    assert reader.read(hand_made(date="16/01/2019")).promulgation_date == (
        package.promulgation_date
    )
    assert reader.read(hand_made(date="không rõ")).promulgation_date is None
    receipt = import_package(actor=user("vt.bacson"), package=package)
    assert receipt.sender_symbol == "7816/VPCP-TTĐT" and receipt.sender_doc_type == ""


def test_missing_required_parts_are_named():
    with pytest.raises(PackageInvalid) as refused:
        reader.read(hand_made(drop=("DocumentId", "Subject", "From")))
    assert set(refused.value.errors) == {
        "MessageHeader.DocumentId",
        "MessageHeader.Subject",
        "MessageHeader.From",
    }


def test_malformed_xml_is_refused():
    with pytest.raises(PackageInvalid) as refused:
        reader.read(hand_made()[:-20])
    assert refused.value.code == "malformed"


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<edXML><Subject>&lol9;</Subject></edXML>"""


def test_an_xml_bomb_is_refused_without_expansion():
    with pytest.raises(PackageInvalid) as refused:
        reader.read(BOMB)
    assert refused.value.code == "doctype_refused"
    # Hidden from the byte check by another encoding, it is still refused, unexpanded.
    with pytest.raises(PackageInvalid) as refused:
        reader.read(
            BOMB.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"')
            .decode()
            .encode("utf-16")
        )
    assert refused.value.code in ("doctype_refused", "malformed")


def test_an_external_entity_is_never_fetched():
    xxe = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><edXML>&e;</edXML>'
    with pytest.raises(PackageInvalid):
        reader.read(xxe)


def test_an_attachment_over_the_limit_is_refused_before_decoding(world):
    pdf = b"%PDF-1.4\n" + b"0" * 4096
    with override_settings(ATTACHMENT_MAX_BYTES=1024), pytest.raises(AttachmentTooLarge):
        reader.read(hand_made(attachments=attachment(pdf)))


def test_an_attachment_that_is_not_base64_is_named():
    with pytest.raises(PackageInvalid) as refused:
        reader.read(hand_made(attachments=attachment(b"x").replace("eA==", "*!*")))
    assert "AttachmentEncoded.Attachment.0" in refused.value.errors


def test_a_package_too_deep_is_refused():
    deep = "<a>" * 40 + "</a>" * 40
    with pytest.raises(PackageInvalid) as refused:
        reader.read(hand_made(extra=deep))
    assert refused.value.code == "malformed"


# ---------------------------------------------------------------------------------------------
# Status messages


def _status(receipt) -> dict[str, str]:
    root = etree.fromstring(writer.status_message(receipt), reader.parser())
    etree.XMLSchema(etree.parse(str(XSD), reader.parser())).assertValid(root)
    status = root.find(f"{_q('edXMLHeader')}/{_q('Status')}")
    assert status is not None
    found = {
        "code": reader.text(status, "StatusCode"),
        "for": reader.text(status, "ResponseFor", "DocumentId"),
        "from": reader.text(status, "From", "OrganId"),
        "to": reader.text(status, "To", "OrganId"),
        "staff": reader.text(status, "StaffInfo", "Staff"),
        "description": reader.text(status, "Description"),
    }
    assert reader.read_date(reader.text(status, "Timestamp")) is not None
    return found


def test_a_receipt_reports_each_step_with_its_code(world):
    document = advance(world.seed_plan(), "dispatched")
    copy = receipt_for(document, "bacson")
    assert writer.status_code(copy) is None  # not arrived yet
    services.deliver(receipt=copy)
    copy.refresh_from_db()
    first = _status(copy)
    assert first["code"] == "01" and first["for"] == writer.document_id(document)
    assert first["from"] == world.org("bacson").organ_id
    assert first["to"] == document.issuer.organ_id
    copy = services.acknowledge(actor=user("vt.bacson"), receipt=copy)
    assert _status(copy)["code"] == "03"
    copy = services.assign(actor=user("ld.bacson"), receipt=copy, assignee=user("cb.bacson"))
    assert _status(copy)["code"] == "04"
    copy = services.start_handling(actor=user("cb.bacson"), receipt=copy)
    assert _status(copy)["code"] == "05"
    copy = services.complete(actor=user("cb.bacson"), receipt=copy, report="Xong.")
    done = _status(copy)
    assert done["code"] == "06" and done["staff"]

    refused = receipt_for(document, "trungson")
    services.deliver(receipt=refused)
    refused = services.refuse(actor=user("vt.trungson"), receipt=refused, reason="Gửi nhầm")
    answer = _status(refused)
    assert answer["code"] == "02" and "Gửi nhầm" in answer["description"]


def test_a_recalled_document_asks_for_its_copies_back(world):
    document = advance(world.seed_plan(), "dispatched")
    copy = receipt_for(document, "bacson")
    services.deliver(receipt=copy)
    services.recall(actor=user("pct.huy"), document=document, reason="Ban hành nhầm")
    copy.refresh_from_db()
    assert _status(copy)["code"] == "13"


def test_an_imported_document_answers_for_the_package(world):
    receipt = import_package(actor=user("vt.bacson"), package=reader.read(hand_made()))
    answer = _status(receipt)
    assert answer["code"] == "03"
    assert answer["for"] == "000.00.00.G22,2019/01/16,7816/VPCP-TTĐT"
    assert answer["to"] == "000.00.00.G22"
