"""The API pages with documents.paging: ``count`` bounded, ``next`` to the last row, and the
schema saying so."""

from __future__ import annotations

import pytest

from documents import paging
from documents.paging import BoundedPaginator
from tests.support import drafts_of_soanthao

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve(world):
    """Twelve drafts of soanthao's besides the seed plan: 13 documents he sees."""
    return drafts_of_soanthao(12)


def test_the_api_says_the_bounded_count_and_leads_on_to_the_last_row(twelve, api, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "count_limit", 4)
    client, url, seen, counts = api.as_("soanthao"), "/api/v1/documents/?page_size=5", [], set()
    while url:
        body = client.get(url).json()
        counts.add(body["count"])
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert counts == {4}
    assert sorted(seen) == sorted(twelve.values_list("pk", flat=True))


def test_the_schema_says_what_count_means(api):
    schema = api.anonymous().get("/api/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedDocumentList"]
    assert f"{paging.COUNT_LIMIT:,}" in page["properties"]["count"]["description"]
