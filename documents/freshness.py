"""How long a credential may take the step-up actions; the model is imported by
``documents.models`` so Django finds it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Freshness(models.Model):
    """Until when one credential — an API token or a browser session, known only by a hash of
    its key — may take the step-up actions (``documents.stepup``). A new one-time code moves
    ``fresh_until``; signing out or a new token starts without one."""

    credential = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fresh_until = models.DateTimeField()

    class Meta:
        verbose_name = _("xác thực hai bước còn hiệu lực")

    def __str__(self) -> str:
        return f"{self.user_id} until {self.fresh_until:%Y-%m-%d %H:%M}"
