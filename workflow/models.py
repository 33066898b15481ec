"""In-app notifications and the record of reminders (đôn đốc).

Both are written by Celery tasks that may run twice (a retry, a killed worker, two workers on
the same chunk). Unique constraints make the second run a no-op instead of a duplicate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    DELIVERED = "delivered", _("Có văn bản đến")
    DELIVERY_PROBLEM = "delivery_problem", _("Không chuyển được văn bản")
    ACK_REMINDER = "ack_reminder", _("Đôn đốc tiếp nhận")
    DEADLINE_NEAR = "deadline_near", _("Sắp đến hạn xử lý")
    DEADLINE_PAST = "deadline_past", _("Quá hạn xử lý")
    RECALLED = "recalled", _("Văn bản bị thu hồi")
    CHASED = "chased", _("Nơi gửi đôn đốc")
    ASSIGNED = "assigned", _("Được phân công")
    OBLIGATION_NEAR = "obligation_near", _("Sắp đến hạn nộp báo cáo")
    OBLIGATION_PAST = "obligation_past", _("Quá hạn nộp báo cáo")


class Notification(models.Model):
    """One message to one user. ``key`` tells repeats apart: empty for a one-off event (one
    delivery gives exactly one notification per user), the local date for a daily reminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("loại"), max_length=20, choices=NotificationKind.choices)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("văn bản"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    receipt = models.ForeignKey(
        "documents.Receipt",
        verbose_name=_("văn bản đến"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    key = models.CharField(max_length=20, blank=True, default="")
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "receipt", "key"],
                condition=models.Q(receipt__isnull=False),
                name="notification_once_per_receipt_event",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "document", "key"],
                condition=models.Q(receipt__isnull=True, document__isnull=False),
                name="notification_once_per_document_event",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()}"


class Reminder(models.Model):
    """A reminder sent for a receipt on a given (local) day: at most one per receipt, kind and
    day, whoever or whatever asks for it."""

    receipt = models.ForeignKey(
        "documents.Receipt", on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=NotificationKind.choices)
    day = models.DateField(_("ngày"))
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần đôn đốc")
        verbose_name_plural = _("lần đôn đốc")
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt", "kind", "day"], name="reminder_once_per_receipt_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id} {self.kind} {self.day}"
