"""The sender's receipt table in a real browser, at 1366 and 390 px: once the seed plan is
dispatched, some wards acknowledge, one refuses with a reason, one is handled past its
deadline; the sender's clerk filters the recipients not yet acknowledged, selects them all,
chases them and reads the confirmation, then downloads the table as Excel."""

from __future__ import annotations

import datetime
import re
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from documents import services
from documents.models import AuditEvent, DocumentStatus, Receipt, ReceiptStatus
from tests.e2e.widths import DESKTOP, width_on_a_phone
from tests.support import advance, receipt_for, user
from workflow.models import Notification, NotificationKind

pytestmark = pytest.mark.e2e

S, R = DocumentStatus, ReceiptStatus
REASON = "Văn bản gửi nhầm đơn vị, đề nghị gửi lại Ủy ban MTTQ phường Quảng Tiến."


def followed_plan(world):
    # Signing runs pyHanko's own event loop: not in this thread, where Playwright's runs.
    with ThreadPoolExecutor(1) as worker:
        plan = worker.submit(advance, world.seed_plan(), S.DISPATCHED).result()
    pending = list(plan.receipts.filter(status=R.PENDING).values_list("pk", flat=True))
    if pending:
        services.deliver_many(receipts=pending)
    for code in ("bacson", "trungson", "truongson", "quangcu"):
        services.acknowledge(actor=user(f"vt.{code}"), receipt=receipt_for(plan, code))
    services.refuse(
        actor=user("vt.quangtien"), receipt=receipt_for(plan, "quangtien"), reason=REASON
    )
    late = services.assign(
        actor=user("ld.bacson"),
        receipt=receipt_for(plan, "bacson"),
        assignee=user("ld.bacson"),
        deadline=timezone.localdate() + datetime.timedelta(days=1),
    )
    # The service refuses a deadline already past: the plan's data, gone late.
    Receipt.objects.filter(pk=late.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=3)
    )
    return plan


def no_overflow(page, width: int = 390) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, scroll


def test_the_clerk_filters_chases_and_downloads_the_table(as_user, live_world, tmp_path: Path):
    plan = followed_plan(live_world)
    waiting = set(plan.receipts.filter(status=R.DELIVERED).values_list("pk", flat=True))
    assert len(waiting) == plan.receipts.count() - 5

    vanthu = as_user("vanthu")
    page = vanthu.page
    page.goto(f"/outgoing/{plan.pk}/")
    table = page.get_by_test_id("receipt-status")
    expect(table).to_contain_text("Từ chối tiếp nhận: 1")
    expect(table.locator('tr[data-org="quangtien"]')).to_contain_text(REASON)
    expect(table.locator('tr[data-org="bacson"]')).to_contain_text("Quá hạn")
    table.scroll_into_view_if_needed()
    # The table scrolls inside its own box if it must; the page never does.
    no_overflow(page, 1366)
    vanthu.shot("bang-theo-doi-1366")

    filters = page.get_by_test_id("receipt-filters")
    filters.get_by_role("link", name=re.compile(r"^Chưa tiếp nhận \(\d+\)$")).click()
    page.wait_for_url("**?loc=chua-tiep-nhan*")
    expect(table.locator("tbody tr")).to_have_count(len(waiting))
    page.get_by_test_id("select-waiting").click()
    page.wait_for_url("**chon=chua-tiep-nhan*")
    expect(page.locator("input[name=receipts]:checked")).to_have_count(len(waiting))
    page.get_by_test_id("chase-submit").scroll_into_view_if_needed()
    vanthu.shot("chon-don-doc-1366")
    assert width_on_a_phone(page) <= 390
    vanthu.shot("chon-don-doc-390")
    page.set_viewport_size(DESKTOP)

    page.get_by_test_id("chase-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text(
        f"Đã đôn đốc {len(waiting)} nơi nhận; họ nhận được thông báo."
    )
    chased = AuditEvent.objects.filter(document=plan, action="chase")
    assert set(chased.values_list("receipt_id", flat=True)) == waiting
    assert Notification.objects.filter(kind=NotificationKind.CHASED, document=plan).exists()
    expect(page.get_by_test_id("receipt-status")).to_contain_text("Đã đôn đốc hôm nay")
    vanthu.shot("da-don-doc-1366")

    with page.expect_download() as download:
        page.get_by_test_id("receipt-export").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    sheet = load_workbook(BytesIO(saved.read_bytes())).active
    assert sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["STT", "Nơi nhận", "Mục đích", "Trạng thái"]
    assert sheet.max_row - 1 == len(waiting)  # the active filter: not yet acknowledged

    page.goto(f"/outgoing/{plan.pk}/")
    assert width_on_a_phone(page) <= 390
    page.get_by_test_id("receipt-status").scroll_into_view_if_needed()
    no_overflow(page)
    vanthu.shot("bang-theo-doi-390")


def test_a_recipient_reads_no_other_recipient_row(as_user, live_world):
    plan = followed_plan(live_world)
    page = as_user("vt.trungson").page
    page.goto(f"/outgoing/{plan.pk}/")
    expect(page.get_by_test_id("document-status")).to_be_visible()
    expect(page.get_by_test_id("receipt-status")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(REASON)
