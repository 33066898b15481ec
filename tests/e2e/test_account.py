"""In a browser: a person opens "Phiên đăng nhập" from the user menu, sees this browser and
another one and an API token, ends the other browser's session and revokes the token; a
locked-out sign-in shows its message."""

from __future__ import annotations

import pytest
from knox.models import AuthToken
from playwright.sync_api import expect

from accounts.models import Session as BrowserSession

pytestmark = pytest.mark.e2e


def test_own_sessions_and_tokens_are_seen_and_ended(as_user, live_world):
    other = as_user("vanthu")
    me = as_user("vanthu")
    AuthToken.objects.create(user=live_world.user("vanthu"))
    page = me.page
    page.goto("/workflow/inbox/")
    # The user menu opens under the person's name.
    page.locator(".vf-page__menu-toggle-button").click()
    page.get_by_test_id("menu-account").click()
    page.wait_for_url("**/account/")
    assert page.locator("[data-session]").count() == 2
    assert "phiên này" in page.get_by_test_id("sessions").inner_text()
    me.shot("account")
    page.set_viewport_size({"width": 390, "height": 844})
    me.shot("account-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.locator("tr:not(:has-text('phiên này')) [data-testid=end-session]").click()
    expect(page.locator("[data-session]")).to_have_count(1)
    other.page.goto("/workflow/inbox/")
    other.page.wait_for_url("**/accounts/login/**")

    page.get_by_test_id("revoke-token").click()
    expect(page.get_by_test_id("tokens")).to_contain_text("Không có mã truy cập nào còn hiệu lực")
    assert not AuthToken.objects.filter(user__username="vanthu").exists()
    assert BrowserSession.objects.filter(user__username="vanthu").count() == 1


def test_a_locked_out_sign_in_says_so(browser, live_server, live_world):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    # Each sign-in waits for its own answer: the form is sent in the background, and a
    # password typed before the previous answer has replaced the page would be lost.
    for expected in (422, 422, 422, 422, 422, 429):
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill("truongban")
        page.locator("input[name=password]").fill("sai-mat-khau")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Đăng nhập").click()
        assert answer.value.status == expected
        page.locator(".vf-form__errors").wait_for()
    page.locator("input[name=username]").fill("truongban")
    page.locator("input[name=password]").fill("demo12345")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Đăng nhập").click()
    assert answer.value.status == 429
    assert "Đăng nhập sai quá nhiều lần" in page.locator(".vf-form__errors").inner_text()
    context.close()
