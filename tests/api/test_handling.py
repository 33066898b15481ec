"""The assignment's three parts and progress notes through the API: the old request still
works, the new fields are checked as the service checks them, and only the receiving side
reads the handling."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from documents import services
from documents.models import DocumentStatus, ReceiptStatus
from tests.factories import MembershipFactory, UserFactory
from tests.support import advance, new_draft, receipt_for, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def receipt(world):
    for name in ("cv1.bacson", "cv2.bacson"):
        MembershipFactory(user=UserFactory(username=name), organization=world.org("bacson"))
    document = advance(new_draft(), DocumentStatus.DISPATCHED)
    copy = receipt_for(document, "bacson")
    services.deliver(receipt=copy)
    copy.refresh_from_db()
    return services.acknowledge(actor=user("vt.bacson"), receipt=copy)


def due() -> str:
    return (timezone.localdate() + datetime.timedelta(days=5)).isoformat()


def test_assign_with_coordinators_informed_and_instruction(api, receipt):
    response = api.as_("ld.bacson").post(
        f"/api/v1/receipts/{receipt.pk}/assign/",
        {
            "assignee": "cb.bacson",
            "deadline": due(),
            "coordinators": ["cv1.bacson", "vt.bacson"],
            "informed": ["cv2.bacson"],
            "instruction": "Chủ trì tham mưu kế hoạch.",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == ReceiptStatus.ASSIGNED and body["assignee"] == "cb.bacson"
    assert body["handling"]["instruction"] == "Chủ trì tham mưu kế hoạch."
    assert [c["username"] for c in body["handling"]["coordinators"]] == [
        "cv1.bacson",
        "vt.bacson",
    ]
    assert body["handling"]["informed"] == ["cv2.bacson"]
    inbox = api.as_("cv1.bacson", login=False).get("/api/v1/inbox/").json()["results"]
    assert [(t["kind"], t["receipt"], t["due"]) for t in inbox] == [
        ("coordinate", receipt.pk, due())
    ]


def test_an_old_client_assigns_as_before(api, receipt):
    response = api.as_("ld.bacson").post(
        f"/api/v1/receipts/{receipt.pk}/assign/",
        {"assignee": "cb.bacson", "deadline": due()},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == "cb.bacson"
    assert response.json()["deadline"] == due()


def test_a_coordinator_from_another_organisation_is_refused(api, receipt):
    response = api.as_("ld.bacson").post(
        f"/api/v1/receipts/{receipt.pk}/assign/",
        {"assignee": "cb.bacson", "coordinators": ["cb.trungson"]},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "coordinators" in response.json()["errors"]
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.ACKNOWLEDGED


def test_progress_then_report(api, receipt):
    services.assign(
        actor=user("ld.bacson"), receipt=receipt, assignee="cb.bacson", coordinators=["cv1.bacson"]
    )
    handler = api.as_("cb.bacson", login=False)
    response = handler.post(
        f"/api/v1/receipts/{receipt.pk}/progress/", {"note": "Đã họp triển khai."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ReceiptStatus.ASSIGNED
    coordinator = api.as_("cv1.bacson", login=False)
    response = coordinator.post(
        f"/api/v1/receipts/{receipt.pk}/progress/", {"note": "Đã gửi số liệu."}, format="json"
    )
    assert [p["note"] for p in response.json()["handling"]["progress"]] == [
        "Đã họp triển khai.",
        "Đã gửi số liệu.",
    ]
    assert "progress" in response.json()["available_actions"]
    empty = handler.post(f"/api/v1/receipts/{receipt.pk}/progress/", {"note": ""}, format="json")
    assert empty.status_code == 400 and "note" in empty.json()["errors"]
    done = handler.post(f"/api/v1/receipts/{receipt.pk}/complete/", {"report": "Xong."})
    assert done.status_code == 200, done.content
    late = handler.post(f"/api/v1/receipts/{receipt.pk}/progress/", {"note": "Thêm"})
    assert late.status_code == 409
    outsider = api.as_("cb.trungson", login=False)
    assert (
        outsider.post(f"/api/v1/receipts/{receipt.pk}/progress/", {"note": "x"}).status_code == 404
    )


def test_the_issuer_side_does_not_read_the_handling(api, receipt):
    services.assign(
        actor=user("ld.bacson"), receipt=receipt, assignee="cb.bacson", coordinators=["cv1.bacson"]
    )
    services.post_progress(actor=user("cb.bacson"), receipt=receipt, note="Đang làm.")
    seen = api.as_("vanthu").get(f"/api/v1/receipts/{receipt.pk}/").json()
    assert seen["assignee"] == "cb.bacson" and seen["handling"] is None
    own = api.as_("vt.bacson", login=False).get(f"/api/v1/receipts/{receipt.pk}/").json()
    assert own["handling"]["progress"][0]["note"] == "Đang làm."


def test_the_schema_describes_the_new_fields(api):
    schema = api.as_("vanthu").get("/api/schema/?format=json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for word in ("coordinators", "informed", "instruction", "/progress/", "coordinate"):
        assert word in text, word
