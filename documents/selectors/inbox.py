"""The inbox: the tasks waiting for the caller, derived from states, roles and the
lifecycle's tasks in SQL (one query for the grants, then one union, whatever the data
size). Hộp việc and ``GET /api/v1/inbox/`` both list exactly these rows.

The rows are not filtered by visibility again: whoever must act on a document or a copy now
sees it (``visible_documents`` has the same task rows as a branch, and a copy's tasks are its
organisation's clerks', leaders', assignee's and handlers', all of whom ``visible_receipts``
lets in), so the filter would only cost its many-branch OR on every row of the tables.
tests/documents/test_inbox_visibility.py holds the two to each other."""

from __future__ import annotations

from django.db.models import Case, CharField, DateField, F, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce

from orgchart.selectors import Grants, grants_of

from ..lifecycle import DOCUMENT, RECEIPT, Lifecycle
from ..models import Document, Receipt
from .rules import side_task_rows_q, task_rows_q
from .search import matching_documents, matching_receipts

COLUMNS = ("t_kind", "t_document", "t_receipt", "t_title", "t_urgency", "t_due", "t_status")


def _kind(lifecycle: Lifecycle) -> Case:
    return Case(
        *(When(status=s, then=Value(t.kind)) for s, t in lifecycle.task_states().items()),
        output_field=CharField(),
    )


def open_tasks(
    user, grants: Grants | None = None, *, queued: bool = False, q: str = ""
) -> QuerySet:
    """The caller's open tasks, newest first, as rows of ``kind, document, receipt, title,
    urgency, due, status, at``; ``queued``: only those offered to one of the caller's roles
    (Việc chờ nhận), not to the caller by name; ``q``: only those whose document matches
    (the search's words, ``selectors.search``)."""
    if user is None or not user.is_authenticated:
        return Document.objects.none().values("pk")
    g = grants if grants is not None else grants_of(user)
    documents = (
        matching_documents(Document.objects.all(), q)
        .filter(task_rows_q(DOCUMENT, g, user, queued=queued))
        .order_by()
        .annotate(
            t_kind=_kind(DOCUMENT),
            t_document=F("pk"),
            t_receipt=Value(None, output_field=IntegerField()),
            t_title=F("title"),
            t_urgency=F("urgency"),
            t_due=Value(None, output_field=DateField()),
            t_status=F("status"),
            t_at=F("updated_at"),
        )
    )
    parts = [
        _receipt_rows(
            matching_receipts(Receipt.objects.all(), q),
            task_rows_q(RECEIPT, g, user, queued=queued),
            _kind(RECEIPT),
        )
    ]
    if not queued:
        # A phối hợp handler's own part, beside the chủ trì's task on the same copy.
        parts.append(
            _receipt_rows(
                matching_receipts(Receipt.objects.all(), q),
                side_task_rows_q(RECEIPT, g, user),
                _side_kind(RECEIPT),
            )
        )
    return (
        documents.values(*COLUMNS, "t_at")
        .union(*parts, all=True)
        .order_by("-t_at", "t_kind", "-t_document")
    )


def _receipt_rows(receipts: QuerySet, waiting, kind: Case) -> QuerySet:
    """The inbox columns of the copies ``waiting`` selects, their task named by ``kind``."""
    return (
        receipts.filter(waiting)
        .order_by()
        .annotate(
            t_kind=kind,
            t_document=F("document_id"),
            t_receipt=F("pk"),
            t_title=Coalesce(F("document__title"), F("sender_title")),
            t_urgency=F("urgency"),
            t_due=F("deadline"),
            t_status=F("status"),
            t_at=F("updated_at"),
        )
        .values(*COLUMNS, "t_at")
    )


def _side_kind(lifecycle: Lifecycle) -> Case:
    return Case(
        *(When(status=s, then=Value(t.kind)) for s, t in lifecycle.side_task_states().items()),
        output_field=CharField(),
    )
