"""Tài khoản: a person's own browser sessions and API tokens, each of which they may end."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from documents import audit

from .api import own_tokens, revoke_token
from .auth import public_id
from .lockout import client_address
from .models import Session


def session_id(session_key: str) -> str:
    """A session's name on the page: not its key, which is the cookie's secret."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]


def own_sessions(request):
    return Session.objects.filter(user=request.user, expire_date__gt=timezone.now())


class AccountView(LoginRequiredMixin, generic.TemplateView):
    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = self.request.session.session_key
        sessions = [
            {
                "id": session_id(s.session_key),
                "current": s.session_key == current,
                "ip": s.ip,
                "user_agent": s.user_agent,
                "signed_in_at": s.signed_in_at,
                "expire_date": s.expire_date,
            }
            for s in own_sessions(self.request).order_by("-signed_in_at", "-expire_date")
        ]
        sessions.sort(key=lambda row: not row["current"])
        tokens = [
            {"id": public_id(t), "created": t.created, "expiry": t.expiry}
            for t in own_tokens(self.request).order_by("-created")
        ]
        context.update(
            sessions=sessions,
            tokens=tokens,
            ttl_hours=settings.TOKEN_TTL_HOURS,
            title=gettext_lazy("Phiên đăng nhập và mã truy cập"),
        )
        return context


class EndSessionView(LoginRequiredMixin, generic.View):
    def post(self, request, id: str):
        for session in own_sessions(request):
            if session_id(session.session_key) != id:
                continue
            if session.session_key == request.session.session_key:
                logout(request)
                return redirect("login")
            session.delete()
            audit.record(
                actor=request.user,
                action="logout",
                data={"session": id},
                ip=client_address(request),
            )
            messages.success(request, _("Đã kết thúc phiên đăng nhập."))
            return redirect("account:index")
        raise Http404


class RevokeTokenView(LoginRequiredMixin, generic.View):
    def post(self, request, id: str):
        if revoke_token(request, id) is None:
            raise Http404
        messages.success(request, _("Đã thu hồi mã truy cập."))
        return redirect("account:index")
