"""The sender's receipt table (bảng theo dõi): every copy of a document with the time each
status was reached, for the issuer side only, in a fixed number of queries whatever the
number of recipients."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orgchart.selectors import Grants, grants_of

from ..errors import Forbidden
from ..lifecycle import RECEIPT, ReceiptStatus
from ..models import AuditEvent, Document, Receipt
from .overdue import past_deadline_q
from .visibility import is_issuer_side

R = ReceiptStatus

#: The audit verbs whose time the table shows, besides the receipt's own ``delivered_at``
#: and ``received_at``.
TIMED = ("acknowledge", "assign", "complete", "refuse", "chase")


@dataclass(frozen=True)
class Show:
    """One filter of the table: its query parameter, its words and its rows."""

    key: str
    label: Promise
    q: Q | None = None


def _shows(today: datetime.date) -> tuple[Show, ...]:
    return (
        Show("", _("Tất cả")),
        Show("chua-tiep-nhan", _("Chưa tiếp nhận"), Q(status__in=[R.PENDING, R.DELIVERED])),
        Show("qua-han", _("Quá hạn"), past_deadline_q(today)),
        Show("hoan-thanh", _("Đã hoàn thành"), Q(status=R.COMPLETED)),
    )


@dataclass
class Row:
    receipt: Receipt
    delivered_at: datetime.datetime | None = None
    acknowledged_at: datetime.datetime | None = None
    assigned_at: datetime.datetime | None = None
    completed_at: datetime.datetime | None = None
    refused_at: datetime.datetime | None = None
    chased_at: datetime.datetime | None = None
    overdue: bool = False
    lagging: bool = False
    chased_today: bool = False

    @property
    def chaseable(self) -> bool:
        return self.lagging and not self.chased_today


@dataclass
class Table:
    document: Document
    show: str
    shows: list[dict]
    rows: list[Row]
    total: int
    counts: list[dict] = field(default_factory=list)


def receipt_table(
    user, document: Document, grants: Grants | None = None, *, show: str = ""
) -> Table:
    """The rows of ``show`` (a ``Show.key``; anything else is all), the counts per status
    and per filter. The document is known to be visible to ``user``; only its issuer side
    reads the table (Forbidden otherwise): recipients never see each other's copies."""
    g = grants if grants is not None else grants_of(user)
    if not is_issuer_side(user, document, g):
        raise Forbidden(subject=document)
    today = timezone.localdate()
    shows = _shows(today)
    chosen = next((s for s in shows if s.key == show), shows[0])
    receipts = Receipt.objects.filter(document=document)
    # One query: the count of each status and of each filter.
    aggregates = {f"status_{s.value}": Count("pk", filter=Q(status=s)) for s in R}
    aggregates.update({f"show_{i}": Count("pk", filter=s.q) for i, s in enumerate(shows) if s.q})
    totals = receipts.aggregate(total=Count("pk"), **aggregates)
    rows = _rows(document, receipts.filter(chosen.q) if chosen.q else receipts, today)
    return Table(
        document=document,
        show=chosen.key,
        shows=[
            {
                "key": s.key,
                "label": s.label,
                "count": totals[f"show_{i}"] if s.q else totals["total"],
                "active": s is chosen,
            }
            for i, s in enumerate(shows)
        ],
        rows=rows,
        total=totals["total"],
        counts=[
            {"status": s.value, "label": s.label, "count": totals[f"status_{s.value}"]}
            for s in R
            if totals[f"status_{s.value}"]
        ],
    )


def _rows(document: Document, receipts: QuerySet[Receipt], today: datetime.date) -> list[Row]:
    """Two queries: the copies with their organisation and handler, then the events that
    timed them (the latest of each verb)."""
    listed = list(
        # The recall exchange of an outside copy (13, answered 15 or 16) rides along.
        receipts.select_related("organization", "assignee", "recall").order_by(
            "organization__order", "organization__name", "pk"
        )
    )
    times: dict[tuple[int, str], datetime.datetime] = {}
    events = AuditEvent.objects.filter(
        document=document, receipt__isnull=False, action__in=TIMED
    ).order_by("seq")
    for receipt_id, verb, at in events.values_list("receipt_id", "action", "at"):
        times[(receipt_id, verb)] = at
    rows = []
    for receipt in listed:
        # The guards read the document: it is this one, already loaded.
        receipt.document = document
        chased = times.get((receipt.pk, "chase"))
        rows.append(
            Row(
                receipt=receipt,
                delivered_at=receipt.delivered_at,
                acknowledged_at=receipt.received_at or times.get((receipt.pk, "acknowledge")),
                assigned_at=times.get((receipt.pk, "assign")),
                completed_at=times.get((receipt.pk, "complete")),
                refused_at=times.get((receipt.pk, "refuse")),
                chased_at=chased,
                overdue=bool(
                    receipt.deadline
                    and receipt.deadline < today
                    and receipt.status in (R.ASSIGNED, R.IN_PROGRESS)
                ),
                lagging=RECEIPT.task_for(receipt) is not None,
                chased_today=bool(chased and timezone.localdate(chased) == today),
            )
        )
    return rows
