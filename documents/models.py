"""What: documents, their versions, recipients, receipts, register books and the audit trail.

State fields are protected: they change only through the FSM transitions below, which only the
service layer (``documents.services``) calls, after checking who is acting.
Vietnamese domain words kept as-is: ``trich_yeu`` is not used, the summary is ``title``;
``luu`` is the "Lưu" line of Nơi nhận (who keeps the archive copy).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from orgchart.models import Organization, OrganizationKind

from .choices import AuthorityPrefix, Direction, DocType, Secrecy, SignatureStatus, Urgency
from .lifecycle import ACTION_PURPOSES, DOCUMENT, RECEIPT, DocumentStatus, Purpose, ReceiptStatus
from .searchtext import compose, fold  # noqa: F401 - where callers have always found fold

S = DocumentStatus


class RegisterBook(models.Model):
    """Sổ đăng ký: one gapless counter per organisation, direction, year and secrecy."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("cơ quan"), on_delete=models.PROTECT
    )
    direction = models.CharField(_("loại sổ"), max_length=10, choices=Direction.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    secret = models.BooleanField(_("sổ mật"), default=False)
    last_number = models.PositiveIntegerField(_("số cuối"), default=0)

    class Meta:
        verbose_name = _("sổ đăng ký văn bản")
        verbose_name_plural = _("sổ đăng ký văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "direction", "year", "secret"],
                name="register_book_unique_series",
            )
        ]

    def __str__(self) -> str:
        secret = " (mật)" if self.secret else ""
        return f"{self.get_direction_display()} {self.year}{secret} — {self.organization.code}"


class Document(ConcurrentTransitionMixin, models.Model):
    issuer = models.ForeignKey(
        Organization,
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    doc_type = models.CharField(_("loại văn bản"), max_length=8, choices=DocType.choices)
    title = models.CharField(_("trích yếu"), max_length=500)
    body = models.TextField(_("nội dung"), blank=True)
    urgency = models.CharField(
        _("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.CharField(
        _("độ mật"), max_length=12, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    authority_prefix = models.CharField(
        _("quyền hạn ký"), max_length=4, choices=AuthorityPrefix.choices, blank=True
    )
    collective_name = models.CharField(
        _("tập thể/cơ quan"), max_length=120, blank=True, help_text=_("Ví dụ BAN THƯỜNG TRỰC.")
    )
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ký"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signed_documents",
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người soạn thảo"),
        on_delete=models.PROTECT,
        related_name="drafted_documents",
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tham gia"),
        blank=True,
        related_name="participating_documents",
        help_text=_("Những người đã xử lý văn bản; văn bản mật chỉ họ được xem."),
    )
    references: models.ManyToManyField[Receipt, Any] = models.ManyToManyField(
        "Receipt",
        verbose_name=_("căn cứ (văn bản đến)"),
        blank=True,
        related_name="implemented_by",
    )
    luu = models.CharField(_("nơi lưu"), max_length=200, blank=True)
    can_cu = models.TextField(_("căn cứ"), blank=True, help_text=_("Mỗi dòng một căn cứ."))
    status = FSMField(
        _("trạng thái"),
        max_length=20,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFT,
        protected=True,
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=0)
    book = models.ForeignKey(
        RegisterBook, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    issued_at = models.DateTimeField(_("ngày ban hành"), null=True, blank=True)
    # What search finds and ranks by (documents/searchtext.py), refreshed on every save.
    title_text = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    #: Receipts of a dispatched document not yet settled. Each settling receipt takes one off
    #: (an UPDATE … RETURNING at the end of its step), and the one that reaches 0 completes the
    #: document: recipients do not queue on the document row for a count of their siblings.
    open_receipts = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        # Per-object grants (django-guardian) the org chart cannot express.
        permissions = [
            ("comment_document", _("Được xin ý kiến về văn bản")),
            ("inform_document", _("Được chuyển văn bản để biết")),
            ("read_secret_document", _("Được xem văn bản mật")),
        ]
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["book", "number"], name="document_unique_number"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(book__isnull=False),
                name="document_number_has_book",
            ),
        ]
        # created_at: the lists walk newest first and stop at their page.
        indexes = [models.Index(fields=f) for f in (["issuer", "status"], ["created_at", "id"])]

    def __str__(self) -> str:
        return f"{self.symbol or self.get_doc_type_display()}: {self.title}"

    def save(self, *args, **kwargs):
        self.title_text, self.search_text = self.searchable_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "title_text", "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL

    def searchable_text(self) -> tuple[str, str]:
        # The type's name is included because people search "kế hoạch ..." for a plan whose
        # title does not repeat its type.
        with translation.override(None):
            type_name = str(DocType(self.doc_type).label) if self.doc_type in DocType.values else ""
        head = (type_name, self.title, self.symbol, self.issuer.name if self.issuer_id else "")
        files = self.attachments.order_by("pk").values_list("text", flat=True) if self.pk else ()
        return compose(head, self.body, files)

    # Transitions. They only move the state; who may call them is decided in services.
    @transition(field=status, **DOCUMENT.fsm("submit"))
    def submit(self) -> None:
        self.version += 1

    @transition(field=status, **DOCUMENT.fsm("withdraw"))
    def withdraw(self) -> None:
        pass

    @transition(field=status, **DOCUMENT.fsm("approve_content"))
    def approve_content(self) -> None:
        pass

    @transition(field=status, **DOCUMENT.fsm("approve_content_skip_format"))
    def approve_content_skip_format(self) -> None:
        pass

    @transition(field=status, **DOCUMENT.fsm("approve_format"))
    def approve_format(self) -> None:
        pass

    @transition(field=status, **DOCUMENT.fsm("send_back"))
    def send_back(self) -> None:
        pass

    @transition(field=status, **DOCUMENT.fsm("sign"))
    def sign(self, *, signer, signer_title: str) -> None:
        self.signer = signer
        if signer_title:
            self.signer_title = signer_title

    @transition(field=status, **DOCUMENT.fsm("register"))
    def register(self, *, book: RegisterBook, number: int, symbol: str, issued_at) -> None:
        self.book, self.number, self.symbol, self.issued_at = book, number, symbol, issued_at

    @transition(field=status, **DOCUMENT.fsm("dispatch"))
    def dispatch(self) -> None:
        pass

    @transition(field=status, **DOCUMENT.fsm("complete"))
    def complete(self) -> None:
        pass

    @transition(field=status, **DOCUMENT.fsm("recall"))
    def recall(self) -> None:
        pass


class DocumentVersion(models.Model):
    """A frozen snapshot taken at every submit; a version never changes."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("trích yếu"), max_length=500)
    body = models.TextField(_("nội dung"), blank=True)
    snapshot = models.JSONField(_("dữ liệu"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản")
        verbose_name_plural = _("phiên bản")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("A document version is immutable.")
        super().save(*args, **kwargs)


def attachment_path(instance: Attachment, filename: str) -> str:
    import uuid

    owner = instance.document_id or f"r{instance.receipt_id}"
    return f"attachments/{owner}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file of a document of ours, or of a document registered from outside (an edXML
    package's files belong to the receipt that registered it): exactly one of the two."""

    document = models.ForeignKey(
        Document, null=True, on_delete=models.CASCADE, related_name="attachments"
    )
    receipt = models.ForeignKey(
        "Receipt", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    # Nobody, for a file that arrived in a package over an edXML transport.
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    #: Folded, bounded (documents/extraction.py); part of its owner's search text.
    text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False, receipt__isnull=True)
                | Q(document__isnull=True, receipt__isnull=False),
                name="attachment_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


class Recipient(models.Model):
    """One line of Nơi nhận: an organisation of the chart, or a free-text outside recipient."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipients")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("tên nơi nhận"), max_length=255, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    purpose = models.CharField(_("mục đích"), max_length=12, choices=Purpose.choices)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nơi nhận")
        verbose_name_plural = _("nơi nhận")
        ordering = ["document", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organization"],
                condition=Q(organization__isnull=False),
                name="recipient_unique_organization",
            ),
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | ~Q(name=""),
                name="recipient_has_organization_or_name",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.organization.name if self.organization is not None else self.name


R = ReceiptStatus

#: QCVN 102:2016 status codes of edXML status messages.
EDXML_CODES = {
    R.DELIVERED: "01",
    R.REFUSED: "02",
    R.ACKNOWLEDGED: "03",
    R.ASSIGNED: "04",
    R.IN_PROGRESS: "05",
    R.COMPLETED: "06",
}


class Receipt(ConcurrentTransitionMixin, models.Model):
    """One recipient's copy of a document, and its handling there.

    A receipt without ``document`` registers a document that arrived from outside the system;
    the ``sender_*`` fields then describe it.
    """

    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    recipient = models.OneToOneField(
        Recipient, null=True, blank=True, on_delete=models.PROTECT, related_name="receipt"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("nơi nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    purpose = models.CharField(
        _("mục đích"), max_length=12, choices=Purpose.choices, default=Purpose.INFORM
    )
    urgency = models.CharField(
        _("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    status = FSMField(
        _("trạng thái"),
        max_length=20,
        choices=ReceiptStatus.choices,
        default=ReceiptStatus.PENDING,
        protected=True,
    )
    book = models.ForeignKey(
        RegisterBook, null=True, blank=True, on_delete=models.PROTECT, related_name="receipts"
    )
    incoming_number = models.PositiveIntegerField(_("số đến"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("ngày đến"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    given_back_at = models.DateTimeField(_("ngày đồng ý trả lại"), null=True, blank=True)
    signature_status = models.CharField(
        _("chữ ký số"),
        max_length=10,
        choices=SignatureStatus.choices,
        default=SignatureStatus.UNSIGNED,
        help_text=_("Kết quả kiểm tra chữ ký số khi văn bản đến."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_receipts",
    )
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    instruction = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    report = models.TextField(_("báo cáo kết quả"), blank=True)
    reason = models.TextField(_("lý do từ chối"), blank=True)
    delivery_problem = models.CharField(_("vấn đề khi chuyển"), max_length=255, blank=True)
    sender_name = models.CharField(_("cơ quan gửi"), max_length=255, blank=True)
    sender_symbol = models.CharField(_("số, ký hiệu gốc"), max_length=80, blank=True)
    sender_date = models.DateField(_("ngày văn bản gốc"), null=True, blank=True)
    sender_title = models.CharField(_("trích yếu văn bản gốc"), max_length=500, blank=True)
    sender_doc_type = models.CharField(
        _("loại văn bản gốc"), max_length=8, choices=DocType.choices, blank=True
    )
    # What search reads of a document from outside (a system document's copy reads its own).
    title_text = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "organization"],
                condition=Q(document__isnull=False, organization__isnull=False),
                name="receipt_one_per_recipient_organization",
            ),
            models.UniqueConstraint(
                fields=["book", "incoming_number"], name="receipt_unique_incoming_number"
            ),
            models.CheckConstraint(
                condition=Q(document__isnull=False) | Q(organization__isnull=False),
                name="receipt_external_has_organization",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["document", "status"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["created_at", "id"]),  # the lists, newest first
        ]

    def __str__(self) -> str:
        if self.document_id:
            return f"{self.document} → {self.organization or self.recipient}"
        return f"{self.sender_symbol}: {self.sender_title}"

    def save(self, *args, **kwargs):
        if not self.document_id:
            head = (self.sender_name, self.sender_symbol, self.sender_title)
            files = self.pk and self.attachments.order_by("pk").values_list("text", flat=True)
            self.title_text, self.search_text = compose(head, "", files or ())
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "title_text", "search_text"}
        super().save(*args, **kwargs)

    @property
    def code(self) -> str | None:
        return EDXML_CODES.get(self.status)

    @property
    def must_act(self) -> bool:
        return self.purpose in ACTION_PURPOSES

    @transition(field=status, **RECEIPT.fsm("deliver"))
    def deliver(self, *, at, signature_status: str) -> None:
        self.delivered_at = at
        self.delivery_problem = ""
        self.signature_status = signature_status

    @transition(field=status, **RECEIPT.fsm("refuse"))
    def refuse(self, *, reason: str) -> None:
        self.reason = reason

    @transition(field=status, **RECEIPT.fsm("acknowledge"))
    def acknowledge(self, *, book: RegisterBook, number: int, at) -> None:
        self.book, self.incoming_number, self.received_at = book, number, at

    @transition(field=status, **RECEIPT.fsm("assign"))
    def assign(self, *, assignee, deadline, instruction: str = "") -> None:
        self.assignee, self.deadline, self.instruction = assignee, deadline, instruction

    @transition(field=status, **RECEIPT.fsm("start"))
    def start(self) -> None:
        pass

    @transition(field=status, **RECEIPT.fsm("complete"))
    def complete(self, *, report: str) -> None:
        self.report = report

    @property
    def is_outside(self) -> bool:
        """Delivered by e-mail to a free-text recipient or an organisation outside the system."""
        return self.organization is None or self.organization.kind == OrganizationKind.EXTERNAL

    @property
    def is_settled(self) -> bool:
        """Nothing more is expected of this recipient."""
        if self.status == R.REFUSED:
            return True
        if self.document_id and self.is_outside:
            # An outside recipient has nobody in the system to acknowledge or report: its
            # copy is done once the mail server or the exchange has taken it; what its own
            # system reports later (status messages) moves it on without reopening it.
            return self.status != R.PENDING
        if self.must_act:
            return self.status == R.COMPLETED
        return self.status in (R.ACKNOWLEDGED, R.ASSIGNED, R.IN_PROGRESS, R.COMPLETED)


class AuditChain(models.Model):
    """Head of one hash chain; locked while an event is appended so the chain stays linear."""

    key = models.CharField(max_length=40, unique=True)
    length = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.key


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit trail is append-only.")

    def delete(self):
        raise PermissionError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """One line of the append-only, hash-chained audit trail (docs/ARCHITECTURE.md §3)."""

    seq = models.BigAutoField(primary_key=True)
    chain = models.CharField(max_length=40)
    position = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events_on_behalf",
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40)
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhật ký")
        verbose_name_plural = _("nhật ký")
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="audit_chain_position")
        ]
        # Nhật ký walks an organisation's events, and its refusals, newest first.
        indexes = [models.Index(fields=["document", "seq"]), models.Index(fields=["receipt"])] + [
            models.Index(fields=f, name=f"audit_{'_'.join(f)}")
            for f in (["organization", "seq"], ["organization", "action", "seq"])
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit trail is append-only.")


# Models that live in modules of their own, imported here so Django finds them.
from .exchanged import ExchangedDocument  # noqa: E402, F401
from .freshness import Freshness  # noqa: E402, F401
from .handling import ProgressNote, ReceiptHandler  # noqa: E402, F401
from .obligations import Answer, Obligation, ObligationItem, Reply  # noqa: E402, F401
from .originals import SignedPdf  # noqa: E402, F401
from .outbox import OutboxMessage, Recall  # noqa: E402, F401
