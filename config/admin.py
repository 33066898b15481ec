"""The Django admin is back-office access to everything: superusers only. A staff member who
is not a superuser gets the admin's sign-in page, as an anonymous visitor does.

It speaks Vietnamese like the rest of the site: our own apps and models carry Vietnamese
verbose names; the packages' apps (sign-in lock-outs, API tokens, one-time codes, viewflow)
are named here, for the admin's index and sidebar only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

#: The packages' apps as the admin's index shows them, by app label.
APP_NAMES = {
    "axes": _("Khóa đăng nhập"),
    "knox": _("Mã truy cập API"),
    "otp_static": _("Mã dự phòng"),
    "otp_totp": _("Ứng dụng xác thực"),
    "viewflow": _("Quy trình (kỹ thuật)"),
    "guardian": _("Quyền theo văn bản"),
    "sessions": _("Phiên đăng nhập"),
    "auth": _("Người dùng và nhóm"),
}

#: The packages' models, by "app_label.ModelName".
MODEL_NAMES = {
    "axes.AccessAttempt": _("Lần đăng nhập sai"),
    "axes.AccessFailureLog": _("Nhật ký đăng nhập sai"),
    "axes.AccessLog": _("Nhật ký đăng nhập"),
    "knox.AuthToken": _("Mã truy cập"),
    "otp_static.StaticDevice": _("Bộ mã dự phòng"),
    "otp_totp.TOTPDevice": _("Thiết bị xác thực (TOTP)"),
    "viewflow.Process": _("Quy trình"),
    "viewflow.Task": _("Bước xử lý"),
}


class SuperuserAdminSite(admin.AdminSite):
    site_header = _("Quản trị hệ thống văn bản MTTQ")
    site_title = _("Quản trị Văn bản MTTQ")
    index_title = _("Quản trị hệ thống")

    def has_permission(self, request) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                key = f"{app['app_label']}.{model['object_name']}"
                model["name"] = MODEL_NAMES.get(key, model["name"])
        return apps
