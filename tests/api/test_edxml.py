"""edXML over the API (design §15.7): the seed plan's package downloaded by the issuer's clerk
and uploaded by the provincial clerk, refusals in the documented shape, and a receipt's status
message for both sides of it."""

from __future__ import annotations

import base64

import pytest
from django.test import override_settings
from lxml import etree

from documents import rendering, services
from documents.edxml import NS, reader
from documents.exchanged import ExchangedDocument
from documents.models import Receipt
from tests.documents.test_edxml import BOMB, attachment, hand_made
from tests.support import advance, new_draft, receipt_for, user

pytestmark = pytest.mark.django_db
XML = "application/xml"


def _post(client, body: bytes, **extra):
    return client.generic("POST", "/api/v1/edxml/", body, content_type=XML, **extra)


def test_round_trip_through_the_api(api, world):
    plan = advance(world.seed_plan(), "issued")
    got = api.as_("vanthu").get(f"/api/v1/documents/{plan.pk}/edxml/", HTTP_ACCEPT=XML)
    assert got.status_code == 200, got.content
    assert got["Content-Type"].startswith(XML)
    assert got["Content-Disposition"].endswith('.edxml"')
    package = got.content
    etree.fromstring(package, reader.parser())
    imported = _post(api.as_("vt.mttq-tinh"), package)
    assert imported.status_code == 201, imported.content
    receipt = Receipt.objects.get(pk=imported.json()["receipt"])
    assert receipt.organization.code == "mttq-tinh" and receipt.sender_symbol == plan.symbol
    kept = ExchangedDocument.objects.get(receipt=receipt)
    assert kept.document_id.endswith(f",{plan.symbol}")
    with receipt.attachments.order_by("pk").first().file.open("rb") as handle:
        assert handle.read() == rendering.stored_pdf(plan)
    # The receipt is the clerk's like any arrival; its status answers for the package.
    seen = api.as_("vt.mttq-tinh").get(f"/api/v1/receipts/{receipt.pk}/")
    assert seen.status_code == 200 and seen.json()["status"] == "acknowledged"
    status = api.as_("vt.mttq-tinh").get(f"/api/v1/receipts/{receipt.pk}/status/")
    assert status.status_code == 200 and status["Content-Type"].startswith(XML)
    assert kept.document_id.encode() in status.content
    again = _post(api.as_("vt.mttq-tinh"), package)
    assert again.status_code == 409 and again.json()["code"] == "duplicate"


def test_export_is_for_the_issuer_side_once_issued(api, world):
    draft = new_draft()
    assert api.as_("vanthu").get(f"/api/v1/documents/{draft.pk}/edxml/").status_code == 409
    sent = advance(new_draft(title="Kế hoạch đã gửi"), "dispatched")
    assert api.as_("vanthu").get(f"/api/v1/documents/{sent.pk}/edxml/").status_code == 200
    services.deliver(receipt=receipt_for(sent, "bacson"))
    # A recipient sees the document, but the package is the sender's to send.
    recipient = api.as_("vt.bacson").get(f"/api/v1/documents/{sent.pk}/edxml/")
    assert recipient.status_code == 403
    # Someone who does not see it learns nothing.
    hidden = api.as_("vt.quangdai").get(f"/api/v1/documents/{draft.pk}/edxml/")
    assert hidden.status_code == 404


def test_refusals_name_what_is_wrong(api, world):
    clerk = api.as_("vt.bacson")
    missing = _post(clerk, hand_made(drop=("Code",)))
    assert missing.status_code == 400
    body = missing.json()
    assert body["code"] == "invalid" and "MessageHeader.Code" in body["errors"]
    malformed = _post(clerk, b"<edXML><unclosed></edXML>")
    assert malformed.status_code == 400 and malformed.json()["code"] == "malformed"
    bomb = _post(clerk, BOMB)
    assert bomb.status_code == 400 and bomb.json()["code"] == "doctype_refused"
    empty = _post(clerk, b"")
    assert empty.status_code == 400
    json_body = clerk.post("/api/v1/edxml/", {"a": 1}, format="json")
    assert json_body.status_code == 415
    assert not ExchangedDocument.objects.exists()


def test_an_oversized_attachment_is_413(api, world):
    pdf = b"%PDF-1.4\n" + b"0" * 4096
    with override_settings(ATTACHMENT_MAX_BYTES=1024):
        got = _post(api.as_("vt.bacson"), hand_made(attachments=attachment(pdf)))
    assert got.status_code == 413 and got.json()["code"] == "too_large"


def test_a_body_over_the_request_limit_is_413(api, world):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048):
        got = _post(api.as_("vt.bacson"), hand_made(attachments=attachment(b"%PDF" * 2000)))
    assert got.status_code == 413


def test_an_attachment_of_an_unsupported_type_is_415(api, world):
    body = hand_made(attachments=attachment(b"MZ\x90\x00 not a document", name="a.exe"))
    assert _post(api.as_("vt.bacson"), body).status_code == 415


def test_a_pdf_attachment_is_stored_with_the_receipt(api, world):
    pdf = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    got = _post(api.as_("vt.bacson"), hand_made(attachments=attachment(pdf, "Công văn.pdf")))
    assert got.status_code == 201, got.content
    (stored,) = Receipt.objects.get(pk=got.json()["receipt"]).attachments.all()
    assert stored.original_name == "Công văn.pdf" and stored.size == len(pdf)
    assert base64.b64encode(pdf)  # the bytes went in as base64 and came out as they were
    with stored.file.open("rb") as handle:
        assert handle.read() == pdf


def test_only_a_clerk_imports(api, world):
    for username in ("ld.bacson", "soanthao"):
        got = _post(api.as_(username), hand_made())
        assert got.status_code == 403, username
    assert _post(api.anonymous(), hand_made()).status_code == 401
    # A clerk names only an organisation of their own.
    other = _post(api.as_("vt.bacson"), hand_made(), QUERY_STRING="organization=trungson")
    assert other.status_code == 403


def test_the_status_message_for_both_sides(api, world):
    document = advance(new_draft(), "dispatched")
    copy = receipt_for(document, "bacson")
    url = f"/api/v1/receipts/{copy.pk}/status/"
    pending = api.as_("vanthu").get(url)
    assert pending.status_code == 409 and pending.json()["code"] == "not_arrived"
    services.deliver(receipt=copy)
    services.acknowledge(actor=user("vt.bacson"), receipt=copy)
    for username in ("vanthu", "vt.bacson"):
        got = api.as_(username).get(url, HTTP_ACCEPT=XML)
        assert got.status_code == 200, username
        root = etree.fromstring(got.content, reader.parser())
        assert root.findtext(f".//{{{NS}}}StatusCode") == "03"
    # Another recipient of the same document does not see this copy.
    assert api.as_("vt.trungson").get(url).status_code == 404
