"""The one writer of the flows' tasks.

A document's or receipt's state is the truth; its viewflow process only records who has to act
next and who acted. Every step reaches ``follow`` through ``documents.signals.stepped``, inside
the step's own transaction, whichever door it came through (a task screen, the API, a Celery
task): the task the step took is closed and credited to the person who took it, and the task
the lifecycle declares for the new state is opened. If this fails, the step fails with it.

``reconcile`` brings back in line any process that drifted anyway (rows changed by hand, data
from before this writer): bounded per run, idempotent, from a beat job and
``manage.py reconcile_flows``.

A few statements per step, whatever the history: lock the process row, read its open tasks,
close, open. Deliveries and recalls come in batches and cost the same per batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.dispatch import receiver
from django.utils import timezone
from viewflow.workflow import PROCESS, STATUS
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow.models import Process, Task

from documents.audit import latest_step
from documents.lifecycle import DOCUMENT, RECEIPT, Lifecycle
from documents.lifecycle import Task as DeclaredTask
from documents.models import Document, Receipt, ReceiptStatus
from documents.signals import stepped
from orgchart.models import Organization

from .flows import IncomingFlow, OutgoingFlow
from .middleware import role_permission

OPEN = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
HUMAN = "HUMAN"

FLOWS: dict[type, tuple[type, Lifecycle]] = {
    Document: (OutgoingFlow, DOCUMENT),
    Receipt: (IncomingFlow, RECEIPT),
}


def _content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def owner_fields(lifecycle: Lifecycle, task: DeclaredTask, artifact) -> dict[str, Any]:
    """Who a task belongs to: one person where the lifecycle names one, else a queue of the
    role in the artifact's organisation."""
    who, _when = lifecycle.task_owner(task, artifact.status)
    for alt in who.alternatives():
        if alt.person and getattr(artifact, f"{alt.person}_id") is not None:
            return {
                "owner_id": getattr(artifact, f"{alt.person}_id"),
                "owner_permission": None,
                "owner_permission_content_type_id": None,
                "owner_permission_obj_pk": None,
                "status": STATUS.ASSIGNED,
            }
    queue_role = next((alt.role for alt in who.alternatives() if alt.role), "")
    return {
        "owner_id": None,
        "owner_permission": role_permission(queue_role),
        "owner_permission_content_type_id": _content_type(Organization).pk,
        "owner_permission_obj_pk": str(getattr(artifact, f"{lifecycle.organization_field}_id")),
        "status": STATUS.NEW,
    }


def _same_owner(task: Task, fields: dict[str, Any]) -> bool:
    if fields["owner_id"] is not None:
        return task.owner_id == fields["owner_id"]
    # A queued task somebody picked up stays theirs.
    return (
        task.owner_permission == fields["owner_permission"]
        and task.owner_permission_obj_pk == fields["owner_permission_obj_pk"]
    )


@receiver(stepped, dispatch_uid="workflow.bookkeeping")
def on_step(sender, artifacts: list, action: str, actor=None, **kwargs) -> None:
    if sender not in FLOWS:
        return
    # A copy given back (edXML 15) takes no task of its own: its open ones are cancelled.
    follow(artifacts, actor=actor, took=None if action == "recall_accepted" else ANY)
    if sender is Document and action == "recall":
        # A recalled document asks nothing more of its recipients: their open tasks go.
        copies = Receipt.objects.filter(document_id__in=[d.pk for d in artifacts]).select_related(
            "document"
        )
        follow(list(copies), actor=None, only_existing=True)


#: ``follow(took=ANY)``: the step took whichever task was open.
ANY = "*"


@dataclass
class _Plan:
    """The writes that bring a batch of processes in line, gathered before any is made."""

    done: list[int] = field(default_factory=list)
    canceled: list[int] = field(default_factory=list)
    created: list[Task] = field(default_factory=list)
    reowned: list[tuple[Task, dict[str, Any]]] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)
    reopened: list[int] = field(default_factory=list)


def follow(
    artifacts: Sequence[Document] | Sequence[Receipt],
    *,
    actor,
    only_existing: bool = False,
    took: str | None = ANY,
) -> None:
    """Bring the processes of ``artifacts`` (all of one model, their rows locked or freshly
    written by the caller's transaction) in line with their states. A task closed here is
    done by ``actor`` when it is the kind the step ``took``; any other is cancelled, so
    nobody is credited with work they did not do."""
    if not artifacts:
        return
    model = type(artifacts[0])
    flow_class, lifecycle = FLOWS[model]
    now = timezone.now()
    processes = _processes(flow_class, model, artifacts, create=not only_existing, now=now)
    rows = [a for a in artifacts if a.pk in processes]
    open_by_process: dict[int, list[Task]] = defaultdict(list)
    for task in Task.objects.filter(
        process__in=[p.pk for p in processes.values()], flow_task_type=HUMAN, status__in=OPEN
    ).order_by("pk"):
        open_by_process[task.process_id].append(task)
    credited = actor if actor is not None and actor.is_authenticated else None
    plan = _Plan()
    for artifact in rows:
        process = processes[artifact.pk]
        _plan_one(
            plan,
            flow_class,
            lifecycle,
            artifact,
            process,
            open_by_process[process.pk],
            credit=credited is not None,
            took=took,
            now=now,
        )
    _write(plan, credited, now)


def _processes(flow_class, model, artifacts, *, create: bool, now) -> dict[int, Process]:
    """The artifacts' processes, locked; those missing are started when ``create``."""
    content_type = _content_type(model)
    processes = {
        p.artifact_object_id: p
        for p in Process.objects.select_for_update()
        .filter(
            flow_class=flow_class,
            artifact_content_type=content_type,
            artifact_object_id__in=[a.pk for a in artifacts],
        )
        .order_by("pk")
    }
    missing = [a for a in artifacts if a.pk not in processes] if create else []
    if missing:
        started = Process.objects.bulk_create(
            Process(
                flow_class=flow_class,
                artifact_content_type=content_type,
                artifact_object_id=a.pk,
                created=now,
            )
            for a in missing
        )
        processes.update({p.artifact_object_id: p for p in started})
    return processes


def _plan_one(plan, flow_class, lifecycle, artifact, process, open_tasks, *, credit, took, now):
    declared = lifecycle.task_for(artifact)
    node = getattr(flow_class, declared.kind) if declared else None
    fields = owner_fields(lifecycle, declared, artifact) if declared else {}
    kept = None
    for task in open_tasks:
        if kept is None and node is not None and task.flow_task == node:
            kept = task
            if not _same_owner(task, fields):
                plan.reowned.append((task, fields))
        elif credit and took in (ANY, task.flow_task.name):
            plan.done.append(task.pk)
        else:
            plan.canceled.append(task.pk)
    if node is not None and kept is None:
        plan.created.append(
            Task(
                process_id=process.pk,
                flow_task=node,
                flow_task_type=HUMAN,
                created=now,
                assigned=now if fields["owner_id"] else None,
                **fields,
            )
        )
    if node is None and process.status == PROCESS.NEW:
        plan.finished.append(process.pk)
    elif node is not None and process.status != PROCESS.NEW:
        plan.reopened.append(process.pk)


def _write(plan: _Plan, credited, now) -> None:
    if plan.done:
        Task.objects.filter(pk__in=plan.done).update(
            status=STATUS.DONE, owner=credited, finished=now
        )
    if plan.canceled:
        Task.objects.filter(pk__in=plan.canceled).update(status=STATUS.CANCELED, finished=now)
    for task, fields in plan.reowned:
        Task.objects.filter(pk=task.pk).update(assigned=now, **fields)
    if plan.created:
        Task.objects.bulk_create(plan.created)
    if plan.finished:
        Process.objects.filter(pk__in=plan.finished).update(status=PROCESS.DONE, finished=now)
    if plan.reopened:
        Process.objects.filter(pk__in=plan.reopened).update(status=PROCESS.NEW, finished=None)


# ---------------------------------------------------------------------------------------------
# Reading the bookkeeping


def _process_of(artifact, prefix: str = "") -> Q:
    """The artifact's process, as a filter on processes (or, with a prefix, on tasks)."""
    return Q(
        **{
            f"{prefix}flow_class": FLOWS[type(artifact)][0],
            f"{prefix}artifact_content_type": _content_type(type(artifact)),
            f"{prefix}artifact_object_id": artifact.pk,
        }
    )


def open_task(artifact) -> Task | None:
    """The artifact's open human task, if any."""
    return (
        Task.objects.filter(
            _process_of(artifact, "process__"), flow_task_type=HUMAN, status__in=OPEN
        )
        .select_related("process", "owner")
        .order_by("pk")
        .first()
    )


def open_tasks_of(documents: Sequence[int], receipts: Sequence[int]) -> dict[tuple[str, int], Task]:
    """The open tasks of a page of inbox rows, keyed ("document" | "receipt", id): one query."""
    q = Q(pk__in=[])
    for model, ids in ((Document, documents), (Receipt, receipts)):
        if ids:
            q |= Q(
                process__flow_class=FLOWS[model][0],
                process__artifact_content_type=_content_type(model),
                process__artifact_object_id__in=list(ids),
            )
    found: dict[tuple[str, int], Task] = {}
    rows = Task.objects.filter(q, flow_task_type=HUMAN, status__in=OPEN).select_related(
        "process", "owner"
    )
    for task in rows.order_by("pk"):
        kind = "document" if task.flow_task.flow_class is OutgoingFlow else "receipt"
        found.setdefault((kind, task.process.artifact_object_id), task)
    return found


# ---------------------------------------------------------------------------------------------
# Reconciliation


def _expected(flow_class, lifecycle: Lifecycle) -> Case:
    """The flow_task reference each row's state calls for, in SQL (NULL: no task)."""
    whens = [
        When(lifecycle.waiting_q(status), then=Value(get_task_ref(getattr(flow_class, t.kind))))
        for status, t in lifecycle.task_states().items()
    ]
    return Case(*whens, default=Value(None), output_field=CharField())


def drifted(model, limit: int) -> list[int]:
    """Ids of artifacts whose open tasks are not exactly the one their state calls for, or
    that have no process although they should."""
    flow_class, lifecycle = FLOWS[model]
    processes = Process.objects.filter(
        flow_class=flow_class,
        artifact_content_type=_content_type(model),
        artifact_object_id=OuterRef("pk"),
    )
    tasks = Task.objects.filter(
        process__flow_class=flow_class,
        process__artifact_content_type=_content_type(model),
        process__artifact_object_id=OuterRef("pk"),
        flow_task_type=HUMAN,
        status__in=OPEN,
    )
    rows = model.objects.annotate(expected=_expected(flow_class, lifecycle))
    wrong = (
        Q(expected__isnull=True, has_open=True)
        | Q(expected__isnull=False, has_expected=False)
        | Q(expected__isnull=False, has_other=True)
        | Q(has_process=False)
    )
    if model is Receipt:
        # A copy that has not arrived has no process yet.
        wrong &= ~Q(status=ReceiptStatus.PENDING)
    return list(
        rows.annotate(
            has_open=Exists(tasks),
            has_expected=Exists(tasks.filter(flow_task=OuterRef("expected"))),
            has_other=Exists(tasks.exclude(flow_task=OuterRef("expected"))),
            has_process=Exists(processes),
        )
        .filter(wrong)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def reconcile(limit: int = 500) -> int:
    """Bring at most ``limit`` drifted processes of each flow in line; return how many. Each
    artifact in its own transaction under its row lock, credited to whoever took the step
    that led to its current state."""
    fixed = 0
    for model in (Document, Receipt):
        for pk in drifted(model, limit):
            with transaction.atomic():
                locked = model.objects.select_for_update(of=("self",)).filter(pk=pk)
                if model is Receipt:
                    locked = locked.select_related("document")
                artifact = locked.first()
                if artifact is None:
                    continue
                actor, left = latest_step(artifact)
                task = FLOWS[model][1].state(left).task if left else None
                follow([artifact], actor=actor, took=task.kind if task else None)
                fixed += 1
    return fixed


def process_for(artifact) -> Process | None:
    return Process.objects.filter(_process_of(artifact)).order_by("pk").first()
