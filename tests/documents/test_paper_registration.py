"""``register_incoming`` with the paper's scans: stored with the copy in the registering
transaction, refused whole (no number taken, no file row, no file left in storage) when a
scan is no scan, there are too many, or storing one fails."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import services, uploads
from documents.errors import InvalidInput
from documents.models import Attachment, Receipt
from documents.services.receiving import MAX_SCANS, Scan
from tests.support import user

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def scan(name: str = "ban-quet.pdf", content_type: str = uploads.PDF) -> Scan:
    upload = SimpleUploadedFile(name, PDF, content_type=content_type)
    return Scan(file=upload, content_type=content_type, name=name)


def register(*scans: Scan) -> Receipt:
    return services.register_incoming(
        actor=user("vt.bacson"),
        organization="bacson",
        sender_name="Sở Nội vụ",
        sender_symbol="12/SNV",
        sender_date=None,
        title="Công văn giấy",
        scans=list(scans),
    )


def test_the_scans_are_stored_with_the_copy(world):
    receipt = register(scan("trang-1.pdf"), scan("trang-2.png", uploads.PNG))
    files = list(receipt.attachments.order_by("pk"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("trang-1.pdf", uploads.PDF),
        ("trang-2.png", uploads.PNG),
    ]
    assert all(f.uploaded_by == user("vt.bacson") and f.document_id is None for f in files)


@pytest.mark.parametrize(
    "scans",
    [
        [scan("a.docx", uploads.DOCX)],
        [scan(f"{i}.pdf") for i in range(MAX_SCANS + 1)],
    ],
)
def test_what_is_no_scan_is_refused_and_nothing_is_written(world, scans):
    with pytest.raises(InvalidInput) as refused:
        register(*scans)
    assert "scans" in refused.value.errors
    assert not Receipt.objects.filter(sender_symbol="12/SNV").exists()
    assert not Attachment.objects.exists()


def test_a_scan_that_cannot_be_stored_takes_no_number_and_leaves_no_file(world, monkeypatch):
    first = register()
    saved, written = Attachment.save, []

    def failing(self, *args, **kwargs):
        if self.original_name == "hong.pdf":
            raise OSError("disk full")
        written.append(self.file)
        return saved(self, *args, **kwargs)

    monkeypatch.setattr(Attachment, "save", failing)
    with pytest.raises(OSError, match="disk full"):
        register(scan("tot.pdf"), scan("hong.pdf"))
    assert Receipt.objects.filter(sender_symbol="12/SNV").count() == 1
    assert not Attachment.objects.exists()
    (good,) = written
    assert not good.storage.exists(good.name)
    monkeypatch.setattr(Attachment, "save", saved)
    assert register().incoming_number == first.incoming_number + 1
