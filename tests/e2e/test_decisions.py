"""Deciding in a real browser, at 1366 and 390 px: the reviewer reads the body and returns the
draft, asked for his reason on the field; the drafter reads that reason at the top of her
revise task and submits again; the history says "Trả lại". The drafter withdraws a draft and
the signer recalls a dispatched document from the document page."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from documents.models import DocumentStatus
from tests.e2e.widths import DESKTOP, PHONE
from tests.support import advance, attach, current_code, new_draft, user

pytestmark = pytest.mark.e2e

S = DocumentStatus
TITLE = "Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc năm 2023"
BODY = "Các khu dân cư tổ chức Ngày hội trước ngày 18 tháng 11."
REASON = "Bổ sung kinh phí và phân công cụ thể cho từng khu dân cư."
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_task(session, task_title: str, title: str = TITLE):
    page = session.page
    page.goto("/workflow/inbox/")
    row = page.locator("tr", has_text=title).filter(has_text=task_title)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=task_title).click()
    expect(page.get_by_test_id("task-title")).to_have_text(task_title)
    return page


def both_widths(session, name: str) -> None:
    """A screenshot at the desktop width and one at a phone's."""
    page = session.page
    session.shot(f"{name}-1366")
    page.set_viewport_size(PHONE)
    session.shot(f"{name}-390")
    page.set_viewport_size(DESKTOP)


def test_a_return_is_decided_with_the_body_in_view_and_read_by_the_drafter(as_user):
    from documents import services

    document = new_draft(title=TITLE, body=BODY, signer="pct.huy")
    attach(document, "du-toan.pdf", PDF, "application/pdf")
    services.submit(actor=user("soanthao"), document=document)

    truongban = as_user("truongban")
    page = open_task(truongban, "Duyệt nội dung")
    expect(page.get_by_test_id("document-card")).to_contain_text(BODY)
    expect(page.get_by_test_id("attachment-link")).to_have_text("du-toan.pdf")
    expect(page.get_by_label("Đồng ý, chuyển bước tiếp")).not_to_be_checked()
    expect(page.get_by_label("Trả lại để sửa")).not_to_be_checked()
    both_widths(truongban, "duyet-co-noi-dung")
    # Sent as it stands: the browser asks for a decision (the server would too, on the
    # field); then a return without its reason is refused on the comment.
    page.get_by_test_id("task-submit").click()
    expect(page.get_by_test_id("task-title")).to_have_text("Duyệt nội dung")
    assert page.get_by_label("Trả lại để sửa").evaluate("e => e.validity.valueMissing")
    page.get_by_label("Trả lại để sửa").check()
    page.get_by_test_id("task-submit").click()
    expect(page.get_by_test_id("field-error")).to_contain_text("Trả lại phải kèm ý kiến")
    expect(page.get_by_label("Trả lại để sửa")).to_be_checked()
    document.refresh_from_db()
    assert document.status == S.IN_REVIEW
    page.fill("#id_comment", REASON)
    page.get_by_test_id("task-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã trả lại dự thảo")
    expect(page.get_by_test_id("document-status")).to_have_text("Bị trả lại")

    soanthao = as_user("soanthao")
    page = open_task(soanthao, "Sửa và trình lại")
    reason = page.get_by_test_id("return-reason")
    expect(reason).to_contain_text(f"Lý do trả lại: {REASON}")
    expect(page.get_by_test_id("comments")).to_contain_text("Trả lại")
    both_widths(soanthao, "sua-theo-y-kien")
    page.fill("#id_comment", "Đã bổ sung kinh phí.")
    page.get_by_test_id("task-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã trình lại dự thảo.")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Trả lại")
    expect(history).not_to_contain_text("Duyệt / kiểm tra")

    # The reviewer, the second time, reads what he asked and what was answered.
    page = open_task(truongban, "Duyệt nội dung")
    comments = page.get_by_test_id("comments")
    expect(comments).to_contain_text(REASON)
    expect(comments).to_contain_text("Đã bổ sung kinh phí.")


def test_the_drafter_withdraws_and_the_signer_recalls_from_the_document_page(as_user):
    draft = new_draft(title="Dự thảo không còn cần", body=BODY)
    # Signing runs pyHanko's own event loop: not in this thread, where Playwright's runs.
    with ThreadPoolExecutor(1) as worker:
        sent = worker.submit(
            advance, new_draft(title="Kế hoạch ban hành nhầm", signer="pct.huy"), S.DISPATCHED
        ).result()

    soanthao = as_user("soanthao")
    page = soanthao.page
    page.goto(f"/outgoing/{sent.pk}/")
    expect(page.get_by_test_id("withdraw")).to_have_count(0)
    expect(page.get_by_test_id("recall")).to_have_count(0)
    page.goto(f"/outgoing/{draft.pk}/")
    page.get_by_label("Lý do hủy").fill("Trùng với kế hoạch đã ban hành.")
    soanthao.shot("huy-du-thao")
    page.get_by_test_id("withdraw-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã hủy dự thảo.")
    expect(page.get_by_test_id("document-status")).to_have_text("Đã hủy")
    expect(page.get_by_test_id("withdraw")).to_have_count(0)

    huy = as_user("pct.huy")
    page = huy.page
    page.goto(f"/outgoing/{sent.pk}/")
    page.get_by_label("Lý do thu hồi").fill("Ban hành nhầm số liệu.")
    page.get_by_label("Mã xác thực (OTP)").fill(current_code("pct.huy"))
    both_widths(huy, "thu-hoi")
    page.get_by_test_id("recall-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã thu hồi văn bản")
    expect(page.get_by_test_id("document-status")).to_have_text("Đã thu hồi")
    expect(page.get_by_test_id("history")).to_contain_text("Ban hành nhầm số liệu.")
