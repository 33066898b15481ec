"""API tokens (design.md §15.2): stored as digests, expiring, revoked by logout, audited like
the form's sign-ins; a person lists and revokes their own tokens and browser sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.models import Session
from documents.audit import SYSTEM_CHAIN
from documents.models import AuditEvent
from orgchart.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(username: str = "vanthu") -> tuple[APIClient, dict]:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client, response.json()


def test_a_token_expires_after_the_configured_hours(world):
    before = timezone.now()
    _, body = sign_in()
    expiry = parse_datetime(body["expiry"])
    assert expiry is not None and expiry.tzinfo is not None
    assert timedelta(hours=10) <= expiry - before <= timedelta(hours=10, seconds=30)
    with override_settings(TOKEN_TTL_HOURS=2):
        _, short = sign_in()
    assert parse_datetime(short["expiry"]) - before <= timedelta(hours=2, seconds=30)


def test_an_expired_token_is_refused(world):
    client, _ = sign_in()
    assert client.get("/api/v1/me/").status_code == 200
    AuthToken.objects.filter(user__username="vanthu").update(
        expiry=timezone.now() - timedelta(seconds=1)
    )
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert refused["WWW-Authenticate"].startswith("Token")
    assert not AuthToken.objects.filter(user__username="vanthu").exists()


def test_logout_revokes_that_token_only(world):
    client, _ = sign_in()
    other, _ = sign_in()
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401
    assert client.post("/api/v1/auth/logout/").status_code == 401
    assert other.get("/api/v1/me/").status_code == 200


def test_logout_needs_credentials(world):
    response = APIClient().post("/api/v1/auth/logout/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_the_token_is_stored_as_a_digest_only(world):
    _, body = sign_in()
    token = body["token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert all(token not in str(value) for value in rows[0])
    assert AuthToken.objects.get().digest != token


def test_a_token_sign_in_is_audited_like_the_forms(world):
    sign_in("soanthao")
    Client().post("/accounts/login/", {"username": "soanthao", "password": DEMO_PASSWORD})
    events = list(
        AuditEvent.objects.filter(chain=SYSTEM_CHAIN, action="login", actor__username="soanthao")
        .order_by("seq")
        .values_list("action", "data", "ip")
    )
    assert events == [("login", {}, "127.0.0.1"), ("login", {}, "127.0.0.1")]


def test_a_token_logout_is_audited(world):
    client, _ = sign_in()
    client.post("/api/v1/auth/logout/")
    event = AuditEvent.objects.filter(chain=SYSTEM_CHAIN).order_by("-seq").first()
    assert event.action == "logout" and event.actor.username == "vanthu"
    assert set(event.data) == {"token"}


def test_own_tokens_are_listed_without_the_secret_and_revoked(world):
    client, body = sign_in()
    second, second_body = sign_in()
    sign_in("soanthao")
    listed = client.get("/api/v1/auth/tokens/")
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert listed.json()["count"] == 2
    assert {tuple(sorted(r)) for r in rows} == {("created", "current", "expiry", "id")}
    assert [r["current"] for r in rows] == [False, True]
    assert all(r["id"] not in body["token"] and r["id"] not in second_body["token"] for r in rows)
    other_id = rows[0]["id"]
    assert client.delete(f"/api/v1/auth/tokens/{other_id}/").status_code == 204
    assert second.get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/me/").status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{other_id}/").status_code == 404


def test_someone_elses_token_is_404(world):
    client, _ = sign_in()
    theirs, _ = sign_in("soanthao")
    their_id = theirs.get("/api/v1/auth/tokens/").json()["results"][0]["id"]
    for path in (f"/api/v1/auth/tokens/{their_id}/", "/api/v1/auth/tokens/nonsense/"):
        response = client.delete(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert theirs.get("/api/v1/me/").status_code == 200


def test_old_plaintext_tokens_no_longer_work(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "a" * 40)
    assert client.get("/api/v1/me/").status_code == 401


def test_the_admin_shows_no_token_and_cannot_mint_one(world):
    _, body = sign_in()
    admin = Client()
    admin.force_login(world.user("admin"))
    page = admin.get("/admin/knox/authtoken/")
    assert page.status_code == 200
    text = page.content.decode()
    assert body["token"] not in text and body["token"][:15] not in text
    assert admin.get("/admin/knox/authtoken/add/").status_code == 403


# ---------------------------------------------------------------------------------------------
# The account page


def browser(username: str = "vanthu", agent: str = "Trình duyệt thử") -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def test_the_account_page_lists_own_sessions_and_tokens(world):
    here = browser(agent="Firefox ở văn phòng")
    browser(agent="Chromium ở nhà")
    browser("soanthao", agent="Máy của người khác")
    sign_in()
    page = here.get("/account/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Firefox ở văn phòng" in text and "Chromium ở nhà" in text
    assert "Máy của người khác" not in text
    assert text.count('data-token="') == 1
    assert "phiên này" in text
    for key in Session.objects.values_list("session_key", flat=True):
        assert key not in text


def test_ending_another_session_signs_that_browser_out(world):
    here = browser(agent="A")
    there = browser(agent="B")
    theirs = browser("soanthao", agent="C")
    assert there.get("/workflow/inbox/").status_code == 200
    page = here.get("/account/").content.decode()
    ids = [chunk.split('"')[0] for chunk in page.split('data-session="')[1:]]
    other = ids[1]
    assert here.post(f"/account/phien/{other}/ket-thuc/").status_code == 302
    assert there.get("/workflow/inbox/").status_code == 302
    assert here.get("/workflow/inbox/").status_code == 200
    # Someone else's session is not the caller's to end.
    their_page = theirs.get("/account/").content.decode()
    their_id = their_page.split('data-session="')[1].split('"')[0]
    assert here.post(f"/account/phien/{their_id}/ket-thuc/").status_code == 404
    assert theirs.get("/workflow/inbox/").status_code == 200


def test_revoking_a_token_on_the_page(world):
    api, _ = sign_in()
    here = browser()
    page = here.get("/account/").content.decode()
    token_id = page.split('data-token="')[1].split('"')[0]
    assert here.post(f"/account/ma-truy-cap/{token_id}/thu-hoi/").status_code == 302
    assert api.get("/api/v1/me/").status_code == 401
    assert here.post(f"/account/ma-truy-cap/{token_id}/thu-hoi/").status_code == 404
