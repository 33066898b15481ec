"""Ủy quyền: the delegations a person gave and received, the form to give one, and ending one
early; every change goes through documents.services.delegation."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from documents import services
from documents.errors import NotFound, ServiceError
from documents.services.delegation import max_days
from orgchart.models import LENDABLE_ROLES, Delegation, Organization, RoleCode
from orgchart.selectors import lendable_roles, lending_organizations, people_of

from ..forms import MemberChoiceField
from .audit_log import day_field

#: The largest id a database key holds (workflow.viewsets.MAX_ID).
MAX_ID = 2**63 - 1
#: Delegations listed, newest first; older ones are the admin's and the trail's.
LISTED = 50


class DelegationForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan"), queryset=Organization.objects.none()
    )
    deputy = MemberChoiceField(
        label=gettext_lazy("Người được ủy quyền"), queryset=get_user_model().objects.none()
    )
    roles = forms.MultipleChoiceField(
        label=gettext_lazy("Vai trò ủy quyền"), widget=forms.CheckboxSelectMultiple
    )
    valid_from = day_field(gettext_lazy("Từ ngày"), required=True, example=True)
    valid_to = day_field(gettext_lazy("Đến ngày"), required=True, example=True)
    note = forms.CharField(
        label=gettext_lazy("Nội dung ủy quyền"),
        max_length=Delegation._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, principal, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = lending_organizations(principal).order_by("order", "code")
        organization = cast(forms.ModelChoiceField, self.fields["organization"])
        organization.queryset = orgs
        chosen = orgs.filter(pk=self.data.get("organization") or 0).first() or orgs.first()
        if chosen is not None:
            organization.initial = chosen.pk
            people = people_of(chosen.pk).exclude(pk=principal.pk)
            cast(forms.ModelChoiceField, self.fields["deputy"]).queryset = people
        # The roles the principal holds and may lend; the service checks the dates.
        self.fields["valid_from"].initial = timezone.localdate()
        held = _held_roles(principal, orgs)
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = [
            (code, RoleCode(code).label) for code in LENDABLE_ROLES if code in held
        ]
        self.fields["valid_to"].help_text = _("Dài nhất %(days)s ngày.") % {"days": max_days()}
        self.fields["note"].help_text = _(
            "Việc gì, trong phạm vi nào: ủy quyền phải bằng văn bản, có thời hạn và nội dung."
        )


def _held_roles(principal, orgs) -> set[str]:
    today = timezone.localdate()
    held: set[str] = set()
    for org in orgs:
        held |= lendable_roles(principal, org.pk, today, today)
    return held


def _rows(queryset) -> list[Delegation]:
    rows = list(
        queryset.select_related("principal", "deputy", "organization")
        .prefetch_related("roles")
        .order_by("-valid_to", "-pk")[:LISTED]
    )
    today = timezone.localdate()
    for row in rows:
        row.in_force = row.ended_at is None and row.valid_from <= today <= row.valid_to
        row.may_end = row.ended_at is None and row.valid_to >= today
        row.role_names = ", ".join(str(RoleCode(r.code).label) for r in row.roles.all())
    return rows


class DelegationsView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflow/delegations.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        form = kwargs.get("form") or DelegationForm(principal=user)
        context.update(
            title=gettext_lazy("Ủy quyền"),
            form=form,
            may_lend=bool(cast(forms.MultipleChoiceField, form.fields["roles"]).choices),
            given=_rows(Delegation.objects.filter(principal=user)),
            received=_rows(Delegation.objects.filter(deputy=user)),
        )
        return context

    def post(self, request):
        form = DelegationForm(request.POST, principal=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.delegate(
                    actor=request.user,
                    deputy=data["deputy"],
                    organization=data["organization"],
                    roles=data["roles"],
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                    note=data["note"],
                )
            except ServiceError as exc:
                for field, errors in getattr(exc, "errors", {"": [str(exc.detail)]}).items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Đã ủy quyền."))
                return redirect("orgchart:delegations")
        response = self.render_to_response(self.get_context_data(form=form))
        response.status_code = 400
        return response


class EndDelegationView(LoginRequiredMixin, generic.View):
    def post(self, request, pk: int):
        if pk > MAX_ID:
            raise Http404
        delegation = Delegation.objects.filter(pk=pk).first()
        if delegation is None:
            raise Http404
        if request.user.pk not in (delegation.principal_id, delegation.deputy_id):
            # Someone else's: not found, as any object one may not see, and on record.
            raise NotFound(subject=delegation)
        # Forbidden and Conflict render as 403 and 409 (workflow.middleware).
        services.end_delegation(actor=request.user, delegation=delegation)
        messages.success(request, _("Đã kết thúc ủy quyền."))
        return redirect("orgchart:delegations")
