"""Nhật ký: the auditor's view of their organisation's audit trail, its security events and
whether its chains are intact (documents.selectors.audit_log decides what they read)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from documents import audit
from documents.history import history_label, verb_choices
from documents.selectors import audit_log
from orgchart.models import Membership

from ..middleware import request_grants

#: Where the last verification is kept between the POST that ran it and the page.
VERIFIED_KEY = "audit_verified"


def day_field(label, *, required: bool = False, example: bool = False) -> forms.DateField:
    """A day typed dd/mm/yyyy, as the other forms take it (the browser's date widget would
    show its own locale's order); ``example``: the placeholder shows one (a form's field,
    wider than a filter's)."""
    hint = (
        gettext_lazy("ngày/tháng/năm, ví dụ 31/12/2026")
        if example
        else gettext_lazy("ngày/tháng/năm")
    )
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": hint}),
    )


class FilterForm(forms.Form):
    person = forms.ChoiceField(label=gettext_lazy("Người thực hiện"), required=False)
    action = forms.ChoiceField(label=gettext_lazy("Hành động"), required=False)
    document = forms.CharField(
        label=gettext_lazy("Văn bản"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Số, ký hiệu hoặc trích yếu")}),
    )
    date_from = day_field(gettext_lazy("Từ ngày"))
    date_to = day_field(gettext_lazy("Đến ngày"))

    def __init__(self, *args, people: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        everyone = [("", _("Tất cả"))]
        self.fields["person"].choices = everyone + people  # type: ignore[attr-defined]
        self.fields["action"].choices = everyone + verb_choices()  # type: ignore[attr-defined]


def _people(user, grants) -> list[tuple[str, str]]:
    orgs = audit_log.audited_organizations(user, grants)
    members = (
        Membership.objects.all()
        if orgs is None
        else Membership.objects.filter(organization_id__in=orgs)
    )
    rows = (
        members.order_by("user__last_name", "user__first_name", "user__username")
        .values_list("user__username", "user__last_name", "user__first_name")
        .distinct()[: audit_log.MAX_PEOPLE]
    )
    seen: dict[str, str] = {}
    for username, last, first in rows:
        seen.setdefault(username, f"{last} {first}".strip() or username)
    return [(u, f"{name} ({u})") for u, name in seen.items()]


def _before(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


BREAK_WORDS = {
    "position": gettext_lazy("có sự kiện bị xóa hoặc đổi chỗ"),
    "order": gettext_lazy("thứ tự sự kiện bị đảo"),
    "link": gettext_lazy("mắt xích với sự kiện trước không khớp"),
    "content": gettext_lazy("nội dung sự kiện bị sửa"),
    "headless": gettext_lazy("chuỗi không có bản ghi đầu chuỗi"),
    "head": gettext_lazy("các sự kiện cuối chuỗi bị xóa hoặc đầu chuỗi bị sửa"),
}


class AuditLogView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflow/audit_log.html"
    security = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request, user = self.request, self.request.user
        grants = request_grants(request)
        if not audit_log.may_audit(user, grants):
            raise PermissionDenied
        form = FilterForm(request.GET or None, people=_people(user, grants))
        values = form.cleaned_data if form.is_bound and form.is_valid() else {}
        filters = audit_log.Filters(
            person=values.get("person") or "",
            action=values.get("action") or "",
            document=values.get("document") or "",
            date_from=values.get("date_from"),
            date_to=values.get("date_to"),
            before=_before(request.GET.get("before")),
        )
        select = audit_log.security_events if self.security else audit_log.trail_events
        events, more = audit_log.page_of(select(user, filters, grants))
        query = request.GET.copy()
        query.pop("before", None)
        newest = query.urlencode()
        if more and events:
            query["before"] = str(events[-1].seq)
        context.update(
            title=gettext_lazy("Nhật ký"),
            security=self.security,
            form=form,
            rows=[_row(e) for e in events],
            older=query.urlencode() if more and events else "",
            newest=newest if filters.before else None,
            verified=request.session.get(VERIFIED_KEY),
        )
        return context


def _row(event) -> dict:
    return {
        "event": event,
        "label": history_label(
            event.action,
            receipt=event.receipt_id is not None,
            data=event.data,
            from_status=event.from_status,
        ),
        "at": timezone.localtime(event.at),
        "person": event.actor or (event.data or {}).get("username", ""),
    }


class VerifyView(LoginRequiredMixin, generic.View):
    """Kiểm tra ngay: re-walk the auditor's chains (each a full walk: on demand, not on every
    page) and keep the outcome with the time it ran."""

    def post(self, request):
        grants = request_grants(request)
        if not audit_log.may_audit(request.user, grants):
            raise PermissionDenied
        chains = audit_log.audited_chains(request.user, grants)
        found = audit.verify_chains([key for key, _org in chains])
        results = []
        for key, org in chains:
            problem = found.get(key)
            results.append(
                {
                    "chain": key,
                    "name": org.name if org is not None else str(_("Hệ thống (đăng nhập)")),
                    "intact": problem is None,
                    "seq": problem.seq if problem else None,
                    "why": str(BREAK_WORDS.get(problem.kind, problem.reason)) if problem else "",
                }
            )
        request.session[VERIFIED_KEY] = {
            "at": timezone.localtime().strftime("%H:%M %d/%m/%Y"),
            "results": results,
        }
        broken = [r for r in results if not r["intact"]]
        if broken:
            messages.error(request, _("Nhật ký có chỗ bị phá vỡ: xem kết quả kiểm tra."))
        else:
            messages.success(request, _("Nhật ký toàn vẹn."))
        return redirect(
            "audit:security" if request.POST.get("tab") == "security" else "audit:index"
        )
