"""Search reads its results as parts merged in Python (``paging.Merged``): the documents and
three parts of the caller's copies, each ranked and cut to the page by the database. The rows
and their order must be exactly those of the one sorted query (``search_union``), on every
page and at every page size, ties included, and a page costs a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from documents import services
from documents.models import Document, Receipt
from documents.paging import BoundedPaginator
from documents.selectors.search import CONTENT, SYMBOL, TITLE, search, search_union
from tests.support import advance, new_draft, user

pytestmark = pytest.mark.django_db

Q = "ruong lua"


def key(row: dict) -> tuple:
    return (row["kind"], row["pk"], row["rank"])


@pytest.fixture
def mixed(world):
    """The city clerk's matches in every rank and both kinds, with equal times across kinds
    and within a kind, so that the tie-breaks (documents first, then the larger id) count."""
    drafts = [
        new_draft(title="Kế hoạch ruộng lúa vụ xuân"),
        new_draft(title="Kế hoạch ruộng lúa vụ mùa"),
        new_draft(title="Báo cáo", body="Thăm ruộng lúa của hội viên."),
        new_draft(title="Thông báo", body="Ruộng lúa bị ngập."),
        new_draft(title="Kế hoạch khác"),  # no match
    ]
    numbered = advance(new_draft(title="Kế hoạch về ruộng lúa"), "issued")
    papers = [
        services.register_incoming(
            actor=user("vanthu"),
            organization="mttq-samson",
            sender_name="Hội Nông dân",
            sender_symbol=f"{n}/HND",
            sender_date=timezone.localdate(),
            title=title,
        )
        for n, title in enumerate(["Về ruộng lúa", "Về ruộng lúa năm nay", "Về việc khác"], 1)
    ]
    # One instant for a document and a copy (kinds tie), another for two documents.
    same = timezone.now()
    Document.objects.filter(pk__in=[drafts[0].pk, drafts[1].pk]).update(created_at=same)
    Receipt.objects.filter(pk=papers[0].pk).update(created_at=same)
    Document.objects.filter(pk__in=[drafts[2].pk, drafts[3].pk]).update(
        created_at=same - timezone.timedelta(days=1)
    )
    return numbered, drafts, papers


def test_every_rank_and_kind_is_there(mixed):
    numbered, _, _ = mixed
    rows = list(search(user("vanthu"), Q))
    assert {(r["kind"], r["rank"]) for r in rows} >= {
        ("document", TITLE),
        ("document", CONTENT),
        ("receipt", TITLE),
    }
    symbol_first = next(iter(search(user("vanthu"), numbered.symbol)))
    assert (symbol_first["pk"], symbol_first["rank"]) == (numbered.pk, SYMBOL)


@pytest.mark.parametrize("username", ["vanthu", "soanthao", "vt.bacson", "kiemtra"])
@pytest.mark.parametrize("q", [Q, "ke hoach", "hoi", "xuân"])
def test_the_rows_and_their_order_are_the_sorted_querys(mixed, username, q):
    whole = [key(r) for r in search_union(user(username), q)]
    assert [key(r) for r in search(user(username), q)] == whole
    for per_page in (1, 2, 3, 5):
        pages = BoundedPaginator(search(user(username), q), per_page)
        shown, number = [], 1
        while True:
            page = pages.page(number)
            shown += [key(r) for r in page.object_list]
            if not page.has_next():
                break
            number += 1
        assert shown == whole
        assert pages.count == len(whole)


def test_a_rank_with_nothing_is_skipped_and_slices_past_the_end_are_empty(mixed):
    rows = search(user("vanthu"), Q)
    whole = [key(r) for r in search_union(user("vanthu"), Q)]
    assert [key(r) for r in rows[0:100]] == whole
    assert rows[len(whole) : len(whole) + 5] == []
    assert key(rows[len(whole) - 1]) == whole[-1]
    with pytest.raises(IndexError):
        rows[len(whole)]


def test_a_pages_queries_do_not_grow_with_its_matches(world):
    def queries(q: str) -> tuple[int, int]:
        client = APIClient()
        client.force_authenticate(user("vanthu"))
        with CaptureQueriesContext(connection) as captured:
            answer = client.get("/api/v1/search/", {"q": q, "page_size": 5}).json()
        return len(captured), answer["count"]

    base, _ = queries("")  # the request's own queries: an empty search reads nothing
    new_draft(title="Kế hoạch đồng muối")
    one, count = queries("dong muoi")
    assert count == 1
    # The count (documents, then copies), the documents' three ranks (each comes up short of
    # the page) and the copies' three parts.
    assert one == base + 2 + 3 + 3
    for n in range(12):
        new_draft(title=f"Kế hoạch đồng muối {n}", body="Đồng muối.")
    many, count = queries("dong muoi")
    assert count == 13
    # The titles fill the page: the bodies' rank is not asked.
    assert many == one - 1
