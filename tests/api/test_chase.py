"""``POST /api/v1/documents/{id}/chase/``: 200 with the document, 403 for whoever may not
chase, 404 for whoever does not see it, 409 in the wrong state or for a second chase the same
day, 400 for copies of another document; and the schema describes it."""

from __future__ import annotations

import pytest

from documents import services
from documents.models import AuditEvent
from tests.support import advance, new_draft, receipt_for
from workflow.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def chase_url(doc) -> str:
    return f"/api/v1/documents/{doc.pk}/chase/"


@pytest.fixture
def dispatched(world):
    doc = advance(new_draft(title="Kế hoạch đôn đốc qua API"), "dispatched")
    for receipt in doc.receipts.all():
        services.deliver(receipt=receipt)
    return doc


def test_the_clerk_chases_and_gets_the_document(api, dispatched):
    doc = dispatched
    bacson, trungson = receipt_for(doc, "bacson"), receipt_for(doc, "trungson")
    client = api.as_("vanthu")
    detail = client.get(f"/api/v1/documents/{doc.pk}/").json()
    assert "chase" in detail["available_actions"]
    response = client.post(chase_url(doc), {"receipts": [bacson.pk, trungson.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == doc.pk
    assert AuditEvent.objects.filter(document=doc, action="chase").count() == 2
    assert Notification.objects.filter(kind=NotificationKind.CHASED, document=doc).exists()
    # The chase is in the issuer's trail, with its actor.
    trail = client.get(f"/api/v1/documents/{doc.pk}/audit/?page_size=500").json()["results"]
    assert [e["action"] for e in trail].count("chase") == 2

    again = client.post(chase_url(doc), {"receipts": [bacson.pk]}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_chased"
    assert AuditEvent.objects.filter(document=doc, action="chase").count() == 2


@pytest.mark.parametrize(
    "person, status", [("truongban", 403), ("vt.bacson", 403), ("vt.hoiphunu", 404)]
)
def test_who_may_not_chase(api, dispatched, person, status):
    doc = dispatched
    response = api.as_(person).post(
        chase_url(doc), {"receipts": [receipt_for(doc, "bacson").pk]}, format="json"
    )
    assert response.status_code == status
    assert not AuditEvent.objects.filter(document=doc, action="chase").exists()


def test_wrong_state_and_bad_input(api, dispatched, world):
    draft = new_draft()
    client = api.as_("vanthu")
    assert client.post(chase_url(draft), {"receipts": [1]}, format="json").status_code == 409
    assert client.post("/api/v1/documents/999999/chase/", {"receipts": [1]}).status_code == 404
    doc = dispatched
    for body in ({}, {"receipts": []}, {"receipts": ["x"]}, {"receipts": [0]}):
        response = client.post(chase_url(doc), body, format="json")
        assert response.status_code == 400, body
        assert any(key.startswith("receipts") for key in response.json()["errors"]), body
    elsewhere = receipt_for(advance(new_draft(), "dispatched"), "bacson")
    response = client.post(chase_url(doc), {"receipts": [elsewhere.pk]}, format="json")
    assert response.status_code == 400
    assert "receipts" in response.json()["errors"]
    # A copy that no longer waits on its recipient is the wrong state for a chase.
    thanhuy = receipt_for(doc, "thanhuy")
    services.acknowledge(actor=world.user("vt.thanhuy"), receipt=thanhuy)
    response = client.post(chase_url(doc), {"receipts": [thanhuy.pk]}, format="json")
    assert response.status_code == 409
    assert not AuditEvent.objects.filter(document=doc, action="chase").exists()


def test_the_schema_describes_the_chase(api):
    schema = api.anonymous().get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/v1/documents/{id}/chase/"]["post"]
    assert post["operationId"] == "documents_chase"
    assert {"200", "400", "403", "404", "409"} <= set(post["responses"])
    assert "already_chased" in schema["info"]["description"]
    assert "/chase/" in schema["info"]["description"]
