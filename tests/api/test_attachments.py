"""The attachments of a document through the API: the list, and each file streamed to
whoever sees the document (a recipient once its copy has arrived), with headers under which
the file can neither be sniffed into a page nor run script."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from documents import services
from tests.support import advance, attach, new_draft, receipt_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
NAME = "Đề cương tuyên truyền.pdf"


@pytest.fixture
def sent(world):
    """A dispatched plan with a PDF and a PNG; Bắc Sơn's copy has arrived, Trung Sơn's not."""
    document = new_draft(title="Kế hoạch có tệp đính kèm")
    pdf = attach(document, NAME, PDF, "application/pdf")
    png = attach(document, "so-do.png", PNG, "image/png")
    document = advance(document, "dispatched")
    services.deliver(receipt=receipt_for(document, "bacson"))
    return document, pdf, png


def _url(document, attachment, query=""):
    return f"/api/v1/documents/{document.pk}/attachments/{attachment.pk}/{query}"


def test_the_list_names_each_file_with_an_absolute_download_url(api, sent):
    document, pdf, png = sent
    listed = api.as_("soanthao").get(f"/api/v1/documents/{document.pk}/attachments/")
    assert listed.status_code == 200
    rows = listed.json()["results"]  # paginated, as every list of the API (design §9)
    assert [{k: r[k] for k in ("id", "name", "size", "content_type", "url")} for r in rows] == [
        {
            "id": pdf.pk,
            "name": NAME,
            "size": len(PDF),
            "content_type": "application/pdf",
            "url": f"http://testserver{_url(document, pdf)}",
        },
        {
            "id": png.pk,
            "name": "so-do.png",
            "size": len(PNG),
            "content_type": "image/png",
            "url": f"http://testserver{_url(document, png)}",
        },
    ]
    # The document itself carries the same rows.
    detail = api.as_("soanthao").get(f"/api/v1/documents/{document.pk}/").json()
    assert [a["url"] for a in detail["attachments"]] == [r["url"] for r in rows]


def test_the_download_is_the_stored_bytes_under_safe_headers(api, sent):
    document, _pdf, _png = sent
    client = api.as_("soanthao")
    url = client.get(f"/api/v1/documents/{document.pk}/attachments/").json()["results"][0]["url"]
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(NAME)}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    policy = response["Content-Security-Policy"]
    assert policy.startswith("sandbox; default-src 'none'"), policy
    assert "script-src" not in policy


def test_inline_only_for_pdf_and_images(api, sent):
    document, pdf, png = sent
    client = api.as_("soanthao")
    image = client.get(_url(document, png, "?inline=1"))
    assert image["Content-Disposition"] == "inline; filename*=UTF-8''so-do.png"
    assert image["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert image["X-Frame-Options"] == "SAMEORIGIN"
    inline_pdf = client.get(_url(document, pdf, "?inline=1"))
    assert inline_pdf["Content-Disposition"] == f"inline; filename*=UTF-8''{quote(NAME)}"
    policy = inline_pdf["Content-Security-Policy"]
    assert policy == "sandbox; default-src 'none'; frame-ancestors 'self'"
    docx = attach(new_draft(), "du-thao.docx", b"PK\x03\x04", "application/msword")
    other = client.get(_url(docx.document, docx, "?inline=1"))
    assert other["Content-Disposition"] == "attachment; filename*=UTF-8''du-thao.docx"


def test_a_recipient_of_the_dispatched_document_downloads_its_attachments(api, sent):
    document, pdf, _png = sent
    clerk = api.as_("vt.bacson")
    listed = clerk.get(f"/api/v1/documents/{document.pk}/attachments/")
    assert listed.status_code == 200 and len(listed.json()["results"]) == 2
    response = clerk.get(_url(document, pdf))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("username", ["vt.quangdai", "vt.trungson"])
def test_a_stranger_or_a_recipient_whose_copy_has_not_arrived_gets_404(api, sent, username):
    document, pdf, _png = sent
    client = api.as_(username)
    assert client.get(f"/api/v1/documents/{document.pk}/attachments/").status_code == 404
    assert client.get(_url(document, pdf)).status_code == 404


def test_an_attachment_of_another_document_is_404(api, sent):
    document, _pdf, _png = sent
    elsewhere = attach(new_draft(title="Khác"), "khac.pdf", PDF, "application/pdf")
    client = api.as_("soanthao")  # sees both documents
    assert client.get(_url(document, elsewhere)).status_code == 404
    assert client.get(_url(elsewhere.document, elsewhere)).status_code == 200


def test_the_schema_declares_both_operations(api):
    spec = api.anonymous().get("/api/schema/?format=json").json()
    paths = spec["paths"]
    listed = paths["/api/v1/documents/{id}/attachments/"]["get"]
    assert listed["operationId"] == "documents_attachments"
    download = paths["/api/v1/documents/{id}/attachments/{attachment_id}/"]["get"]
    assert download["operationId"] == "documents_attachment_download"
    assert download["responses"]["200"]["content"] == {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }
    assert "inline" in [p["name"] for p in download["parameters"]]
