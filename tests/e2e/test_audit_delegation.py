"""In a browser: the auditor opens Nhật ký, filters it, reads the security events and has the
chain checked; a signer gives a delegation in the form and the deputy sees it, with the task
it covers marked in Hộp việc. Each page is looked at on a desktop and on a phone."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from documents import audit
from orgchart.models import Delegation
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.widths import DESKTOP, PHONE, width_on_a_phone
from tests.support import advance, new_draft

pytestmark = pytest.mark.e2e

#: Where the screenshots are also copied for review, when that folder exists.
REVIEW = Path("/tmp/shots/audit")


def _look(session, name: str) -> None:
    page = session.page
    page.set_viewport_size(DESKTOP)
    session.shot(name)
    assert width_on_a_phone(page) <= PHONE["width"], name
    session.shot(f"{name}-phone")
    page.set_viewport_size(DESKTOP)
    if REVIEW.is_dir():
        for shot in SCREENSHOTS.glob(f"*-{session.username}-{name}*.png"):
            shutil.copy(shot, REVIEW / shot.name)


def test_the_auditor_reads_filters_and_verifies_the_log(as_user, live_world):
    advance(new_draft(title="Kế hoạch tổng kết công tác năm"), "awaiting_signature")
    audit.record(actor=None, action="login_failed", data={"username": "vanthu"}, ip="10.1.2.3")
    auditor = as_user("kiemtra")
    page = auditor.page

    page.goto("/workflow/inbox/")
    page.get_by_role("link", name="Nhật ký").first.click()
    page.wait_for_url("**/audit/")
    expect(page.get_by_test_id("audit-table")).to_be_visible()
    _look(auditor, "audit-trail")

    page.locator("select[name=person]").select_option("truongban")
    page.get_by_test_id("audit-filters").get_by_role("button", name="Lọc").click()
    page.wait_for_url("**person=truongban**")
    people = page.locator("[data-testid=audit-table] tbody tr td:nth-child(2)").all_inner_texts()
    assert people and set(people) == {"Nguyễn Văn Bình"}
    assert page.locator("[data-testid=audit-table] tbody tr[data-action=create]").count() == 0

    page.get_by_test_id("tab-security").click()
    page.wait_for_url("**/audit/an-ninh/")
    table = page.get_by_test_id("audit-table")
    expect(table).to_contain_text("Đăng nhập không thành công")
    expect(table).to_contain_text("10.1.2.3")
    _look(auditor, "audit-security")

    page.get_by_test_id("verify-now").click()
    expect(page.get_by_test_id("verify-results")).to_contain_text("toàn vẹn")
    _look(auditor, "audit-verified")


def test_a_signer_delegates_in_the_form_and_the_deputy_sees_it(as_user, live_world):
    advance(new_draft(title="Kế hoạch ký thay"), "awaiting_signature")
    today = timezone.localdate()
    principal = as_user("pct.huy")
    page = principal.page

    page.goto("/orgchart/")
    page.get_by_role("link", name="Ủy quyền").first.click()
    page.wait_for_url("**/orgchart/uy-quyen/")
    form = page.get_by_test_id("delegation-form")
    form.locator("select[name=deputy]").select_option(str(live_world.user("truongban").pk))
    form.locator("input[name=roles][value=signer]").check()
    form.locator("input[name=valid_from]").fill(today.strftime("%d/%m/%Y"))
    form.locator("input[name=valid_to]").fill(
        (today + datetime.timedelta(days=6)).strftime("%d/%m/%Y")
    )
    form.locator("textarea[name=note]").fill("Ký văn bản thường xuyên trong tuần công tác")
    form.get_by_test_id("delegate").click()
    expect(page.get_by_test_id("delegations-given")).to_contain_text("Đang hiệu lực")
    assert Delegation.objects.filter(principal__username="pct.huy").count() == 1
    _look(principal, "delegations-given")

    deputy = as_user("truongban")
    deputy.page.goto("/orgchart/uy-quyen/")
    expect(deputy.page.get_by_test_id("delegations-received")).to_contain_text("Trịnh Quang Huy")
    _look(deputy, "delegations-received")
    deputy.page.goto("/workflow/inbox/")
    expect(deputy.page.get_by_test_id("on-behalf").first).to_contain_text(
        "ủy quyền của Trịnh Quang Huy"
    )
    _look(deputy, "inbox-on-behalf")
