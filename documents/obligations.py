"""What a document asks of its recipients (design.md §15.5): each ward's own plan (``plan``)
or a report (``report``) by a due date, once or again every period (``recurrence``, see
``periods``). An obligation names the organisations that owe it; each owes one item a period,
fulfilled by a document of its own that replies to its copy, names the period it answers and
is delivered back to the issuer. A later reply for the same period replaces the earlier one in
the roll-up; both stay documents of the ward.

The models are imported by ``documents.models`` so Django finds them; who sees and does what
is in ``selectors.obligations`` and ``services.obligations``.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import Period, Recurrence, schedule


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
    #: The first (or only) due date; a recurring obligation's later ones follow from it.
    due = models.DateField(_("hạn nộp"))
    recurrence = models.CharField(
        _("định kỳ"), max_length=12, choices=Recurrence.choices, default="", blank=True
    )
    #: The last due date of a recurring obligation (None for a one-off one).
    until = models.DateField(_("đến ngày"), null=True, blank=True)
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

    def save(self, *args, **kwargs) -> None:
        # The items keep their period's due date: a due date moved here (by the admin, say)
        # moves theirs, in one query.
        self.__dict__.pop("_periods", None)
        super().save(*args, **kwargs)
        periods = self.periods()
        whens = [models.When(period=p.index, then=models.Value(p.due)) for p in periods]
        self.items.filter(period__lt=len(periods)).update(
            due=models.Case(*whens, output_field=models.DateField())
        )

    def periods(self) -> list[Period]:
        cached = self.__dict__.get("_periods")
        if cached is None:
            cached = self.__dict__["_periods"] = schedule(self.due, self.recurrence, self.until)
        return cached

    def period(self, index: int) -> Period:
        periods = self.periods()
        return periods[min(max(index, 0), len(periods) - 1)]

    def period_by_key(self, key: str | None) -> Period | None:
        return next((p for p in self.periods() if p.key == key), None)


class ObligationItem(models.Model):
    """One organisation's part of an obligation for one period, and the reply that fulfilled
    it."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="items")
    organization = models.ForeignKey(
        "orgchart.Organization", verbose_name=_("đơn vị"), on_delete=models.PROTECT
    )
    #: The period's index in ``Obligation.periods()``; 0 for a one-off obligation.
    period = models.PositiveSmallIntegerField(_("kỳ báo cáo"), default=0)
    #: The period's due date, kept on the row so that the reminders and the roll-up select
    #: and judge by it.
    due = models.DateField(_("hạn nộp"))
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
                fields=["obligation", "organization", "period"],
                name="obligation_item_once_a_period",
            ),
            models.CheckConstraint(
                condition=models.Q(reply__isnull=True, fulfilled_at__isnull=True)
                | models.Q(reply__isnull=False, fulfilled_at__isnull=False),
                name="obligation_item_fulfilled_by_a_reply",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} · {self.organization_id} · {self.period}"

    @property
    def period_of(self) -> Period:
        return self.obligation.period(self.period)

    @property
    def title(self) -> str:
        """What is owed, with its period when the obligation recurs: "Báo cáo kết quả 6 tháng
        đầu năm 2023"."""
        label = self.period_of.label
        return f"{self.obligation.title} {label}" if label else self.obligation.title

    def status(self, *, refused: bool, today: datetime.date | None = None) -> str:
        """Where the item stands; ``refused`` when the organisation refused the document."""
        due = self.due
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
    some of that document's obligations (``fulfils``), each for one of its periods."""

    document = models.OneToOneField(
        "documents.Document", on_delete=models.CASCADE, related_name="reply"
    )
    receipt = models.ForeignKey(
        "documents.Receipt", on_delete=models.PROTECT, related_name="replies"
    )
    obligations = models.ManyToManyField(Obligation, related_name="replies", blank=True)
    #: The period answered of each recurring obligation fulfilled, ``{"<obligation id>":
    #: <period index>}``; an obligation left out is answered for its period 0.
    periods = models.JSONField(_("kỳ báo cáo"), default=dict, blank=True)

    class Meta:
        verbose_name = _("văn bản trả lời")
        verbose_name_plural = _("văn bản trả lời")

    def __str__(self) -> str:
        return f"{self.document_id} → {self.receipt_id}"

    def period_for(self, obligation_id: int) -> int:
        return int(self.periods.get(str(obligation_id), 0))


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
