from django.contrib import admin

from .models import CalendarDay, Delegation, Membership, Organization, Position


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "position"]
    filter_horizontal = ["extra_roles"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "kind",
        "symbol",
        "organ_id",
        "parent",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["kind"]
    search_fields = ["code", "name", "symbol", "organ_id"]
    autocomplete_fields = ["parent", "successor"]
    inlines = [MembershipInline]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["roles"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "position", "valid_from", "valid_to"]
    list_filter = ["organization__kind", "position"]
    search_fields = ["user__username", "user__last_name", "organization__code"]
    autocomplete_fields = ["user", "organization", "position"]
    filter_horizontal = ["extra_roles"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["principal", "deputy", "organization", "valid_from", "valid_to", "ended_at"]
    autocomplete_fields = ["principal", "deputy", "organization"]
    filter_horizontal = ["roles"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "working", "organization"]
    list_filter = ["working", "organization"]
    search_fields = ["name"]
    date_hierarchy = "date"
    autocomplete_fields = ["organization"]
