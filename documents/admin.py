"""Read-only views of documents, receipts and the audit trail: every state change goes
through the services, so the admin may look but not touch."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .history import history_label
from .lifecycle import DocumentStatus, ReceiptStatus
from .models import (
    Attachment,
    AuditEvent,
    Document,
    DocumentVersion,
    Receipt,
    Recipient,
    RegisterBook,
)
from .outbox import OutboxMessage
from .templatetags.vanban import ho_ten


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        # Shown, never edited; declaring them read-only also lets non-editable columns such
        # as created_at be listed without the change page failing.
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecipientInline(ReadOnlyInline):
    model = Recipient
    fields = ["order", "organization", "name", "email", "purpose"]


class VersionInline(ReadOnlyInline):
    model = DocumentVersion
    fields = ["number", "title", "created_by", "created_at"]


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["id", "symbol", "doc_type", "title", "issuer", "status", "issued_at"]
    list_filter = ["status", "doc_type", "urgency", "secrecy", "issuer"]
    search_fields = ["title", "symbol"]
    list_select_related = ["issuer"]
    inlines = [RecipientInline, VersionInline, AttachmentInline]


@admin.register(Receipt)
class ReceiptAdmin(ReadOnlyAdmin):
    list_display = ["id", "document", "organization", "purpose", "status", "incoming_number"]
    list_filter = ["status", "purpose"]
    list_select_related = ["document", "organization"]
    search_fields = ["sender_symbol", "sender_title", "document__title"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """What waits for, went to or failed to reach another system over edXML, with its tries."""

    list_display = ["id", "kind", "code", "organ_id", "state", "attempts", "next_attempt_at"]
    list_filter = ["state", "kind"]
    search_fields = ["organ_id", "last_error"]
    exclude = ["payload"]


@admin.register(RegisterBook)
class RegisterBookAdmin(ReadOnlyAdmin):
    list_display = ["organization", "direction", "year", "secret", "last_number"]
    list_filter = ["direction", "year", "secret"]


def _status_label(value: str, receipt: bool) -> str:
    choices = ReceiptStatus if receipt else DocumentStatus
    return str(choices(value).label) if value in choices.values else value


class ActionFilter(admin.SimpleListFilter):
    """The audit verbs in the words of the history (``lifecycle.history_label``)."""

    title = _("hành động")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        verbs = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((v, history_label(v)) for v in verbs), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "seq_shown",
        "at_shown",
        "actor_shown",
        "action_shown",
        "document_shown",
        "change_shown",
    ]
    list_filter = [ActionFilter]
    list_select_related = ["actor", "document"]
    #: Every column, as the history reads it; the row is never edited.
    fields = (
        "seq_shown",
        "at_shown",
        "actor_shown",
        "action_shown",
        "document_shown",
        "receipt_shown",
        "change_shown",
        "comment_shown",
        "ip_shown",
        "hash_shown",
    )
    readonly_fields = fields

    @admin.display(description=_("số thứ tự"), ordering="seq")
    def seq_shown(self, event):
        return event.seq

    @admin.display(description=_("văn bản"), ordering="document")
    def document_shown(self, event):
        return event.document or "—"

    @admin.display(description=_("văn bản đến"))
    def receipt_shown(self, event):
        return event.receipt or "—"

    @admin.display(description=_("ý kiến"))
    def comment_shown(self, event):
        return event.comment or "—"

    @admin.display(description=_("địa chỉ IP"))
    def ip_shown(self, event):
        return event.ip or "—"

    @admin.display(description=_("mã băm"))
    def hash_shown(self, event):
        return event.hash

    @admin.display(description=_("thời điểm"), ordering="at")
    def at_shown(self, event):
        return event.at

    @admin.display(description=_("người thực hiện"), ordering="actor")
    def actor_shown(self, event):
        return ho_ten(event.actor) if event.actor_id else "—"

    @admin.display(description=_("hành động"), ordering="action")
    def action_shown(self, event):
        return history_label(
            event.action,
            receipt=event.receipt_id is not None,
            data=event.data,
            from_status=event.from_status,
        )

    @admin.display(description=_("trạng thái"))
    def change_shown(self, event):
        receipt = event.receipt_id is not None
        if not event.from_status and not event.to_status:
            return "—"
        return "{} → {}".format(
            _status_label(event.from_status, receipt) or "—",
            _status_label(event.to_status, receipt) or "—",
        )
