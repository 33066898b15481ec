"""The sign-in forms of the site and of the admin: a refused attempt of a locked-out pair says
so, instead of "wrong password" (the page then answers 429, accounts.lockout)."""

from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .lockout import locked_message, refused


class SignInForm(AuthenticationForm):
    @property
    def locked_out(self) -> bool:
        return self.request is not None and refused(self.request)

    def get_invalid_login_error(self):
        if self.request is not None and refused(self.request):
            return forms.ValidationError(locked_message(self.request), code="locked_out")
        return super().get_invalid_login_error()


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    pass
