"""What a document asks of its recipients is printed under "Tổ chức thực hiện" where the
text does not say it already, and each submitted version keeps it."""

from __future__ import annotations

import datetime

import pytest

from documents import rendering, services
from documents.rendering.context import Block, with_duties
from tests.documents.test_rendering import assert_in_order, letter, pdf_text
from tests.support import WARDS, advance

pytestmark = pytest.mark.django_db


def test_the_issued_plan_prints_what_the_wards_owe_and_by_when(world):
    plan = advance(world.seed_plan(), "issued")
    own_plan, report = plan.obligations.order_by("order")
    text = pdf_text(rendering.document_pdf(plan))
    assert_in_order(
        text,
        [
            "IV. TỔ CHỨC THỰC HIỆN",
            "tổng hợp kết quả chung.",
            "Ban Thường trực Ủy ban MTTQ Việt Nam phường Bắc Sơn, phường Trung Sơn",
            "xã Quảng Đại gửi về Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Sầm Sơn:",
            f"{own_plan.title} trước ngày {own_plan.due:%d/%m/%Y};",
            f"{report.title} trước ngày {report.due:%d/%m/%Y}./.",
            "Nơi nhận:",
        ],
    )
    assert "tổng hợp kết quả chung./." not in text  # the closing mark moved after the duties


def test_a_text_that_states_the_due_date_already_gets_no_line(world):
    due = datetime.date(2023, 7, 5)
    document = letter(
        world,
        obligations=[
            {"kind": "report", "title": "Báo cáo quý II", "due": due, "organizations": ["bacson"]}
        ],
    )
    assert "05/7/2023" in document.body
    sheet = rendering.build_sheet(document)
    assert not any("Báo cáo quý II" in b.text for b in sheet.body)  # said in the body's words


def test_without_a_part_for_it_the_duties_get_their_own_last_part():
    blocks = [
        Block("part", "I. MỤC ĐÍCH"),
        Block("paragraph", "Nội dung."),
        Block("part", "II. NỘI DUNG"),
        Block("paragraph", "Làm việc./."),
    ]
    result = with_duties(blocks, ["Các phường gửi báo cáo trước ngày 31/12/2026."])
    assert [(b.kind, b.text) for b in result[-3:]] == [
        ("paragraph", "Làm việc."),
        ("part", "III. TỔ CHỨC THỰC HIỆN"),
        ("paragraph", "Các phường gửi báo cáo trước ngày 31/12/2026./."),
    ]


def test_a_part_for_them_in_the_middle_takes_them_at_its_end_and_the_text_keeps_its_close():
    blocks = [
        Block("part", "I. TỔ CHỨC THỰC HIỆN"),
        Block("paragraph", "Các phường thực hiện."),
        Block("part", "II. KINH PHÍ"),
        Block("paragraph", "Từ ngân sách./."),
    ]
    result = [b.text for b in with_duties(blocks, ["Gửi kế hoạch trước ngày 31/12/2026."])]
    assert result == [
        "I. TỔ CHỨC THỰC HIỆN",
        "Các phường thực hiện.",
        "Gửi kế hoạch trước ngày 31/12/2026.",
        "II. KINH PHÍ",
        "Từ ngân sách./.",
    ]


def test_each_version_keeps_the_obligations(world):
    plan = advance(world.seed_plan(), "in_review")
    version = plan.versions.get()
    kept = version.snapshot["obligations"]
    assert [o["kind"] for o in kept] == ["plan", "report"]
    assert kept[0]["organizations"] == sorted(WARDS)
    assert kept[1]["due"] == plan.obligations.get(kind="report").due.isoformat()
    assert services  # the snapshot is taken by services.submit
