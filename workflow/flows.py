"""The two flows (design.md section 4).

The document's and the receipt's FSM state is the truth; the flows only say who has to act
next. Every human step calls a documents service; after any step — taken in a task screen, in
the API or by a Celery task — ``follow_document``/``follow_receipt`` bring the open task in line
with the state: the step's task is closed on behalf of whoever took it, and the ``route`` gate
opens the task the new state calls for. A return from any check lands on ``revise``; an issuer
without a format check goes from review straight to signing, as the service decides.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.models import Process, Task

from documents.models import Document, DocumentStatus, Receipt, ReceiptStatus
from documents.selectors import is_visible
from orgchart.models import RoleCode

from .nodes import OPEN, ServiceView
from .views.tasks import TaskView

S, R = DocumentStatus, ReceiptStatus


def _document(activation) -> Document:
    return activation.process.artifact


def _document_is(*states):
    return lambda activation: _document(activation).status in states


def _issuer(activation):
    return _document(activation).issuer


def _receipt_org(activation):
    return activation.process.artifact.organization


class VisibleFlowMixin:
    """Deny by default: a process is visible exactly when its document or receipt is
    (documents.selectors), never through viewflow's global view permission (pitfall 4)."""

    lock_impl = lock.SelectForUpdateLock(nowait=False)

    def has_view_permission(self, user, obj=None):
        if user is None or not user.is_authenticated:
            return False
        if obj is None:
            return True
        artifact = getattr(obj, "artifact", None)
        return artifact is not None and is_visible(user, artifact)

    def start_process(self, activation, artifact):
        activation.process.artifact = artifact
        return activation.process


class OutgoingFlow(VisibleFlowMixin, flow.Flow):
    """Văn bản đi

    Soạn thảo → duyệt nội dung → kiểm tra thể thức → ký → vào sổ → phát hành.
    """

    process_title = _("Văn bản đi")
    process_description = _("Soạn thảo, duyệt, ký, vào sổ và phát hành văn bản.")

    start = flow.StartHandle(this.start_process).Annotation(title=_("Bắt đầu")).Next(this.route)

    route = (
        flow.Switch()
        .Annotation(title=_("Chuyển bước"))
        .Case(this.submit, _document_is(S.DRAFT))
        .Case(this.review, _document_is(S.IN_REVIEW))
        .Case(this.format_check, _document_is(S.FORMAT_CHECK))
        .Case(this.revise, _document_is(S.RETURNED))
        .Case(this.sign, _document_is(S.AWAITING_SIGNATURE))
        .Case(this.register, _document_is(S.SIGNED))
        .Case(this.dispatch, _document_is(S.ISSUED))
        .Default(this.end)
    )

    submit = (
        ServiceView(TaskView.as_view(step="submit"))
        .Annotation(title=_("Trình duyệt dự thảo"))
        .Assign(lambda activation: _document(activation).drafter)
        .Next(this.route)
    )
    review = (
        ServiceView(TaskView.as_view(step="review"))
        .Annotation(title=_("Duyệt nội dung"))
        .Queue(RoleCode.REVIEWER, _issuer)
        .Next(this.route)
    )
    format_check = (
        ServiceView(TaskView.as_view(step="format_check"))
        .Annotation(title=_("Kiểm tra thể thức"))
        .Queue(RoleCode.CLERK, _issuer)
        .Next(this.route)
    )
    revise = (
        ServiceView(TaskView.as_view(step="revise"))
        .Annotation(title=_("Sửa và trình lại"))
        .Assign(lambda activation: _document(activation).drafter)
        .Next(this.route)
    )
    sign = (
        ServiceView(TaskView.as_view(step="sign"))
        .Annotation(title=_("Ký văn bản"))
        .Queue(RoleCode.SIGNER, _issuer)
        .Assign(lambda activation: _document(activation).signer)
        .Next(this.route)
    )
    register = (
        ServiceView(TaskView.as_view(step="register"))
        .Annotation(title=_("Vào sổ, cấp số"))
        .Queue(RoleCode.CLERK, _issuer)
        .Next(this.route)
    )
    dispatch = (
        ServiceView(TaskView.as_view(step="dispatch"))
        .Annotation(title=_("Phát hành"))
        .Queue(RoleCode.CLERK, _issuer)
        .Next(this.route)
    )
    end = flow.End().Annotation(title=_("Kết thúc"))

    #: The task each document state waits on; states not listed have no open task.
    NODE_FOR_STATE = {
        S.DRAFT: "submit",
        S.IN_REVIEW: "review",
        S.FORMAT_CHECK: "format_check",
        S.RETURNED: "revise",
        S.AWAITING_SIGNATURE: "sign",
        S.SIGNED: "register",
        S.ISSUED: "dispatch",
    }


def _receipt(activation) -> Receipt:
    return activation.process.artifact


def _recalled(receipt: Receipt) -> bool:
    return bool(receipt.document_id) and receipt.document.status == S.RECALLED


def _receipt_is(*states, must_act=None):
    """A recalled document asks nothing more of its recipients, whatever their receipt says."""

    def cond(activation):
        receipt = _receipt(activation)
        if _recalled(receipt):
            return False
        if must_act is not None and receipt.must_act != must_act:
            return False
        return receipt.status in states

    return cond


class IncomingFlow(VisibleFlowMixin, flow.Flow):
    """Văn bản đến

    Tiếp nhận (hoặc từ chối) → phân công xử lý → xử lý và báo cáo.
    """

    process_title = _("Văn bản đến")
    process_description = _("Tiếp nhận, phân công và xử lý văn bản đến.")

    start = flow.StartHandle(this.start_process).Annotation(title=_("Bắt đầu")).Next(this.route)

    route = (
        flow.Switch()
        .Annotation(title=_("Chuyển bước"))
        .Case(this.receive, _receipt_is(R.DELIVERED))
        .Case(this.assign_handler, _receipt_is(R.ACKNOWLEDGED, must_act=True))
        .Case(this.handle, _receipt_is(R.ASSIGNED, R.IN_PROGRESS))
        .Default(this.end)
    )

    receive = (
        ServiceView(TaskView.as_view(step="receive"))
        .Annotation(title=_("Tiếp nhận văn bản đến"))
        .Queue(RoleCode.CLERK, _receipt_org)
        .Next(this.route)
    )
    assign_handler = (
        ServiceView(TaskView.as_view(step="assign_handler"))
        .Annotation(title=_("Phân công xử lý"))
        .Queue(RoleCode.LEADER, _receipt_org)
        .Next(this.route)
    )
    handle = (
        ServiceView(TaskView.as_view(step="handle"))
        .Annotation(title=_("Xử lý và báo cáo"))
        .Assign(lambda activation: _receipt(activation).assignee)
        .Next(this.route)
    )
    end = flow.End().Annotation(title=_("Kết thúc"))

    NODE_FOR_STATE = {
        R.DELIVERED: "receive",
        R.ACKNOWLEDGED: "assign_handler",
        R.ASSIGNED: "handle",
        R.IN_PROGRESS: "handle",
    }


# ---------------------------------------------------------------------------------------------
# Following the state, whoever changed it


def process_for(flow_class, artifact_model, artifact_id: int):
    return (
        Process.objects.filter(
            flow_class=flow_class,
            artifact_content_type=ContentType.objects.get_for_model(artifact_model),
            artifact_object_id=artifact_id,
        )
        .order_by("pk")
        .first()
    )


def _expected_node(flow_class, artifact):
    name = flow_class.NODE_FOR_STATE.get(artifact.status)
    if isinstance(artifact, Receipt) and (
        _recalled(artifact) or (name == "assign_handler" and not artifact.must_act)
    ):
        name = None
    return getattr(flow_class, name) if name else None


def _catch_up(flow_class, model, artifact_id: int, actor_id: int | None) -> Process | None:
    """Start the artifact's process if it has none, else close the open task whose step was
    taken elsewhere so the route opens the one the state now calls for.

    Locks in the order a task screen does — the process row, then (inside the service) the
    artifact row — so a follower and a screen acting on the same document queue up instead of
    deadlocking. Only the very first follower, before any process exists, locks the artifact
    row, so that two of them never start two processes."""
    process = process_for(flow_class, model, artifact_id)
    if process is None:
        with transaction.atomic():
            artifact = model.objects.select_for_update(of=("self",)).filter(pk=artifact_id).first()
            if artifact is None:
                return None
            process = process_for(flow_class, model, artifact_id)
            if process is None:
                return flow_class.start.run(artifact=artifact)
    with flow_class.lock(process.pk):
        artifact = model.objects.filter(pk=artifact_id).first()
        if artifact is None:
            return None
        expected = _expected_node(flow_class, artifact)
        open_tasks = Task.objects.filter(
            process=process, flow_task_type="HUMAN", status__in=OPEN
        ).order_by("pk")
        actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
        for task in open_tasks:
            if task.flow_task == expected:
                continue
            activation = task.flow_task.activation_class(task)
            activation.complete_elsewhere(actor)
            activation.activate_next()
    return process


def follow_document(document_id: int, actor_id: int | None = None) -> Process | None:
    return _catch_up(OutgoingFlow, Document, document_id, actor_id)


def follow_receipt(receipt_id: int, actor_id: int | None = None) -> Process | None:
    return _catch_up(IncomingFlow, Receipt, receipt_id, actor_id)


def follow_recall(document_id: int) -> None:
    """A recall closes every recipient's open task; receipts never delivered start nothing."""
    receipt_ids = Task.objects.filter(
        process__flow_class=IncomingFlow,
        process__artifact_content_type=ContentType.objects.get_for_model(Receipt),
        process__artifact_object_id__in=Receipt.objects.filter(document_id=document_id).values(
            "pk"
        ),
        flow_task_type="HUMAN",
        status__in=OPEN,
    ).values_list("process__artifact_object_id", flat=True)
    for receipt_id in sorted(set(receipt_ids)):
        follow_receipt(receipt_id)


def open_task(artifact) -> Task | None:
    """The artifact's open human task, if any."""
    flow_class, model = (
        (OutgoingFlow, Document) if isinstance(artifact, Document) else (IncomingFlow, Receipt)
    )
    return (
        Task.objects.filter(
            process__flow_class=flow_class,
            process__artifact_content_type=ContentType.objects.get_for_model(model),
            process__artifact_object_id=artifact.pk,
            flow_task_type="HUMAN",
            status__in=OPEN,
        )
        .select_related("process", "owner")
        .order_by("pk")
        .first()
    )
