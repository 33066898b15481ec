"""A form report in a real browser, on the demo's seed plan once dispatched (its report asks
every ward for figures): Trung Sơn's drafter opens its copy, drafts the report with its
figures from there and corrects one when its leader sends it back; the ward signs, registers
and dispatches it (services, to keep it short); Bắc Sơn has answered the same way. The city's
clerk opens the roll-up and reads every ward's figures with the totals, and the reply's page
shows Trung Sơn's. At 1366 and 390 px, with no CSP violation."""

from __future__ import annotations

import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import expect

from documents import services
from documents.models import Answer, Document, DocumentStatus, ReceiptStatus
from documents.obligations import Reply
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_csp import Watched
from tests.e2e.widths import DESKTOP, PHONE, width_on_a_phone
from tests.support import advance, receipt_for, user, ward_people
from tests.workflow.screens import task_url
from workflow.answer_forms import field_name

pytestmark = pytest.mark.e2e
S, R = DocumentStatus, ReceiptStatus
#: Where the screenshots are also kept to be looked at, besides the suite's own folder.
LOOKED_AT = Path(os.environ.get("FORM_REPORT_SHOTS", "/tmp/shots/forms"))


def deliver(document: Document) -> None:
    pending = list(document.receipts.filter(status=R.PENDING).values_list("pk", flat=True))
    if pending:
        services.deliver_many(receipts=pending)


def bacson_answers(plan: Document, report) -> Document:
    receipt = receipt_for(plan, "bacson")
    draft = services.create_draft(
        actor=user("cb.bacson"),
        issuer="bacson",
        doc_type="BC",
        title="Báo cáo kết quả tuyên truyền của phường",
        body="Thực hiện Kế hoạch của Ban Thường trực.",
        authority_prefix="TM",
        collective_name="BAN THƯỜNG TRỰC",
        signer_title="CHỦ TỊCH",
        signer="ld.bacson",
        recipients=[{"organization": "mttq-samson", "purpose": "report"}],
        replies_to=receipt.pk,
        fulfils=[report.pk],
        answers={report.pk: {"so_buoi": 1200, "so_nguoi": "0,5", "kien_nghi": "Thiếu loa"}},
    )
    return advance(draft, S.DISPATCHED, ward_people("bacson"))


def shot(session, name: str) -> None:
    session.shot(name)
    LOOKED_AT.mkdir(parents=True, exist_ok=True)
    taken = sorted(SCREENSHOTS.glob(f"*-{session.username}-{name}.png"))[-1]
    shutil.copy(taken, LOOKED_AT / f"{name}.png")


def test_a_ward_reports_its_figures_and_the_city_adds_them_up(as_user, live_world):
    # Signing runs pyHanko's own event loop: not in this thread, where Playwright's runs.
    with ThreadPoolExecutor(1) as worker:
        plan = worker.submit(advance, live_world.seed_plan(), S.DISPATCHED).result()
        deliver(plan)
        report = plan.obligations.get(kind="report")
        for code in ("bacson", "trungson"):
            services.acknowledge(actor=user(f"vt.{code}"), receipt=receipt_for(plan, code))
        deliver(worker.submit(bacson_answers, plan, report).result())

    # Trung Sơn's drafter, on its own copy: the report's draft asks for the figures.
    drafter = as_user("cb.trungson")
    page = drafter.page
    page.goto(f"/outgoing/{plan.pk}/")
    owed = page.get_by_test_id("my-obligations")
    owed.locator(f'[data-obligation="{report.pk}"]').get_by_test_id("reply-draft").click()
    page.wait_for_url("**/soan-thao/?tra-loi=*")
    fields = page.get_by_test_id(f"answers-{report.pk}")
    expect(fields).to_contain_text(report.title)
    buoi = fields.get_by_label("Số buổi tuyên truyền")
    nguoi = fields.get_by_label("Số lượt người tham dự")
    expect(buoi).to_have_attribute("type", "number")
    expect(buoi).to_have_attribute("inputmode", "decimal")
    # A figure the service refuses is said on its input, and nothing is saved.
    buoi.fill("12")
    nguoi.fill("1e99")
    fields.get_by_label("Kiến nghị").fill("Đề nghị hỗ trợ tài liệu tuyên truyền")
    page.get_by_test_id("draft-submit").click()
    wrong = page.locator(
        ".vb-field--error", has=page.locator(f"#id_{field_name(report.pk, 'so_nguoi')}")
    )
    expect(wrong.get_by_test_id("error-answer")).to_contain_text("phải là một số")
    assert not Reply.objects.filter(receipt=receipt_for(plan, "trungson")).exists()
    nguoi.fill("34.25")
    fields.scroll_into_view_if_needed()
    shot(drafter, "so-lieu-bao-cao-1366")
    assert width_on_a_phone(page) <= PHONE["width"]
    fields.scroll_into_view_if_needed()
    shot(drafter, "so-lieu-bao-cao-390")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("draft-submit").click()
    page.wait_for_url(re.compile(r"/outgoing/\d+/$"))
    expect(page.locator(".vb-messages")).to_contain_text("Đã tạo dự thảo")
    reply = Reply.objects.get(receipt=receipt_for(plan, "trungson"))
    assert Answer.objects.get(reply=reply).values == {
        "so_buoi": 12,
        "so_nguoi": 34.25,
        "kien_nghi": "Đề nghị hỗ trợ tài liệu tuyên truyền",
    }
    given = page.get_by_test_id("given-answers")
    expect(given.locator('[data-key="so_nguoi"]')).to_have_text("34,25")

    # Submitted, its leader sends it back: the drafter corrects a figure on the revision.
    with ThreadPoolExecutor(1) as worker:
        worker.submit(advance, reply.document, S.RETURNED, ward_people("trungson")).result()
    page.goto(task_url(reply.document))
    revised = page.get_by_test_id(f"answers-{report.pk}")
    expect(revised.get_by_label("Số buổi tuyên truyền")).to_have_value("12")
    revised.get_by_label("Số buổi tuyên truyền").fill("15")
    revised.scroll_into_view_if_needed()
    shot(drafter, "sua-so-lieu-1366")
    assert width_on_a_phone(page) <= PHONE["width"]
    revised.scroll_into_view_if_needed()
    shot(drafter, "sua-so-lieu-390")
    page.set_viewport_size(DESKTOP)
    page.get_by_test_id("task-submit").click()
    page.wait_for_url(re.compile(r"/outgoing/\d+/$"))
    # The reply is written anew with its answers (services.obligations.save_reply).
    assert Answer.objects.get(reply__document=reply.document).values["so_buoi"] == 15

    # The ward's leader signs, its clerk registers and dispatches; the city receives it.
    with ThreadPoolExecutor(1) as worker:
        answer = worker.submit(
            advance,
            Document.objects.get(pk=reply.document_id),
            S.DISPATCHED,
            ward_people("trungson"),
        ).result()
    deliver(answer)

    # The city's clerk: the roll-up's table of figures, totalled.
    vanthu = as_user("vanthu")
    page = vanthu.page
    watched = Watched(vanthu)
    page.goto(f"/outgoing/{plan.pk}/theo-doi-thuc-hien/")
    page.wait_for_load_state("networkidle")
    block = page.locator(f'[data-testid=obligation][data-obligation="{report.pk}"]')
    table = block.get_by_test_id("answers-table")
    expect(table.get_by_test_id("answers-row")).to_have_count(
        report.items.count()  # every ward and commune, answered or not
    )
    trungson = table.locator('tr[data-org="trungson"]')
    expect(trungson.locator('[data-key="so_buoi"]')).to_have_text("15")
    expect(trungson.locator('[data-key="so_nguoi"]')).to_have_text("34,25")
    bacson = table.locator('tr[data-org="bacson"]')
    expect(bacson.locator('[data-key="so_buoi"]')).to_have_text("1.200")
    expect(bacson.locator('[data-key="kien_nghi"]')).to_have_text("Thiếu loa")
    expect(table.locator('tr[data-org="quangtien"] [data-key="so_buoi"]')).to_have_text("")
    totals = table.get_by_test_id("answers-totals")
    expect(totals.locator('[data-key="so_buoi"]')).to_have_text("1.215")
    expect(totals.locator('[data-key="so_nguoi"]')).to_have_text("34,75")
    table.scroll_into_view_if_needed()
    shot(vanthu, "bang-so-lieu-1366")
    assert width_on_a_phone(page) <= PHONE["width"]
    table.scroll_into_view_if_needed()
    # On a phone the table stays inside the page (sideways in its own box when too wide),
    # every figure column still wide enough to read a total.
    scroller = table.locator(".vb-answers-table__scroll")
    assert scroller.evaluate("e => e.getBoundingClientRect().right <= window.innerWidth")
    total = totals.locator('[data-key="so_buoi"]')
    assert total.evaluate("e => e.scrollWidth <= e.clientWidth")
    shot(vanthu, "bang-so-lieu-390")
    page.set_viewport_size(DESKTOP)

    # The reply's page, on the city's side: Trung Sơn's figures as it sent them.
    page.goto(f"/outgoing/{answer.pk}/")
    given = page.get_by_test_id("given-answers")
    expect(given.locator('[data-key="so_buoi"]')).to_have_text("15")
    expect(given).to_contain_text("Đề nghị hỗ trợ tài liệu tuyên truyền")
    page.wait_for_load_state("networkidle")
    given.scroll_into_view_if_needed()
    shot(vanthu, "so-lieu-van-ban-tra-loi-1366")
    assert width_on_a_phone(page) <= PHONE["width"]
    given.scroll_into_view_if_needed()
    shot(vanthu, "so-lieu-van-ban-tra-loi-390")
    page.set_viewport_size(DESKTOP)
    problems = [p for p in watched.problems if not re.search(r"chrome(-extension)?://", p)]
    assert not problems, problems
