"""Step-up: the actions of ``documents.lifecycle`` flagged ``step_up`` (signing, registering,
dispatching, recalling), taken by a holder of ``STEP_UP_ROLES``, need a *fresh* credential —
an API token or a browser session for which a one-time code was given within the last
``OTP_FRESH_SECONDS`` (design §15.2).

Freshness is a property of the request, not of the person: the API views and the UI's task
screens both call ``require_fresh`` once the person may act (after 404/403/409), before the
service runs. Codes come from django-otp devices: a TOTP authenticator (RFC 6238, 6 digits,
30 s; a code is used once) and ten backup codes, each used once.
"""

from __future__ import annotations

import base64
import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from orgchart.models import Membership
from orgchart.selectors import Grants, grants_of

from .errors import ENROL_DETAIL, OtpInvalid, OtpLocked, OtpRequired
from .lifecycle import STEP_UP_ROLES
from .models import Freshness
from .selectors.permissions import lifecycle_of

#: The demo people's authenticator secret (base32): public, like the demo password.
DEMO_SECRET = "MTTQDEMOMTTQDEMOMTTQDEMOMTTQDEMO"
BACKUP_CODES = 10
AUTHENTICATOR = "authenticator"
BACKUP = "backup"


# ---------------------------------------------------------------------------------------------
# Which credential, which action


def credential_key(request) -> str | None:
    """The credential this request came with, as a hash of its key: the API token (its
    ``digest``, accounts.auth) or else the browser session."""
    auth = getattr(request, "auth", None)
    secret = getattr(auth, "digest", None)
    if secret:
        kind = "token"
    else:
        session = getattr(request, "session", None)
        if session is None or not request.user.is_authenticated:
            return None
        if session.session_key is None:
            session.save()
        kind, secret = "session", session.session_key
    return hashlib.sha256(f"{kind}:{secret}".encode()).hexdigest()


def needs_step_up(user, action: str, obj, grants: Grants | None = None) -> bool:
    """Does ``user`` need a fresh code to take ``action`` on ``obj``?"""
    lifecycle = lifecycle_of(obj)
    if action not in lifecycle.step_up_actions():
        return False
    g = grants if grants is not None else grants_of(user)
    organization_id = getattr(obj, f"{lifecycle.organization_field}_id")
    return any(g.has(organization_id, role) for role in STEP_UP_ROLES)


def fresh_until(request) -> datetime.datetime | None:
    key = credential_key(request)
    if key is None:
        return None
    return (
        Freshness.objects.filter(credential=key, user_id=request.user.pk, fresh_until__gt=_now())
        .values_list("fresh_until", flat=True)
        .first()
    )


def require_fresh(request, action: str, obj, grants: Grants | None = None) -> None:
    """Raise ``OtpRequired`` unless this request may take ``action`` on ``obj`` as far as
    step-up goes. Call it once the person may act; the service checks the rest."""
    if not code_needed(request, action, obj, grants):
        return
    if not has_device(request.user):
        raise OtpRequired(ENROL_DETAIL)
    raise OtpRequired()


def code_needed(request, action: str, obj, grants: Grants | None = None) -> bool:
    """Should a screen offering ``action`` on ``obj`` ask for a code?"""
    return needs_step_up(request.user, action, obj, grants) and fresh_until(request) is None


# ---------------------------------------------------------------------------------------------
# Giving a code


def step_up(request, code: str) -> datetime.datetime:
    """Check ``code`` against the person's devices and make this credential fresh for
    ``OTP_FRESH_SECONDS``; raise ``OtpInvalid`` (wrong or used) or ``OtpLocked``."""
    key = credential_key(request)
    if key is None or not verify(request.user, code):
        raise OtpInvalid()
    now = _now()
    until = now + datetime.timedelta(seconds=settings.OTP_FRESH_SECONDS)
    Freshness.objects.filter(fresh_until__lte=now).delete()
    Freshness.objects.update_or_create(
        credential=key, defaults={"user": request.user, "fresh_until": until}
    )
    return until


def verify(user, code: str) -> bool:
    """One code against the person's confirmed devices, under lock so that two requests
    with the same code cannot both pass. A TOTP step, like a backup code, works once."""
    code = "".join(str(code).split()).lower()
    if not code or not user.is_authenticated:
        return False
    with transaction.atomic():
        devices = [
            *TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True),
            *StaticDevice.objects.select_for_update().filter(user=user, confirmed=True),
        ]
        if not devices:
            return False
        _refuse_while_locked(devices)
        for device in devices:
            if isinstance(device, TOTPDevice) and not code.isdigit():
                continue
            if device.verify_token(code):
                for other in devices:
                    if other.throttling_failure_count:
                        other.throttle_reset()
                return True
    return False


def _refuse_while_locked(devices) -> None:
    failures = max(d.throttling_failure_count for d in devices)
    limit = settings.OTP_FAILURE_LIMIT
    if failures < limit:
        return
    last = max(d.throttling_failure_timestamp for d in devices if d.throttling_failure_timestamp)
    wait = min(60 * 2 ** (failures - limit), 3600)
    if _now() < last + datetime.timedelta(seconds=wait):
        raise OtpLocked()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _now() -> datetime.datetime:
    return timezone.now()


# ---------------------------------------------------------------------------------------------
# Enrolling


def start_enrolment(user) -> TOTPDevice:
    """A new authenticator, not yet confirmed: the person scans it and confirms with a code.
    An earlier unconfirmed one is dropped; the confirmed one keeps working until then."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def pending_device(user, device_id) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()


def confirm_enrolment(device: TOTPDevice, code: str) -> list[str]:
    """Confirm ``device`` with its first code: it replaces the person's authenticator, and
    ten new backup codes replace the old ones. Returns the backup codes, shown once."""
    code = "".join(str(code).split())
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not code.isdigit() or not device.verify_token(code):
            raise OtpInvalid()
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return replace_backup_codes(device.user)


def replace_backup_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=BACKUP, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
    return codes


def secret_of(device: TOTPDevice) -> str:
    """The device's secret as an authenticator app takes it by hand (base32, in groups)."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


# ---------------------------------------------------------------------------------------------
# Demo


def load_demo_devices(secret: str = DEMO_SECRET) -> int:
    """Every person holding a step-up role gets a confirmed authenticator with the demo
    secret (demo data only: ``orgchart.demo`` refuses to load with ``DEBUG=False``)."""
    key = base64.b32decode(secret).hex()
    people = Membership.objects.filter(
        Q(position__roles__code__in=STEP_UP_ROLES) | Q(extra_roles__code__in=STEP_UP_ROLES)
    ).values_list("user_id", flat=True)
    count = 0
    for user_id in sorted(set(people)):
        TOTPDevice.objects.update_or_create(
            user_id=user_id,
            name=AUTHENTICATOR,
            defaults={"key": key, "confirmed": True},
        )
        count += 1
    return count
