"""What a document asks of its recipients (design.md §15.5): each ward's own plan (``plan``)
or a report (``report``) by a due date. An obligation names the organisations that owe it;
each owes one item, fulfilled by a document of its own that replies to its copy and is
delivered back to the issuer. A later reply replaces the earlier one in the roll-up; both
stay documents of the ward.

The models are imported by ``documents.models`` so Django finds them; who sees and does what
is in ``selectors.obligations`` and ``services.obligations``.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ObligationKind(models.TextChoices):
    PLAN = "plan", _("Kế hoạch thực hiện")
    REPORT = "report", _("Báo cáo")


class ItemStatus(models.TextChoices):
    PENDING = "pending", _("Chưa nộp")
    FULFILLED = "fulfilled", _("Đã nộp")
    FULFILLED_LATE = "fulfilled_late", _("Nộp muộn")
    OVERDUE = "overdue", _("Quá hạn")
    REFUSED = "refused", _("Từ chối")


class Obligation(models.Model):
    # Strings, not imports: documents.models imports this module.
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="obligations"
    )
    kind = models.CharField(_("loại yêu cầu"), max_length=10, choices=ObligationKind.choices)
    title = models.CharField(_("nội dung yêu cầu"), max_length=255)
    due = models.DateField(_("hạn nộp"))
    order = models.PositiveSmallIntegerField(default=0)
    #: A form report: the figures and answers each reply gives as data besides its text,
    #: ``[{"key", "label", "type": "number"|"text"}]`` (services.report_forms checks it).
    form = models.JSONField(_("các chỉ tiêu báo cáo"), default=list, blank=True)

    class Meta:
        verbose_name = _("yêu cầu thực hiện, báo cáo")
        verbose_name_plural = _("yêu cầu thực hiện, báo cáo")
        ordering = ["document", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class ObligationItem(models.Model):
    """One organisation's part of an obligation, and the reply that fulfilled it."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="items")
    organization = models.ForeignKey(
        "orgchart.Organization", verbose_name=_("đơn vị"), on_delete=models.PROTECT
    )
    reply = models.ForeignKey(
        "documents.Document",
        verbose_name=_("văn bản trả lời"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fulfilled_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)

    class Meta:
        verbose_name = _("phần việc của đơn vị")
        verbose_name_plural = _("phần việc của đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "organization"], name="obligation_item_once"
            ),
            models.CheckConstraint(
                condition=models.Q(reply__isnull=True, fulfilled_at__isnull=True)
                | models.Q(reply__isnull=False, fulfilled_at__isnull=False),
                name="obligation_item_fulfilled_by_a_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} · {self.organization_id}"

    def status(self, *, refused: bool, today: datetime.date | None = None) -> str:
        """Where the item stands; ``refused`` when the organisation refused the document."""
        due = self.obligation.due
        if self.fulfilled_at is not None:
            on = timezone.localtime(self.fulfilled_at).date()
            return ItemStatus.FULFILLED_LATE if on > due else ItemStatus.FULFILLED
        if refused:
            return ItemStatus.REFUSED
        if (today or timezone.localdate()) > due:
            return ItemStatus.OVERDUE
        return ItemStatus.PENDING


class Reply(models.Model):
    """A document of a recipient written in answer to its copy (``replies_to``), fulfilling
    some of that document's obligations (``fulfils``)."""

    document = models.OneToOneField(
        "documents.Document", on_delete=models.CASCADE, related_name="reply"
    )
    receipt = models.ForeignKey(
        "documents.Receipt", on_delete=models.PROTECT, related_name="replies"
    )
    obligations = models.ManyToManyField(Obligation, related_name="replies", blank=True)

    class Meta:
        verbose_name = _("văn bản trả lời")
        verbose_name_plural = _("văn bản trả lời")

    def __str__(self) -> str:
        return f"{self.document_id} → {self.receipt_id}"


class Answer(models.Model):
    """What one reply answers to a form report's fields, as data: ``{key: value}``, numbers as
    numbers. The roll-up reads the answers of the reply that fulfilled each item."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="answers")
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="answers")
    values = models.JSONField(_("số liệu báo cáo"), default=dict)

    class Meta:
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["reply", "obligation"], name="answer_once_per_reply")
        ]

    def __str__(self) -> str:
        return f"{self.reply_id} · {self.obligation_id}"
