"""What we owe other document systems over edXML (QCVN 102:2016), kept in the database first.

``OutboxMessage`` is the transactional outbox: a package for an outside recipient, or a status
message to the organisation that sent us a package, is written inside the step that calls for
it, with its XML built once, and a Celery task hands it to the organisation's transport later
(``documents/edxml/transport.py``). A step that is rolled back leaves nothing to send; a
transport that is down leaves the message queued, tried again with a growing pause.

``Recall`` is the recall exchange of one copy (codes 13, 15, 16): on our copy for an outside
organisation, that we asked for it back and what they answered; on a copy that came to us by
edXML, that its sender asked for it back and what our clerk answered."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Between the mã định danh a file is for and the rest of its name.
ADDRESSED = "__"


class MessageKind(models.TextChoices):
    PACKAGE = "package", _("Gói tin văn bản")
    STATUS = "status", _("Thông điệp trạng thái")


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")


class OutboxMessage(models.Model):
    # Strings, not imports: documents.models imports this module.
    kind = models.CharField(_("loại"), max_length=10, choices=MessageKind.choices)
    #: The status code for a status message (01–06, 13, 15, 16); empty for a package.
    code = models.CharField(_("mã trạng thái"), max_length=2, blank=True)
    organ_id = models.CharField(_("mã định danh cơ quan nhận"), max_length=40)
    organization = models.ForeignKey(
        "orgchart.Organization",
        verbose_name=_("cơ quan nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    receipt = models.ForeignKey(
        "documents.Receipt", on_delete=models.PROTECT, related_name="outbox_messages"
    )
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbox_messages",
    )
    payload = models.BinaryField(_("nội dung XML"))
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("lần gửi tới"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("ngày gửi"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thông điệp edXML gửi đi")
        verbose_name_plural = _("thông điệp edXML gửi đi")
        ordering = ["pk"]
        constraints = [
            # A step announced twice (a retry, a repeated progress note) enqueues once.
            models.UniqueConstraint(
                fields=["receipt", "kind", "code"], name="outbox_once_per_receipt_kind_code"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.code} → {self.organ_id}".replace("  ", " ")

    @property
    def filename(self) -> str:
        """The same name every time it is sent, so that a repeated send replaces the file;
        it starts with the mã định danh it is for, the envelope a transport's header is."""
        what = self.code if self.kind == MessageKind.STATUS else "goi-tin"
        return f"{self.organ_id}{ADDRESSED}{self.pk:08d}-{self.kind}-{what}.edxml"


class RecallState(models.TextChoices):
    ASKED = "asked", _("Đã yêu cầu lấy lại")
    ACCEPTED = "accepted", _("Đồng ý lấy lại")
    REFUSED = "refused", _("Từ chối lấy lại")


class Recall(models.Model):
    receipt = models.OneToOneField(
        "documents.Receipt", on_delete=models.CASCADE, related_name="recall"
    )
    state = models.CharField(
        _("tình trạng"), max_length=10, choices=RecallState.choices, default=RecallState.ASKED
    )
    reason = models.TextField(_("lý do lấy lại"), blank=True)
    answer = models.TextField(_("trả lời"), blank=True)
    asked_at = models.DateTimeField(_("ngày yêu cầu"))
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("yêu cầu lấy lại văn bản")
        verbose_name_plural = _("yêu cầu lấy lại văn bản")

    def __str__(self) -> str:
        return f"{self.receipt_id}: {self.state}"
