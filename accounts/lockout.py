"""Lock-outs after repeated failed sign-ins (django-axes, configured in config/settings.py).

One rule for the sign-in form, the admin's and ``POST /api/v1/auth/token/``: after
``LOGIN_FAILURE_LIMIT`` failures of one username from one address, further attempts of that
pair are refused before any password is checked, for a cool-off of ``LOGIN_COOL_OFF_MINUTES``
that doubles with each further lock-out of the pair within a day (``Lockout``). Other usernames
from that address and that username from elsewhere are not affected.

The audit trail gets one ``login_failed`` event per pair while its attempts count (the first
failure) and one ``locked_out`` event when the pair is locked, with the number of failures; an
address that tries more than ``LOGIN_FAILURE_AUDIT_PER_ADDRESS`` usernames at once gets one
event saying so and no more until its attempts expire. So a client that is not signed in
cannot grow the trail without bound.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents import audit

from .models import Lockout

#: Lock-outs of a pair further back than this no longer lengthen its cool-off.
MEMORY = timedelta(days=1)
#: The longest cool-off, however often a pair was locked out.
LONGEST = timedelta(days=1)

LOCKED_MESSAGE = _(
    "Đăng nhập sai quá nhiều lần: tài khoản này tạm bị khóa từ địa chỉ của bạn. "
    "Vui lòng thử lại sau %(minutes)d phút."
)


# ---------------------------------------------------------------------------------------------
# Who is asking


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless it is one of ``TRUSTED_PROXIES``: then the nearest address in
    X-Forwarded-For that is not a trusted proxy. A client cannot choose its address by sending
    the header itself."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = _trusted_networks()
    if not remote or not proxies or not _is_trusted(remote, proxies):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if not _valid(address):
            return remote
        if not _is_trusted(address, proxies):
            return address
    return remote


def _trusted_networks() -> list:
    return [ipaddress.ip_network(n, strict=False) for n in settings.TRUSTED_PROXIES]


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, networks: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


# ---------------------------------------------------------------------------------------------
# How long a pair waits


def base_cool_off() -> timedelta:
    return timedelta(minutes=settings.LOGIN_COOL_OFF_MINUTES)


def cool_off_for(lockouts: int) -> timedelta:
    """The first lock-out waits the base cool-off, each further one twice the one before."""
    return min(base_cool_off() * 2 ** max(lockouts - 1, 0), LONGEST)


def _pair(request) -> tuple[str | None, str | None]:
    return getattr(request, "signin_username", None), getattr(request, "axes_ip_address", None)


def _lockouts(username: str | None, ip: str | None) -> int:
    if username is None:
        return 0
    row = (
        Lockout.objects.filter(
            username=username, ip_address=ip, locked_at__gte=timezone.now() - MEMORY
        )
        .values_list("count", flat=True)
        .first()
    )
    return row or 0


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: the cool-off of the request's username and address pair."""
    if request is None:
        return base_cool_off()
    return cool_off_for(_lockouts(*_pair(request)))


def minutes_left(request: HttpRequest) -> int:
    """Whole minutes until the request's pair may try again (at least 1)."""
    username, ip = _pair(request)
    last = AccessAttempt.objects.filter(username=username, ip_address=ip).aggregate(
        last=Max("attempt_time")
    )["last"]
    if last is None:
        return 1
    seconds = (last + cool_off(request) - timezone.now()).total_seconds()
    return max(1, math.ceil(seconds / 60))


def refused(request: HttpRequest) -> bool:
    """Whether this request's sign-in was refused because its pair was already locked out (not
    the failure that locked it, which answers as any failure does)."""
    return bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is None
    )


def locked_message(request: HttpRequest) -> str:
    return LOCKED_MESSAGE % {"minutes": minutes_left(request)}


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE, called by axes' middleware for a request that met a lock-out.
    The views have already answered a refused attempt with 429 and the message (the API's
    ``locked_out`` error, the sign-in page with the message); this makes sure of the status."""
    if original_response is not None and not refused(request):
        return original_response
    if original_response is not None and original_response.status_code == 429:
        return original_response
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": locked_message(request), "code": "locked_out"},
            status=429,
            json_dumps_params={"ensure_ascii": False},
        )
    elif original_response is not None and "html" in original_response.get("Content-Type", ""):
        response = original_response
        response.status_code = 429
    else:
        response = HttpResponse(
            locked_message(request), status=429, content_type="text/plain; charset=utf-8"
        )
    response["Retry-After"] = str(minutes_left(request) * 60)
    return response


# ---------------------------------------------------------------------------------------------
# The handler: axes' database handler, told the username, remembering lock-outs, auditing


class SignInHandler(AxesDatabaseHandler):
    """AXES_HANDLER. Axes asks for the cool-off with the request alone, so the username is
    put on the request first."""

    def get_failures(self, request, credentials=None) -> int:
        _remember_username(request, credentials)
        return super().get_failures(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            # Unreachable through the site: the lock-out backend refuses authenticate()
            # without a request.
            return
        _remember_username(request, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)
        failures = request.axes_failures_since_start
        if failures is None:
            # Refused during a cool-off (recorded when the pair was locked), or whitelisted.
            return
        username, ip = _pair(request)
        if request.axes_locked_out:
            lockouts = _note_lockout(username, ip)
            waits = cool_off_for(lockouts)
            _audit_failure(
                request,
                "locked_out",
                {
                    "username": username,
                    "failures": failures,
                    "lockouts": lockouts,
                    "cool_off_minutes": int(waits.total_seconds() // 60),
                },
            )
        elif failures == 1:
            _audit_failure(request, "login_failed", {"username": username})

    def clean_expired_user_attempts(self, request=None, credentials=None) -> int:
        """Axes would delete every attempt older than this request's cool-off, the attempts of
        pairs waiting a longer one too; each pair's attempts expire with its own cool-off."""
        now = timezone.now()
        count = AccessAttempt.objects.filter(attempt_time__lt=now - LONGEST).delete()[0]
        if request is not None:
            username = get_client_username(request, credentials) if credentials else None
            if username is None:
                username = getattr(request, "signin_username", None)
            if username is not None:
                request.signin_username = str(username)[:255]
                count += AccessAttempt.objects.filter(
                    username=request.signin_username,
                    ip_address=request.axes_ip_address,
                    attempt_time__lt=now - cool_off(request),
                ).delete()[0]
        return count

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # The person is back: their next lock-out from this address starts short again.
        Lockout.objects.filter(
            username=user.get_username(), ip_address=request.axes_ip_address
        ).delete()


def _remember_username(request, credentials) -> None:
    username = get_client_username(request, credentials)
    request.signin_username = None if username is None else str(username)[:255]


def _note_lockout(username: str | None, ip: str | None) -> int:
    """Count this lock-out of the pair; returns its lock-outs within a day. (Two attempts
    racing to the same lock-out may both count it: the cool-off only gets longer.)"""
    now = timezone.now()
    with transaction.atomic():
        row = (
            Lockout.objects.select_for_update()
            .filter(username=username or "", ip_address=ip)
            .first()
        )
        if row is None:
            row = Lockout.objects.create(
                username=username or "", ip_address=ip, count=1, locked_at=now
            )
        else:
            row.count = row.count + 1 if row.locked_at >= now - MEMORY else 1
            row.locked_at = now
            row.save(update_fields=["count", "locked_at"])
    Lockout.objects.filter(locked_at__lt=now - MEMORY).delete()
    return row.count


def _audit_failure(request, action: str, data: dict) -> None:
    """Write the event unless the address already has more usernames failing than the trail
    takes; the first one over the limit is written once, saying so."""
    ip = request.axes_ip_address
    usernames = (
        AccessAttempt.objects.filter(
            ip_address=ip, attempt_time__gte=timezone.now() - base_cool_off()
        )
        .order_by()
        .values("username")
        .distinct()
        .count()
    )
    limit = settings.LOGIN_FAILURE_AUDIT_PER_ADDRESS
    if usernames > limit + 1 or (usernames == limit + 1 and action != "login_failed"):
        return
    if usernames == limit + 1:
        action = "login_failures_throttled"
        data = {"username": data["username"], "usernames": usernames}
    audit.record(actor=None, action=action, data=data, ip=ip)
