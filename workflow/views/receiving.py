"""The recipient's side of the document page and of Văn bản đến: the next step of one's own
copy where one stands (tiếp nhận at once, the other steps on their task screens), progress
notes and phối hợp contributions, and tiếp nhận of several copies at once. Every write is one
service call; what is offered comes from ``selectors.allowed_actions``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from viewflow.workflow.models import Task

from documents import selectors, services
from documents.choices import SignatureStatus
from documents.errors import Conflict, Forbidden, InvalidInput, NotFound
from documents.lifecycle import RECEIPT
from documents.models import Receipt
from documents.obligations import ItemStatus
from documents.refusals import record_refusal
from orgchart.models import RoleCode

from ..middleware import request_grants


@dataclass
class MyReceipt:
    receipt: Receipt
    actions: list[str]
    task_url: str | None = None
    task_title: str = ""
    lead: list = field(default_factory=list)
    coordinators: list = field(default_factory=list)
    informed: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    #: What the copy's organisation owes (``selectors.owed``), each with the address of the
    #: prefilled draft of its answer for the organisation's drafters.
    owed: list = field(default_factory=list)

    @property
    def quick_acknowledge(self) -> bool:
        """Tiếp nhận in one click, unless the signatures failed and a reason is asked."""
        return (
            "acknowledge" in self.actions
            and self.receipt.signature_status != SignatureStatus.INVALID
        )

    @property
    def done(self) -> bool:
        return self.receipt.status == "completed"


def my_receipts_context(
    request, receipts: list[Receipt], *, open_task: Callable[[Receipt], Task | None] | None = None
) -> list[MyReceipt]:
    """The person's own copies of the document, each with what they may do next; with
    ``open_task`` (the bookkeeping's, which the task screens cannot import: it imports the
    flows, which import them), the screen of that next step."""
    if not receipts:
        return []
    grants = request_grants(request)
    selectors.prefetch_handling(receipts)
    rows = []
    for receipt in receipts:
        actions = selectors.allowed_actions(request.user, receipt, grants, known_visible=True)
        row = MyReceipt(receipt=receipt, actions=actions)
        handling = selectors.handling_of(receipt, user=request.user, grants=grants)
        if handling is not None:
            row.lead, row.coordinators = handling.lead, handling.coordinators
            row.informed, row.notes = handling.informed, handling.progress
        row.owed = owed_rows(request, receipt)
        declared = RECEIPT.task_for(receipt)
        if open_task is not None and declared is not None and declared.action in actions:
            task = open_task(receipt)
            if task is not None and task.flow_task.can_execute(request.user, task):
                row.task_url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
                row.task_title = str(declared.title)
        rows.append(row)
    return rows


#: The items a reply may still be written for: a later reply replaces an earlier one, but
#: once fulfilled the page offers no second draft.
ANSWERABLE = (ItemStatus.PENDING, ItemStatus.OVERDUE)


def owed_rows(request, receipt: Receipt) -> list[dict]:
    """The obligations the copy's organisation owes, with their status in words; for its
    drafters, the link to the draft of the answer (the draft form, prefilled)."""
    rows = selectors.owed(receipt)
    drafts = request_grants(request).has(receipt.organization_id, RoleCode.DRAFTER)
    create = reverse("outgoing:create")
    for row in rows:
        row["label"] = ItemStatus(row["status"]).label
        row["reply_url"] = (
            f"{create}?{urlencode({'tra-loi': receipt.pk, 'yeu-cau': row['id']})}"
            if drafts and row["status"] in ANSWERABLE
            else ""
        )
    return rows


def may_acknowledge(grants, user, receipt: Receipt) -> bool:
    """Whether the row gets a checkbox in Văn bản đến: the person may take tiếp nhận now (the
    row came out of a visibility selector; the check needs no query)."""
    try:
        selectors.decide(grants, user, "acknowledge", receipt)
    except (Forbidden, Conflict):
        return False
    return True


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _name(receipt: Receipt) -> str:
    document = receipt.document
    if document is not None:
        return document.symbol or document.title
    return receipt.sender_symbol or receipt.sender_title


class AcknowledgeView(LoginRequiredMixin, View):
    """Tiếp nhận of the chosen copies, each in its own transaction (``services.acknowledge``):
    one refused — a signature that needs a reason, a copy someone else took meanwhile — is
    named with why and left as it was; the others are taken."""

    http_method_names = ["post"]

    def post(self, request):
        taken: list[Receipt] = []
        refused: list[str] = []
        for pk in dict.fromkeys(request.POST.getlist("receipt")):
            try:
                receipt = selectors.get_visible_receipt(request.user, pk)
            except NotFound:
                refused.append(_("%(id)s: không tìm thấy") % {"id": pk})
                continue
            try:
                taken.append(services.acknowledge(actor=request.user, receipt=receipt))
            except (Conflict, Forbidden, InvalidInput) as error:
                record_refusal(request, error)
                refused.append(f"{_name(receipt)}: {error.detail}")
        if taken:
            numbers = ", ".join(str(r.incoming_number) for r in taken)
            messages.success(
                request,
                _("Đã tiếp nhận %(count)s văn bản (số đến %(numbers)s).")
                % {"count": len(taken), "numbers": numbers},
            )
        if refused:
            messages.error(
                request,
                _("Chưa tiếp nhận %(count)s văn bản: %(list)s")
                % {"count": len(refused), "list": "; ".join(refused)},
            )
        if not taken and not refused:
            messages.error(request, _("Chưa chọn văn bản nào."))
        return redirect(_back(request, reverse("incoming:index")))


class HandlingNoteView(LoginRequiredMixin, View):
    """A progress note (cập nhật tiến độ) or a phối hợp contribution, from the document page
    or the task screen; refusals are said there, nothing is written."""

    http_method_names = ["post"]
    kind = "progress"

    def post(self, request, pk):
        # NotFound renders as 404 (workflow.middleware) and puts the refusal on record.
        receipt = selectors.get_visible_receipt(request.user, pk)
        text = request.POST.get("text", "")
        try:
            if self.kind == "contribute":
                services.contribute(actor=request.user, receipt=receipt, contribution=text)
                done = _("Đã gửi ý kiến phối hợp cho người chủ trì.")
            else:
                services.post_progress(actor=request.user, receipt=receipt, note=text)
                done = _("Đã cập nhật tiến độ.")
        except InvalidInput as error:
            for field_messages in error.errors.values():
                for message in field_messages:
                    messages.error(request, message)
        except (Conflict, Forbidden) as error:
            record_refusal(request, error)
            messages.error(request, str(error.detail))
        else:
            messages.success(request, done)
        default = (
            reverse("outgoing:detail", args=[receipt.document_id]) + "#xu-ly"
            if receipt.document_id
            else reverse("incoming:copy", args=[receipt.pk])
        )
        return redirect(_back(request, default))
