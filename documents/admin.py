"""Read-only views of documents, receipts and the audit trail: every state change goes
through the services, so the admin may look but not touch."""

from django.contrib import admin

from .models import (
    Attachment,
    AuditEvent,
    Document,
    DocumentVersion,
    Receipt,
    Recipient,
    RegisterBook,
)


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


@admin.register(RegisterBook)
class RegisterBookAdmin(ReadOnlyAdmin):
    list_display = ["organization", "direction", "year", "secret", "last_number"]
    list_filter = ["direction", "year", "secret"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "actor", "action", "document", "from_status", "to_status"]
    list_filter = ["action"]
    list_select_related = ["actor", "document"]
