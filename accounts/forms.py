"""The sign-in forms of the site and of the admin: a refused attempt of a locked-out pair says
so, instead of "wrong password" (the page then answers 429, accounts.lockout)."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .lockout import locked_message, refused


class SignInForm(AuthenticationForm):
    # One message for a wrong name or password, the form's own (the page shows no second).
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
    }

    @property
    def locked_out(self) -> bool:
        return self.request is not None and refused(self.request)

    def get_invalid_login_error(self):
        if self.request is not None and refused(self.request):
            return forms.ValidationError(locked_message(self.request), code="locked_out")
        return super().get_invalid_login_error()


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    error_messages = AdminAuthenticationForm.error_messages
