"""Idle timeout: a signed-in session idle beyond SESSION_IDLE_MINUTES is signed out (the UI
sends the person to the sign-in page, the API answers 401); an active one stays and its clock
slides, written at most once a minute; SESSION_MAX_HOURS after sign-in it ends anyway."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings

from config.sessions import LAST_SEEN, STARTED

pytestmark = pytest.mark.django_db

INBOX = "/workflow/inbox/"


@pytest.fixture
def signed_in(client, world):
    client.force_login(world.user("soanthao"))
    return client


def _age(client, **seconds_ago: float) -> None:
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[{"seen": LAST_SEEN, "started": STARTED}[key]] = now - ago
    session.save()


def test_the_defaults_are_thirty_minutes_and_ten_hours():
    assert django_settings.SESSION_IDLE_MINUTES == 30
    assert django_settings.SESSION_MAX_HOURS == 10
    assert django_settings.SESSION_COOKIE_AGE == 10 * 3600
    assert django_settings.SESSION_COOKIE_HTTPONLY


def test_signing_in_starts_both_clocks(signed_in):
    session = signed_in.session
    assert abs(session[STARTED] - time.time()) < 60
    assert session[LAST_SEEN] == session[STARTED]


def test_an_idle_session_is_sent_to_sign_in(signed_in):
    _age(signed_in, seen=31 * 60, started=31 * 60)
    response = signed_in.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    # Signed out for good, not just redirected once.
    assert signed_in.get(INBOX).status_code == 302
    assert "_auth_user_id" not in signed_in.session


def test_an_idle_session_is_refused_by_the_api(signed_in):
    _age(signed_in, seen=31 * 60, started=31 * 60)
    assert signed_in.get("/api/v1/me/").status_code == 401


def test_an_active_session_stays_and_its_clock_slides(signed_in):
    _age(signed_in, seen=29 * 60, started=3 * 3600)
    assert signed_in.get(INBOX).status_code == 200
    assert time.time() - signed_in.session[LAST_SEEN] < 60
    # 29 more minutes idle after that request: still in.
    _age(signed_in, seen=29 * 60)
    assert signed_in.get(INBOX).status_code == 200


def test_the_clock_is_written_at_most_once_a_minute(signed_in):
    _age(signed_in, seen=10)
    before = signed_in.session[LAST_SEEN]
    assert signed_in.get(INBOX).status_code == 200
    assert signed_in.session[LAST_SEEN] == before


def test_the_absolute_cap_ends_an_active_session(signed_in):
    _age(signed_in, seen=5, started=10 * 3600 + 1)
    response = signed_in.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_idle_limit_is_configurable(signed_in, settings):
    settings.SESSION_IDLE_MINUTES = 5
    _age(signed_in, seen=6 * 60)
    assert signed_in.get(INBOX).status_code == 302
