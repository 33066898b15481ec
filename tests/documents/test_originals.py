"""The electronic original through the steps (documents/services/electronic.py): the signer's
signature when signing, the number, date and organisation's signature when registering, each
stored once with its hash in the trail; verified on arrival; an invalid one acknowledged only
with a reason."""

from __future__ import annotations

import hashlib
import io
import subprocess

import pytest
from pdfminer.high_level import extract_text
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from documents import rendering, services
from documents.errors import Conflict
from documents.models import AuditEvent, Document, Receipt
from documents.originals import OriginalKind, SignedPdf
from documents.signing import Box, SigningUnavailable, verify_pdf
from documents.signing.original import SLOTS_LAYER, _layer, seal_original
from documents.signing.registration import POLICY
from documents.signing.verify import _context, _roots
from tests.documents.test_rendering import assert_in_order, letter, pdf_text
from tests.support import advance, new_draft, receipt_for, system_tool, user

pytestmark = pytest.mark.django_db

ORG_NAME = "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Sầm Sơn"


def tampered(pdf: bytes) -> bytes:
    """One byte changed where every signature covers it: the producer's name."""
    at = pdf.index(b"WeasyPrint")
    return pdf[:at] + b"w" + pdf[at + 1 :]


def original(document: Document, kind: str) -> SignedPdf:
    return SignedPdf.objects.get(document=document, kind=kind)


def event(document: Document, action: str) -> AuditEvent:
    return AuditEvent.objects.filter(document=document, action=action).latest("seq")


def pyhanko_statuses(pdf: bytes, **kwargs):
    reader = PdfFileReader(io.BytesIO(pdf))
    context = _context(_roots())
    return {
        sig.field_name: validate_pdf_signature(sig, signer_validation_context=context, **kwargs)
        for sig in reader.embedded_regular_signatures
    }


def test_signing_stores_the_signers_signed_pdf_and_its_hash_in_the_trail(world):
    signed = advance(world.seed_plan(), "signed")
    row = original(signed, OriginalKind.SIGNED)
    data = row.read()
    assert (
        row.sha256 == hashlib.sha256(data).hexdigest() == event(signed, "sign").data["pdf_sha256"]
    )
    assert row.version == signed.version
    check = verify_pdf(data)
    assert check.status == "valid" and check.signers == ["Trịnh Quang Huy"]
    # Signed, not yet numbered: the PDF served is the stored one, no number on it.
    assert rendering.document_pdf(signed) == data
    text = pdf_text(data)
    assert "Số:" not in text
    assert_in_order(text, ["BAN THƯỜNG TRỰC", "KẾ HOẠCH", "Nơi nhận:", "Trịnh Quang Huy"])


def test_the_issued_pdf_carries_both_signatures_and_the_number_where_a_reader_expects_it(world):
    issued = advance(world.seed_plan(), "issued")
    row = original(issued, OriginalKind.ISSUED)
    data = row.read()
    assert event(issued, "register").data["pdf_sha256"] == row.sha256
    check = verify_pdf(data)
    assert check.status == "valid", check
    assert check.signers == ["Trịnh Quang Huy", ORG_NAME]
    assert rendering.document_pdf(issued) == data
    header = [
        "ỦY BAN MTTQ VIỆT NAM",
        "THÀNH PHỐ SẦM SƠN",
        "BAN THƯỜNG TRỰC",
        f"Số: {issued.symbol}",
        "Sầm Sơn, ngày",
        "KẾ HOẠCH",
        "Thông tin, tuyên truyền",
    ]
    assert_in_order(pdf_text(data), [*header, "Nơi nhận:", "- Lưu: VT", "PHÓ CHỦ TỊCH"])
    # pdfminer reads the number and date where a fresh rendering has them, too.
    assert_in_order(" ".join(extract_text(io.BytesIO(data)).split()), header)


def test_pyhanko_finds_both_signatures_intact_and_valid(world):
    data = original(advance(world.seed_plan(), "issued"), OriginalKind.ISSUED).read()
    plain = pyhanko_statuses(data)
    assert set(plain) == {"signer", "organisation"}
    assert all(s.intact and s.valid and s.trusted for s in plain.values())
    judged = pyhanko_statuses(data, diff_policy=POLICY)
    assert all(s.bottom_line for s in judged.values())


def test_a_one_page_letter_signed_and_sealed_on_the_same_page_is_valid(world):
    # The seal's widget joins the page the number was drawn on.
    issued = advance(letter(world), "issued")
    data = original(issued, OriginalKind.ISSUED).read()
    assert len(PdfFileReader(io.BytesIO(data)).root["/Pages"]["/Kids"]) == 1
    assert verify_pdf(data).status == "valid"
    assert_in_order(pdf_text(data), [f"Số: {issued.symbol}", "V/v Đề nghị", "Kính gửi:"])


def test_pdfsig_lists_both_signatures_of_the_issued_document_as_valid(world, tmp_path):
    path = tmp_path / "issued.pdf"
    path.write_bytes(original(advance(world.seed_plan(), "issued"), OriginalKind.ISSUED).read())
    out = subprocess.run([system_tool("pdfsig"), str(path)], capture_output=True, text=True).stdout
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Trịnh Quang Huy" in out and ORG_NAME in out


def test_a_registration_update_that_paints_over_the_page_is_not_accepted(world):
    """A clerk's update may add text, not cover what the signer signed."""
    issued = advance(world.seed_plan(), "issued")
    signed = original(issued, OriginalKind.SIGNED)
    from weasyprint import HTML

    cover = HTML(string='<div style="background:#fff;height:200mm">Số: 99</div>').write_pdf()
    writer = IncrementalPdfFileWriter(io.BytesIO(signed.read()), strict=False)
    stream, _brought = _layer(writer, cover, SLOTS_LAYER)
    page_ref, _ = writer.find_page_for_modification(0)
    contents_ref = page_ref.get_object().raw_get("/Contents")
    contents = contents_ref.get_object()
    contents.insert(1, stream)
    writer.mark_update(contents_ref)
    out = io.BytesIO()
    writer.write(out)
    check = verify_pdf(out.getvalue())
    assert check.status == "invalid"
    assert not check.signatures[0].ok


def test_a_seal_over_a_file_whose_signature_was_broken_is_invalid(world):
    issued = advance(world.seed_plan(), "issued")
    signed = original(issued, OriginalKind.SIGNED)
    data = tampered(signed.read())
    resealed = seal_original(
        document=issued,
        signed_pdf=data,
        signer_box=Box(*signed.signature_box),
        page=signed.signature_page,
    )
    assert verify_pdf(resealed).status == "invalid"


def test_a_stored_original_is_never_changed_or_removed(world):
    row = original(advance(world.seed_plan(), "signed"), OriginalKind.SIGNED)
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()


def test_without_a_key_the_signer_cannot_sign_and_nothing_changes(world, settings, tmp_path):
    document = advance(new_draft(), "awaiting_signature")
    settings.SIGNING_KEYSTORE_DIR = tmp_path
    with pytest.raises(SigningUnavailable) as refused:
        services.sign(actor=user("pct.huy"), document=document, decision="sign")
    assert refused.value.code == "no_key"
    document.refresh_from_db()
    assert document.status == "awaiting_signature"
    assert not SignedPdf.objects.filter(document=document).exists()
    assert not AuditEvent.objects.filter(document=document, action="sign").exists()


def test_a_pdf_attachment_is_sealed_by_the_organisation_with_the_document(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = html_pdf("Đề cương tuyên truyền")
    document = new_draft()
    services.add_attachment(
        actor=user("soanthao"),
        document=document,
        uploaded_file=SimpleUploadedFile("de-cuong.pdf", pdf),
        content_type="application/pdf",
    )
    issued = advance(document, "issued")
    attachment = issued.attachments.get()
    row = SignedPdf.objects.get(attachment=attachment, kind=OriginalKind.ATTACHMENT)
    check = verify_pdf(row.read())
    assert check.status == "valid" and check.signers == [ORG_NAME]
    sealed = event(issued, "register").data["attachments_sha256"]
    assert sealed == {str(attachment.pk): row.sha256}


def html_pdf(text: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()


# ---------------------------------------------------------------------------------------------
# On arrival


def delivered(document: Document) -> Document:
    """Delivery as the worker does it after commit: one receipt alone, the rest in a batch."""
    pending = list(
        Receipt.objects.filter(document=document, status="pending", organization__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    services.deliver(receipt=pending[0])
    services.deliver_many(receipts=pending[1:])
    return document


def test_a_receipt_of_a_signed_and_sealed_document_arrives_valid(world):
    dispatched = delivered(advance(world.seed_plan(), "dispatched"))
    statuses = set(
        Receipt.objects.filter(document=dispatched, status="delivered").values_list(
            "signature_status", flat=True
        )
    )
    assert statuses == {"valid"}
    first = Receipt.objects.filter(document=dispatched).order_by("pk").first()
    assert AuditEvent.objects.get(receipt=first, action="deliver").data["signature_status"] == (
        "valid"
    )


def _tampered_then_dispatched(world) -> Document:
    issued = advance(world.seed_plan(), "issued")
    row = original(issued, OriginalKind.ISSUED)
    changed = tampered(row.read())
    with open(row.file.path, "wb") as handle:  # the storage changed behind the system's back
        handle.write(changed)
    return delivered(advance(issued, "dispatched"))


def test_a_changed_byte_makes_the_receipt_invalid_and_acknowledging_it_needs_a_reason(world):
    dispatched = _tampered_then_dispatched(world)
    receipt = receipt_for(dispatched, "bacson")
    assert receipt.signature_status == "invalid"
    clerk = user("vt.bacson")
    with pytest.raises(Conflict) as refused:
        services.acknowledge(actor=clerk, receipt=receipt)
    assert refused.value.code == "signature_invalid"
    receipt.refresh_from_db()
    assert receipt.status == "delivered" and receipt.incoming_number is None
    reason = "Đã gọi điện xác minh với Văn phòng MTTQ thành phố; bản giấy đang chuyển."
    receipt = services.acknowledge(actor=clerk, receipt=receipt, override_reason=reason)
    assert receipt.status == "acknowledged"
    trail = AuditEvent.objects.filter(receipt=receipt, action="acknowledge").get()
    assert trail.comment == reason and trail.data["signature_override"] is True


def test_the_api_answers_409_for_an_invalid_receipt_and_acknowledges_with_a_reason(world, client):
    from tests.support import sign_in

    dispatched = _tampered_then_dispatched(world)
    receipt = receipt_for(dispatched, "bacson")
    sign_in(client, "vt.bacson")
    url = f"/api/v1/receipts/{receipt.pk}/acknowledge/"
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 409 and refused.json()["code"] == "signature_invalid"
    shown = client.get(f"/api/v1/receipts/{receipt.pk}/").json()
    assert shown["signature_status"] == "invalid"
    done = client.post(url, {"override_reason": "Đã xác minh"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"


def test_verification_works_where_an_event_loop_is_already_running(world):
    import asyncio

    data = original(advance(world.seed_plan(), "signed"), OriginalKind.SIGNED).read()

    async def inside_a_loop():
        return verify_pdf(data)

    assert asyncio.run(inside_a_loop()).status == "valid"


def test_the_document_page_shows_the_original_its_signatures_and_frames_the_pdf(world, client):
    from tests.support import sign_in

    issued = advance(world.seed_plan(), "issued")
    row = original(issued, OriginalKind.ISSUED)
    sign_in(client, "soanthao")
    html = client.get(f"/outgoing/{issued.pk}/").content.decode()
    assert 'data-testid="original-status">Chữ ký số hợp lệ<' in html
    assert html.count('data-testid="original-signature"') == 2
    assert row.sha256 in html and f'src="/outgoing/{issued.pk}/pdf/"' in html
    framed = client.get(f"/outgoing/{issued.pk}/pdf/")
    assert framed.content == row.read()
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in framed["Content-Security-Policy"]


def test_a_recipient_downloads_the_attachment_as_the_organisation_sealed_it(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support import sign_in

    document = new_draft()
    services.add_attachment(
        actor=user("soanthao"),
        document=document,
        uploaded_file=SimpleUploadedFile("de-cuong.pdf", html_pdf("Đề cương")),
        content_type="application/pdf",
    )
    issued = advance(document, "issued")
    delivered(advance(issued, "dispatched"))
    attachment = issued.attachments.get()
    sign_in(client, "vt.bacson")
    response = client.get(f"/api/v1/documents/{issued.pk}/attachments/{attachment.pk}/")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert hashlib.sha256(body).hexdigest() == SignedPdf.objects.get(attachment=attachment).sha256
    assert verify_pdf(body).signers == [ORG_NAME]


def test_one_verification_answers_every_chunk_of_a_fan_out_and_a_changed_file_is_read_again(
    world, monkeypatch
):
    """Every chunk of a fan-out delivers the same original: verifying it once per chunk made
    delivery slower the more recipients a document had (its Nơi nhận list is in the PDF)."""
    from django.core.cache import cache

    from documents.services import electronic

    cache.clear()
    calls = []
    real = electronic.verify_pdf
    monkeypatch.setattr(electronic, "verify_pdf", lambda pdf: calls.append(1) or real(pdf))
    issued = advance(world.seed_plan(), "issued")
    row = original(issued, OriginalKind.ISSUED)
    assert [electronic.arrival_status(issued, {}) for _chunk in range(3)] == ["valid"] * 3
    assert len(calls) == 1
    changed = tampered(row.read())
    with open(row.file.path, "wb") as handle:  # changed on disk: what was read is verified
        handle.write(changed)
    assert electronic.arrival_status(issued, {}) == "invalid"
    assert len(calls) == 2
