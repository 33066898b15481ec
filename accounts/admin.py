"""The admin sees who holds which API token and until when, and may revoke one; it never sees
a token (knox keeps only digests) and cannot mint one for somebody else."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from .auth import public_id
from .models import Session

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class TokenAdmin(admin.ModelAdmin):
    list_display = ["short_id", "user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = readonly_fields = ("short_id", "user", "created", "expiry")
    ordering = ["-created"]

    @admin.display(description=_("mã nhận diện"))
    def short_id(self, obj) -> str:
        return public_id(obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["user", "ip", "signed_in_at", "expire_date"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = readonly_fields = ("user", "ip", "user_agent", "signed_in_at", "expire_date")
    ordering = ["-expire_date"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
