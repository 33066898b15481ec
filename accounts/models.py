"""Who is signed in where: browser sessions that know their person, and the memory of a
username and address pair's lock-outs that makes each cool-off longer than the last."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class Session(AbstractBaseSession):
    """Django's database session with its person, address and browser, so that a person can
    list their own sessions and end one (SESSION_ENGINE = accounts.sessions). Filled from the
    session's own data each time it is saved."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="browser_sessions",
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")

    @classmethod
    def get_session_store_class(cls):
        return import_module(settings.SESSION_ENGINE).SessionStore


class Lockout(models.Model):
    """How many times one username was locked out from one address within a day, and when
    last: the next cool-off doubles with each (accounts.lockout.cool_off). One row per pair,
    updated in place; a successful sign-in of the pair removes it."""

    username = models.CharField(max_length=255)
    ip_address = models.GenericIPAddressField(null=True)
    count = models.PositiveIntegerField(default=0)
    locked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["username", "ip_address"], name="lockout_pair")
        ]
        indexes = [models.Index(fields=["locked_at"])]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip_address} ×{self.count}"
