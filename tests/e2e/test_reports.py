"""Báo cáo in a real browser: the city's clerk opens the dashboard from the menu on the demo,
once the seed plan has been dispatched and its wards have acknowledged, refused, handled on
time and let a deadline pass; every chart's canvas is drawn (Chart.js marks it, and its
pixels are not all blank), the browser reports no CSP violation, and the page fits a phone."""

from __future__ import annotations

import datetime
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from documents import services
from documents.models import DocumentStatus, Receipt, ReceiptStatus
from tests.e2e.test_csp import Watched
from tests.e2e.widths import DESKTOP, PHONE, width_on_a_phone
from tests.support import advance, receipt_for, user

pytestmark = pytest.mark.e2e
S, R = DocumentStatus, ReceiptStatus


def handled_plan(world):
    # Signing runs pyHanko's own event loop: not in this thread, where Playwright's runs.
    with ThreadPoolExecutor(1) as worker:
        plan = worker.submit(advance, world.seed_plan(), S.DISPATCHED).result()
    pending = list(plan.receipts.filter(status=R.PENDING).values_list("pk", flat=True))
    if pending:
        services.deliver_many(receipts=pending)
    for code in ("bacson", "trungson", "quangcu"):
        services.acknowledge(actor=user(f"vt.{code}"), receipt=receipt_for(plan, code))
    services.refuse(
        actor=user("vt.quangtien"), receipt=receipt_for(plan, "quangtien"), reason="Gửi nhầm"
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for code in ("bacson", "trungson"):
        services.assign(
            actor=user(f"ld.{code}"),
            receipt=receipt_for(plan, code),
            assignee=user(f"cb.{code}"),
            deadline=tomorrow,
        )
    services.complete(
        actor=user("cb.bacson"), receipt=receipt_for(plan, "bacson"), report="Đã thực hiện."
    )
    # The service refuses a deadline already past: Trung Sơn's, gone by.
    Receipt.objects.filter(pk=receipt_for(plan, "trungson").pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    return plan


def inked(png: bytes) -> int:
    """Pixels of the canvas that are not (near) white."""
    image = Image.open(BytesIO(png)).convert("L")
    return sum(count for level, count in enumerate(image.histogram()) if level < 235)


def test_the_city_clerk_reads_the_charts(as_user, live_world):
    handled_plan(live_world)
    session = as_user("vanthu")
    watched = Watched(session)
    page = session.page
    # From the site's menu, where only the registers' readers find it.
    watched.visit("/workflow/inbox/")
    page.locator("a.vf-page__menu-list-item[href='/reports/']").click()
    page.wait_for_url("**/reports/**")
    page.wait_for_load_state("networkidle")
    title = page.get_by_role("heading", name="Báo cáo tình hình giải quyết văn bản").first
    expect(title).to_be_visible()
    canvases = page.locator("canvas[data-testid=chart]")
    count = canvases.count()
    assert count == 5, count
    for index in range(count):
        canvas = canvases.nth(index)
        expect(canvas).to_have_attribute("data-drawn", "true")
        assert inked(canvas.screenshot()) > 200, canvas.get_attribute("id")
    # The table beneath the recipients' chart: Trung Sơn's copy is overdue now.
    trungson = page.locator("table[data-table=recipients] tr", has_text="Trung Sơn")
    expect(trungson.locator("td").last).to_have_text("1")
    session.shot("reports-1366")
    assert width_on_a_phone(page) <= PHONE["width"]
    for index in range(count):
        expect(canvases.nth(index)).to_have_attribute("data-drawn", "true")
    session.shot("reports-390")
    page.set_viewport_size(DESKTOP)
    # The filters are a plain form: another period, a full page, the charts again.
    page.locator("input[name=since]").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_role("button", name="Xem báo cáo").click()
    page.wait_for_load_state("networkidle")
    assert "since=" in page.url
    expect(page.locator("canvas[data-testid=chart]").first).to_have_attribute("data-drawn", "true")
    assert not watched.problems, watched.problems
