"""Receiving in a real browser, at 1366 and 390 px: the recipient clerk takes a document in
from its own page and two more from Văn bản đến at once; the leader assigns a chủ trì, two
phối hợp handlers and one person để biết with the ý kiến chỉ đạo and a deadline; the chủ trì
and each phối hợp handler find their task and the deadline in Hộp việc; progress is posted,
a contribution sent, and the chủ trì reports."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from documents import services
from documents.models import DocumentStatus, ReceiptStatus
from tests.e2e.widths import DESKTOP, width_on_a_phone
from tests.factories import MembershipFactory, UserFactory
from tests.support import advance, new_draft, receipt_for, user

pytestmark = pytest.mark.e2e

R = ReceiptStatus
TITLES = (
    "Kế hoạch tổ chức Ngày hội Đại đoàn kết năm 2023",
    "Hướng dẫn bầu Ban công tác Mặt trận khu dân cư",
    "Thông báo lịch tiếp công dân tháng 11",
)
INSTRUCTION = "Chủ trì xây dựng kế hoạch của phường; Văn thư tổng hợp danh sách khu dân cư."


def delivered(title: str):
    document = advance(new_draft(title=title), DocumentStatus.DISPATCHED)
    receipt = receipt_for(document, "bacson")
    services.deliver(receipt=receipt)
    receipt.refresh_from_db()
    return document, receipt


def fits_a_phone(session, name: str) -> None:
    """A screenshot at each width; at the phone's, nothing wider than the screen."""
    page = session.page
    session.shot(f"{name}-1366")
    width = width_on_a_phone(page)
    session.shot(f"{name}-390")
    page.set_viewport_size(DESKTOP)
    assert width <= 390, (name, width)


def test_receiving_acting_where_one_stands(as_user, live_world):
    for name in ("cv1.bacson", "cv2.bacson"):
        MembershipFactory(user=UserFactory(username=name), organization=live_world.org("bacson"))
    # Signing runs pyHanko's own event loop: not in this thread, where Playwright's runs.
    with ThreadPoolExecutor(1) as worker:
        made = [worker.submit(delivered, title).result() for title in TITLES]
    (first, first_copy), (_, second), (_, third) = made

    # The clerk opens the first document and takes it in from its page.
    vt = as_user("vt.bacson")
    page = vt.page
    page.goto(f"/outgoing/{first.pk}/")
    action = page.get_by_test_id("my-next-action")
    expect(action.get_by_role("button", name="Tiếp nhận")).to_be_visible()
    expect(action.get_by_role("link", name="Từ chối tiếp nhận")).to_be_visible()
    fits_a_phone(vt, "van-ban-den-tiep-nhan-tai-cho")
    action.get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã tiếp nhận 1 văn bản")
    expect(page.get_by_test_id("my-receipt")).to_contain_text("Đã tiếp nhận")
    first_copy.refresh_from_db()
    assert first_copy.status == R.ACKNOWLEDGED and first_copy.incoming_number

    # The other two at once from Văn bản đến.
    page.goto("/incoming/")
    for title in TITLES[1:]:
        page.locator("tr", has_text=title).locator("input[type=checkbox]").check()
    fits_a_phone(vt, "van-ban-den-chon-tiep-nhan")
    page.get_by_role("button", name="Tiếp nhận các văn bản đã chọn").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã tiếp nhận 2 văn bản")
    for copy in (second, third):
        copy.refresh_from_db()
        assert copy.status == R.ACKNOWLEDGED, copy.pk

    # The leader assigns from the document page.
    ld = as_user("ld.bacson")
    page = ld.page
    page.goto(f"/outgoing/{first.pk}/")
    page.get_by_test_id("my-next-action").get_by_role("link", name="Phân công xử lý").click()
    expect(page.get_by_test_id("task-title")).to_have_text("Phân công xử lý")
    page.select_option("#id_assignee", str(user("cb.bacson").pk))
    for name in ("cv1.bacson", "vt.bacson"):
        page.locator(f"#id_coordinators input[value='{user(name).pk}']").check()
    page.locator(f"#id_informed input[value='{user('cv2.bacson').pk}']").check()
    page.fill("#id_instruction", INSTRUCTION)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    page.fill("#id_deadline", f"{deadline:%d/%m/%Y}")
    fits_a_phone(ld, "phan-cong-chu-tri-phoi-hop")
    page.get_by_test_id("task-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã phân công xử lý")
    first_copy.refresh_from_db()
    assert first_copy.status == R.ASSIGNED and first_copy.assignee == user("cb.bacson")

    # Each handler finds their own task with the deadline in Hộp việc.
    due = f"{deadline:%d/%m/%Y}"
    sessions = {}
    for name, task in (
        ("cb.bacson", "Xử lý và báo cáo"),
        ("cv1.bacson", "Phối hợp xử lý"),
        ("vt.bacson", "Phối hợp xử lý"),
    ):
        session = vt if name == "vt.bacson" else as_user(name)
        sessions[name] = session
        session.page.goto("/workflow/inbox/")
        row = session.page.locator("tr", has_text=TITLES[0]).filter(has_text=task)
        expect(row).to_have_count(1)
        expect(row.get_by_test_id("due")).to_have_text(due)
    fits_a_phone(sessions["cv1.bacson"], "hop-viec-phoi-hop")

    # A phối hợp handler sends progress and his part from the document page.
    page = sessions["cv1.bacson"].page
    page.locator("tr", has_text=TITLES[0]).get_by_role("link", name="Phối hợp xử lý").click()
    expect(page.get_by_test_id("my-assignment")).to_contain_text(INSTRUCTION)
    page.get_by_test_id("progress-form").locator("textarea").fill("Đã rà soát 12 khu dân cư.")
    page.get_by_test_id("progress-form").get_by_role("button").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã cập nhật tiến độ")
    page.get_by_test_id("contribute-form").locator("textarea").fill("Danh sách đã gửi kèm.")
    page.get_by_test_id("contribute-form").get_by_role("button").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã gửi ý kiến phối hợp")
    page.goto("/workflow/inbox/")
    expect(page.locator("tr", has_text=TITLES[0])).to_have_count(0)

    # The chủ trì posts progress, then reports with everything in view.
    page = sessions["cb.bacson"].page
    page.goto(f"/outgoing/{first.pk}/")
    expect(page.get_by_test_id("my-deadline")).to_contain_text(due)
    page.get_by_test_id("progress-form").locator("textarea").fill("Đã họp triển khai.")
    page.get_by_test_id("progress-form").get_by_role("button").click()
    notes = page.get_by_test_id("progress-notes").locator("li")
    expect(notes).to_have_count(2)
    expect(notes.first).to_contain_text("Đã rà soát 12 khu dân cư.")
    expect(notes.last).to_contain_text("Đã họp triển khai.")
    fits_a_phone(sessions["cb.bacson"], "van-ban-tien-do")
    page.get_by_test_id("my-next-action").get_by_role("link", name="Xử lý và báo cáo").click()
    expect(page.get_by_test_id("task-deadline")).to_contain_text(due)
    expect(page.get_by_test_id("task-handling")).to_contain_text("Danh sách đã gửi kèm.")
    fits_a_phone(sessions["cb.bacson"], "xu-ly-bao-cao")
    page.fill("#id_report", "Đã xây dựng và triển khai kế hoạch của phường.")
    page.get_by_test_id("task-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã hoàn thành")
    first_copy.refresh_from_db()
    assert first_copy.status == R.COMPLETED
