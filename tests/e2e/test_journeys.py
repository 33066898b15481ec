"""The plan's life in a real browser, every screen checked in Vietnamese: drafted and
submitted, approved, signed, registered and dispatched; received, assigned and reported on at
Bắc Sơn; and the drafter watching the receipt table change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from documents.signing import verify_pdf
from tests.support import current_code

pytestmark = pytest.mark.e2e

TITLE = "Kế hoạch tuyên truyền kỷ niệm 93 năm Ngày thành lập MTTQ Việt Nam"
ORG_NAME = "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Sầm Sơn"


def outline_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Đề cương tuyên truyền</h1><p>Kỷ niệm 93 năm.</p>").write_pdf()


def original_on_page(page) -> bytes:
    """The electronic original the document page frames in the browser's own PDF viewer."""
    frame = page.get_by_test_id("original-pdf")
    expect(frame).to_be_visible()
    response = page.request.get(frame.get_attribute("src"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    return response.body()


def open_task_from_inbox(session, task_title: str):
    page = session.page
    page.goto("/workflow/inbox/")
    expect(page.locator("h1.vb-title")).to_have_text("Việc cần xử lý")
    row = page.locator("tr", has_text=TITLE).filter(has_text=task_title)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=task_title).click()
    expect(page.get_by_test_id("task-title")).to_have_text(task_title)
    return page


def submit_task(page, message: str):
    page.get_by_test_id("task-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text(message)


def test_the_plan_from_draft_to_report(as_user):
    # (a) The drafter writes the plan for three recipients and submits it.
    soanthao = as_user("soanthao")
    page = soanthao.page
    expect(page.locator(".vf-page__menu")).to_contain_text("Hộp việc")
    page.goto("/outgoing/soan-thao/")
    expect(page.locator("h1.vb-title")).to_have_text("Soạn dự thảo")
    page.select_option("#id_doc_type", "KH")
    page.fill("#id_title", TITLE)
    page.fill(
        "#id_body", "Thực hiện Kế hoạch số 616/MTTQ-BTT của Ban Thường trực Ủy ban MTTQ tỉnh."
    )
    page.select_option("#id_urgency", "khan")
    page.select_option("#id_signer", label="Trịnh Quang Huy — Phó Chủ tịch")
    page.select_option("#id_org_1", "thanhuy")
    page.select_option("#id_org_purpose_1", "report")
    wards = page.get_by_test_id("group-wards")
    wards.get_by_label("Ban Thường trực Ủy ban MTTQ Việt Nam phường Bắc Sơn").check()
    wards.get_by_label("Ban Thường trực Ủy ban MTTQ Việt Nam phường Trung Sơn").check()
    page.select_option("#id_purpose_wards", "execute")
    expect(page.get_by_test_id("file-name")).to_have_text("Chưa chọn tệp")
    page.set_input_files(
        "#id_attachments",
        files=[{"name": "de-cuong.pdf", "mimeType": "application/pdf", "buffer": outline_pdf()}],
    )
    expect(page.get_by_test_id("file-name")).to_have_text("de-cuong.pdf")
    soanthao.shot("soan-thao")
    page.get_by_test_id("draft-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text("Đã tạo dự thảo")
    expect(page.get_by_test_id("document-status")).to_have_text("Dự thảo")
    recipients = page.get_by_test_id("recipients")
    expect(recipients).to_contain_text("Thường trực Thành ủy Sầm Sơn (b/c)")
    expect(recipients).to_contain_text("phường Bắc Sơn (t/h)")
    expect(recipients).to_contain_text("phường Trung Sơn (t/h)")
    expect(page.get_by_test_id("signature-block")).to_contain_text("TM. BAN THƯỜNG TRỰC")
    expect(page.locator("main")).to_contain_text("de-cuong.pdf")
    page.get_by_role("link", name="Xử lý").click()
    expect(page.get_by_test_id("task-title")).to_have_text("Trình duyệt dự thảo")
    submit_task(page, "Đã trình duyệt dự thảo.")
    expect(page.get_by_test_id("document-status")).to_have_text("Chờ duyệt nội dung")
    soanthao.shot("da-trinh")

    # (b) The head of unit and the clerk approve from their inboxes.
    truongban = as_user("truongban")
    page = open_task_from_inbox(truongban, "Duyệt nội dung")
    # He decides with the body in view; nothing is chosen for him.
    expect(page.get_by_test_id("document-card")).to_contain_text("Thực hiện Kế hoạch số 616")
    expect(page.get_by_label("Đồng ý, chuyển bước tiếp")).not_to_be_checked()
    expect(page.get_by_label("Trả lại để sửa")).not_to_be_checked()
    truongban.shot("duyet-noi-dung")
    page.get_by_label("Đồng ý, chuyển bước tiếp").check()
    submit_task(page, "Đã duyệt, văn bản chuyển bước tiếp theo.")
    expect(page.get_by_test_id("document-status")).to_have_text("Chờ kiểm tra thể thức")

    vanthu = as_user("vanthu")
    page = open_task_from_inbox(vanthu, "Kiểm tra thể thức")
    page.get_by_label("Đồng ý, chuyển bước tiếp").check()
    submit_task(page, "Đã duyệt, văn bản chuyển bước tiếp theo.")
    expect(page.get_by_test_id("document-status")).to_have_text("Chờ ký")

    # The Vice Chairman opens his inbox, opens the document, and signs.
    huy = as_user("pct.huy")
    page = huy.page
    page.goto("/workflow/inbox/")
    row = page.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("Ký văn bản")
    expect(row).to_contain_text("Được giao cho tôi")
    huy.shot("hop-viec")
    row.get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("document-card")).to_contain_text(TITLE)
    expect(page.locator(".vb-callout")).to_contain_text("Văn bản đang chờ bạn: Ký văn bản.")
    huy.shot("van-ban")
    page.get_by_role("link", name="Xử lý").click()
    expect(page.get_by_test_id("task-title")).to_have_text("Ký văn bản")
    expect(page.get_by_label("Ký ban hành")).not_to_be_checked()
    page.get_by_label("Ký ban hành").check()
    # Signing asks for a one-time code first: he types what his authenticator shows.
    expect(page.get_by_test_id("otp-notice")).to_be_visible()
    page.get_by_label("Mã xác thực (OTP)").fill(current_code("pct.huy"))
    submit_task(page, "Đã ký văn bản.")
    expect(page.get_by_test_id("document-status")).to_have_text("Đã ký")
    expect(page.get_by_test_id("signature-block")).to_contain_text("Trịnh Quang Huy")
    # He sees what he signed: the electronic original, his signature valid on it.
    expect(page.get_by_test_id("original-status")).to_have_text("Chữ ký số hợp lệ")
    expect(page.get_by_test_id("original-signature")).to_contain_text("Trịnh Quang Huy")
    assert verify_pdf(original_on_page(page)).signers == ["Trịnh Quang Huy"]
    huy.shot("ban-goc-da-ky")

    # The clerk registers and dispatches.
    page = open_task_from_inbox(vanthu, "Vào sổ, cấp số")
    page.get_by_label("Mã xác thực (OTP)").fill(current_code("vanthu"))
    page.get_by_test_id("task-submit").click()
    expect(page.locator(".vb-messages")).to_contain_text(
        re.compile(r"Đã vào sổ: số \d\d/KH-MTTQ-BTT")
    )
    symbol = page.get_by_test_id("symbol").inner_text()
    assert re.fullmatch(r"Số: \d\d/KH-MTTQ-BTT", symbol.strip()), symbol
    expect(page.get_by_test_id("date-line")).to_contain_text(
        re.compile(r"Sầm Sơn, ngày \d\d tháng \d{1,2} năm \d{4}")
    )
    expect(page.get_by_test_id("original-signature")).to_have_count(2)
    issued = verify_pdf(original_on_page(page))
    assert issued.status == "valid" and issued.signers == ["Trịnh Quang Huy", ORG_NAME]
    page = open_task_from_inbox(vanthu, "Phát hành")
    expect(page.get_by_label("Mã xác thực (OTP)")).to_have_count(0)  # one code per window
    submit_task(page, "Đã phát hành văn bản tới các nơi nhận.")
    expect(page.get_by_test_id("document-status")).to_have_text("Đã phát hành")
    vanthu.shot("da-phat-hanh")

    # (c) Bắc Sơn's clerk sees it arrive, acknowledges; the leader assigns; the handler reports.
    vt = as_user("vt.bacson")
    page = vt.page
    page.goto("/incoming/")
    expect(page.locator("h1.vb-title")).to_have_text("Văn bản đến")
    row = page.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("Đã đến")
    vt.shot("van-ban-den")
    page = open_task_from_inbox(vt, "Tiếp nhận văn bản đến")
    page.get_by_label("Tiếp nhận, vào sổ văn bản đến").check()
    submit_task(page, "Đã tiếp nhận, số đến")
    # The ward's clerk opens the attachment: the copy the city's organisation signed.
    link = page.get_by_test_id("attachment-link")
    expect(link).to_have_text("de-cuong.pdf")
    expect(page.get_by_test_id("attachment-preview")).to_be_visible()
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "de-cuong.pdf"
    attachment = verify_pdf(download.value.path().read_bytes())
    assert attachment.status == "valid" and attachment.signers == [ORG_NAME]
    vt.shot("tep-dinh-kem")
    page.goto("/incoming/")
    expect(page.locator("tr", has_text=TITLE)).to_contain_text("Đã tiếp nhận")

    ld = as_user("ld.bacson")
    page = open_task_from_inbox(ld, "Phân công xử lý")
    handler = page.locator("#id_assignee option", has_text="(cb.bacson)").get_attribute("value")
    page.select_option("#id_assignee", handler)
    page.fill("#id_deadline", "31/12/2099")
    ld.shot("phan-cong")
    submit_task(page, "Đã phân công xử lý.")

    cb = as_user("cb.bacson")
    page = open_task_from_inbox(cb, "Xử lý và báo cáo")
    page.fill("#id_report", "Phường Bắc Sơn đã xây dựng kế hoạch và tổ chức tuyên truyền.")
    submit_task(page, "Đã hoàn thành và báo cáo kết quả.")
    cb.shot("bao-cao")

    # (d) The drafter sees the receipt table: Bắc Sơn done, the others not yet acknowledged.
    page = soanthao.page
    page.goto("/outgoing/")
    page.get_by_role("link", name=TITLE).click()
    table = page.get_by_test_id("receipt-status")
    expect(table).to_contain_text("Tình hình tiếp nhận, xử lý")
    expect(table.locator("tr[data-org=bacson]")).to_contain_text("Hoàn thành")
    expect(table.locator("tr[data-org=bacson]")).to_contain_text("Cán bộ")
    expect(table.locator("tr[data-org=trungson]")).to_contain_text("Đã đến")
    expect(table).to_contain_text("Hoàn thành: 1")
    expect(table).to_contain_text("Đã đến: 2")
    expect(table).to_contain_text("Chưa tiếp nhận")
    expect(page.get_by_test_id("history")).to_contain_text("Phân công")
    soanthao.shot("bang-tiep-nhan")
