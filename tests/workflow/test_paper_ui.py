"""Văn bản giấy đến on screen: the clerk's form (the scan stored with the copy in the same
transaction, the next số đến, the leader's assign task; a bad file refused with nothing
written) and the copy's own page (metadata, scan, steps, the next step; 404 elsewhere)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from documents import services
from documents.exchanged import ExchangedDocument
from documents.models import Attachment, Receipt, ReceiptStatus
from tests.documents.test_upload_validator import DOCX
from tests.support import advance, new_draft, receipt_for, sign_in, user
from tests.workflow.screens import task_url, text_of
from workflow.bookkeeping import open_task

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def form(**extra) -> dict:
    data = {
        "organization": user("vt.bacson").memberships.first().organization_id,
        "sender_name": "Sở Nội vụ tỉnh Thanh Hóa",
        "sender_symbol": "123/SNV-TCBC",
        "sender_date": "2026-11-20",
        "title": "V/v rà soát biên chế năm 2027",
        "doc_type": "CV",
        "urgency": "khan",
        "purpose": "execute",
        "scans": SimpleUploadedFile("cong-van.pdf", PDF, content_type="application/pdf"),
    }
    data.update(extra)
    return data


def test_the_clerk_registers_a_paper_document_with_its_scan(world, client, committed):
    earlier = services.register_incoming(
        actor=user("vt.bacson"),
        organization="bacson",
        sender_name="Huyện đoàn",
        sender_symbol="1/HĐ",
        sender_date=None,
        title="Công văn trước",
    )
    clerk = sign_in(client, "vt.bacson")
    page = clerk.get("/incoming/vao-so/")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.content.decode()
    response = committed(clerk.post, "/incoming/vao-so/", form(), follow=True)
    receipt = Receipt.objects.exclude(pk=earlier.pk).get(sender_symbol="123/SNV-TCBC")
    assert response.redirect_chain[-1][0] == f"/incoming/ban/{receipt.pk}/"
    assert receipt.incoming_number == earlier.incoming_number + 1
    assert receipt.book_id == earlier.book_id
    assert receipt.status == ReceiptStatus.ACKNOWLEDGED and receipt.urgency == "khan"
    (scan,) = receipt.attachments.all()
    assert scan.original_name == "cong-van.pdf" and scan.content_type == "application/pdf"
    assert scan.file.read() == PDF
    text = text_of(response)
    assert f"số đến {receipt.incoming_number}" in text
    assert "Sở Nội vụ tỉnh Thanh Hóa" in text and "cong-van.pdf" in text
    # The leader's next step is the assignment, on its task screen.
    task = open_task(receipt)
    assert task is not None and task.flow_task.can_execute(user("ld.bacson"), task)
    leader = sign_in(client, "ld.bacson").get(f"/incoming/ban/{receipt.pk}/")
    assert task_url(receipt) in leader.content.decode()
    assert "Phân công xử lý" in text_of(leader)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("virus.pdf", b"MZ\x90\x00not a pdf", "Chỉ nhận tệp PDF"),
        ("lon.pdf", PDF + b"0" * 4096, "Tệp quá lớn"),
    ],
)
def test_a_bad_file_is_a_form_error_and_nothing_is_written(
    world, client, settings, name, data, message
):
    settings.ATTACHMENT_MAX_BYTES = 4096
    before = (Receipt.objects.count(), Attachment.objects.count())
    clerk = sign_in(client, "vt.bacson")
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    response = clerk.post("/incoming/vao-so/", form(scans=upload))
    assert response.status_code == 200
    assert message in text_of(response)
    assert (Receipt.objects.count(), Attachment.objects.count()) == before


def test_a_word_file_is_no_scan(world, client):
    clerk = sign_in(client, "vt.bacson")
    upload = SimpleUploadedFile("a.docx", DOCX, content_type="application/pdf")
    response = clerk.post("/incoming/vao-so/", form(scans=upload))
    assert "bản quét phải là tệp PDF, PNG hoặc JPEG" in text_of(response)
    assert not Receipt.objects.filter(sender_symbol="123/SNV-TCBC").exists()


def test_only_clerks_reach_the_form(world, client):
    assert sign_in(client, "cb.bacson").get("/incoming/vao-so/").status_code == 403
    assert sign_in(client, "ld.bacson").get("/incoming/vao-so/").status_code == 403
    menu = sign_in(client, "vt.bacson").get("/incoming/").content.decode()
    assert 'data-testid="menu-paper"' in menu


def test_the_copy_page_and_its_scan_for_its_organisation_only(world, client, committed):
    clerk = sign_in(client, "vt.bacson")
    committed(clerk.post, "/incoming/vao-so/", form())
    receipt = Receipt.objects.get(sender_symbol="123/SNV-TCBC")
    scan = receipt.attachments.get()
    page = clerk.get(f"/incoming/ban/{receipt.pk}/")
    assert page.status_code == 200
    text = text_of(page)
    assert "123/SNV-TCBC" in text and "V/v rà soát biên chế năm 2027" in text
    assert "Vào sổ văn bản đến" in text  # the step in its history
    file_url = f"/incoming/ban/{receipt.pk}/tep/{scan.pk}/"
    assert f'src="{file_url}?inline=1"' in page.content.decode()
    inline = clerk.get(f"{file_url}?inline=1")
    assert inline.status_code == 200 and inline["Content-Disposition"].startswith("inline")
    assert b"".join(inline.streaming_content) == PDF
    outsider = sign_in(client, "vt.quangdai")
    assert outsider.get(f"/incoming/ban/{receipt.pk}/").status_code == 404
    assert outsider.get(file_url).status_code == 404
    missing = sign_in(client, "vt.bacson").get(f"/incoming/ban/{receipt.pk}/tep/999999/")
    assert missing.status_code == 404
    # From Văn bản đến, the row leads to the page.
    listing = client.get("/incoming/").content.decode()
    assert f'href="/incoming/ban/{receipt.pk}/"' in listing


def test_a_copy_of_one_of_our_documents_is_read_on_the_documents_page(world, client, committed):
    document = advance(new_draft(), "issued")
    document = committed(services.dispatch, actor=user("vanthu"), document=document)
    receipt = receipt_for(document, "bacson")
    response = sign_in(client, "vt.bacson").get(f"/incoming/ban/{receipt.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/outgoing/{document.pk}/"


def test_an_edxml_copy_shows_the_packages_fields(world, client):
    receipt = services.register_incoming(
        actor=user("vt.bacson"),
        organization="bacson",
        sender_name="UBND tỉnh",
        sender_symbol="45/UBND-VX",
        sender_date=timezone.localdate(),
        title="Về việc tổ chức Ngày hội",
    )
    ExchangedDocument.objects.create(
        receipt=receipt,
        organization=receipt.organization,
        document_id="000.00.00.H56,2026/11/20,45/UBND-VX",
        code_number="45",
        code_notation="UBND-VX",
        subject="Về việc tổ chức Ngày hội",
        signer_full_name="Nguyễn Văn A",
        header="<MessageHeader/>",
    )
    text = text_of(sign_in(client, "vt.bacson").get(f"/incoming/ban/{receipt.pk}/"))
    assert "Thông tin gói tin edXML" in text
    assert "000.00.00.H56,2026/11/20,45/UBND-VX" in text and "Nguyễn Văn A" in text
