"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's
live server, on the demo loaded into a database that commits for real (``live_world``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are
# still plain synchronous code between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Under pytest-xdist each worker numbers its own screenshots: prefixed, they never overwrite.
WORKER = f"{os.environ['PYTEST_XDIST_WORKER']}-" if os.environ.get("PYTEST_XDIST_WORKER") else ""
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # The browser's own widgets (file picker, date field) speak the user's language too.
    "--lang=vi-VN",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make test-e2e` installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


class Session:
    """One person in their own browser context (own cookies), with named screenshots."""

    counter = 0

    def __init__(self, browser, base_url: str, username: str):
        self.context = browser.new_context(
            base_url=base_url, locale="vi-VN", viewport={"width": 1366, "height": 900}
        )
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.username = username

    def login(self, password: str = "demo12345"):
        page = self.page
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(self.username)
        page.locator("input[name=password]").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/workflow/inbox/")
        # Turbo changes the address before the new page's scripts and icon have loaded; a
        # next navigation at once would abort them and read as a failed load.
        page.wait_for_load_state("networkidle")
        return self

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        Session.counter += 1
        self.page.screenshot(
            path=str(SCREENSHOTS / f"{WORKER}{Session.counter:02d}-{self.username}-{name}.png"),
            full_page=True,
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def as_user(browser, live_server, live_world):
    sessions: list[Session] = []

    def open_as(username: str) -> Session:
        session = Session(browser, live_server.url, username).login()
        sessions.append(session)
        return session

    yield open_as
    for session in sessions:
        session.close()
