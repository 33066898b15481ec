"""Every main screen works under the Content-Security-Policy: the browser reports no policy
violation, no script error and no failed load on the sign-in page, Hộp việc, the document lists,
a document, a task screen (sent, so the form and its redirect too), the process chart, the API
docs and the admin, at a desk's width and a phone's; the header is there on each, and the icon
font is drawn (a blocked stylesheet or font would show the icons' names instead)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.e2e.conftest import Session

pytestmark = pytest.mark.e2e

#: Installed in every document before its own scripts: a violation is told to the console.
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""

WIDTHS = (1366, 390)
#: The browser asks for it on a document without an icon of its own (the SVG chart); the
#: pages name theirs.
FAVICON = "/favicon.ico"


class Watched:
    """A signed-in person whose browser reports every console error, page error and failed
    request; ``visit`` checks the header of each full page load."""

    def __init__(self, session: Session):
        self.session = session
        self.page = session.page
        self.problems: list[str] = []
        session.context.add_init_script(WATCH_VIOLATIONS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url}"))
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        if message.location.get("url", "").endswith(FAVICON):
            return
        if message.type in ("error", "warning") and "[Deprecation]" not in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def _response(self, response) -> None:
        if response.status >= 400 and not response.url.endswith(FAVICON):
            self.problems.append(f"{response.status}: {response.url}")

    def visit(self, path: str, *, script_src: str = "'self'") -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, path
        policy = response.headers.get("content-security-policy", "")
        directives = {
            name: value
            for name, _, value in (part.strip().partition(" ") for part in policy.split(";"))
        }
        assert directives.get("script-src") == script_src, (path, policy)
        assert directives.get("frame-ancestors") == "'none'", (path, policy)
        assert directives.get("object-src") == "'none'", (path, policy)

    def check(self, screen: str, *, icons: bool = True, shots: bool = True) -> None:
        """Nothing went wrong so far, here; then a screenshot at each width."""
        page = self.page
        page.wait_for_load_state("networkidle")
        if icons:
            drawn = page.evaluate(
                "document.fonts.ready.then(() => document.fonts.check('24px \"Material Icons\"'))"
            )
            assert drawn, f"{screen}: the icon font did not load"
        for width in WIDTHS if shots else ():
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(150)
            self.session.shot(f"csp-{screen}-{width}")
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        assert not self.problems, f"{screen}: {self.problems}"


def test_every_screen_runs_under_the_policy(browser, live_server, live_world):
    seed = live_world.seed_plan()
    sessions: list[Session] = []

    def sign_in(username: str) -> Watched:
        session = Session(browser, live_server.url, username)
        sessions.append(session)
        watched = Watched(session)
        watched.visit("/accounts/login/")
        watched.check("dang-nhap")
        session.login()
        return watched

    try:
        # The drafter: Hộp việc, the outgoing list, the draft form, the seed plan, its task
        # (reached through Turbo's navigation and sent), the process and its chart.
        drafter = sign_in("soanthao")
        page = drafter.page
        expect(page.locator("h1.vb-title")).to_have_text("Việc cần xử lý")
        drafter.check("hop-viec")
        drafter.visit("/outgoing/")
        drafter.check("van-ban-di")
        drafter.visit("/outgoing/soan-thao/")
        page.set_input_files(
            "#id_attachments",
            files=[{"name": "de-cuong.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
        )
        # The file's name beside the button comes from our script, not an inline handler.
        expect(page.get_by_test_id("file-name")).to_have_text("de-cuong.pdf")
        drafter.check("soan-thao")
        drafter.visit(f"/outgoing/{seed.pk}/")
        expect(page.get_by_test_id("document-card")).to_contain_text(seed.title[:30])
        drafter.check("van-ban")
        page.get_by_role("link", name="Xử lý").click()
        expect(page.get_by_test_id("task-title")).to_have_text("Trình duyệt dự thảo")
        drafter.check("xu-ly")
        page.get_by_test_id("task-submit").click()
        expect(page.locator(".vb-messages")).to_contain_text("Đã trình duyệt dự thảo.")
        drafter.check("da-trinh")
        # The process and its chart are viewflow's engine pages, the administrators': the
        # drafter is one here.
        User.objects.filter(username="soanthao").update(is_staff=True)
        process_pk = _process_pk(seed)
        drafter.visit(f"/workflow/flows/outgoing/{process_pk}/")
        drafter.check("quy-trinh")
        # viewflow's chart is an SVG document: its own <style> colours the steps, no script.
        drafter.visit(f"/workflow/flows/outgoing/{process_pk}/chart/", script_src="'none'")
        assert page.evaluate("document.querySelector('style').sheet.cssRules.length") > 0
        drafter.check("so-do", icons=False, shots=False)
        drafter.visit("/api/docs/")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("Vanban MTTQ API")
        expect(page.locator(".opblock").first).to_be_visible()
        drafter.check("api-docs", icons=False)

        # A recipient clerk: the incoming list; the language menu sends its form by script.
        clerk = sign_in("vt.bacson")
        clerk.visit("/incoming/")
        clerk.check("van-ban-den")
        # The desk: the paper form (its file name from our script), the register, the bell's page.
        clerk.visit("/incoming/vao-so/")
        clerk.page.set_input_files(
            "#id_scans",
            files=[{"name": "ban-quet.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}],
        )
        expect(clerk.page.get_by_test_id("file-name")).to_have_text("ban-quet.pdf")
        clerk.check("vao-so-van-ban-giay")
        clerk.visit("/incoming/so-dang-ky/")
        clerk.check("so-dang-ky")
        clerk.visit("/account/thong-bao/")
        clerk.check("thong-bao")
        clerk.visit("/outgoing/qua-han/")
        clerk.check("van-ban-qua-han")
        clerk.page.select_option("select[name=language]", "en")
        expect(clerk.page.locator("html")).to_have_attribute("lang", "en")
        clerk.check("english")

        # The superuser: the admin's index and a list.
        admin = sign_in("admin")
        admin.visit("/admin/")
        expect(admin.page.locator("#site-name")).to_be_visible()
        admin.check("admin", icons=False)
        admin.visit("/admin/documents/document/")
        expect(admin.page.locator("#result_list")).to_be_visible()
        admin.check("admin-van-ban", icons=False)
    finally:
        for session in sessions:
            session.close()


def _process_pk(document) -> int:
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.models import Process

    return Process.objects.get(
        artifact_content_type=ContentType.objects.get_for_model(document),
        artifact_object_id=document.pk,
    ).pk
