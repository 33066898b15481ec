"""Attachments: recognised by their bytes, limited in size, stored under a generated name."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from documents.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def _upload(client, doc_id: int, name: str, data: bytes, content_type="application/pdf"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(
        f"/api/v1/documents/{doc_id}/attachments/", {"file": upload}, format="multipart"
    )


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("Đề cương tuyên truyền.pdf", PDF, "application/pdf"),
        ("so-do.png", PNG, "image/png"),
        ("anh.JPG", JPEG, "image/jpeg"),
        (
            "du-thao.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("bang.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("van-ban.odt", ODT, "application/vnd.oasis.opendocument.text"),
        # The name does not decide: a PDF called .docx is a PDF.
        ("nham-duoi.docx", PDF, "application/pdf"),
    ],
)
def test_accepted_types(api, world, name, data, expected):
    plan = world.seed_plan()
    client = api.as_("soanthao", login=False)
    response = _upload(client, plan.pk, name, data, content_type="application/octet-stream")
    assert response.status_code == 201, response.content
    attachment = response.json()
    assert (attachment["name"], attachment["content_type"], attachment["size"]) == (
        name,
        expected,
        len(data),
    )
    stored = Attachment.objects.get(pk=attachment["id"])
    assert name not in stored.file.name and stored.file.name.startswith("attachments/")
    doc = client.get(f"/api/v1/documents/{plan.pk}/").json()
    assert [a["name"] for a in doc["attachments"]] == [name]
    download = client.get(attachment["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    listed = client.get(f"/api/v1/documents/{plan.pk}/attachments/").json()
    assert [a["id"] for a in listed["results"]] == [attachment["id"]]


@pytest.mark.parametrize(
    "name, data",
    [
        ("virus.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("ghi-chu.docx", "Chỉ là văn bản thường".encode()),
        ("nen.docx", _zip({"a.txt": b"x"})),
        ("sai.odt", _zip({"mimetype": b"application/zip"})),
        ("hong.xlsx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_other_content_is_415(api, world, name, data):
    plan = world.seed_plan()
    response = _upload(api.as_("soanthao", login=False), plan.pk, name, data)
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "unsupported_media_type"
    assert not Attachment.objects.filter(document=plan).exists()


@override_settings(ATTACHMENT_MAX_BYTES=1000)
def test_too_large_is_413(api, world):
    plan = world.seed_plan()
    client = api.as_("soanthao", login=False)
    response = _upload(client, plan.pk, "lon.pdf", PDF + b"0" * 1000)
    assert response.status_code == 413
    assert response.json() == {"detail": response.json()["detail"], "code": "too_large"}
    # Far over the limit, refused from the declared length before the body is read.
    huge = _upload(client, plan.pk, "rat-lon.pdf", PDF + b"0" * 200_000)
    assert huge.status_code == 413 and huge.json()["code"] == "too_large"
    assert _upload(client, plan.pk, "vua.pdf", PDF).status_code == 201
    assert Attachment.objects.filter(document=plan).count() == 1


def test_missing_file_is_400(api, world):
    response = api.as_("soanthao", login=False).post(
        f"/api/v1/documents/{world.seed_plan().pk}/attachments/", {}, format="multipart"
    )
    assert response.status_code == 400 and "file" in response.json()["errors"]
    empty = _upload(api.as_("soanthao", login=False), world.seed_plan().pk, "trang.pdf", b"")
    assert empty.status_code == 400 and "file" in empty.json()["errors"]


def test_only_the_drafter_attaches_and_the_audit_says_so(api, world):
    plan = world.seed_plan()
    assert _upload(api.as_("truongban", login=False), plan.pk, "x.pdf", PDF).status_code == 403
    assert _upload(api.as_("vt.bacson", login=False), plan.pk, "x.pdf", PDF).status_code == 404
    assert _upload(api.as_("soanthao", login=False), plan.pk, "x.pdf", PDF).status_code == 201
    events = api.as_("kiemtra", login=False).get(f"/api/v1/documents/{plan.pk}/audit/").json()
    assert events["results"][-1]["action"] == "attach"
    assert events["results"][-1]["actor"] == "soanthao"
