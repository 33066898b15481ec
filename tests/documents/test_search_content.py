"""Search reads the body and the attachments' text (design.md §15.6), ranks what it finds,
never shows what the caller may not see, and reads every file within a bound of time and
memory, whatever the file."""

from __future__ import annotations

import io
import sys
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from rest_framework.test import APIClient

from documents import extraction, selectors, services, uploads
from documents.models import Attachment, Document
from documents.searchtext import MAX_FILE_CHARS, MAX_TEXT_CHARS, compose
from documents.selectors.search import CONTENT, SYMBOL, TITLE
from tests.support import advance, new_draft, receipt_for, user

pytestmark = pytest.mark.django_db


def pdf_with(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII) in Helvetica."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text.encode() + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n" % (len(objects) + 1, xref)
    return bytes(out + b"%%EOF\n")


def docx_with(paragraphs: list[str]) -> bytes:
    # Each paragraph in two runs, split inside its first word, as Word often writes it.
    run = "<w:r><w:t>{}</w:t></w:r>"
    body = "".join(f"<w:p>{run.format(p[:3])}{run.format(p[3:])}</w:p>" for p in paragraphs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types></Types>')
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document><w:body>'
            f"{body}</w:body></w:document>",
        )
    return buffer.getvalue()


def attach(document: Document, name: str, data: bytes) -> Attachment:
    upload = SimpleUploadedFile(name, data)
    content_type = uploads.check(upload)
    return services.add_attachment(
        actor=user("soanthao"), document=document, uploaded_file=upload, content_type=content_type
    )


def found(username: str, q: str) -> list[tuple[str, int]]:
    return [(row["kind"], row["pk"]) for row in selectors.search(user(username), q)]


needs_pdf_reader = pytest.mark.skipif(
    extraction.pdf_command("x.pdf") is None, reason="neither pdftotext nor pdfminer here"
)


def test_a_word_only_in_the_body_is_found(world):
    draft = new_draft(body="Rà soát hộ nghèo ở khu phố Quảng Châu.")
    assert found("soanthao", "QUANG CHAU") == [("document", draft.pk)]


@needs_pdf_reader
def test_a_word_only_in_an_attached_pdf_is_found(world):
    draft = new_draft()
    stored = attach(draft, "phu-luc.pdf", pdf_with("Danh sach khoanhvung dich te"))
    assert "khoanhvung" in stored.text
    assert found("soanthao", "KhoanhVung") == [("document", draft.pk)]


def test_a_word_only_in_an_attached_docx_is_found_across_its_runs(world):
    draft = new_draft()
    attach(draft, "bao-cao.docx", docx_with(["Kiến nghị cử tri khóa Zyxwv", "Ghinhận"]))
    # "Kiến" is split between two runs of the paragraph: the text reads as one word.
    assert found("soanthao", "kien nghi cu tri khoa zyxwv") == [("document", draft.pk)]
    # Paragraphs are apart.
    assert found("soanthao", "zyxwv ghinhan") == [("document", draft.pk)]
    assert found("soanthao", "zyxwvghinhan") == []


def test_a_ward_finds_the_body_in_its_copy_another_ward_nothing(
    world, django_capture_on_commit_callbacks
):
    document = advance(new_draft(body="Thu gom rác thải nhựa ven biển."), "issued")
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(actor=user("vanthu"), document=document)
    assert found("vt.bacson", "rac thai nhua") == [("receipt", receipt_for(document, "bacson").pk)]
    assert found("vt.quangtien", "rac thai nhua") == []


def test_a_draft_is_not_found_by_its_body_outside_its_organisation(world):
    draft = new_draft(body="Dự toán kinh phí lắp đặt camera an ninh.")
    assert found("soanthao", "camera an ninh") == [("document", draft.pk)]
    assert found("ld.bacson", "camera an ninh") == []
    assert found("vt.bacson", "camera an ninh") == []


def test_results_are_ranked_symbol_then_title_then_body_and_files_newest_first(world):
    by_title = new_draft(title="Kế hoạch trồng cây phân tán")
    older_body = new_draft(body="Vận động trồng cây phân tán ở trường học.")
    in_file = new_draft()
    attach(in_file, "cay.docx", docx_with(["Danh mục trồng cây phân tán"]))
    rows = list(selectors.search(user("soanthao"), "trong cay phan tan"))
    assert [(r["pk"], r["rank"]) for r in rows] == [
        (by_title.pk, TITLE),
        (in_file.pk, CONTENT),  # newer than the body's match, same rank
        (older_body.pk, CONTENT),
    ]
    plan = advance(new_draft(title="Kế hoạch về cây xanh"), "issued")
    first = next(iter(selectors.search(user("vanthu"), plan.symbol.split("-")[0])))
    assert (first["pk"], first["rank"]) == (plan.pk, SYMBOL)

    # The API returns the same rows in the same order.
    client = APIClient()
    client.force_authenticate(user("soanthao"))
    answer = client.get("/api/v1/search/", {"q": "trong cay phan tan"}).json()
    assert [r["id"] for r in answer["results"]] == [by_title.pk, in_file.pk, older_body.pk]
    assert set(answer["results"][0]) == {"kind", "id", "title", "symbol", "status"}


def test_the_issuer_name_is_searched(world):
    draft = new_draft(title="Kế hoạch riêng")
    assert ("document", draft.pk) in found("soanthao", "rieng uy ban mttq sam son")


def test_an_office_bomb_gives_no_text_and_no_time(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types></Types>")
        archive.writestr("word/document.xml", b"<w:t>" + b"a" * (300 * 1024 * 1024))
    started = time.monotonic()
    assert extraction.extract(io.BytesIO(buffer.getvalue()), uploads.DOCX) == ""
    assert time.monotonic() - started < 10


def test_a_long_document_is_cut_to_the_bound(world):
    words = [f"tu{n:06d}" for n in range(300_000)]  # some 2.4 MB of text, poorly compressible
    text = extraction.extract(io.BytesIO(docx_with([" ".join(words)])), uploads.DOCX)
    assert len(text) == MAX_FILE_CHARS and text.startswith("tu000000 tu000001")
    _title, whole = compose(["x"], "", [text, text, text])
    assert len(whole) == MAX_TEXT_CHARS


def test_a_pdf_that_hangs_the_reader_costs_the_timeout(monkeypatch):
    monkeypatch.setattr(extraction, "TIMEOUT", 1)
    monkeypatch.setattr(
        extraction,
        "pdf_command",
        lambda path: [sys.executable, "-c", "import time; time.sleep(30)"],
    )
    started = time.monotonic()
    assert extraction.extract(io.BytesIO(pdf_with("x")), uploads.PDF) == ""
    assert time.monotonic() - started < 5


def test_a_pdf_reader_that_floods_its_output_is_stopped(monkeypatch):
    flood = "import sys\nwhile True: sys.stdout.write('lu lut ' * 10000)"
    monkeypatch.setattr(extraction, "pdf_command", lambda path: [sys.executable, "-c", flood])
    started = time.monotonic()
    text = extraction.extract(io.BytesIO(pdf_with("x")), uploads.PDF)
    assert text.startswith("lu lut") and len(text) <= MAX_FILE_CHARS
    assert time.monotonic() - started < 10


def test_a_pdf_reader_that_swallows_memory_is_stopped(monkeypatch):
    greedy = "import sys\nblob = bytearray(4 * 1024 ** 3)\nsys.stdout.write('ok')"
    monkeypatch.setattr(extraction, "pdf_command", lambda path: [sys.executable, "-c", greedy])
    assert extraction.extract(io.BytesIO(pdf_with("x")), uploads.PDF) == ""


def test_reindexing_reads_the_files_already_stored(world):
    draft = new_draft()
    stored = attach(draft, "cu.docx", docx_with(["Biên bản nghiệm thu công trình"]))
    Attachment.objects.filter(pk=stored.pk).update(text="")
    Document.objects.filter(pk=draft.pk).update(search_text="")
    assert found("soanthao", "nghiem thu cong trinh") == []
    call_command("reindex_search", batch=1, stdout=io.StringIO())
    assert found("soanthao", "nghiem thu cong trinh") == [("document", draft.pk)]


def test_the_migration_fills_the_title_and_body_of_existing_rows(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("documents.migrations.0015_search_everywhere")
    draft = new_draft(title="Kế hoạch cũ", body="Nội dung có từ đặc biệt Ypsilon.")
    before = Document.objects.get(pk=draft.pk)
    # As the rows stood before: the folded type, trích yếu and số, ký hiệu only.
    old = before.title_text.replace(" ban thuong truc uy ban mttq viet nam thanh pho sam son", "")
    Document.objects.filter(pk=draft.pk).update(title_text="", search_text=old)
    migration.fill(apps, None)
    after = Document.objects.get(pk=draft.pk)
    assert (after.title_text, after.search_text) == (before.title_text, before.search_text)


def test_the_seed_plan_once_numbered_is_found_first_by_01_kh(world):
    plan = advance(world.seed_plan(), "issued")
    assert plan.symbol.startswith("01/KH")
    for typed in ("01/KH", "01/kh"):
        first = next(iter(selectors.search(user("vanthu"), typed)))
        assert (first["kind"], first["pk"], first["rank"]) == ("document", plan.pk, SYMBOL)
