"""Need to know through the API's ``/audit/`` and the document page: the same rows as
``selectors.trail`` (tests/documents/test_need_to_know.py holds the matrix)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.documents.test_need_to_know import (
    RECALL,
    REFUSAL,
    REPORT,
    RETURN_NOTE,
    SIGN_NOTE,
    SIGNER_RETURN,
    _expected,
    every_kind_of_event,
)
from tests.support import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc(world):
    return every_kind_of_event()


def test_the_api_and_the_document_page_follow_the_rule(doc, api, client):
    for viewer, expected in _expected().items():
        got = api.as_(viewer).get(f"/api/v1/documents/{doc.pk}/audit/?page_size=100")
        assert got.status_code == 200, (viewer, got.content)
        results = got.json()["results"]
        assert len(results) == len(expected), viewer
        assert [r["action"] for r in results] == [k.split(">")[0].split("@")[0] for k in expected]
    recipient = api.as_("vt.bacson").get(f"/api/v1/documents/{doc.pk}/audit/").json()["results"]
    assert {r["comment"] for r in recipient if r["receipt"] is None} == {"", RECALL}

    client.force_login(user("vt.bacson"))
    page = client.get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    for hidden in (RETURN_NOTE, SIGNER_RETURN, SIGN_NOTE, REFUSAL, "Phiên bản"):
        assert hidden not in page, hidden
    # Its own copy's report, and the recall with its reason.
    assert REPORT in page and RECALL in page
    client.force_login(user("vanthu"))
    page = client.get(reverse("outgoing:detail", args=[doc.pk])).content.decode()
    for shown in (RETURN_NOTE, SIGNER_RETURN, SIGN_NOTE, REFUSAL, RECALL):
        assert shown in page, shown
