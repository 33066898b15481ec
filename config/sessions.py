"""Session timeouts: a signed-in session ends after SESSION_IDLE_MINUTES without a request
(sliding) and SESSION_MAX_HOURS after sign-in whatever happens. The last-seen time is written
at most once a minute, so an active person does not rewrite the session on every request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

STARTED = "_vanban_session_started"
LAST_SEEN = "_vanban_session_seen"
#: How stale the stored last-seen time may get before a request rewrites it.
TOUCH_EVERY_SECONDS = 60


class SessionTimeoutMiddleware:
    """After AuthenticationMiddleware: an expired session is signed out before any view sees
    it, so the UI sends the person to the sign-in page and the API answers 401."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            self.enforce(request, session)
        return self.get_response(request)

    @staticmethod
    def enforce(request, session) -> None:
        now = time.time()
        started = session.get(STARTED)
        seen = session.get(LAST_SEEN)
        if started is None or seen is None:
            # Signed in on this request, or before the timeouts existed: the clock starts now.
            session[STARTED] = started or now
            session[LAST_SEEN] = now
            return
        idle = settings.SESSION_IDLE_MINUTES * 60
        cap = settings.SESSION_MAX_HOURS * 3600
        if now - seen > idle or now - started > cap:
            logout(request)  # flushes the session and makes request.user anonymous
            return
        if now - seen > TOUCH_EVERY_SECONDS:
            session[LAST_SEEN] = now


def restart_clock(sender, request, user, **kwargs) -> None:
    """Each sign-in starts both clocks afresh (user_logged_in receiver)."""
    now = time.time()
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now
