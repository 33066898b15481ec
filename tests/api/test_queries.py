"""List endpoints cost a fixed number of queries whether they hold one item or five hundred."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Document, Receipt, Recipient
from orgchart.models import Organization

pytestmark = pytest.mark.django_db

BOUND = 12


def _documents(world, n: int) -> list[Document]:
    """``n`` drafts of soanthao, each already arrived at bacson (written directly: this is
    about reading them)."""
    issuer, drafter = world.org("mttq-samson"), world.user("soanthao")
    bacson = world.org("bacson")
    docs = Document.objects.bulk_create(
        Document(issuer=issuer, drafter=drafter, doc_type="KH", title=f"Kế hoạch số {i}")
        for i in range(n)
    )
    recipients = Recipient.objects.bulk_create(
        Recipient(document=d, organization=bacson, purpose="execute") for d in docs
    )
    Receipt.objects.bulk_create(
        Receipt(document=d, recipient=r, organization=bacson, purpose="execute", status="delivered")
        for d, r in zip(docs, recipients, strict=True)
    )
    return docs


def _queries(client, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"page_size": 500})
    assert response.status_code == 200, response.content
    return len(captured), response.json()


@pytest.mark.parametrize(
    "username, path",
    [
        ("soanthao", "/api/v1/documents/"),
        ("vt.bacson", "/api/v1/documents/"),
        ("vt.bacson", "/api/v1/receipts/"),
        ("vt.bacson", "/api/v1/inbox/"),
        ("soanthao", "/api/v1/inbox/"),
        ("soanthao", "/api/v1/organizations/"),
    ],
)
def test_list_queries_do_not_grow(api, world, username, path, django_assert_max_num_queries):
    client = api.as_(username, login=False)
    _documents(world, 1)
    few, small = _queries(client, path)
    _documents(world, 499)
    if "organizations" in path:
        Organization.objects.bulk_create(
            Organization(code=f"to-dan-pho-{i}", name=f"Tổ dân phố {i}", kind="ward")
            for i in range(500)
        )
    many, large = _queries(client, path)
    assert large["count"] >= small["count"] + 499
    assert len(large["results"]) == min(large["count"], 500)
    assert few <= BOUND and many <= BOUND, (few, many)
    assert many == few
    with django_assert_max_num_queries(BOUND):
        client.get(path, {"page_size": 500})
