"""GET /api/v1/documents/{id}/pdf/ (design §15.4) and the document page's PDF link: the same
bytes for whoever may see the document, 404 for anyone else."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pdfminer.high_level import extract_text

from tests.support import advance

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    return " ".join(extract_text(io.BytesIO(data)).split())


def test_recipient_gets_the_issued_pdf_inline(api, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan = advance(world.seed_plan(), "dispatched")
    response = api.as_("vt.bacson").get(f"/api/v1/documents/{plan.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="01-KH-MTTQ-BTT.pdf"'
    text = text_of(response.content)
    assert "Số: 01/KH-MTTQ-BTT" in text and "Trịnh Quang Huy" in text
    assert "DỰ THẢO" not in text


def test_outsider_gets_404(api, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        plan = advance(world.seed_plan(), "dispatched")
    # A ward that is not among the recipients, and a recipient asking for a draft.
    outsider = api.as_("vt.bacson")
    assert outsider.get(f"/api/v1/documents/{plan.pk}/pdf/").status_code == 200
    missing = outsider.get("/api/v1/documents/999999/pdf/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    response = outsider.get(f"/api/v1/documents/{_draft(world).pk}/pdf/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _draft(world):
    from documents import services

    return services.create_draft(
        actor=world.user("soanthao"),
        issuer="mttq-samson",
        doc_type="TB",
        title="Thông báo lịch họp",
        body="Nội dung.",
        recipients=[{"organization": "bacson", "purpose": "inform"}],
    )


def test_draft_pdf_for_the_drafter(api, world):
    plan = world.seed_plan()
    response = api.as_("soanthao").get(f"/api/v1/documents/{plan.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="du-thao-{plan.pk}.pdf"'
    assert "DỰ THẢO" in text_of(response.content)


def test_document_page_links_its_pdf(world):
    plan = world.seed_plan()
    client = Client()
    client.force_login(world.user("soanthao"))
    page = client.get(reverse("outgoing:detail", args=[plan.pk]))
    url = reverse("outgoing:pdf", args=[plan.pk])
    assert page.status_code == 200
    assert f'href="{url}"'.encode() in page.content
    # The page shows the sheet of the PDF: the same fragment.
    assert b'class="vb-sheet vb-sheet--draft"' in page.content
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/KH-MTTQ-BTT".encode() in page.content
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="du-thao-{plan.pk}.pdf"'
    download = client.get(url + "?download=1")
    assert download["Content-Disposition"] == f'attachment; filename="du-thao-{plan.pk}.pdf"'
    assert download.content == response.content
    outsider = Client()
    outsider.force_login(world.user("vt.bacson"))
    assert outsider.get(url).status_code == 404
    assert outsider.get(reverse("outgoing:detail", args=[plan.pk])).status_code == 404


def test_script_in_the_body_is_shown_not_run(world):
    from documents import services

    plan = services.edit_draft(
        actor=world.user("soanthao"),
        document=world.seed_plan(),
        body='<script>alert("x")</script>',
    )
    client = Client()
    client.force_login(world.user("soanthao"))
    page = client.get(reverse("outgoing:detail", args=[plan.pk])).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
