"""Bounded pages (documents/paging.py): the count stops at the limit, the pages go on to the
last row, and the count asks the database for at most limit + 1 rows; the API and the screens
page with it."""

from __future__ import annotations

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from documents.paging import BoundedPaginator
from documents.selectors import open_tasks
from tests.support import drafts_of_soanthao, new_draft, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve(world):
    """Twelve drafts of soanthao's besides the seed plan: 13 documents he sees."""
    return drafts_of_soanthao(12)


def test_under_the_limit_the_count_is_exact_and_the_last_page_ends(twelve):
    paginator = BoundedPaginator(twelve, 5)
    assert (paginator.count, paginator.exact, paginator.num_pages) == (13, True, 3)
    assert paginator.count_label == "13"
    first, last = paginator.page(1), paginator.page(3)
    assert first.has_next() and not last.has_next()
    assert (first.pages_label, len(last), last.end_index()) == ("3", 3, 13)
    with pytest.raises(EmptyPage):
        paginator.page(4)
    assert paginator.get_page(99).number == 3


def test_past_the_limit_the_count_says_at_least_and_the_pages_go_on(twelve, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "count_limit", 4)
    paginator = BoundedPaginator(twelve, 5)
    assert (paginator.count, paginator.exact, paginator.count_label) == (4, False, "4+")
    ids = list(twelve.values_list("pk", flat=True))
    pages = [paginator.page(n) for n in (1, 2, 3)]
    assert [p.has_next() for p in pages] == [True, True, False]
    assert [row.pk for p in pages for row in p] == ids
    assert pages[2].pages_label == "3+"
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_the_count_reads_at_most_limit_plus_one_rows(twelve, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "count_limit", 4)
    with CaptureQueriesContext(connection) as queries:
        assert BoundedPaginator(twelve, 5).count == 4
    assert len(queries) == 1
    assert "LIMIT 5" in queries[0]["sql"].upper()


def test_a_union_is_counted_too(world):
    """Hộp việc and search page a UNION ALL."""
    rows = open_tasks(user("soanthao"))
    paginator = BoundedPaginator(rows, 25)
    assert paginator.count == len(list(rows)) >= 1 and paginator.exact


def test_a_screen_says_there_are_more_pages(twelve, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "count_limit", 30)
    client = Client()
    client.force_login(user("soanthao"))
    for n in range(20):
        new_draft(title=f"Kế hoạch bổ sung {n + 1}")
    first = client.get("/outgoing/").content.decode()  # 33 documents, 30 counted
    assert "Trang 1/2+" in first and "Trang sau" in first
    second = client.get("/outgoing/?page=2").content.decode()
    assert "Trang 2/2+" in second and "Trang sau" not in second
    monkeypatch.setattr(BoundedPaginator, "count_limit", 1000)
    assert "Trang 1/2<" in client.get("/outgoing/").content.decode()
