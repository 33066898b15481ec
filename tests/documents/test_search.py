"""One search for the screens and the API (design.md §15.6): case, diacritics and Unicode form
do not matter, the số, ký hiệu matches, documents that came from outside are found by their
sender and title, and nobody finds what they cannot see."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.test import Client
from rest_framework.test import APIClient

from documents import selectors, services
from documents.models import Receipt
from documents.selectors.search import MAX_WORDS, words
from tests.support import advance, new_draft, receipt_for, sign_in, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world, django_capture_on_commit_callbacks):
    document = advance(new_draft(title="Kế hoạch khảo sát Nước sạch nông thôn"), "issued")
    with django_capture_on_commit_callbacks(execute=True):
        return services.dispatch(actor=user("vanthu"), document=document)


@pytest.fixture
def paper(world):
    return services.register_incoming(
        actor=user("vt.bacson"),
        organization="bacson",
        sender_name="Đảng ủy phường Bắc Sơn",
        sender_symbol="616/MTTQ-BTT",
        sender_date=datetime.date(2023, 6, 1),
        title="Về việc tổ chức HỘI THAO nông thôn mới",
    )


def found(username: str, q: str) -> list[tuple[str, int]]:
    return [(row["kind"], row["pk"]) for row in selectors.search(user(username), q)]


@pytest.mark.parametrize(
    "q",
    [
        "khao sat nuoc sach",
        "KHẢO SÁT NƯỚC SẠCH",
        unicodedata.normalize("NFD", "khảo sát nước sạch"),
        "  Nước   sạch  ",
    ],
)
def test_the_issuer_finds_its_plan_however_it_is_typed(plan, q):
    # First, by its trích yếu; the seed plan, whose body speaks of clean water, after it.
    assert found("vanthu", q)[0] == ("document", plan.pk)


@pytest.mark.parametrize(
    "q", ["tuyen truyen", "TUYÊN TRUYỀN", unicodedata.normalize("NFD", "tuyên truyền")]
)
def test_the_seed_plan_is_found(world, q):
    assert ("document", world.seed_plan().pk) in found("soanthao", q)


def test_the_number_and_symbol_match_and_rank_first(plan):
    other = advance(new_draft(title="Kế hoạch khác, theo " + plan.symbol), "issued")
    typed = plan.symbol.split("-")[0]  # "01/KH"
    assert found("vanthu", typed)[0] == ("document", plan.pk)
    assert ("document", other.pk) in found("vanthu", typed)


def test_a_recipient_finds_its_copy_not_the_issuers_document(plan):
    receipt = receipt_for(plan, "bacson")
    assert found("vt.bacson", "nuoc sach") == [("receipt", receipt.pk)]
    # Another ward's leader finds its own copy only; an organisation not addressed nothing.
    assert found("ld.trungson", "nuoc sach") == [("receipt", receipt_for(plan, "trungson").pk)]
    assert found("vt.quangtien", "nuoc sach") == []


def test_an_outside_document_is_found_by_its_sender_and_title(paper, plan):
    assert found("vt.bacson", "hoi thao") == [("receipt", paper.pk)]
    assert found("vt.bacson", "dang uy bac son") == [("receipt", paper.pk)]
    assert found("vt.bacson", "616/MTTQ") == [("receipt", paper.pk)]
    # "nông thôn" is in both; the plan's copy arrived after the paper and is shown first.
    assert found("vt.bacson", "nong thon") == [
        ("receipt", receipt_for(plan, "bacson").pk),
        ("receipt", paper.pk),
    ]
    assert found("vanthu", "hoi thao") == []
    assert found("vt.trungson", "hoi thao") == []


def test_drafts_are_found_only_by_who_may_see_them(world):
    draft = new_draft(title="Dự thảo quy chế chưa trình")
    assert found("soanthao", "quy che") == [("document", draft.pk)]
    assert found("ld.bacson", "quy che") == []


def test_nothing_for_an_empty_query_and_a_hostile_one_is_cut_short(plan):
    assert found("vanthu", "") == []
    assert found("vanthu", "   ") == []
    assert found("vanthu", "nuoc\x00 sach")[0] == ("document", plan.pk)
    assert found("vanthu", "sach " * 10_000)[0] == ("document", plan.pk)
    assert len(words("a " * 1000)) == MAX_WORDS


def test_the_api_answers_the_contract(plan, paper):
    client = APIClient()
    client.force_authenticate(user("vt.bacson"))
    answer = client.get("/api/v1/search/", {"q": "NÔNG THÔN"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2 and set(body) == {"count", "next", "previous", "results"}
    # The paper was registered after the plan's copy arrived: newest first.
    assert body["results"][1]["symbol"] == plan.symbol
    assert body["results"][0] == {
        "kind": "receipt",
        "id": paper.pk,
        "title": "Về việc tổ chức HỘI THAO nông thôn mới",
        "symbol": "616/MTTQ-BTT",
        "status": paper.status,
    }
    assert APIClient().get("/api/v1/search/", {"q": "x"}).status_code == 401


def test_the_lists_on_screen_use_the_same_search(plan, paper):
    browser = Client()
    sign_in(browser, "vanthu")
    page = browser.get("/outgoing/", {"q": "NUOC SACH"}).content.decode()
    assert plan.title in page
    page = browser.get("/outgoing/", {"q": "khong co"}).content.decode()
    assert plan.title not in page

    clerk = Client()
    sign_in(clerk, "vt.bacson")
    page = clerk.get("/incoming/", {"q": "hoi thao"}).content.decode()
    assert paper.sender_title in page and plan.title not in page
    page = clerk.get("/incoming/", {"q": "không khớp gì"}).content.decode()
    assert "Không có văn bản đến nào khớp." in page


def test_the_stored_text_follows_the_sender_fields(paper):
    stored = Receipt.objects.get(pk=paper.pk).search_text
    assert stored == "dang uy phuong bac son 616/mttq-btt ve viec to chuc hoi thao nong thon moi"
