"""Văn bản giấy đến: the clerk registers a document that came on paper (its scan attached)
in one service call, and every copy registered from outside (paper, e-mail, an edXML
package) gets a page of its own: what the sender wrote, the scan, the steps and the person's
next step on the existing task screens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import generic

from documents import downloads, selectors, services, uploads
from documents.errors import Forbidden, InvalidInput, NotFound
from documents.exchanged import ExchangedDocument
from documents.history import history_label
from documents.models import DocType, Purpose, Receipt, Urgency
from documents.selectors.trail import copy_trail
from documents.services.receiving import MAX_SCANS, Scan
from orgchart.models import Organization, RoleCode

from ..bookkeeping import open_task
from ..forms import MultipleFileField, MultipleFileInput
from ..middleware import request_grants
from .card import file_rows
from .receiving import my_receipts_context

#: What a scanner gives; the check itself reads the bytes (documents.uploads).
SCAN_EXTENSIONS = ".pdf,.png,.jpg,.jpeg"


class PaperForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Vào sổ của"), queryset=Organization.objects.none(), empty_label=None
    )
    sender_name = forms.CharField(label=gettext_lazy("Cơ quan gửi"), max_length=255)
    sender_symbol = forms.CharField(
        label=gettext_lazy("Số, ký hiệu"), max_length=80, required=False
    )
    sender_date = forms.DateField(
        label=gettext_lazy("Ngày văn bản"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    title = forms.CharField(
        label=gettext_lazy("Trích yếu"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    doc_type = forms.ChoiceField(
        label=gettext_lazy("Loại văn bản"),
        choices=[("", "—"), *DocType.choices],
        required=False,
    )
    urgency = forms.ChoiceField(label=gettext_lazy("Độ khẩn"), choices=Urgency.choices)
    secret = forms.BooleanField(label=gettext_lazy("Văn bản mật (vào sổ mật)"), required=False)
    purpose = forms.ChoiceField(
        label=gettext_lazy("Mục đích"), choices=Purpose.choices, initial=Purpose.EXECUTE
    )
    scans = MultipleFileField(
        label=gettext_lazy("Bản quét"),
        help_text=gettext_lazy("Tệp PDF hoặc ảnh (PNG, JPEG), tối đa %(limit)s MB mỗi tệp."),
        widget=MultipleFileInput(attrs={"accept": SCAN_EXTENSIONS}),
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        scans = self.fields["scans"]
        scans.help_text = scans.help_text % {"limit": uploads.limit_in_mb()}
        self.scans: list[Scan] = []

    def clean_scans(self):
        """Each file gets the one upload check (documents.uploads), as the API's; the service
        then refuses what is not a scan."""
        files = self.cleaned_data.get("scans") or []
        if len(files) > MAX_SCANS:
            raise ValidationError(_("Tối đa %(count)s tệp bản quét.") % {"count": MAX_SCANS})
        problems, self.scans = [], []
        for upload in files:
            try:
                content_type = uploads.check(upload)
            except ValidationError as error:
                problems.extend(f"{upload.name}: {message}" for message in error.messages)
            else:
                self.scans.append(Scan(file=upload, content_type=content_type, name=upload.name))
        if problems:
            raise ValidationError(problems)
        return files


def _clerk_orgs(request):
    return Organization.objects.filter(
        pk__in=request_grants(request).orgs_with(RoleCode.CLERK)
    ).order_by("name")


def may_register_paper(request) -> bool:
    """The menu offers the form to the clerks the service lets in (no query)."""
    return bool(request_grants(request).orgs_with(RoleCode.CLERK))


class PaperCreateView(LoginRequiredMixin, generic.FormView):
    """Vào sổ văn bản đến: the clerk's form; the service decides (403 for anyone else)."""

    template_name = "workflow/paper_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_register_paper(request):
            raise Forbidden()
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return PaperForm(organizations=_clerk_orgs(self.request), **self.get_form_kwargs())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", pgettext_lazy("paper", "Vào sổ văn bản đến"))
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            receipt = services.register_incoming(
                actor=self.request.user,
                organization=data["organization"],
                sender_name=data["sender_name"],
                sender_symbol=data["sender_symbol"],
                sender_date=data["sender_date"],
                title=data["title"],
                doc_type=data["doc_type"],
                urgency=data["urgency"],
                secret=data["secret"],
                purpose=data["purpose"],
                scans=form.scans,
            )
        except InvalidInput as error:
            for name, field_messages in error.errors.items():
                for message in field_messages:
                    form.add_error(name if name in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Đã vào sổ văn bản đến, số đến %(number)s.") % {"number": receipt.incoming_number},
        )
        return redirect("incoming:copy", pk=receipt.pk)


class CopyView(LoginRequiredMixin, generic.TemplateView):
    """A copy's own page. A copy of one of our documents is read on the document's page; a
    copy registered from outside is read here. Not visible → 404 (the receipt selectors)."""

    template_name = "workflow/copy_detail.html"

    def get(self, request, *args, **kwargs):
        receipt = selectors.get_visible_receipt(request.user, kwargs["pk"])
        if receipt.document_id is not None:
            return redirect("outgoing:detail", pk=receipt.document_id)
        self.receipt = receipt
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        receipt = self.receipt
        grants = request_grants(self.request)
        mine = (
            selectors.incoming_receipts(self.request.user, grants)
            .filter(pk=receipt.pk)
            .select_related("organization", "assignee")
        )
        context.update(
            receipt=receipt,
            scans=scan_rows(receipt),
            exchanged=ExchangedDocument.objects.filter(receipt=receipt).first(),
            events=_steps(receipt),
            mine=my_receipts_context(self.request, list(mine), open_task=open_task),
            title=receipt.sender_symbol or receipt.sender_title,
        )
        return context


def _steps(receipt: Receipt) -> list[dict]:
    """The copy's own trail: every event of this receipt (its organisation's people read it)."""
    events = copy_trail(receipt).select_related("actor")[:200]
    return [
        {
            "event": e,
            "label": history_label(e.action, receipt=True, data=e.data),
            "at": timezone.localtime(e.at),
        }
        for e in events
    ]


def scan_rows(receipt: Receipt) -> list[dict]:
    return file_rows(
        receipt.attachments.order_by("pk"),
        lambda a: reverse("incoming:copy-file", args=[receipt.pk, a.pk]),
    )


class CopyFileView(LoginRequiredMixin, generic.View):
    """A file of a copy, for whoever sees the copy (404 otherwise, as the page)."""

    def get(self, request, pk: int, attachment_id: int):
        receipt = selectors.get_visible_receipt(request.user, pk)
        attachment = receipt.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound()
        return downloads.attachment_response(attachment, inline="inline" in request.GET)
