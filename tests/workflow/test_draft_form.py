"""The draft form (Soạn dự thảo): recipients by group of the org chart with one left out and
a purpose each, single organisations, outside recipients with an e-mail, several files each
checked as the API checks them (one bad file: its name in the error, nothing written), Căn
cứ, and a signer chosen only among the people who may sign, titled by their post."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Attachment, AuditEvent, Document, Recipient
from orgchart.models import Organization
from orgchart.selectors import signers_of
from tests.support import user
from tests.workflow.screens import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

URL = "/outgoing/soan-thao/"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture
def drafter(world, client):
    client.force_login(user("soanthao"))
    return client


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Document, AuditEvent, Attachment, Recipient)}


def _form(**overrides) -> dict:
    form = {
        "doc_type": "KH",
        "title": "Kế hoạch soạn theo nhóm nơi nhận",
        "body": "Nội dung.",
        "urgency": "normal",
        "secrecy": "normal",
        "authority_prefix": "TM",
        "collective_name": "BAN THƯỜNG TRỰC",
    }
    form.update(overrides)
    return form


def _saved() -> Document:
    return Document.objects.get(title="Kế hoạch soạn theo nhóm nơi nhận")


def test_the_form_shows_groups_as_ticks_not_a_select_per_organisation(drafter):
    html = drafter.get(URL).content.decode()
    assert html.count('name="members_wards"') == 11
    assert html.count('name="members_members"') == 5
    assert html.count('name="members_superiors"') == 6
    assert 'name="purpose_bacson"' not in html
    assert 'name="signer_title"' not in html
    assert re.search(r'<input type="file" multiple name="attachments"', html)


def test_groups_with_one_left_out_singles_and_outside_recipients_in_noi_nhan_order(
    drafter, committed
):
    wards = [o.code for o in Organization.objects.filter(kind__in=["ward", "commune"])]
    form = _form(
        members_wards=[c for c in wards if c != "quangdai"],
        purpose_wards="execute",
        members_superiors=["mttq-tinh", "thanhuy"],
        purpose_superiors="report",
        org_1="thanhuy",
        org_purpose_1="inform",
        org_2="hoiphunu",
        org_purpose_2="coordinate",
        name_1="Báo Thanh Hóa",
        email_1="toasoan@baothanhhoa.vn",
        name_purpose_1="inform",
        can_cu="Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam;\nCăn cứ Kế hoạch số 616/MTTQ-BTT",
    )
    response = committed(drafter.post, URL, form)
    assert response.status_code == 302, text_of(response)[:600]
    document = _saved()
    rows = [
        (r.organization.code if r.organization else r.name, r.purpose)
        for r in document.recipients.order_by("order")
    ]
    assert rows[:3] == [("mttq-tinh", "report"), ("thanhuy", "inform"), ("hoiphunu", "coordinate")]
    assert rows[3:-1] == [(c, "execute") for c in wards if c != "quangdai"]
    assert rows[-1] == ("Báo Thanh Hóa", "inform")
    assert document.recipients.get(name="Báo Thanh Hóa").email == "toasoan@baothanhhoa.vn"
    assert document.can_cu.splitlines() == [
        "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam",
        "Căn cứ Kế hoạch số 616/MTTQ-BTT",
    ]
    page = drafter.get(f"/outgoing/{document.pk}/").content.decode()
    assert "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam;</p>" in page
    assert "Căn cứ Kế hoạch số 616/MTTQ-BTT.</p>" in page


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"email_1": "toasoan@baothanhhoa.vn"}, "Nơi nhận toasoan@baothanhhoa.vn cần có tên."),
        (
            {"name_1": "Báo Thanh Hóa", "email_1": "toasoan@"},
            "Thư điện tử của Báo Thanh Hóa không hợp lệ: toasoan@.",
        ),
        ({"members_wards": ["ldld"]}, "ldld không phải là một trong các lựa chọn"),
    ],
)
def test_a_bad_recipient_is_said_in_the_recipients_part_and_nothing_is_written(
    drafter, fields, message
):
    before = _counts()
    response = drafter.post(URL, _form(**fields))
    assert response.status_code == 200
    errors = response.context["form"].recipient_errors()
    assert any(message in e for e in errors), errors
    assert message in text_of(response)
    assert _counts() == before


def test_several_files_are_attached_at_once(drafter, committed):
    files = [
        SimpleUploadedFile("de-cuong.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("so-do.png", PNG, "image/png"),
    ]
    response = committed(drafter.post, URL, _form(members_wards=["bacson"], attachments=files))
    assert response.status_code == 302
    stored = {a.original_name: a.content_type for a in _saved().attachments.all()}
    assert stored == {"de-cuong.pdf": "application/pdf", "so-do.png": "image/png"}


def test_one_bad_file_among_several_is_named_and_nothing_is_written(drafter):
    before = _counts()
    files = [
        SimpleUploadedFile("de-cuong.pdf", PDF, "application/pdf"),
        SimpleUploadedFile("chuong-trinh.pdf", b"MZ\x90\x00" + bytes(64), "application/pdf"),
    ]
    response = drafter.post(URL, _form(members_wards=["bacson"], attachments=files))
    assert response.status_code == 200
    assert response.context["form"].errors["attachments"] == [
        "chuong-trinh.pdf: Chỉ nhận tệp PDF, DOCX, XLSX, ODT, PNG hoặc JPEG (theo nội dung tệp)."
    ]
    assert "chuong-trinh.pdf: Chỉ nhận tệp PDF" in text_of(response)
    assert _counts() == before


def test_the_signer_is_one_of_those_who_may_sign_titled_by_the_post(drafter, committed):
    issuer = Organization.objects.get(code="mttq-samson")
    form = drafter.get(URL).context["form"]
    offered = list(form.fields["signer"].queryset)
    assert offered == list(signers_of(issuer)) and offered
    labels = [label for _value, label in form.fields["signer"].choices][1:]
    assert "Trịnh Quang Huy — Phó Chủ tịch" in labels

    before = _counts()
    response = drafter.post(URL, _form(signer=user("soanthao").pk, members_wards=["bacson"]))
    assert response.status_code == 200 and response.context["form"].errors["signer"]
    assert _counts() == before

    response = committed(
        drafter.post, URL, _form(signer=user("pct.huy").pk, members_wards=["bacson"])
    )
    assert response.status_code == 302
    document = _saved()
    assert document.signer == user("pct.huy") and document.signer_title == "PHÓ CHỦ TỊCH"


def test_the_revise_screen_keeps_and_changes_can_cu(world, client, committed):
    from documents import services
    from tests.support import new_draft, sign_in
    from tests.workflow.screens import task_url
    from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)

    document = committed(new_draft, can_cu="Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam")
    committed(services.submit, actor=user("soanthao"), document=document)
    committed(
        services.review,
        actor=user("truongban"),
        document=document,
        decision="return",
        comment="Bổ sung căn cứ.",
    )
    sign_in(client, "soanthao")
    url = task_url(document)
    response = client.get(url)
    assert response.context["form"].initial["can_cu"] == document.can_cu
    can_cu = "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam\nCăn cứ Kế hoạch số 616/MTTQ-BTT"
    response = committed(
        client.post,
        url,
        {
            "title": document.title,
            "body": document.body,
            "can_cu": can_cu,
            "comment": "Đã bổ sung.",
        },
    )
    assert response.status_code == 302, text_of(response)[:600]
    document.refresh_from_db()
    assert document.can_cu == can_cu
    assert document.versions.order_by("-number").first().snapshot["can_cu"] == can_cu
