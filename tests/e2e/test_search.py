"""Search from the top bar: type words the way people type them, see the seed plan first and
open it, at a desk's width and at a phone's (where the box is an icon until tapped)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.widths import DESKTOP, PHONE, width_on_a_phone

pytestmark = pytest.mark.e2e

#: Where the journey's pictures go besides the suite's own screenshots, when asked.
SHOTS = os.environ.get("SEARCH_SHOTS")


def picture(session, name: str) -> None:
    session.shot(name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        session.page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_top_bar_finds_the_seed_plan_and_opens_it(as_user, live_world):
    plan = live_world.seed_plan()
    drafter = as_user("soanthao")
    page = drafter.page
    page.set_viewport_size(DESKTOP)
    page.goto("/outgoing/")
    box = page.get_by_test_id("top-search").get_by_role("searchbox")
    box.fill("TUYÊN TRUYỀN")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.get_by_test_id("search-results")
    first = results.locator("tbody tr").first
    expect(first.get_by_role("link")).to_have_text(plan.title)
    expect(page.get_by_test_id("search-page-q")).to_have_value("TUYÊN TRUYỀN")
    picture(drafter, "search-1366")
    first.get_by_role("link").click()
    page.wait_for_url(f"**/outgoing/{plan.pk}/")
    expect(page.get_by_text(plan.title).first).to_be_visible()


def test_the_phone_taps_the_icon_types_and_opens_the_plan(as_user, live_world):
    plan = live_world.seed_plan()
    drafter = as_user("soanthao")
    page = drafter.page
    page.goto("/workflow/inbox/")
    assert width_on_a_phone(page) <= PHONE["width"]
    bar = page.get_by_test_id("top-search")
    picture(drafter, "search-390-closed")
    bar.locator("label").click()  # the icon: the box opens
    box = bar.get_by_role("searchbox")
    expect(box).to_be_focused()
    box.type("tuyen truyen")
    picture(drafter, "search-390-open")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert width_on_a_phone(page) <= PHONE["width"]
    first = page.get_by_test_id("search-results").locator("tbody tr").first
    expect(first.get_by_role("link")).to_have_text(plan.title)
    picture(drafter, "search-390")
    first.get_by_role("link").click()
    page.wait_for_url(f"**/outgoing/{plan.pk}/")
