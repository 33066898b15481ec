"""Drafting's recipients and Căn cứ (documents.services.recipients, drafting): groups of the
org chart expand in the order of Nơi nhận, a member can be left out, an organisation named on
its own keeps its own purpose; an outside recipient needs a name and a real e-mail; the legal
bases are kept a line each, in versions too, and printed in italics with ";" and "."."""

from __future__ import annotations

import pytest

from documents import rendering, services
from documents.errors import InvalidInput
from documents.models import AuditEvent, Document, DocumentVersion, Recipient
from documents.rendering.context import build_sheet
from orgchart.models import Organization
from orgchart.selectors import recipient_groups
from tests.documents.test_rendering import pdf_text
from tests.support import WARDS, new_draft, user

pytestmark = pytest.mark.django_db

SUPERIORS = [
    "mttq-tinh",
    "mttq-tinh-tuyengiao",
    "thanhuy",
    "thanhuy-tochuc",
    "thanhuy-tuyengiao",
    "thanhuy-danvan",
]
MEMBERS = ["ldld", "hoiphunu", "thanhdoan", "hoinongdan", "hoiccb"]


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Document, Recipient, AuditEvent)}


def rows(document: Document) -> list[tuple[str, str]]:
    return [
        (r.organization.code if r.organization else r.name, r.purpose)
        for r in document.recipients.order_by("order")
    ]


def test_the_groups_of_the_city_committee_come_from_the_chart(world):
    groups = {
        g.code: [o.code for o in g.members] for g in recipient_groups(world.org("mttq-samson"))
    }
    assert groups == {"superiors": SUPERIORS, "members": MEMBERS, "wards": WARDS}


def test_a_ward_sees_the_city_committee_as_its_superior_and_has_no_wards(world):
    bacson = Organization.objects.get(code="bacson")
    groups = {g.code: [o.code for o in g.members] for g in recipient_groups(bacson)}
    assert groups == {"superiors": ["mttq-samson"]}


def test_groups_expand_in_the_order_of_noi_nhan_as_the_seed_lists_them(world):
    document = new_draft(
        recipients=[
            {"group": "wards", "purpose": "execute", "exclude": ["quangdai"]},
            {"name": "Báo Thanh Hóa", "email": "toasoan@baothanhhoa.vn", "purpose": "inform"},
            {"group": "members", "purpose": "execute"},
            {"group": "superiors", "purpose": "report"},
        ]
    )
    assert rows(document) == [
        *((code, "report") for code in SUPERIORS),
        *((code, "execute") for code in MEMBERS),
        *((code, "execute") for code in WARDS if code != "quangdai"),
        ("Báo Thanh Hóa", "inform"),
    ]
    lines = build_sheet(document).recipients
    assert lines[0] == "- Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Thanh Hóa (b/c);"
    assert lines[-2:] == ["- Báo Thanh Hóa (để biết);", "- Lưu: VT."]


def test_an_organisation_named_on_its_own_keeps_its_purpose_over_its_groups(world):
    document = new_draft(
        recipients=[
            {"group": "superiors", "purpose": "report"},
            {"organization": "thanhuy", "purpose": "inform"},
        ]
    )
    assert dict(rows(document))["thanhuy"] == "inform"
    assert len(rows(document)) == len(SUPERIORS)


@pytest.mark.parametrize(
    "item, message",
    [
        ({"group": "provinces", "purpose": "execute"}, "Không có nhóm nơi nhận provinces."),
        (
            {"group": "wards", "purpose": "execute", "exclude": ["ldld"]},
            "Cơ quan ldld không thuộc nhóm MTTQ các phường, xã.",
        ),
        ({"group": "wards", "purpose": "later"}, "Mục đích không hợp lệ: later."),
        ({"email": "a@b.vn", "purpose": "inform"}, "Nơi nhận a@b.vn cần có tên."),
        (
            {"name": "Báo Thanh Hóa", "email": "toasoan@", "purpose": "inform"},
            "Thư điện tử của Báo Thanh Hóa không hợp lệ: toasoan@.",
        ),
    ],
)
def test_bad_recipients_are_refused_by_field_and_nothing_is_written(world, item, message):
    before = counts()
    with pytest.raises(InvalidInput) as raised:
        new_draft(recipients=[{"organization": "thanhuy", "purpose": "report"}, item])
    assert message in raised.value.errors["recipients"]
    assert counts() == before


def test_an_outside_recipient_keeps_its_name_and_email(world):
    document = new_draft(
        recipients=[
            {"name": " Báo Thanh Hóa ", "email": "toasoan@baothanhhoa.vn ", "purpose": "inform"}
        ]
    )
    outsider = document.recipients.get()
    assert (outsider.organization, outsider.name, outsider.email) == (
        None,
        "Báo Thanh Hóa",
        "toasoan@baothanhhoa.vn",
    )


CAN_CU = (
    "  Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam;\n\n"
    "Căn cứ Kế hoạch số 616/MTTQ-BTT ngày 02/6/2023 của Ban Thường trực Ủy ban MTTQ tỉnh.  \n"
)


def test_can_cu_is_kept_a_line_each_in_the_version_and_printed_with_its_punctuation(world):
    document = new_draft(can_cu=CAN_CU, body="I. MỤC ĐÍCH, YÊU CẦU\nNội dung.")
    assert document.can_cu == (
        "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam\n"
        "Căn cứ Kế hoạch số 616/MTTQ-BTT ngày 02/6/2023 của Ban Thường trực Ủy ban MTTQ tỉnh"
    )
    sheet = build_sheet(document)
    assert sheet.bases == [
        "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam;",
        "Căn cứ Kế hoạch số 616/MTTQ-BTT ngày 02/6/2023 của Ban Thường trực Ủy ban MTTQ tỉnh.",
    ]
    html = rendering.render_html(document)
    assert (
        '<p class="vb-sheet__basis">Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam;</p>'
        '<p class="vb-sheet__basis">Căn cứ Kế hoạch số 616/MTTQ-BTT ngày 02/6/2023 của Ban '
        "Thường trực Ủy ban MTTQ tỉnh.</p>"
    ) in html
    assert html.index('data-testid="bases"') < html.index("I. MỤC ĐÍCH, YÊU CẦU")
    text = " ".join(pdf_text(rendering.render_pdf(document)).split())
    assert "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam; Căn cứ Kế hoạch số 616/MTTQ-BTT" in text
    assert text.index("Ủy ban MTTQ tỉnh.") < text.index("I. MỤC ĐÍCH, YÊU CẦU")

    services.submit(actor=user("soanthao"), document=document)
    version = DocumentVersion.objects.get(document=document)
    assert version.snapshot["can_cu"] == document.can_cu


def test_can_cu_is_changed_by_editing_and_an_empty_one_prints_nothing(world):
    document = new_draft(can_cu="Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam")
    document = services.edit_draft(actor=user("soanthao"), document=document, can_cu=" \n ")
    assert document.can_cu == ""
    assert build_sheet(document).bases == []
    assert 'data-testid="bases"' not in rendering.render_html(document)
