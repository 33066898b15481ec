"""Sign-ins and failed sign-ins go into the audit trail (docs/ARCHITECTURE.md), on the
system chain: they belong to no organisation's documents."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import audit


def _ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs) -> None:
    audit.record(actor=user, action="login", ip=_ip(request))


@receiver(user_logged_out)
def record_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit.record(actor=user, action="logout", ip=_ip(request))


@receiver(user_login_failed)
def record_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django has already masked the password in ``credentials``; keep only the name tried.
    username = str(credentials.get("username", ""))[:150]
    audit.record(actor=None, action="login_failed", data={"username": username}, ip=_ip(request))
