"""Who handles a receipt at its organisation, and what they write on the way.

The leader's assignment names one chủ trì handler (``Receipt.assignee`` stays that person,
so the flows, the inbox and the API's ``assignee`` read as before), any number of phối hợp
handlers, who each close their part with a contribution, and people who are told for
information (để biết). Progress notes (cập nhật tiến độ) come from the chủ trì and phối
hợp handlers before the final report.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HandlerRole(models.TextChoices):
    LEAD = "chu_tri", _("Chủ trì")
    COORDINATE = "phoi_hop", _("Phối hợp")
    INFORM = "de_biet", _("Để biết")


class ReceiptHandler(models.Model):
    receipt = models.ForeignKey(
        "documents.Receipt", on_delete=models.CASCADE, related_name="handlers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được phân công"),
        on_delete=models.PROTECT,
        related_name="receipt_roles",
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=HandlerRole.choices)
    contribution = models.TextField(_("ý kiến phối hợp"), blank=True)
    contributed_at = models.DateTimeField(_("ngày gửi ý kiến phối hợp"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("người được phân công")
        verbose_name_plural = _("người được phân công")
        ordering = ["receipt", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt", "user"], name="receipt_handler_once_per_person"
            ),
            models.UniqueConstraint(
                fields=["receipt"],
                condition=Q(role="chu_tri"),
                name="receipt_handler_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.user_id} ({self.role})"


class ProgressNote(models.Model):
    receipt = models.ForeignKey(
        "documents.Receipt", on_delete=models.CASCADE, related_name="progress_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("nội dung tiến độ"))
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)

    class Meta:
        verbose_name = _("cập nhật tiến độ")
        verbose_name_plural = _("cập nhật tiến độ")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.note[:40]}"
