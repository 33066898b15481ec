from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Đăng nhập")

    def ready(self) -> None:
        from django.contrib import admin

        from . import (
            receivers,  # noqa: F401  (connects the sign-in audit receivers)
            schema,  # noqa: F401  (registers the token's security scheme)
        )
        from .forms import AdminSignInForm

        # The admin's sign-in is locked out like the others, with the same message.
        admin.site.login_form = AdminSignInForm
