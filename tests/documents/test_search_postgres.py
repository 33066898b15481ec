"""On PostgreSQL the folded search text is read through its trigram index (migration 0016),
so a search stays an index scan at a million documents rather than reading every row."""

from __future__ import annotations

import pytest
from django.db import connection

from documents import selectors
from documents.models import Document, Receipt
from documents.selectors.search import matching_documents
from tests.support import user

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def index_only():
    if connection.vendor != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's")
    with connection.cursor() as cursor:
        # The demo is small enough that a sequential scan would win, and the lists' ordered
        # (created_at, id) indexes can stand in for one as a full ordered index walk: take
        # both choices away to see whether the trigram index can answer at all (a GIN index
        # is only read by a bitmap scan). Undone with the test's transaction.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")


def test_the_documents_words_are_read_through_the_trigram_index(world, index_only):
    plan = matching_documents(Document.objects.all(), "TUYÊN TRUYỀN nông thôn").explain()
    assert "document_search_trgm" in plan


def test_an_outside_documents_words_are_read_through_its_index(world, index_only):
    plan = Receipt.objects.filter(search_text__contains="hoi thao").explain()
    assert "receipt_search_trgm" in plan


def test_the_extension_is_there_and_the_search_answers(world, index_only):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)
    rows = list(selectors.search(user("soanthao"), "tuyen truyen"))
    assert world.seed_plan().pk in [row["pk"] for row in rows if row["kind"] == "document"]
