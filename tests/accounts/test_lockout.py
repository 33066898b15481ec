"""Lock-outs (design.md §15.2): after LOGIN_FAILURE_LIMIT failures of one username from one
address, that pair is refused with 429 for a cool-off that grows, on the sign-in form, the
token endpoint and the admin's sign-in; everybody else is unaffected. Time is moved by moving
the stored attempt times back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client, override_settings
from rest_framework.test import APIClient

from accounts.models import Lockout
from documents.audit import SYSTEM_CHAIN
from documents.models import AuditEvent
from orgchart.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = 5
HERE, THERE = "10.0.0.1", "10.0.0.2"


def token(username: str, password: str, *, address: str = HERE, language: str = "vi"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def form(username: str, password: str, *, address: str = HERE, path: str = "/accounts/login/"):
    return Client(REMOTE_ADDR=address).post(path, {"username": username, "password": password})


def admin(username: str, password: str, *, address: str = HERE):
    return form(username, password, address=address, path="/admin/login/?next=/admin/")


def fail(times: int, username: str = "vanthu", *, address: str = HERE, via=token) -> list[int]:
    return [via(username, "sai-mat-khau", address=address).status_code for _ in range(times)]


def go_back(minutes: int) -> None:
    """As if the attempts and lock-outs so far happened ``minutes`` earlier."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])
    for lockout in Lockout.objects.all():
        lockout.locked_at -= timedelta(minutes=minutes)
        lockout.save(update_fields=["locked_at"])


def test_the_token_endpoint_locks_the_pair_after_the_limit_even_for_the_right_password(world):
    assert fail(LIMIT) == [400] * LIMIT
    locked = token("vanthu", DEMO_PASSWORD)
    assert locked.status_code == 429
    body = locked.json()
    assert body["code"] == "locked_out" and set(body) == {"detail", "code"}
    assert "thử lại sau 15 phút" in body["detail"]
    assert int(locked["Retry-After"]) == 15 * 60
    english = token("vanthu", DEMO_PASSWORD, language="en")
    assert english.status_code == 429 and "Try again in 15 minutes" in english.json()["detail"]


def test_other_usernames_from_the_address_and_the_username_elsewhere_are_unaffected(world):
    fail(LIMIT)
    assert token("vanthu", DEMO_PASSWORD).status_code == 429
    assert token("vanthu", DEMO_PASSWORD, address=THERE).status_code == 200
    assert token("soanthao", DEMO_PASSWORD).status_code == 200
    assert fail(1, "soanthao") == [400]


def test_failures_spread_over_user_agents_still_count_for_the_pair(world):
    for agent in range(LIMIT):
        APIClient(REMOTE_ADDR=HERE, HTTP_USER_AGENT=f"agent {agent}").post(
            "/api/v1/auth/token/", {"username": "vanthu", "password": "x"}, format="json"
        )
    assert token("vanthu", DEMO_PASSWORD).status_code == 429


def test_the_form_locks_with_a_vietnamese_message_and_429(world):
    assert fail(LIMIT, via=form) == [200] * LIMIT
    page = form("vanthu", DEMO_PASSWORD)
    assert page.status_code == 429
    text = page.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in text and "thử lại sau 15 phút" in text
    assert "_auth_user_id" not in page.client.session
    assert form("vanthu", DEMO_PASSWORD, address=THERE).status_code == 302


def test_the_admin_sign_in_locks_too(world):
    assert fail(LIMIT, "admin", via=admin) == [200] * LIMIT
    page = admin("admin", DEMO_PASSWORD)
    assert page.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in page.content.decode()
    assert admin("admin", DEMO_PASSWORD, address=THERE).status_code == 302


def test_one_lock_for_every_way_in(world):
    fail(2, via=form)
    fail(2, via=admin)
    fail(1)
    assert token("vanthu", DEMO_PASSWORD).status_code == 429
    assert form("vanthu", DEMO_PASSWORD).status_code == 429


def test_the_cool_off_ends_and_grows_with_each_further_lock_out(world):
    fail(LIMIT)
    go_back(14)
    assert token("vanthu", DEMO_PASSWORD).status_code == 429
    go_back(2)
    # The first cool-off (15 minutes) is over: a fresh count of failures.
    assert fail(LIMIT - 1) == [400] * (LIMIT - 1)
    assert fail(1) == [400]
    second = token("vanthu", DEMO_PASSWORD)
    assert second.status_code == 429 and "thử lại sau 30 phút" in second.json()["detail"]
    go_back(16)
    assert token("vanthu", DEMO_PASSWORD).status_code == 429
    go_back(15)
    fail(LIMIT)
    assert "thử lại sau 60 phút" in token("vanthu", DEMO_PASSWORD).json()["detail"]
    go_back(61)
    # Signing in at last: the next lock-out of the pair is short again.
    assert token("vanthu", DEMO_PASSWORD).status_code == 200
    fail(LIMIT)
    assert "thử lại sau 15 phút" in token("vanthu", DEMO_PASSWORD).json()["detail"]


def test_a_success_before_the_limit_starts_the_count_again(world):
    fail(LIMIT - 1)
    assert token("vanthu", DEMO_PASSWORD).status_code == 200
    assert fail(LIMIT - 1) == [400] * (LIMIT - 1)
    assert token("vanthu", DEMO_PASSWORD).status_code == 200


@override_settings(LOGIN_FAILURE_LIMIT=2, AXES_FAILURE_LIMIT=2)
def test_the_limit_is_a_setting(world):
    fail(2)
    assert token("vanthu", DEMO_PASSWORD).status_code == 429


def test_x_forwarded_for_is_ignored_unless_from_a_trusted_proxy(world):
    def forwarded(address: str, client: str):
        return APIClient(REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=client).post(
            "/api/v1/auth/token/", {"username": "vanthu", "password": "x"}, format="json"
        )

    for n in range(LIMIT):
        forwarded(HERE, f"192.0.2.{n}")
    assert token("vanthu", DEMO_PASSWORD).status_code == 429
    with override_settings(TRUSTED_PROXIES=["10.9.0.0/16"]):
        for _ in range(LIMIT):
            forwarded("10.9.0.5", "192.0.2.77")
        assert forwarded("10.9.0.5", "192.0.2.77").status_code == 429
        assert forwarded("10.9.0.5", "192.0.2.78").status_code == 400


def _failure_events():
    return list(
        AuditEvent.objects.filter(chain=SYSTEM_CHAIN, action__contains="_")
        .exclude(action="login")
        .order_by("seq")
        .values_list("action", "data", "ip")
    )


def test_failures_are_audited_once_per_pair_and_lock_out_not_per_attempt(world):
    fail(LIMIT * 20)
    fail(LIMIT * 2, via=form)
    assert _failure_events() == [
        ("login_failed", {"username": "vanthu"}, HERE),
        (
            "locked_out",
            {"username": "vanthu", "failures": LIMIT, "lockouts": 1, "cool_off_minutes": 15},
            HERE,
        ),
    ]


@override_settings(LOGIN_FAILURE_AUDIT_PER_ADDRESS=3)
def test_an_address_trying_many_usernames_cannot_grow_the_trail(world):
    for n in range(50):
        fail(LIMIT + 2, f"khong-ai-{n}")
    events = _failure_events()
    assert len(events) == 3 * 2 + 1
    assert events[-1] == (
        "login_failures_throttled",
        {"username": "khong-ai-3", "usernames": 4},
        HERE,
    )
    # Another address is still heard.
    fail(1, "khong-ai-0", address=THERE)
    assert _failure_events()[-1] == ("login_failed", {"username": "khong-ai-0"}, THERE)


def test_audit_chain_still_verifies(world):
    from django.core.management import call_command

    fail(LIMIT + 1)
    call_command("verify_audit")


def test_malformed_credentials_are_a_400_and_count_for_nothing(world):
    for body in (
        {"username": "v" * 151, "password": "x"},
        {"username": "van\x00thu", "password": "x"},
        {"username": "vanthu", "password": "x" * 1025},
        {"username": ["vanthu"], "password": "x"},
    ):
        response = APIClient(REMOTE_ADDR=HERE).post("/api/v1/auth/token/", body, format="json")
        assert response.status_code == 400 and response.json()["code"] == "invalid", body
    assert not AccessAttempt.objects.exists()
    assert _failure_events() == []
