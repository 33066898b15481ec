"""The clerk's desk in a real browser, at 1366 and 390 px: the register page and its printed
book (the PDF opens in the browser), the overdue list leading to the receipt table; the
bell's count, its page and marking one read; a paper document registered with its scanned
PDF, assigned by the leader from the copy's page and completed by the handler on the
existing task screens."""

from __future__ import annotations

import datetime
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from documents import services
from documents.models import Receipt, ReceiptStatus
from tests.e2e.widths import DESKTOP, width_on_a_phone
from tests.support import advance, new_draft, user

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def dispatched():
    document = advance(new_draft(title="Kế hoạch của sổ đăng ký"), "issued")
    return services.dispatch(actor=user("vanthu"), document=document)


def fits_a_phone(session, name: str) -> None:
    """A screenshot at each width; at the phone's, nothing wider than the screen."""
    page = session.page
    session.shot(f"{name}-1366")
    width = width_on_a_phone(page)
    session.shot(f"{name}-390")
    page.set_viewport_size(DESKTOP)
    assert width <= 390, (name, width)


def test_the_register_page_and_its_printed_book(as_user, live_world):
    # Signing runs pyHanko's own event loop: not in this thread, where Playwright's runs.
    with ThreadPoolExecutor(1) as worker:
        document = worker.submit(dispatched).result()
    vt = as_user("vanthu")
    page = vt.page
    page.goto("/outgoing/")
    page.get_by_test_id("menu-register").first.click()
    row = page.get_by_test_id("register-table").locator(f"tr[data-number='{document.number}']")
    expect(row).to_contain_text("Kế hoạch của sổ đăng ký")
    fits_a_phone(vt, "so-dang-ky")
    href = page.get_by_test_id("register-pdf").get_attribute("href")
    answer = vt.context.request.get(href)
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")
    with vt.context.expect_page() as opened:
        page.get_by_test_id("register-pdf").click()
    assert "format=pdf" in opened.value.url
    opened.value.close()

    # Its recipients, a month on, not having acknowledged: the clerk's list to chase.
    Receipt.objects.filter(document=document).update(
        delivered_at=timezone.now() - datetime.timedelta(days=30)
    )
    page.goto("/outgoing/")
    page.get_by_test_id("menu-overdue").first.click()
    rows = page.get_by_test_id("overdue-table").locator("tbody tr")
    expect(rows).to_have_count(document.receipts.count())
    expect(rows.first).to_contain_text("Chưa tiếp nhận")
    fits_a_phone(vt, "van-ban-qua-han")
    rows.first.get_by_role("link").first.click()
    expect(page.get_by_test_id("receipt-status")).to_be_visible()


def test_the_bell_its_page_and_marking_read(as_user, live_world):
    with ThreadPoolExecutor(1) as worker:
        worker.submit(dispatched).result()
    vt = as_user("vt.bacson")
    page = vt.page
    page.goto("/incoming/")
    bell = page.get_by_test_id("bell")
    before = int(bell.get_attribute("data-unread"))
    assert before >= 1
    expect(page.get_by_test_id("bell-count")).to_have_text(str(before))
    bell.click()
    page.wait_for_url("**/account/thong-bao/")
    first = page.get_by_test_id("notifications").locator("li").first
    expect(first).to_contain_text("Chưa đọc")
    fits_a_phone(vt, "thong-bao")
    first.get_by_test_id("mark-read").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("bell")).to_have_attribute("data-unread", str(before - 1))


def test_a_paper_document_registered_assigned_and_handled(as_user, live_world, tmp_path):
    scan = tmp_path / "cong-van-so-noi-vu.pdf"
    scan.write_bytes(PDF)
    vt = as_user("vt.bacson")
    page = vt.page
    page.goto("/incoming/")
    page.get_by_test_id("menu-paper").first.click()
    page.fill("#id_sender_name", "Sở Nội vụ tỉnh Thanh Hóa")
    page.fill("#id_sender_symbol", "123/SNV-TCBC")
    page.fill("#id_sender_date", "2026-11-20")
    page.fill("#id_title", "V/v rà soát biên chế năm 2027")
    page.select_option("#id_urgency", "khan")
    page.get_by_test_id("scans-input").set_input_files(str(scan))
    fits_a_phone(vt, "vao-so-van-ban-giay")
    page.get_by_test_id("paper-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã vào sổ văn bản đến, số đến")
    receipt = Receipt.objects.get(sender_symbol="123/SNV-TCBC")
    expect(page.get_by_test_id("copy-number")).to_contain_text(str(receipt.incoming_number))
    expect(page.get_by_test_id("scans")).to_contain_text("cong-van-so-noi-vu.pdf")
    fits_a_phone(vt, "ban-van-ban-giay")

    ld = as_user("ld.bacson")
    page = ld.page
    page.goto(f"/incoming/ban/{receipt.pk}/")
    page.get_by_test_id("my-next-action").get_by_role("link", name="Phân công xử lý").click()
    page.select_option("#id_assignee", str(user("cb.bacson").pk))
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    page.fill("#id_deadline", f"{deadline:%d/%m/%Y}")
    page.get_by_test_id("task-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã phân công xử lý")
    expect(page).to_have_url(re.compile(rf"/incoming/ban/{receipt.pk}/"))

    cb = as_user("cb.bacson")
    page = cb.page
    page.goto(f"/incoming/ban/{receipt.pk}/")
    page.get_by_test_id("my-next-action").get_by_role("link", name="Xử lý và báo cáo").click()
    page.fill("#id_report", "Đã rà soát và báo cáo Sở Nội vụ.")
    page.get_by_test_id("task-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã hoàn thành")
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.COMPLETED
    expect(page.get_by_test_id("history")).to_contain_text("Hoàn thành")
    fits_a_phone(cb, "ban-van-ban-giay-da-xu-ly")
