"""The screen of a human task: the document, and a form whose submission is one service call.

It runs inside ``nodes.guarded_task_view``. The service closes the task and opens the next
(``workflow.bookkeeping``, in the same transaction). When the service refuses the input the
transaction is rolled back and the form shown again with the service's messages; when the
step is no longer this person's (taken meanwhile) a message says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from documents import selectors, services, stepup
from documents.choices import SignatureStatus
from documents.errors import Conflict, Forbidden, InvalidInput, NotFound, OtpLocked
from documents.models import Document, Receipt
from documents.signing import SigningUnavailable
from documents.templatetags.vanban import ho_ten

from .. import forms
from ..answer_forms import AnswersForm
from ..middleware import CONCURRENT_MESSAGE, request_grants
from .card import decision_context, document_context, document_url
from .receiving import my_receipts_context
from .versions import compared


def _submit(actor, document, data) -> str:
    services.submit(actor=actor, document=document, comment=data.get("comment", ""))
    return _("Đã trình duyệt dự thảo.")


def _revise(actor, document, data) -> str:
    # ``answers`` only when the reply has forms to answer (TaskView.answers_form).
    changes = {k: data[k] for k in ("title", "body", "can_cu", "answers") if k in data}
    services.edit_draft(actor=actor, document=document, **changes)
    services.submit(actor=actor, document=document, comment=data.get("comment", ""))
    return _("Đã trình lại dự thảo.")


def _review(actor, document, data) -> str:
    services.review(
        actor=actor, document=document, decision=data["decision"], comment=data.get("comment", "")
    )
    if data["decision"] == "return":
        return _("Đã trả lại dự thảo cho người soạn thảo.")
    return _("Đã duyệt, văn bản chuyển bước tiếp theo.")


def _sign(actor, document, data) -> str:
    if data["decision"] == "hand_over":
        document = services.hand_over(
            actor=actor, document=document, signer=data["signer"], comment=data.get("comment", "")
        )
        signer = document.signer
        return _("Đã chuyển văn bản cho đồng chí %(name)s ký.") % {"name": ho_ten(signer)}
    services.sign(
        actor=actor, document=document, decision=data["decision"], comment=data["comment"]
    )
    if data["decision"] == "return":
        return _("Đã trả lại dự thảo cho người soạn thảo.")
    return _("Đã ký văn bản.")


def _register(actor, document, data) -> str:
    document = services.register(actor=actor, document=document)
    return _("Đã vào sổ: số %(symbol)s.") % {"symbol": document.symbol}


def _dispatch(actor, document, data) -> str:
    services.dispatch(actor=actor, document=document)
    return _("Đã phát hành văn bản tới các nơi nhận.")


def _acknowledge(actor, receipt, data) -> str:
    if data["decision"] == "refuse":
        services.refuse(actor=actor, receipt=receipt, reason=data.get("reason", ""))
        return _("Đã từ chối tiếp nhận.")
    receipt = services.acknowledge(
        actor=actor, receipt=receipt, override_reason=data.get("override_reason", "")
    )
    return _("Đã tiếp nhận, số đến %(number)s.") % {"number": receipt.incoming_number}


def _assign(actor, receipt, data) -> str:
    services.assign(
        actor=actor,
        receipt=receipt,
        assignee=data["assignee"],
        deadline=data.get("deadline"),
        coordinators=list(data.get("coordinators") or []),
        informed=list(data.get("informed") or []),
        instruction=data.get("instruction", ""),
    )
    return _("Đã phân công xử lý.")


def _complete(actor, receipt, data) -> str:
    services.complete(actor=actor, receipt=receipt, report=data["report"])
    return _("Đã hoàn thành và báo cáo kết quả.")


@dataclass(frozen=True)
class Step:
    form: type[django_forms.Form]
    button: Promise
    #: (actor, artifact, cleaned data) → the message to show; calls the services.
    perform: Callable[[Any, Any, dict], str]


#: task kind (documents.lifecycle) → its screen; a test checks that every task kind has
#: exactly one entry.
STEPS: dict[str, Step] = {
    "submit": Step(forms.ConfirmForm, gettext_lazy("Trình duyệt"), _submit),
    "revise": Step(forms.ReviseForm, gettext_lazy("Trình lại"), _revise),
    "review": Step(forms.ReviewForm, gettext_lazy("Gửi ý kiến"), _review),
    "format_check": Step(forms.ReviewForm, gettext_lazy("Gửi ý kiến"), _review),
    "sign": Step(forms.SignForm, gettext_lazy("Xác nhận"), _sign),
    "register": Step(forms.ConfirmForm, gettext_lazy("Vào sổ, cấp số"), _register),
    "dispatch": Step(forms.ConfirmForm, gettext_lazy("Phát hành"), _dispatch),
    "acknowledge": Step(forms.ReceiveForm, gettext_lazy("Xác nhận"), _acknowledge),
    "assign": Step(forms.AssignForm, gettext_lazy("Phân công"), _assign),
    "complete": Step(forms.ReportForm, gettext_lazy("Hoàn thành"), _complete),
}


#: The steps that decide on a draft: their screens show the body, the attachments and the
#: earlier comments beside the form, so nobody approves, signs or revises blind.
DECISION_STEPS = frozenset({"review", "format_check", "sign", "revise"})

#: Of those, the steps that judge a submitted version: they show what changed since the
#: version before, when there is one.
COMPARING_STEPS = frozenset({"review", "format_check", "sign"})


def perform(step: str, actor, artifact, data: dict) -> str:
    """Call the service of ``step``; return the message to show."""
    return STEPS[step].perform(actor, artifact, data)


class TaskView(generic.FormView):
    step = ""
    template_name = "workflow/task.html"

    @property
    def activation(self):
        return self.request.activation

    @property
    def artifact(self):
        if not hasattr(self, "_artifact"):
            self._artifact = self.activation.process.artifact
        return self._artifact

    def get_form_class(self):
        return STEPS[self.step].form

    def action_of(self, data: dict) -> str:
        """The lifecycle action this submission takes: the task's, or handing over."""
        if self.step == "sign" and data.get("decision") == "hand_over":
            return "hand_over"
        return self.activation.task.flow_task.action

    @property
    def code_needed(self) -> bool:
        """Before the first step-up action in a window, the screen asks for a code."""
        if not hasattr(self, "_code_needed"):
            self._code_needed = stepup.code_needed(
                self.request,
                self.activation.task.flow_task.action,
                self.artifact,
                request_grants(self.request),
            )
        return self._code_needed

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.code_needed and stepup.has_device(self.request.user):
            form.fields["otp"] = forms.OtpField()
        if self.step == "acknowledge" and self.artifact.signature_status == SignatureStatus.INVALID:
            form.fields["override_reason"] = forms.override_reason_field()
        return form

    def stepped_up(self, form) -> bool:
        """Take the code typed on this screen; False (with the error on the form) when the
        action needs a fresh code and none was given, or a wrong or used one."""
        action = self.action_of(form.cleaned_data)
        grants = request_grants(self.request)
        try:
            code = form.cleaned_data.get("otp")
            if code and stepup.code_needed(self.request, action, self.artifact, grants):
                stepup.step_up(self.request, code)
            stepup.require_fresh(self.request, action, self.artifact, grants)
        except (InvalidInput, OtpLocked, Forbidden) as error:
            form.add_error("otp" if "otp" in form.fields else None, str(error.detail))
            form.data = form.data.copy()
            form.data["otp"] = ""  # a spent or wrong code is not shown again
            return False
        return True

    @property
    def answers_form(self) -> AnswersForm:
        """A ward's reply sent back for revision: its form reports' figures, editable with
        its text (empty, and not shown, on every other step)."""
        if not hasattr(self, "_answers_form"):
            obligations: list = []
            given: dict[int, dict] = {}
            if self.step == "revise" and isinstance(self.artifact, Document):
                obligations, given = selectors.draft_answers(self.artifact)
            data = self.request.POST if self.request.method == "POST" else None
            self._answers_form = AnswersForm(data, obligations=obligations, given=given)
        return self._answers_form

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.step == "sign":
            kwargs["issuer"] = self.artifact.issuer
            kwargs["exclude"] = self.artifact.signer
        if self.step == "assign":
            kwargs["organization"] = self.artifact.organization
        if self.step == "revise":
            kwargs["initial"] = {
                "title": self.artifact.title,
                "can_cu": self.artifact.can_cu,
                "body": self.artifact.body,
            }
        return kwargs

    def form_valid(self, form):
        if not self.stepped_up(form):
            return self.form_invalid(form)
        # The claim and the service call stand or fall together: input the service refuses
        # leaves the task where it was, in the queue if it came from there.
        data = dict(form.cleaned_data)
        if self.answers_form:
            if not self.answers_form.is_valid():
                return self.form_invalid(form)
            data["answers"] = self.answers_form.answers()
        savepoint = transaction.savepoint()
        try:
            message = perform(self.step, self.request.user, self.artifact, data)
        except (Conflict, Forbidden, NotFound, InvalidInput, SigningUnavailable) as error:
            transaction.savepoint_rollback(savepoint)
            if isinstance(error, InvalidInput) or error.field is not None:
                # Refused for what the person typed or can change here: said on the form,
                # nothing written, the task stays.
                self.activation.task.refresh_from_db()
                errors = (
                    error.errors
                    if isinstance(error, InvalidInput)
                    else {error.field: [str(error.detail)]}
                )
                for field, field_messages in errors.items():
                    if self.answers_form.take_errors(field, field_messages):
                        continue
                    for text in field_messages:
                        form.add_error(field if field in form.fields else None, text)
                return self.form_invalid(form)
            # The document moved on while this form was open (another screen, the API): the
            # step is no longer this person's to take here.
            messages.error(self.request, CONCURRENT_MESSAGE)
            return redirect(self.get_success_url())
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_url(self):
        return document_url(self.artifact)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.artifact if isinstance(self.artifact, Document) else None
        receipt = self.artifact if isinstance(self.artifact, Receipt) else None
        if receipt is not None:
            document = receipt.document
        context.update(
            task=self.activation.task,
            step=self.step,
            submit_label=STEPS[self.step].button,
            code_needed=self.code_needed,
            has_device=stepup.has_device(self.request.user) if self.code_needed else True,
            receipt=receipt,
            decides=self.step in DECISION_STEPS and document is not None,
            answers_form=self.answers_form,
            **document_context(self.request, document, full=False),
        )
        if context["decides"]:
            context.update(decision_context(self.request, document))
        if context["decides"] and self.step in COMPARING_STEPS:
            comparison = compared(document)
            context["comparison"] = comparison if comparison.get("previous") else None
        if receipt is not None and self.step == "complete":
            # The chủ trì reports with the instruction, the phối hợp parts and the progress
            # in view, and may add a progress note from here.
            context["handling"] = my_receipts_context(self.request, [receipt])[0]
            context["next_url"] = self.request.get_full_path()
        return context
