"""Shared reads of the UI pages. Everything that depends on who asks goes through
documents.selectors; the task lists add the org-chart queue on top, in SQL."""

from __future__ import annotations

from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from documents import selectors
from documents.models import (
    AuditEvent,
    Document,
    Receipt,
    ReceiptStatus,
)
from documents.numbering import date_line
from orgchart.selectors import Grants

from ..middleware import request_grants, role_permission

R = ReceiptStatus

ACTION_LABELS = {
    "create": _("Tạo dự thảo"),
    "edit": _("Sửa dự thảo"),
    "attach": _("Đính kèm tệp"),
    "submit": _("Trình duyệt"),
    "review": _("Duyệt / kiểm tra"),
    "sign": _("Ký"),
    "register": _("Vào sổ, cấp số"),
    "dispatch": _("Phát hành"),
    "withdraw": _("Hủy dự thảo"),
    "recall": _("Thu hồi"),
    "complete": _("Hoàn thành"),
    "deliver": _("Đã đến"),
    "acknowledge": _("Tiếp nhận"),
    "refuse": _("Từ chối tiếp nhận"),
    "assign": _("Phân công"),
    "start": _("Bắt đầu xử lý"),
    "delivery_problem": _("Lỗi chuyển văn bản"),
    "register_incoming": _("Vào sổ văn bản đến"),
}


def flow_classes():
    from ..flows import IncomingFlow, OutgoingFlow

    return [OutgoingFlow, IncomingFlow]


def _content_types():
    return (
        ContentType.objects.get_for_model(Document),
        ContentType.objects.get_for_model(Receipt),
    )


def visible_task_q(user, grants: Grants) -> Q:
    """Tasks whose document or receipt the user may see: subqueries, no extra round trip."""
    doc_ct, receipt_ct = _content_types()
    return Q(
        process__artifact_content_type=doc_ct,
        process__artifact_object_id__in=selectors.visible_documents(user, grants).values("pk"),
    ) | Q(
        process__artifact_content_type=receipt_ct,
        process__artifact_object_id__in=selectors.visible_receipts(user, grants).values("pk"),
    )


def queue_q(grants: Grants) -> Q:
    """Unclaimed tasks offered to a role the user holds in the task's organisation."""
    by_role: dict[str, list[str]] = {}
    for org_id, role in grants.roles:
        by_role.setdefault(role, []).append(str(org_id))
    q = Q(pk__in=[])
    for role, org_ids in by_role.items():
        q |= Q(owner_permission=role_permission(role), owner_permission_obj_pk__in=org_ids)
    return Q(status=STATUS.NEW, owner__isnull=True) & q


def human_tasks():
    return Task.objects.filter(flow_task_type="HUMAN", process__flow_class__in=flow_classes())


def queue_tasks(user, grants: Grants):
    return human_tasks().filter(queue_q(grants)).filter(visible_task_q(user, grants))


def inbox_tasks(user, grants: Grants):
    """Hộp việc: what is assigned to me and what I may pick up, in one list."""
    mine = Q(owner=user, status__in=[STATUS.ASSIGNED, STATUS.STARTED])
    return human_tasks().filter(mine | queue_q(grants)).filter(visible_task_q(user, grants))


def archive_tasks(user, grants: Grants):
    return (
        human_tasks()
        .filter(owner=user, finished__isnull=False, status=STATUS.DONE)
        .filter(visible_task_q(user, grants))
    )


def attach_artifacts(tasks: list) -> list:
    """Fetch the documents and receipts of a page of tasks: two queries whatever the page."""
    doc_ct, receipt_ct = _content_types()
    doc_ids = {
        t.process.artifact_object_id
        for t in tasks
        if t.process.artifact_content_type_id == doc_ct.pk
    }
    receipt_ids = {
        t.process.artifact_object_id
        for t in tasks
        if t.process.artifact_content_type_id == receipt_ct.pk
    }
    receipts = (
        {
            r.pk: r
            for r in Receipt.objects.filter(pk__in=receipt_ids).select_related(
                "organization", "document"
            )
        }
        if receipt_ids
        else {}
    )
    documents = (
        {d.pk: d for d in Document.objects.filter(pk__in=doc_ids).select_related("issuer")}
        if doc_ids
        else {}
    )
    for task in tasks:
        object_id = task.process.artifact_object_id
        if task.process.artifact_content_type_id == doc_ct.pk:
            task.document, task.receipt = documents.get(object_id), None
        else:
            task.receipt = receipts.get(object_id)
            task.document = task.receipt.document if task.receipt else None
        task.execute_url = (
            task.flow_task.reverse("execute", args=[task.process_id, task.pk])
            if task.status in (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
            else None
        )
    return tasks


def format_date(value) -> str:
    """``ngày 05 tháng 6 năm 2023`` (Decree 30 style)."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return date_line("", value)


def document_context(request, document: Document | None, full: bool = True) -> dict:
    """Everything the document card shows; ``full`` adds versions, trail and receipts."""
    if document is None:
        return {"document": None}
    grants = request_grants(request)
    issued_on = timezone.localtime(document.issued_at).date() if document.issued_at else None
    place = document.issuer.place_name
    context = {
        "document": document,
        "date_line": date_line(place, issued_on) if issued_on else "",
        "place_line": f"{place}, ngày … tháng … năm …" if place else "",
        "recipients": list(document.recipients.select_related("organization")),
    }
    if not full:
        return context
    issuer_side = document.drafter_id == request.user.pk or document.issuer_id in grants.member_of
    context["issuer_side"] = issuer_side
    context["versions"] = list(document.versions.select_related("created_by"))
    context["attachments"] = list(document.attachments.all())
    events = AuditEvent.objects.filter(document=document)
    if issuer_side:
        events = AuditEvent.objects.filter(Q(document=document) | Q(receipt__document=document))
    events = events.select_related("actor", "receipt__organization").order_by("seq")
    context["events"] = [
        {
            "event": e,
            "label": ACTION_LABELS.get(e.action, e.action),
            "at": timezone.localtime(e.at),
        }
        for e in events
    ]
    context["allowed_actions"] = selectors.allowed_actions(request.user, document, grants)
    if issuer_side:
        context.update(receipt_summary(document))
    else:
        context["my_receipts"] = list(
            selectors.incoming_receipts(request.user, grants)
            .filter(document=document)
            .select_related("organization", "assignee")
        )
    from ..flows import open_task

    task = open_task(document)
    context["open_task"] = task
    if task is not None:
        context["open_task_url"] = task.flow_task.reverse(
            "execute", args=[task.process_id, task.pk]
        )
        context["open_task_mine"] = task.owner_id == request.user.pk or (
            task.owner_id is None and task.flow_task.can_assign(request.user, task)
        )
    return context


def receipt_summary(document: Document) -> dict:
    """Per-recipient status for the issuer: counts and who has not yet acknowledged."""
    receipts = list(
        document.receipts.select_related("organization", "assignee").order_by(
            "organization__order", "pk"
        )
    )
    counts = Counter(r.status for r in receipts)
    waiting = [r for r in receipts if r.status in (R.PENDING, R.DELIVERED)]
    return {
        "receipts": receipts,
        "receipt_counts": [
            {"status": s, "label": s.label, "count": counts.get(s, 0)}
            for s in ReceiptStatus
            if counts.get(s)
        ],
        "receipts_total": len(receipts),
        "not_acknowledged": waiting,
    }
