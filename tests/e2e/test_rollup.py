"""Theo dõi thực hiện in a real browser, on the demo's seed plan once dispatched: two wards
have answered its plan (one late) and one refused the plan. The city's clerk opens the
roll-up from the document page, sees the chart drawn and each ward's status, chases the late
in one click and downloads the table; a ward's drafter opens its copy, answers from there and
saves the prefilled draft. At 1366 and 390 px, with no CSP violation."""

from __future__ import annotations

import datetime
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from documents import services
from documents.models import Document, DocumentStatus, ReceiptStatus
from documents.obligations import ObligationItem, Reply
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_csp import Watched
from tests.e2e.widths import DESKTOP, PHONE, width_on_a_phone
from tests.support import advance, receipt_for, user, ward_draft, ward_people
from workflow.models import Notification, NotificationKind

pytestmark = pytest.mark.e2e
S, R = DocumentStatus, ReceiptStatus
#: Where the screenshots are also kept to be looked at, besides the suite's own folder.
LOOKED_AT = Path(os.environ.get("ROLLUP_SHOTS", "/tmp/shots/rollup"))


def deliver(document: Document) -> None:
    pending = list(document.receipts.filter(status=R.PENDING).values_list("pk", flat=True))
    if pending:
        services.deliver_many(receipts=pending)


def answer(plan: Document, code: str, obligation) -> Document:
    draft = ward_draft(plan, code, [obligation], title="Kế hoạch tuyên truyền của phường")
    return advance(draft, S.DISPATCHED, ward_people(code))


def answered_plan(world) -> tuple[Document, object]:
    # Signing runs pyHanko's own event loop: not in this thread, where Playwright's runs.
    with ThreadPoolExecutor(1) as worker:
        plan = worker.submit(advance, world.seed_plan(), S.DISPATCHED).result()
        deliver(plan)
        own_plan = plan.obligations.get(kind="plan")
        for code in ("bacson", "truongson"):
            deliver(worker.submit(answer, plan, code, own_plan).result())
    services.refuse(
        actor=user("vt.quangtien"), receipt=receipt_for(plan, "quangtien"), reason="Gửi nhầm"
    )
    # Trường Sơn's answer came the day after the due date, Bắc Sơn's three days before it.
    arrived = ObligationItem.objects.get(
        obligation=own_plan, organization__code="truongson"
    ).fulfilled_at
    assert arrived is not None
    own_plan.due = timezone.localtime(arrived).date() - datetime.timedelta(days=1)
    own_plan.save()
    ObligationItem.objects.filter(obligation=own_plan, organization__code="bacson").update(
        fulfilled_at=arrived - datetime.timedelta(days=3)
    )
    return plan, own_plan


def shot(session, name: str) -> None:
    session.shot(name)
    LOOKED_AT.mkdir(parents=True, exist_ok=True)
    taken = sorted(SCREENSHOTS.glob(f"*-{session.username}-{name}.png"))[-1]
    shutil.copy(taken, LOOKED_AT / f"{name}.png")


def test_the_clerk_follows_the_plan_up_and_a_ward_answers(as_user, live_world, tmp_path):
    plan, own_plan = answered_plan(live_world)
    vanthu = as_user("vanthu")
    page = vanthu.page
    page.goto(f"/outgoing/{plan.pk}/")
    # The document page's original loads in Chromium's PDF viewer: let it finish before the
    # roll-up, the page watched here, is opened from the page.
    page.wait_for_load_state("networkidle")
    watched = Watched(vanthu)
    page.get_by_test_id("rollup-link").get_by_role("link", name="Theo dõi thực hiện").click()
    page.wait_for_url("**/theo-doi-thuc-hien/")
    page.wait_for_load_state("networkidle")
    block = page.locator(f'[data-testid=obligation][data-obligation="{own_plan.pk}"]')
    canvas = block.locator("canvas[data-testid=chart]")
    expect(canvas).to_have_attribute("data-drawn", "true")
    counts = block.get_by_test_id("obligation-counts")
    expect(counts.locator('[data-key="fulfilled"] .vb-report-card__value')).to_have_text("1")
    expect(counts.locator('[data-key="late"] .vb-report-card__value')).to_have_text("1")
    expect(counts.locator('[data-key="pending"] .vb-report-card__value')).to_have_text("8")
    expect(counts.locator('[data-key="refused"] .vb-report-card__value')).to_have_text("1")
    expect(counts).to_contain_text("trong đó quá hạn: 8")
    expect(block.locator('tr[data-org="truongson"]')).to_contain_text("Nộp muộn")
    expect(block.locator('tr[data-org="bacson"]')).to_contain_text("Đã nộp")
    expect(block.locator('tr[data-org="quangtien"]')).to_contain_text("Từ chối")
    expect(block.locator('tr[data-org="trungson"]')).to_contain_text("Quá hạn")
    expect(block.locator('tr[data-org="bacson"] [data-testid=reply-link]')).to_be_visible()
    shot(vanthu, "theo-doi-thuc-hien-1366")

    block.get_by_test_id("rollup-chase").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã đôn đốc 8 đơn vị")
    past = Notification.objects.filter(kind=NotificationKind.OBLIGATION_PAST)
    assert past.filter(user=user("ld.trungson")).count() == 1
    expect(canvas).to_have_attribute("data-drawn", "true")
    shot(vanthu, "da-don-doc-1366")

    filters = page.get_by_test_id("rollup-filters")
    filters.get_by_role("link", name=re.compile(r"^Quá hạn \(\d+\)$")).click()
    page.wait_for_url("**?loc=qua-han")
    expect(block.get_by_test_id("obligation-item")).to_have_count(8)
    with page.expect_download() as download:
        page.get_by_test_id("rollup-export").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    sheet = load_workbook(BytesIO(saved.read_bytes())).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert len(rows) == 8 and {r[4] for r in rows} == {"Quá hạn"}

    page.goto(f"/outgoing/{plan.pk}/theo-doi-thuc-hien/")
    assert width_on_a_phone(page) <= PHONE["width"]
    expect(canvas).to_have_attribute("data-drawn", "true")
    shot(vanthu, "theo-doi-thuc-hien-390")
    page.set_viewport_size(DESKTOP)
    # Chromium's PDF viewer, left behind, may still fetch its own parts; the site's are what
    # is watched.
    problems = [p for p in watched.problems if not re.search(r"chrome(-extension)?://", p)]
    assert not problems, problems

    # The ward's drafter, on its own copy.
    drafter = as_user("cb.trungson")
    page = drafter.page
    page.goto(f"/outgoing/{plan.pk}/")
    owed = page.get_by_test_id("my-obligations")
    expect(owed).to_contain_text(own_plan.title)
    expect(owed).to_contain_text("Quá hạn")
    owed.scroll_into_view_if_needed()
    shot(drafter, "ban-cua-phuong-1366")
    assert width_on_a_phone(page) <= PHONE["width"]
    shot(drafter, "ban-cua-phuong-390")
    page.set_viewport_size(DESKTOP)
    owed.locator(f'[data-obligation="{own_plan.pk}"]').get_by_test_id("reply-draft").click()
    page.wait_for_url("**/soan-thao/?tra-loi=*")
    expect(page.get_by_test_id("answering")).to_contain_text(plan.symbol)
    expect(page.locator("textarea[name=body]")).to_have_value(
        re.compile(rf"^Thực hiện Kế hoạch số {re.escape(plan.symbol)} ngày")
    )
    expect(page.locator("select[name=doc_type]")).to_have_value("KH")
    shot(drafter, "soan-tra-loi-1366")
    assert width_on_a_phone(page) <= PHONE["width"]
    shot(drafter, "soan-tra-loi-390")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("draft-submit").click()
    page.wait_for_url(re.compile(r"/outgoing/\d+/$"))
    expect(page.locator(".vb-messages")).to_contain_text("Đã tạo dự thảo")
    reply = Reply.objects.get(receipt=receipt_for(plan, "trungson"))
    assert list(reply.obligations.all()) == [own_plan]
    assert reply.document.issuer.code == "trungson" and reply.document.doc_type == "KH"
