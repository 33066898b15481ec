"""The Django admin is back-office access to everything: superusers only. A staff member who
is not a superuser gets the admin's sign-in page, as an anonymous visitor does."""

from django.contrib import admin


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)
