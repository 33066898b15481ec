"""Bounded pages (documents/paging.py): the count stops at the limit, the pages go on to the
last row, and the count asks the database for at most limit + 1 rows; the API and the screens
page with it."""

from __future__ import annotations

import pytest
from django.core.paginator import EmptyPage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from documents.paging import BoundedPaginator, Sifted
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
    sql = queries[0]["sql"].upper()
    assert "LIMIT 5" in sql
    assert "ORDER BY" not in sql, "any 5 rows count: sorting them all first is wasted"


def test_a_union_is_counted_too(world):
    """Hộp việc and search page a UNION ALL."""
    rows = open_tasks(user("soanthao"))
    paginator = BoundedPaginator(rows, 25)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == len(list(rows)) >= 1 and paginator.exact
    assert "ORDER BY" not in queries[0]["sql"].upper()


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


# Sifted rows: an ordered queryset read a batch at a time, filtered by a function of the
# batch (the done tab: a person's tasks, kept when their document is still visible).


def every_other(rows, calls: list[int]):
    """Keep the first row of ``rows`` and every other one after it, noting each batch's size."""
    chosen = {row.pk for row in list(rows)[::2]}

    def keep(batch):
        calls.append(len(batch))
        return [row for row in batch if row.pk in chosen]

    return keep, [row.pk for row in rows if row.pk in chosen]


def test_sifted_rows_are_the_kept_rows_in_the_source_order(twelve, monkeypatch):
    monkeypatch.setattr(Sifted, "batch", 2)
    monkeypatch.setattr(Sifted, "batch_limit", 3)
    calls: list[int] = []
    keep, expected = every_other(twelve, calls)
    sifted = Sifted(twelve, keep)
    assert [row.pk for row in sifted[:3]] == expected[:3]
    assert max(calls) <= 3 and len(calls) >= 2, "read in several batches of at most 3"
    assert [row.pk for row in sifted[2:50]] == expected[2:]
    assert [row.pk for row in sifted] == expected
    assert sifted[0].pk == expected[0]
    assert sifted.exhausted and not sifted.truncated and sifted.read == 13
    with pytest.raises(IndexError):
        sifted[len(expected)]
    for bad in (slice(None, None), slice(-2, None), slice(0, 4, 2)):
        with pytest.raises(ValueError, match="sliced forward"):
            sifted[bad]


def test_a_batch_is_sized_by_the_rows_that_passed(twelve, monkeypatch):
    calls: list[int] = []
    sifted = Sifted(twelve, every_other(twelve, calls)[0])
    monkeypatch.setattr(Sifted, "batch", 1)
    sifted[:2]
    assert calls == [3], "a fifth more than asked, nothing seen yet"
    sifted[:4]
    # 3 read, 2 kept: the 2 missing need ceil(2 × 1.2 × 3/2) = 4 more rows.
    assert calls == [3, 4]


def test_sifted_rows_page_with_the_bounded_paginator(twelve, monkeypatch):
    monkeypatch.setattr(Sifted, "batch", 2)
    keep, expected = every_other(twelve, [])
    paginator = BoundedPaginator(Sifted(twelve, keep), 2)
    assert (paginator.count, paginator.exact) == (len(expected), True)
    pages = [paginator.page(n) for n in range(1, paginator.num_pages + 1)]
    assert [row.pk for p in pages for row in p] == expected
    assert [p.has_next() for p in pages][-2:] == [True, False]


def test_a_walk_stops_at_its_read_limit_and_says_so(twelve, monkeypatch):
    """Someone whose every old row is hidden costs a bounded walk: the pages end where it
    stopped, and the count says "at least"."""
    monkeypatch.setattr(Sifted, "batch", 2)
    monkeypatch.setattr(Sifted, "read_limit", 6)
    calls: list[int] = []
    sifted = Sifted(twelve, every_other(twelve, calls)[0])
    paginator = BoundedPaginator(sifted, 2)
    assert paginator.count == 3, "rows 1, 3 and 5 of the 6 read"
    assert sifted.read == 6 and sifted.truncated and sum(calls) == 6
    assert not paginator.exact and paginator.count_label == f"{paginator.count}+"
    last = paginator.page(paginator.num_pages)
    assert not last.has_next() and last.pages_label.endswith("+")


def test_merged_parts_keep_an_overlapping_row_once_and_slice_like_the_union(twelve):
    from documents.models import Document
    from documents.paging import Merged

    pks = sorted(Document.objects.values_list("pk", flat=True))
    assert len(pks) >= 12
    halves = (pks[: len(pks) * 2 // 3], pks[len(pks) // 3 :])  # overlapping in the middle

    def part(ids):
        return Document.objects.filter(pk__in=ids).order_by("-pk").values("pk")

    merged = Merged([part(ids) for ids in halves], key=lambda row: -row["pk"], count=len)
    union = sorted(set(pks), reverse=True)
    assert [row["pk"] for row in merged] == union
    for start, stop in ((0, 1), (0, 3), (1, 4), (2, len(union) + 5)):
        assert [row["pk"] for row in merged[start:stop]] == union[start:stop]
    assert merged[len(union) - 1]["pk"] == union[-1]
    with pytest.raises(IndexError):
        merged[len(union)]
