"""Back-office views of notifications and reminders: read-only, since tasks write them and a
hand-made row would break the one-per-event rule."""

from django.contrib import admin

from .models import Notification, Reminder


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "text", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "text"]
    list_select_related = ["user"]
    raw_id_fields = ["user", "document", "receipt"]
    date_hierarchy = "created_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["day", "kind", "receipt", "sent_at"]
    list_filter = ["kind", "day"]
    raw_id_fields = ["receipt"]
    list_select_related = ["receipt__organization", "receipt__document"]
