"""GET /api/v1/notifications/ and POST /api/v1/notifications/{id}/read/: the caller's own
notifications only, paginated, in the API's error shape."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from knox.models import AuthToken
from rest_framework.test import APIClient

from documents import services
from tests.support import advance, new_draft
from workflow.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return client


@pytest.fixture
def delivered(world, django_capture_on_commit_callbacks):
    doc = advance(new_draft(urgency="khan"), "issued")
    with django_capture_on_commit_callbacks(execute=True):
        return services.dispatch(actor=world.user("vanthu"), document=doc)


def test_clerk_lists_own_notifications_paginated(world, delivered):
    response = client_for(world.user("vt.bacson")).get("/api/v1/notifications/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 1
    (note,) = body["results"]
    receipt = delivered.receipts.get(organization__code="bacson")
    assert note["kind"] == "delivered"
    assert note["document"] == delivered.pk
    assert note["receipt"] == receipt.pk
    assert note["read_at"] is None
    assert note["text"].startswith("[Khẩn] Văn bản đến: ")
    assert delivered.symbol in note["text"]


def test_nobody_sees_anyone_elses_notifications(world, delivered):
    assert client_for(world.user("vt.trungson")).get("/api/v1/notifications/").json()["count"] == 1
    assert client_for(world.user("soanthao")).get("/api/v1/notifications/").json()["count"] == 0


def test_session_login_works_and_anonymous_gets_401_in_the_error_shape(world, delivered):
    client = APIClient()
    anonymous = client.get("/api/v1/notifications/")
    assert anonymous.status_code == 401
    assert set(anonymous.json()) >= {"detail", "code"}
    client.force_login(world.user("vt.thanhuy"))
    assert client.get("/api/v1/notifications/").json()["count"] == 1


def test_mark_read_and_filter_unread(world, delivered):
    clerk = world.user("vt.bacson")
    client = client_for(clerk)
    note = Notification.objects.get(user=clerk)
    response = client.post(f"/api/v1/notifications/{note.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    first_read = response.json()["read_at"]
    # Reading again keeps the first time.
    assert client.post(f"/api/v1/notifications/{note.pk}/read/").json()["read_at"] == first_read
    assert client.get("/api/v1/notifications/?unread=1").json()["count"] == 0
    assert client.get("/api/v1/notifications/").json()["count"] == 1


def test_someone_elses_notification_is_404(world, delivered):
    note = Notification.objects.get(user__username="vt.bacson")
    response = client_for(world.user("vt.trungson")).post(f"/api/v1/notifications/{note.pk}/read/")
    assert response.status_code == 404
    assert set(response.json()) >= {"detail", "code"}
    note.refresh_from_db()
    assert note.read_at is None


def test_the_database_refuses_a_second_notification_of_one_delivery(world, delivered):
    note = Notification.objects.get(user__username="vt.bacson")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            user=note.user, kind=NotificationKind.DELIVERED, receipt=note.receipt, text="x"
        )


def test_notification_list_costs_the_same_for_many(world, delivered, django_assert_max_num_queries):
    clerk = world.user("vt.bacson")
    receipt = delivered.receipts.get(organization__code="bacson")
    Notification.objects.bulk_create(
        Notification(
            user=clerk, kind="ack_reminder", receipt=receipt, key=f"2023-06-{d:02d}", text="x"
        )
        for d in range(1, 29)
    )
    client = client_for(clerk)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/notifications/").json()["count"] == 29


def test_admin_lists_notifications_and_reminders_read_only(world, delivered, client):
    from workflow import tasks

    tasks.send_reminders.apply(kwargs={"on": "2099-01-05"})
    client.force_login(world.user("admin"))
    for model in ("notification", "reminder"):
        response = client.get(f"/admin/workflow/{model}/")
        assert response.status_code == 200, model
        assert f"/admin/workflow/{model}/add/".encode() not in response.content
