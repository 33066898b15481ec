"""Tìm kiếm on screen: the top bar's box on every page, the results page with the same rows
as the API, and the lists' own boxes reading bodies and files too."""

from __future__ import annotations

import unicodedata

import pytest
from django.test import Client

from documents import selectors
from tests.support import advance, new_draft, sign_in, user

pytestmark = pytest.mark.django_db


def browser(username: str) -> Client:
    return sign_in(Client(), username)


@pytest.mark.parametrize("path", ["/workflow/inbox/", "/outgoing/", "/incoming/", "/orgchart/"])
def test_every_page_has_the_search_box_in_its_top_bar(world, path):
    page = browser("soanthao").get(path, follow=True).content.decode()
    assert 'data-testid="top-search"' in page and 'action="/search/"' in page


@pytest.mark.parametrize(
    "q", ["tuyen truyen", "TUYÊN TRUYỀN", unicodedata.normalize("NFD", "tuyên truyền")]
)
def test_the_seed_plan_comes_first_with_its_link(world, q):
    plan = world.seed_plan()
    response = browser("soanthao").get("/search/", {"q": q})
    assert response.status_code == 200
    page = response.content.decode()
    first = page.index('data-testid="search-results"')
    assert page.index(f'href="/outgoing/{plan.pk}/"', first) < page.index(
        "</tr>", page.index("<tbody>", first)
    )
    assert plan.title in page and f'value="{q}"' in page


def test_the_page_lists_the_rows_of_the_api_in_its_order(world):
    older = new_draft(body="Hỗ trợ xây nhà Đại đoàn kết cho hộ khó khăn.")
    newer = new_draft(title="Kế hoạch xây nhà Đại đoàn kết")
    page = browser("soanthao").get("/search/", {"q": "nha dai doan ket"}).content.decode()
    rows = [row["pk"] for row in selectors.search(user("soanthao"), "nha dai doan ket")]
    assert rows[:2] == [newer.pk, older.pk]
    assert page.index(f"/outgoing/{newer.pk}/") < page.index(f"/outgoing/{older.pk}/")


def test_a_numbered_plan_is_found_by_its_number_first(world):
    plan = advance(new_draft(title="Kế hoạch tổng kết năm"), "issued")
    typed = plan.symbol.split("-")[0]
    page = browser("vanthu").get("/search/", {"q": typed}).content.decode()
    assert page.index(plan.symbol) < page.index("</tr>", page.index("<tbody>"))


def test_an_empty_query_asks_for_words_and_a_long_one_says_it_was_cut(world):
    person = browser("soanthao")
    assert "Nhập số, ký hiệu hoặc từ cần tìm." in person.get("/search/").content.decode()
    assert (
        "Nhập số, ký hiệu hoặc từ cần tìm." in person.get("/search/", {"q": "  "}).content.decode()
    )
    page = person.get("/search/", {"q": "tuyen truyen " * 100}).content.decode()
    assert "Chỉ tìm theo 200 ký tự và 8 từ đầu tiên." in page
    assert world.seed_plan().title in page
    page = person.get("/search/", {"q": "khongcogi"}).content.decode()
    assert "Không tìm thấy văn bản nào cho “khongcogi”." in page


def test_nobody_sees_through_the_page_what_they_may_not(world):
    draft = new_draft(body="Mua sắm máy chiếu hội trường.")
    assert (
        f"/outgoing/{draft.pk}/"
        in browser("soanthao").get("/search/", {"q": "may chieu"}).content.decode()
    )
    for outsider in ("ld.bacson", "vt.quangtien"):
        page = browser(outsider).get("/search/", {"q": "may chieu"}).content.decode()
        assert f"/outgoing/{draft.pk}/" not in page


def test_the_outgoing_list_finds_a_word_of_the_body(world):
    draft = new_draft(body="Sửa chữa nhà văn hóa khu phố Tây Bắc.")
    page = browser("soanthao").get("/outgoing/", {"q": "tay bac"}).content.decode()
    assert f"/outgoing/{draft.pk}/" in page


def test_the_search_page_needs_a_sign_in(world):
    response = Client().get("/search/", {"q": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_inbox_filters_its_tasks_with_the_same_search(world):
    submitted = advance(new_draft(title="Kế hoạch phòng chống lụt bão"), "in_review")
    other = advance(new_draft(title="Kế hoạch khác hẳn"), "in_review")
    reviewer = browser("truongban")
    page = reviewer.get("/workflow/inbox/", {"q": "LUT BAO"}).content.decode()
    assert f"/outgoing/{submitted.pk}/" in page and f"/outgoing/{other.pk}/" not in page
    page = reviewer.get("/workflow/inbox/", {"q": "khongcogi"}).content.decode()
    assert "Không có việc nào khớp." in page
    page = reviewer.get("/workflow/inbox/").content.decode()
    assert f"/outgoing/{submitted.pk}/" in page and f"/outgoing/{other.pk}/" in page
