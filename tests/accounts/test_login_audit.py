"""Sign-ins, sign-outs and failed sign-ins are in the audit trail, and the chain verifies."""

import pytest
from django.core.management import call_command

from documents.audit import SYSTEM_CHAIN
from documents.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_login_logout_and_failed_login_are_audited(world, client):
    before = AuditEvent.objects.filter(chain=SYSTEM_CHAIN).count()
    form = "/accounts/login/"
    assert client.post(form, {"username": "vanthu", "password": "sai-mat-khau"}).status_code == 200
    assert client.post(form, {"username": "vanthu", "password": "demo12345"}).status_code == 302
    client.post("/accounts/logout/")
    events = list(
        AuditEvent.objects.filter(chain=SYSTEM_CHAIN)
        .order_by("seq")[before:]
        .values_list("action", "actor__username", "data")
    )
    assert events == [
        ("login_failed", None, {"username": "vanthu"}),
        ("login", "vanthu", {}),
        ("logout", "vanthu", {}),
    ]
    call_command("verify_audit")


def test_a_failed_token_request_is_audited(world, client):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "khong-ai", "password": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    event = AuditEvent.objects.filter(chain=SYSTEM_CHAIN).order_by("-seq").first()
    assert (event.action, event.data, event.ip) == (
        "login_failed",
        {"username": "khong-ai"},
        "127.0.0.1",
    )
