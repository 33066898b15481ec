"""The document page: attachments as links with a preview of PDFs and images, and the
versions, each on its own page with what changed since the one before. Versions are the
issuer's deliberation: a recipient gets 404."""

from __future__ import annotations

import pytest

from documents import services
from tests.support import attach, new_draft, receipt_for, revised, user
from workflow.views.versions import word_diff

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

OLD_BODY = "Tuyên truyền trong toàn phường.\nBáo cáo trước ngày 10."
NEW_BODY = "Tuyên truyền trong toàn thành phố.\nBáo cáo trước ngày 10.\n<script>alert(1)</script>"


@pytest.fixture
def sent(world):
    """Two versions (the second changes one word of the body and adds a line of markup), a
    PDF, a PNG and a DOCX, dispatched; Bắc Sơn's copy has arrived."""
    document = new_draft(title="Kế hoạch tuyên truyền", body=OLD_BODY)
    files = [
        attach(document, "de-cuong.pdf", PDF, "application/pdf"),
        attach(document, "so-do.png", PNG, "image/png"),
        attach(document, "du-thao.docx", b"PK\x03\x04", "application/msword"),
    ]
    document = revised(
        document, title="Kế hoạch tuyên truyền năm 2023", body=NEW_BODY, to="dispatched"
    )
    services.deliver(receipt=receipt_for(document, "bacson"))
    return document, files


def _page(client, username, document):
    client.force_login(user(username))
    return client.get(f"/outgoing/{document.pk}/")


@pytest.mark.parametrize("username", ["soanthao", "vt.bacson"])
def test_attachments_are_links_and_pdfs_and_images_are_previewed(client, sent, username):
    document, (pdf, png, docx) = sent
    page = _page(client, username, document)
    assert page.status_code == 200
    html = page.content.decode()
    for attachment in (pdf, png, docx):
        url = f"/api/v1/documents/{document.pk}/attachments/{attachment.pk}/"
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200  # the session is enough
    assert f'<iframe class="vb-preview__pdf" src="/api/v1/documents/{document.pk}/' in html
    assert f"attachments/{pdf.pk}/?inline=1" in html
    assert f'<img class="vb-preview__image" src="/api/v1/documents/{document.pk}/' in html
    assert f"attachments/{png.pk}/?inline=1" in html
    assert html.count('data-testid="attachment-preview"') == 2  # not the DOCX
    assert "<script>" not in html.split('data-testid="attachments"')[1].split("</section>")[0]


def test_the_issuer_lists_and_opens_the_versions_with_the_changes(client, sent):
    document, _files = sent
    page = _page(client, "soanthao", document)
    assert f'href="/outgoing/{document.pk}/phien-ban/2/"' in page.content.decode()
    first = client.get(f"/outgoing/{document.pk}/phien-ban/1/")
    assert first.status_code == 200
    assert first.context["previous"] is None
    assert "Tuyên truyền trong toàn phường." in first.content.decode()
    second = client.get(f"/outgoing/{document.pk}/phien-ban/2/")
    html = second.content.decode()
    assert second.status_code == 200
    assert "<del>phường.</del><ins>thành phố.</ins>" in html
    assert "Kế hoạch tuyên truyền<ins> năm 2023</ins>" in html
    # Markup in a body is text, in the version and in its diff.
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert client.get(f"/outgoing/{document.pk}/phien-ban/3/").status_code == 404
    assert client.get(f"/outgoing/{document.pk}/phien-ban/{'9' * 20}/").status_code == 404


@pytest.mark.parametrize("username", ["vt.bacson", "vt.quangdai"])
def test_recipients_and_strangers_get_404_on_versions(client, sent, username):
    document, _files = sent
    client.force_login(user(username))
    assert client.get(f"/outgoing/{document.pk}/phien-ban/1/").status_code == 404
    if username == "vt.bacson":  # sees the document, not its drafts
        page = client.get(f"/outgoing/{document.pk}/")
        assert page.status_code == 200 and "phien-ban" not in page.content.decode()


def test_word_diff_marks_words_and_escapes_everything():
    assert str(word_diff("a <b> c", "a <i> c")) == "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins> c"
    assert str(word_diff("", "x & y")) == "<ins>x &amp; y</ins>"
    assert str(word_diff("same", "same")) == "same"
