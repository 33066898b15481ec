"""Bad input on the pages answers 400 or a form error, never 500, and writes nothing (design
§15.3): NUL bytes in a list's filters or a form, over-long strings, and the draft form's
attachment checked by the API's own validator (documents.uploads)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from documents.models import Attachment, AuditEvent, Document, Recipient
from tests.support import user

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

MIB = 1024 * 1024
LISTS = ["/outgoing/", "/incoming/", "/workflow/inbox/", "/workflow/queue/", "/workflow/archive/"]


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Document, AuditEvent, Attachment, Recipient)}


@pytest.fixture
def drafter(world, client):
    client.force_login(user("soanthao"))
    return client


def _form(**overrides) -> dict:
    form = {
        "doc_type": "KH",
        "title": "Kế hoạch thử dữ liệu xấu trên giao diện",
        "body": "Nội dung.",
        "urgency": "normal",
        "secrecy": "normal",
        "authority_prefix": "TM",
        "collective_name": "BAN THƯỜNG TRỰC",
        "purpose_wards": "execute",
        "members_wards": ["bacson"],
    }
    form.update(overrides)
    return form


def _errors_of(response, field: str) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [str(e) for e in response.context["form"].errors.get(field, [])]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("param", ["q", "status", "doc_type", "issuer", "page", "ordering"])
def test_nul_in_a_list_filter_is_a_400_page(drafter, url, param):
    response = drafter.get(url, {param: "ke\x00hoach"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()


def test_the_same_filters_without_nul_are_fine(drafter):
    for url in LISTS:
        assert (
            drafter.get(url, {"q": "kế hoạch", "status": "draft", "page": "2"}).status_code == 200
        )


def test_nul_in_a_posted_form_is_400_and_writes_nothing(drafter):
    before = _counts()
    response = drafter.post("/outgoing/soan-thao/", _form(title="Kế\x00hoạch"))
    assert response.status_code == 400
    response = drafter.post("/outgoing/soan-thao/", _form(members_wards=["bac\x00son"]))
    assert response.status_code == 400
    assert _counts() == before


def test_nul_in_the_path_is_400(drafter):
    assert drafter.get("/outgoing/\x00/").status_code == 400


@pytest.mark.parametrize(
    "field, model",
    [("title", Document), ("collective_name", Document), ("name_1", None), ("email_1", None)],
)
def test_over_long_strings_are_form_errors(drafter, field, model):
    before = _counts()
    column = Document._meta.get_field(field) if model else Recipient._meta.get_field(field[:-2])
    limit = column.max_length
    response = drafter.post("/outgoing/soan-thao/", _form(**{field: "X" * (limit + 1)}))
    assert _errors_of(response, field)
    assert _counts() == before


def test_a_file_over_the_limit_is_refused(drafter):
    """The UI stored 30 MiB against the API's 20."""
    before = _counts()
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.7\n" + bytes(30 * MIB), "application/pdf")
    response = drafter.post("/outgoing/soan-thao/", _form(attachments=big))
    assert _errors_of(response, "attachments") == ["lon.pdf: Tệp quá lớn: tối đa 20 MB."]
    assert _counts() == before


@override_settings(ATTACHMENT_MAX_BYTES=1000)
def test_the_limit_is_the_apis_setting(drafter):
    before = _counts()
    upload = SimpleUploadedFile("vua.pdf", b"%PDF-1.7\n" + bytes(1000), "application/pdf")
    response = drafter.post("/outgoing/soan-thao/", _form(attachments=upload))
    assert _errors_of(response, "attachments")[0].startswith("vua.pdf: Tệp quá lớn")
    assert _counts() == before


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data",
    [
        ("gia.docx", _zip({"a.txt": b"not a document"})),  # a plain ZIP: starts with PK
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)),
        ("chuong-trinh.pdf", b"MZ\x90\x00" + bytes(64)),
    ],
)
def test_a_file_that_is_not_an_accepted_document_is_refused(drafter, name, data):
    before = _counts()
    upload = SimpleUploadedFile(name, data, "application/octet-stream")
    response = drafter.post("/outgoing/soan-thao/", _form(attachments=upload))
    assert _errors_of(response, "attachments") == [
        f"{name}: Chỉ nhận tệp PDF, DOCX, XLSX, ODT, PNG hoặc JPEG (theo nội dung tệp)."
    ]
    assert _counts() == before


def test_a_compressed_bomb_is_refused(drafter):
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(50 * MIB)}
    upload = SimpleUploadedFile("bom.docx", _zip(members), "application/octet-stream")
    before = _counts()
    response = drafter.post("/outgoing/soan-thao/", _form(attachments=upload))
    assert "nén quá mức" in _errors_of(response, "attachments")[0]
    assert _counts() == before


def test_a_real_docx_is_stored_with_its_type(drafter, django_capture_on_commit_callbacks):
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    upload = SimpleUploadedFile("du-thao.docx", docx, "application/octet-stream")
    with django_capture_on_commit_callbacks(execute=True):
        response = drafter.post("/outgoing/soan-thao/", _form(attachments=upload))
    assert response.status_code == 302
    attachment = Attachment.objects.get(original_name="du-thao.docx")
    assert attachment.content_type.endswith("wordprocessingml.document")
