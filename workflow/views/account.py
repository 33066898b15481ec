"""Tài khoản: enrolling an authenticator for the step-up of signers and clerks, and the
document page's two steps that are not tasks: the signer's recall (Thu hồi, a step-up
action) and the drafter's withdrawal of a draft (Hủy dự thảo)."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View, generic

from documents import selectors, services, stepup
from documents.errors import Conflict, Forbidden, InvalidInput, OtpLocked
from documents.refusals import record_refusal

from .. import forms
from ..middleware import request_grants

PENDING = "otp_enrolment"


def recall_context(request, document) -> dict:
    """What the document page's recall block needs: shown to whoever may recall now."""
    grants = request_grants(request)
    if not selectors.can(request.user, "recall", document, grants):
        return {"shown": False}
    needed = stepup.code_needed(request, "recall", document, grants)
    return {
        "shown": True,
        "code_needed": needed,
        "has_device": stepup.has_device(request.user) if needed else True,
    }


class RecallView(LoginRequiredMixin, View):
    """Recall a dispatched document with a reason; a signer gives a code first when the
    session is not fresh. Refusals are messages on the document page; nothing changes."""

    http_method_names = ["post"]

    def post(self, request, pk):
        # NotFound renders as 404 (workflow.middleware) and puts the refusal on record.
        document = selectors.get_visible_document(request.user, pk)
        grants = request_grants(request)
        try:
            selectors.authorize(request.user, "recall", document, grants)
            code = request.POST.get("otp", "").strip()
            if code and stepup.code_needed(request, "recall", document, grants):
                stepup.step_up(request, code)
            stepup.require_fresh(request, "recall", document, grants)
            services.recall(
                actor=request.user, document=document, reason=request.POST.get("reason", "")
            )
        except InvalidInput as error:
            for text in error.messages():
                messages.error(request, text)
        except (Conflict, Forbidden, OtpLocked) as error:
            record_refusal(request, error)
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("Đã thu hồi văn bản; các nơi nhận được thông báo."))
        return redirect(reverse("outgoing:detail", args=[document.pk]))


class WithdrawView(LoginRequiredMixin, View):
    """The drafter withdraws a draft, new or returned, with an optional reason. The service
    authorises: not visible → 404, anyone else or another state → 403 (workflow.middleware,
    which puts the refusal on record); the page offers the button only to whom
    ``selectors.allowed_actions`` allows it."""

    http_method_names = ["post"]

    def post(self, request, pk):
        document = selectors.get_visible_document(request.user, pk)
        services.withdraw(
            actor=request.user, document=document, reason=request.POST.get("reason", "").strip()
        )
        messages.success(request, _("Đã hủy dự thảo."))
        return redirect(reverse("outgoing:detail", args=[document.pk]))


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    # The SVG is drawn here from our own otpauth:// address; nothing in it comes from input.
    return mark_safe(image.to_string(encoding="unicode"))  # nosec B308 B703


class OtpEnrolView(LoginRequiredMixin, generic.TemplateView):
    """Xác thực hai bước: scan a new authenticator, confirm it with its first code, and
    receive ten backup codes, shown once. Replacing an authenticator one already has needs
    a current code (or a backup code) first."""

    template_name = "workflow/account_otp.html"

    def locked(self) -> bool:
        """Someone with an authenticator re-enrols only from a fresh session."""
        request = self.request
        return stepup.has_device(request.user) and stepup.fresh_until(request) is None

    def get(self, request, *args, **kwargs):
        return self.render(forms.OtpForm())

    def post(self, request, *args, **kwargs):
        form = forms.OtpForm(request.POST)
        if not form.is_valid():
            return self.render(form)
        try:
            if self.locked():
                stepup.step_up(request, form.cleaned_data["otp"])
                return redirect(reverse("account:otp"))
            device = stepup.pending_device(request.user, request.session.get(PENDING))
            if device is None:
                return redirect(reverse("account:otp"))
            codes = stepup.confirm_enrolment(device, form.cleaned_data["otp"])
        except (InvalidInput, OtpLocked) as error:
            form.add_error("otp", str(error.detail))
            return self.render(form)
        request.session.pop(PENDING, None)
        messages.success(request, _("Đã đăng ký ứng dụng xác thực."))
        return self.render_to_response(
            self.get_context_data(backup_codes=codes, enrolled=True, form=None)
        )

    def render(self, form):
        request = self.request
        context: dict = {"form": form, "locked": self.locked()}
        if not context["locked"]:
            device = stepup.pending_device(request.user, request.session.get(PENDING))
            if device is None:
                device = stepup.start_enrolment(request.user)
                request.session[PENDING] = device.pk
            context.update(qr=qr_svg(device.config_url), secret=stepup.secret_of(device))
        context["has_device"] = stepup.has_device(request.user)
        return self.render_to_response(self.get_context_data(**context))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = gettext_lazy("Xác thực hai bước")
        return context
