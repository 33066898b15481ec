"""Every page of the journey on a phone, and in both languages: the seed plan from its draft
to the ward's report, opened at 390×844 by the person whose page it is, must not be wider
than the screen; "Việc đã xử lý" lists each step once; no interface text is left in the
other language."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from documents.models import Document
from orgchart.models import Organization
from tests.e2e.widths import DESKTOP, PHONE, width_on_a_phone
from tests.support import current_code
from tests.workflow.test_ui import ENGLISH

pytestmark = pytest.mark.e2e


#: The interface's Vietnamese (the msgids) that an English page must not show: the English
#: catalogue's messages of three words or more whose English differs.
_EN = gettext.GNUTranslations(
    (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.mo").open("rb")
)
VIETNAMESE_UI = sorted(
    {
        msgid
        for msgid, msgstr in _EN._catalog.items()  # type: ignore[attr-defined]
        if isinstance(msgid, str)
        and "%" not in msgid
        and "{" not in msgid
        and len(msgid.split()) >= 3
        and msgstr != msgid
    }
)

#: The page's own words: the printed document (.vb-doc, Vietnamese by law in every
#: language) and the people's data in it are left out.
PAGE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('.vb-doc, script, style, [data-testid=version], .vb-text').forEach(
    e => e.remove());
  return copy.innerText;
}"""


class Pages:
    """The pages measured so far, and what was wrong with each, by its name."""

    def __init__(self):
        self.too_wide: dict[str, int] = {}
        self.english: dict[str, list[str]] = {}
        self.vietnamese: dict[str, list[str]] = {}

    def measure(self, session, name: str) -> None:
        page = session.page
        page.wait_for_load_state("networkidle")
        width = width_on_a_phone(page)
        if width > PHONE["width"]:
            self.too_wide[name] = width
        session.shot(f"{name}-390")
        text = page.evaluate(PAGE_TEXT)
        if page.locator("html").get_attribute("lang") == "en":
            # An organisation's name is data, in Vietnamese in every language.
            for name in Organization.objects.values_list("name", flat=True):
                text = text.replace(name, " ")
            left = [m for m in VIETNAMESE_UI if m in text]
            if left:
                self.vietnamese[name] = left
        else:
            left = [w for w in ENGLISH if re.search(rf"\b{w}\b", text)]
            if left:
                self.english[name] = left
        page.set_viewport_size(DESKTOP)

    def check(self) -> None:
        assert not self.too_wide, f"wider than 390 px: {self.too_wide}"
        assert not self.english, f"English left on a Vietnamese page: {self.english}"
        assert not self.vietnamese, f"Vietnamese left on an English page: {self.vietnamese}"


def open_task(session, title: str, document_title: str):
    page = session.page
    page.goto("/workflow/inbox/")
    row = page.locator("tr", has_text=document_title).filter(has_text=title)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=title).click()
    expect(page.get_by_test_id("task-title")).to_have_text(title)


def decide(label: str, comment: str = ""):
    def act(session):
        session.page.get_by_label(label).check()
        if comment:
            session.page.fill("#id_comment", comment)

    return act


def with_code(label: str | None = None):
    def act(session):
        if label:
            session.page.get_by_label(label).check()
        code = session.page.get_by_label("Mã xác thực (OTP)")
        if code.count():
            code.fill(current_code(session.username))

    return act


def revise(session):
    body = session.page.locator("#id_body")
    body.fill(body.input_value() + "\nBổ sung: chỉ tiêu cụ thể cho từng phường.")


def assign(session):
    page = session.page
    handler = page.locator("#id_assignee option", has_text="(cb.bacson)").get_attribute("value")
    page.select_option("#id_assignee", handler)
    page.fill("#id_deadline", "31/12/2099")


def report(session):
    session.page.fill("#id_report", "Phường Bắc Sơn đã tổ chức tuyên truyền.")


def nothing(session):
    pass


#: The seed journey's task screens in order: (the task, whose, what the person does there).
JOURNEY = [
    ("Trình duyệt dự thảo", "soanthao", nothing),
    ("Duyệt nội dung", "truongban", decide("Trả lại để sửa", "Bổ sung chỉ tiêu.")),
    ("Sửa và trình lại", "soanthao", revise),
    ("Duyệt nội dung", "truongban", decide("Đồng ý, chuyển bước tiếp")),
    ("Kiểm tra thể thức", "vanthu", decide("Đồng ý, chuyển bước tiếp")),
    ("Ký văn bản", "pct.huy", with_code("Ký ban hành")),
    ("Vào sổ, cấp số", "vanthu", with_code()),
    ("Phát hành", "vanthu", nothing),
    ("Tiếp nhận văn bản đến", "vt.bacson", decide("Tiếp nhận, vào sổ văn bản đến")),
    ("Phân công xử lý", "ld.bacson", assign),
    ("Xử lý và báo cáo", "cb.bacson", report),
]

#: The steps (of JOURNEY, counted from 1) that judge the revised version: they show what
#: changed since the first.
COMPARED = {4, 5, 6}

#: The other pages of the journey: (name, whose, address); {pk} is the seed plan's.
PAGES = [
    ("hop-viec", "soanthao", "/workflow/inbox/"),
    ("viec-cho-nhan", "vanthu", "/workflow/queue/"),
    ("viec-da-xu-ly", "vanthu", "/workflow/archive/"),
    ("van-ban-di", "soanthao", "/outgoing/"),
    ("van-ban-nguoi-ban-hanh", "soanthao", "/outgoing/{pk}/"),
    ("theo-doi-thuc-hien", "vanthu", "/outgoing/{pk}/theo-doi-thuc-hien/"),
    ("phien-ban", "soanthao", "/outgoing/{pk}/phien-ban/2/"),
    ("soan-thao", "soanthao", "/outgoing/soan-thao/"),
    ("van-ban-den", "vt.bacson", "/incoming/"),
    ("van-ban-noi-nhan", "vt.bacson", "/outgoing/{pk}/"),
    ("van-ban-nguoi-xu-ly", "cb.bacson", "/outgoing/{pk}/"),
    ("so-do-to-chuc", "vt.bacson", "/orgchart/"),
    ("bao-cao", "vt.bacson", "/reports/"),
    ("tai-khoan", "soanthao", "/account/"),
    ("xac-thuc-hai-buoc", "soanthao", "/account/xac-thuc-hai-buoc/"),
]

#: Each person's steps of the journey: the rows their "Việc đã xử lý" must show for it.
STEPS_TAKEN = {
    person: sum(1 for _, whose, _ in JOURNEY if whose == person)
    for person in dict.fromkeys(whose for _, whose, _ in JOURNEY)
}


def test_every_page_of_the_journey_fits_a_phone_in_both_languages(browser, live_server, as_user):
    from tests.e2e.conftest import Session

    plan = Document.objects.get(drafter__username="soanthao", number__isnull=True)
    title = plan.title
    pages = Pages()
    sessions: dict[str, Session] = {}

    def person(username: str):
        if username not in sessions:
            sessions[username] = as_user(username)
        return sessions[username]

    # The sign-in page, and a wrong password: one message, the label clear of it.
    visitor = Session(browser, live_server.url, "khach")
    try:
        visitor.page.goto("/accounts/login/")
        expect(visitor.page).to_have_title(re.compile("Văn bản MTTQ"))
        pages.measure(visitor, "dang-nhap")
        visitor.page.fill("input[name=username]", "soanthao")
        visitor.page.fill("input[name=password]", "sai-mat-khau")
        visitor.page.get_by_role("button", name="Đăng nhập").click()
        form = visitor.page.locator("form.vf-form")
        expect(form).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")
        assert form.inner_text().count("không đúng") == 1
        assert "Vui lòng" not in form.inner_text()
        error = visitor.page.locator(".vf-form__error").bounding_box()
        field = visitor.page.locator("input[name=username]").bounding_box()
        assert error and field and error["y"] + error["height"] < field["y"] - 8
        pages.measure(visitor, "dang-nhap-sai")
    finally:
        visitor.close()

    for step, (task, username, act) in enumerate(JOURNEY, start=1):
        session = person(username)
        open_task(session, task, title)
        pages.measure(session, f"{step:02d}-{task}")
        diff = session.page.get_by_test_id("task-version-diff")
        if step in COMPARED:
            # The second version is judged against the first: the words added marked.
            expect(diff.get_by_test_id("diff-body").locator("ins")).to_contain_text(
                "chỉ tiêu cụ thể"
            )
        else:
            expect(diff).to_have_count(0)
        act(session)
        session.page.get_by_test_id("task-submit").click()
        # Signing renders and signs the PDF: on a busy machine that takes a while.
        expect(session.page.locator(".vb-message--success")).to_be_visible(timeout=120_000)

    for name, username, address in PAGES:
        session = person(username)
        session.page.goto(address.format(pk=plan.pk))
        pages.measure(session, name)

    # "Việc đã xử lý": one row per step each person took on the plan.
    for username, count in STEPS_TAKEN.items():
        page = person(username).page
        page.goto("/workflow/archive/")
        expect(page.locator("[data-testid=task-table] tbody tr", has_text=title)).to_have_count(
            count
        )

    # The same pages in English.
    for username in ("soanthao", "vt.bacson"):
        page = person(username).page
        page.goto("/workflow/inbox/")
        page.select_option("select[name=language]", "en")
        expect(page.locator("html")).to_have_attribute("lang", "en")
    for name, username, address in PAGES:
        if username in ("soanthao", "vt.bacson"):
            session = person(username)
            session.page.goto(address.format(pk=plan.pk))
            pages.measure(session, f"en-{name}")

    pages.check()
