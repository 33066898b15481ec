"""The two flows, drawn from documents.lifecycle.

Each human node is one task kind of the lifecycle, with its title; the ``route`` gate opens
the task the state calls for. The flows are the map and the task screens' addresses: their
tasks are written only by ``workflow.bookkeeping``, inside every step's transaction, so no
viewflow activation runs here and nothing can move a task without a service. A test checks
that the nodes are exactly the lifecycle's task kinds.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from documents.lifecycle import DOCUMENT, RECEIPT, Lifecycle
from documents.models import Document
from documents.selectors import is_issuer_side, is_visible
from orgchart.selectors import grants_of

from .nodes import ServiceView


def human(lifecycle: Lifecycle, kind: str) -> ServiceView:
    task = lifecycle.tasks()[kind]
    return ServiceView(lifecycle, kind).Annotation(title=task.title).Next(this.route)


def _waits_on(lifecycle: Lifecycle, kind: str):
    def condition(activation) -> bool:
        task = lifecycle.task_for(activation.process.artifact)
        return task is not None and task.kind == kind

    return condition


def routing(lifecycle: Lifecycle) -> flow.Switch:
    gate = flow.Switch().Annotation(title=_("Chuyển bước"))
    for kind in lifecycle.tasks():
        gate = gate.Case(getattr(this, kind), _waits_on(lifecycle, kind))
    return gate.Default(this.end)


class VisibleFlowMixin:
    """Deny by default: a process is visible exactly when its document or receipt is
    (documents.selectors), never through viewflow's global view permission (upstream issue 505);
    a document's process — its drafting, review and signing — only to the issuer side, as the
    trail is (design §15.1).
    Nobody manages processes by hand: cancelling, undoing or reviving a task would change
    the bookkeeping without a step, so viewflow's manage actions are refused to everyone."""

    lock_impl = lock.SelectForUpdateLock(nowait=False)

    def has_view_permission(self, user, obj=None):
        if user is None or not user.is_authenticated:
            return False
        if obj is None:
            return True
        artifact = getattr(obj, "artifact", None)
        if artifact is None or not is_visible(user, artifact):
            return False
        return not isinstance(artifact, Document) or is_issuer_side(user, artifact, grants_of(user))

    def has_manage_permission(self, user, obj=None):
        return False

    def start_process(self, activation, artifact):
        activation.process.artifact = artifact
        return activation.process


class OutgoingFlow(VisibleFlowMixin, flow.Flow):
    """Văn bản đi

    Soạn thảo → duyệt nội dung → kiểm tra thể thức → ký → vào sổ → phát hành.
    """

    process_title = _("Văn bản đi")
    process_description = _("Soạn thảo, duyệt, ký, vào sổ và phát hành văn bản.")
    lifecycle = DOCUMENT

    start = flow.StartHandle(this.start_process).Annotation(title=_("Bắt đầu")).Next(this.route)
    route = routing(DOCUMENT)
    submit = human(DOCUMENT, "submit")
    review = human(DOCUMENT, "review")
    format_check = human(DOCUMENT, "format_check")
    revise = human(DOCUMENT, "revise")
    sign = human(DOCUMENT, "sign")
    register = human(DOCUMENT, "register")
    dispatch = human(DOCUMENT, "dispatch")
    end = flow.End().Annotation(title=_("Kết thúc"))


class IncomingFlow(VisibleFlowMixin, flow.Flow):
    """Văn bản đến

    Tiếp nhận (hoặc từ chối) → phân công xử lý → xử lý và báo cáo.
    """

    process_title = _("Văn bản đến")
    process_description = _("Tiếp nhận, phân công và xử lý văn bản đến.")
    lifecycle = RECEIPT

    start = flow.StartHandle(this.start_process).Annotation(title=_("Bắt đầu")).Next(this.route)
    route = routing(RECEIPT)
    acknowledge = human(RECEIPT, "acknowledge")
    assign = human(RECEIPT, "assign")
    complete = human(RECEIPT, "complete")
    end = flow.End().Annotation(title=_("Kết thúc"))
