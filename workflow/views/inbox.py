"""Hộp việc's rows. The open tasks come from ``documents.selectors.open_tasks`` — the same
rows ``GET /api/v1/inbox/`` lists — and each is linked to its task screen through the
bookkeeping's open task (one query per page). The archive lists the tasks the person
completed, one per step taken."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.urls import reverse
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from documents import selectors
from documents.errors import ServiceError
from documents.lifecycle import DOCUMENT, RECEIPT, SIDE_TASKS
from documents.models import Document, Receipt, Urgency
from documents.paging import Sifted
from orgchart.selectors import Grants

from ..bookkeeping import FLOWS, HUMAN, open_tasks_of

TITLES = {kind: task.title for lc in (DOCUMENT, RECEIPT) for kind, task in lc.tasks().items()}
TITLES.update({kind: task.title for kind, task in SIDE_TASKS.items()})


@dataclass
class Row:
    kind: str
    title: str
    document: Document | None
    receipt: Receipt | None
    urgency: str
    due: object
    at: object
    task: Task | None = None
    #: The principal whose role, held by delegation, puts this task before the person.
    on_behalf_of: object = None

    @property
    def execute_url(self) -> str | None:
        if self.kind in SIDE_TASKS and self.document is not None:
            # A side task has no flow node: it is taken on the document page.
            return reverse("outgoing:detail", args=[self.document.pk]) + "#xu-ly"
        if self.task is None:
            return None
        return self.task.flow_task.reverse("execute", args=[self.task.process_id, self.task.pk])

    @property
    def urgency_label(self) -> str:
        return str(Urgency(self.urgency).label) if self.urgency in Urgency.values else ""


def open_rows(user, grants: Grants, *, queued: bool = False, q: str = "") -> QuerySet:
    return selectors.open_tasks(user, grants, queued=queued, q=q)


def attach(rows: list[dict]) -> list[Row]:
    """Documents, receipts and task screens of a page of selector rows: three queries."""
    doc_ids = {r["t_document"] for r in rows if r["t_document"]}
    receipt_ids = {r["t_receipt"] for r in rows if r["t_receipt"]}
    documents = Document.objects.in_bulk(doc_ids) if doc_ids else {}
    receipts = (
        Receipt.objects.select_related("organization", "document").in_bulk(receipt_ids)
        if receipt_ids
        else {}
    )
    tasks = open_tasks_of(
        [r["t_document"] for r in rows if not r["t_receipt"]], sorted(receipt_ids)
    )
    result = []
    for r in rows:
        receipt = receipts.get(r["t_receipt"]) if r["t_receipt"] else None
        key = ("receipt", r["t_receipt"]) if receipt else ("document", r["t_document"])
        result.append(
            Row(
                kind=r["t_kind"],
                title=str(TITLES.get(r["t_kind"], r["t_kind"])),
                document=documents.get(r["t_document"]),
                receipt=receipt,
                urgency=r["t_urgency"],
                due=r["t_due"],
                at=r["t_at"],
                task=None if r["t_kind"] in SIDE_TASKS else tasks.get(key),
            )
        )
    return result


#: The action that takes each task off the inbox, from the lifecycle's tasks.
TASK_ACTIONS = {
    kind: task.action for lc in (DOCUMENT, RECEIPT) for kind, task in lc.tasks().items()
}
TASK_ACTIONS.update({kind: task.action for kind, task in SIDE_TASKS.items()})


def mark_delegated(rows: list[Row], user, grants: Grants) -> list[Row]:
    """Name on each row the principal whose delegated role the person would act with
    (``selectors.decide``, as the step itself will), so the deputy sees what the delegation
    covers; nothing to do, and no query, for someone holding no delegation."""
    if not grants.delegated:
        return rows
    principals: dict[int, object] = {}
    for row in rows:
        artifact = row.receipt if row.receipt is not None else row.document
        action = TASK_ACTIONS.get(row.kind)
        if artifact is None or action is None:
            continue
        try:
            authorization = selectors.decide(grants, user, action, artifact)
        except (ServiceError, ValueError):
            continue
        if authorization.on_behalf_of_id:
            principals[id(row)] = authorization.on_behalf_of_id
    people = get_user_model().objects.in_bulk(set(principals.values()))
    for row in rows:
        if id(row) in principals:
            row.on_behalf_of = people.get(principals[id(row)])
    return rows


def visible_task_q(user, grants: Grants) -> Q:
    """Tasks the user may see: those of a receipt the user sees, and those of a document the
    user sees from the issuing side (a recipient does not follow the issuer's drafting and
    review, design §15.1). Subqueries, no extra round trip."""
    doc_ct = ContentType.objects.get_for_model(Document)
    receipt_ct = ContentType.objects.get_for_model(Receipt)
    issuer_side = selectors.issuer_side_documents(user, grants)
    return Q(
        process__artifact_content_type=doc_ct,
        process__artifact_object_id__in=issuer_side.values("pk"),
    ) | Q(
        process__artifact_content_type=receipt_ct,
        process__artifact_object_id__in=selectors.visible_receipts(user, grants).values("pk"),
    )


def human_tasks() -> QuerySet[Task]:
    return Task.objects.filter(
        flow_task_type=HUMAN, process__flow_class__in=[f for f, _lc in FLOWS.values()]
    )


def archive_tasks(user, grants: Grants) -> Sifted:
    """The steps the person took, one task each, newest first, of what the person still
    sees (someone who left an organisation keeps the steps, not the sight of its papers):
    ``(task id, artifact content type id, artifact id)`` rows, made Tasks by ``tasks_of``.

    The person's done tasks are read by their index a batch at a time and only that batch's
    documents and copies are asked about: as one join, the visibility subqueries made the
    planner scan every process first (1.1 s at 50,000 documents, bench/README.md). Plain
    rows, because the count walks a thousand of them and a page shows 25."""
    rows = (
        human_tasks()
        .filter(owner=user, status=STATUS.DONE)
        .order_by("-finished", "-pk")
        .values_list("pk", "process__artifact_content_type_id", "process__artifact_object_id")
    )
    visible = {
        ContentType.objects.get_for_model(Document).pk: selectors.issuer_side_documents(
            user, grants
        ),
        ContentType.objects.get_for_model(Receipt).pk: selectors.visible_receipts(user, grants),
    }
    return Sifted(rows, lambda batch: still_visible(batch, visible))


def still_visible(rows: list[tuple], visible: dict[int, QuerySet]) -> list[tuple]:
    """Those of the ``(task, content type, object)`` rows whose artifact is among
    ``visible``'s of its content type (the issuing side's documents, the copies the person
    sees): ``visible_task_q`` asked of these ids only, a query per content type."""
    seen: dict[int, set[int]] = {}
    for content_type, among in visible.items():
        ids = sorted({obj for _task, ct, obj in rows if ct == content_type and obj is not None})
        seen[content_type] = (
            set(among.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        )
    return [row for row in rows if row[2] in seen.get(row[1], ())]


def tasks_of(rows: list[tuple]) -> list[Task]:
    """The Tasks (with their processes) of a page of ``archive_tasks`` rows, in its order."""
    tasks = Task.objects.select_related("process").in_bulk([task for task, _ct, _obj in rows])
    return [tasks[task] for task, _ct, _obj in rows if task in tasks]


def archived(tasks: list[Task]) -> list[Row]:
    """Rows for a page of completed tasks: two queries for their documents and receipts."""
    doc_ct = ContentType.objects.get_for_model(Document)
    doc_ids = [
        t.process.artifact_object_id
        for t in tasks
        if t.process.artifact_content_type_id == doc_ct.pk
    ]
    receipt_ids = [
        t.process.artifact_object_id
        for t in tasks
        if t.process.artifact_content_type_id != doc_ct.pk
    ]
    documents = Document.objects.in_bulk(doc_ids) if doc_ids else {}
    receipts = (
        Receipt.objects.select_related("organization", "document").in_bulk(receipt_ids)
        if receipt_ids
        else {}
    )
    rows = []
    for task in tasks:
        object_id = task.process.artifact_object_id
        is_document = task.process.artifact_content_type_id == doc_ct.pk
        receipt = None if is_document else receipts.get(object_id)
        document = documents.get(object_id) if is_document else (receipt and receipt.document)
        kind = task.flow_task.name
        artifact = document or receipt
        rows.append(
            Row(
                kind=kind,
                title=str(TITLES.get(kind, kind)),
                document=document,
                receipt=receipt,
                urgency=artifact.urgency if artifact else "",
                due=receipt.deadline if receipt else None,
                at=task.finished,
            )
        )
    return rows
