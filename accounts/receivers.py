"""Sign-ins and sign-outs go into the audit trail (docs/ARCHITECTURE.md), on the system chain:
they belong to no organisation's documents. Failed sign-ins and lock-outs are written by the
lock-out handler (accounts.lockout), which knows how many there were."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.utils import timezone

from documents import audit

from .lockout import client_address
from .sessions import AGENT_KEY, AT_KEY, IP_KEY


def _ip(request) -> str | None:
    return None if request is None else client_address(request)


@receiver(user_logged_in)
def record_login(sender, request, user, token=None, **kwargs) -> None:
    """The form's, the admin's and the token endpoint's sign-ins alike: one ``login`` event.
    A browser session also notes where it was opened, for the person's list of sessions."""
    ip = _ip(request)
    audit.record(actor=user, action="login", ip=ip)
    session = getattr(request, "session", None)
    if token is None and session is not None:
        session[IP_KEY] = ip
        session[AGENT_KEY] = request.META.get("HTTP_USER_AGENT", "")[:200]
        session[AT_KEY] = timezone.now().isoformat()


@receiver(user_logged_out)
def record_logout(sender, request, user, data=None, **kwargs) -> None:
    if user is not None:
        audit.record(actor=user, action="logout", data=data, ip=_ip(request))
