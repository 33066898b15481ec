"""Văn bản đi, văn bản đến, the document page, the draft form and the org chart."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from documents import rendering, selectors, services
from documents.errors import InvalidInput
from documents.models import DocType, DocumentStatus
from documents.paging import BoundedPaginator
from documents.report_forms import MAX_ANSWERED
from orgchart.models import Membership, Organization, RoleCode

from .. import forms
from ..answer_forms import AnswersForm
from ..bookkeeping import open_task
from ..middleware import request_grants
from . import answers
from .account import recall_context
from .card import document_context, format_date
from .receipts import receipt_table_context
from .receiving import may_acknowledge, my_receipts_context
from .sharing import sharing_context


class OutgoingListView(LoginRequiredMixin, generic.TemplateView):
    """Documents issued by the user's organisations (or drafted by the user), as far as the
    user may see them, filtered in SQL."""

    template_name = "workflow/outgoing_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grants = request_grants(self.request)
        user = self.request.user
        documents = selectors.visible_documents(user, grants).filter(
            Q(issuer_id__in=list(grants.member_of)) | Q(drafter_id=user.pk)
        )
        params = self.request.GET
        status, doc_type, q = (
            params.get("status", ""),
            params.get("doc_type", ""),
            params.get("q", ""),
        )
        if status in DocumentStatus.values:
            documents = documents.filter(status=status)
        if doc_type in DocType.values:
            documents = documents.filter(doc_type=doc_type)
        documents = selectors.matching_documents(documents, q)
        documents = documents.select_related("issuer", "drafter").order_by("-created_at", "-pk")
        page = BoundedPaginator(documents, self.paginate_by).get_page(params.get("page"))
        context.update(
            page=page,
            documents=list(page.object_list),
            statuses=DocumentStatus.choices,
            doc_types=DocType.choices,
            current={"status": status, "doc_type": doc_type, "q": q},
            can_draft=may_draft(self.request),
            title=gettext_lazy("Văn bản đi"),
        )
        return context


class IncomingListView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflow/incoming_list.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grants = request_grants(self.request)
        q = self.request.GET.get("q", "")
        receipts = (
            selectors.matching_receipts(selectors.incoming_receipts(self.request.user, grants), q)
            .exclude(status="pending")
            .select_related("document__issuer", "organization", "assignee")
            .order_by("-created_at", "-pk")
        )
        page = BoundedPaginator(receipts, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        for receipt in rows:
            receipt.received_on = format_date(receipt.received_at)
            receipt.may_acknowledge = may_acknowledge(grants, self.request.user, receipt)
        context.update(
            page=page,
            receipts=rows,
            current={"q": q},
            can_acknowledge_any=any(r.may_acknowledge for r in rows),
            title=gettext_lazy("Văn bản đến"),
        )
        return context


class DocumentPdfView(LoginRequiredMixin, generic.View):
    """The document's PDF, opened inline in the browser's own viewer, for whoever may see the
    document (404 otherwise, as the page)."""

    def get(self, request, pk: int):
        # NotFound renders as 404 (workflow.middleware) and puts the refusal on record.
        document = selectors.get_visible_document(request.user, pk)
        return rendering.pdf_response(document, download="download" in request.GET)


#: The states in which what a document asked is followed up: once it is out.
FOLLOWED = (DocumentStatus.DISPATCHED, DocumentStatus.COMPLETED)


class DocumentDetailView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflow/document_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # NotFound renders as 404 (workflow.middleware) and puts the refusal on record.
        document = selectors.get_visible_document(self.request.user, self.kwargs["pk"])
        context.update(document_context(self.request, document, full=True))
        context["sharing"] = sharing_context(self.request, document)
        context["recall"] = recall_context(self.request, document)
        context.update(receipt_table_context(self.request, document, context["allowed_actions"]))
        context["mine"] = my_receipts_context(
            self.request, context.get("my_receipts", []), open_task=open_task
        )
        # A ward's reply: what it answered to the forms it fulfils, for whoever reads it.
        context["given_answers"] = selectors.reply_answers(document)
        if context["issuer_side"] and document.status in FOLLOWED:
            # What it asked of its recipients: the way to its roll-up (views.rollup).
            context["asked"] = list(document.obligations.all())
        task = open_task(document)
        context["open_task"] = task
        if task is not None:
            context["open_task_url"] = task.flow_task.reverse(
                "execute", args=[task.process_id, task.pk]
            )
            context["open_task_mine"] = task.flow_task.can_execute(self.request.user, task)
        context["title"] = document.symbol or document.get_doc_type_display()
        return context


def _drafting_orgs(request) -> list:
    return sorted(request_grants(request).orgs_with(RoleCode.DRAFTER))


def may_draft(request) -> bool:
    """May this person open the draft form (the menu and buttons offer it only then)."""
    return bool(request.user.is_authenticated and _drafting_orgs(request))


def _drafting_org(request) -> Organization:
    orgs = _drafting_orgs(request)
    if not orgs:
        raise PermissionDenied
    return Organization.objects.get(pk=orgs[0])


class DraftCreateView(LoginRequiredMixin, generic.FormView):
    template_name = "workflow/draft_form.html"
    form_class = forms.DraftForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.answer = None
        if request.method == "GET" and "tra-loi" in request.GET:
            # Opened from one's own copy: the answer to what it asks (views.answers).
            self.answer = answers.answer_from_copy(
                request,
                request.GET.get("tra-loi"),
                request.GET.get("yeu-cau"),
                request.GET.get("ky"),
            )
            self.issuer = self.answer.issuer
            self.reply_periods = answers.period_choices(
                self.issuer, self.answer.receipt.pk, [self.answer.initial["reply_fulfils"]]
            )
            owed = selectors.owed_forms(
                self.issuer, self.answer.receipt.pk, [self.answer.initial["reply_fulfils"]]
            )
        else:
            answering = answers.answering_issuer(request, request.POST.get("reply_to"))
            self.issuer = answering or _drafting_org(request)
            self.reply_periods = answers.period_choices(
                answering,
                request.POST.get("reply_to"),
                request.POST.get("reply_fulfils", "").split(",")[:MAX_ANSWERED],
            )
            owed = (
                selectors.owed_forms(
                    answering,
                    request.POST.get("reply_to"),
                    request.POST.get("reply_fulfils", "").split(",")[:MAX_ANSWERED],
                )
                if answering
                else []
            )
        # The figures of the forms the reply fulfils, typed beside the draft (answer_forms).
        self.answers_form = AnswersForm(
            request.POST if request.method == "POST" else None, obligations=owed
        )
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return dict(self.answer.initial) if self.answer else super().get_initial()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["issuer"] = self.issuer
        kwargs["reply_periods"] = self.reply_periods
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        if not self.answers_form.is_valid():
            return self.form_invalid(form)
        try:
            # The draft and its files stand or fall together.
            with transaction.atomic():
                document = services.create_draft(
                    actor=self.request.user,
                    issuer=self.issuer,
                    doc_type=data["doc_type"],
                    title=data["title"],
                    body=data["body"],
                    can_cu=data.get("can_cu") or "",
                    urgency=data["urgency"],
                    secrecy=data["secrecy"],
                    authority_prefix=data.get("authority_prefix") or "",
                    collective_name=data.get("collective_name") or "",
                    signer=data.get("signer"),
                    recipients=form.recipients(),
                    obligations=form.obligations(),
                    replies_to=data.get("reply_to"),
                    fulfils=form.fulfils(),
                    fulfils_periods=form.fulfils_periods(),
                    answers=self.answers_form.answers() or None,
                )
                for upload, content_type in zip(
                    data.get("attachments") or [], form.attachment_types, strict=True
                ):
                    services.add_attachment(
                        actor=self.request.user,
                        document=document,
                        uploaded_file=upload,
                        content_type=content_type,
                        original_name=upload.name,
                    )
        except InvalidInput as error:
            self._say_refusals(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Đã tạo dự thảo. Hãy trình duyệt khi sẵn sàng."))
        return redirect(reverse("outgoing:detail", args=[document.pk]))

    def _say_refusals(self, form, error: InvalidInput) -> None:
        """Each of the service's refusals where it is said: on its input, in its part of
        the form, or above it for what hidden fields carry."""
        for field, field_messages in error.errors.items():
            if self.answers_form.take_errors(field, field_messages):
                continue
            if field == "recipients":
                # Said in the recipients' part, where they are chosen.
                form.recipient_messages.extend(field_messages)
                continue
            if field == "obligations":
                form.obligation_messages.extend(field_messages)
                continue
            if field == "fulfils_periods":
                for text in field_messages:
                    form.add_error("reply_period", text)
                continue
            if field in ("replies_to", "fulfils"):
                # The copy answered is carried in hidden fields: said above the form.
                for text in field_messages:
                    form.add_error(None, text)
                continue
            for text in field_messages:
                form.add_error(field if field in form.fields else None, text)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            issuer=self.issuer, title=gettext_lazy("Soạn dự thảo"), answers_form=self.answers_form
        )
        if self.answer is not None:
            context["answering"] = self.answer.label
        return context


class OrgChartView(LoginRequiredMixin, generic.TemplateView):
    """Read-only for everyone; changes are made in the back office by administrators."""

    template_name = "workflow/orgchart.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        orgs = list(
            Organization.objects.active().select_related("parent").order_by("order", "code")
        )
        people: dict[int, list] = {}
        memberships = (
            Membership.objects.active()
            .select_related("user", "position")
            .order_by("organization_id", "position__name", "user__username")
        )
        for membership in memberships:
            people.setdefault(membership.organization_id, []).append(membership)
        for org in orgs:
            org.people = people.get(org.pk, [])
        context.update(organizations=orgs, title=gettext_lazy("Sơ đồ tổ chức"))
        return context
