"""The roll-up of what a document asked (issuer side only) and what one copy owes."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart.selectors import Grants, grants_of

from ..errors import Forbidden, InvalidInput
from ..lifecycle import NOT_RECALLED
from ..models import Document, Receipt, ReceiptStatus
from ..obligations import Answer, ItemStatus, Obligation, ObligationItem
from ..periods import Period, current
from ..report_forms import totals
from .visibility import get_visible_document, is_issuer_side


@dataclass
class ItemRow:
    item: ObligationItem
    status: str
    #: A form report's answers given by the reply that fulfilled the item.
    answers: dict | None = None

    @property
    def period_(self) -> Period:
        return self.item.period_of


@dataclass
class Rollup:
    obligation: Obligation
    items: list[ItemRow]
    counts: dict[str, int] = field(default_factory=dict)
    #: A form report's number fields summed over the answers in the roll-up.
    totals: dict = field(default_factory=dict)

    @property
    def periods(self) -> list[Period]:
        """A recurring obligation's periods (none for a one-off one)."""
        periods = self.obligation.periods()
        return periods if periods[0].key is not None else []

    def current(self, today: datetime.date | None = None) -> Period:
        return current(self.obligation.periods(), today or timezone.localdate())

    def of_period(self, period: Period) -> Rollup:
        """The same roll-up for one period: its items, their counts and totals."""
        rows = [r for r in self.items if r.item.period == period.index]
        narrowed = Rollup(self.obligation, rows, counts(rows))
        if self.obligation.form:
            narrowed.totals = totals(self.obligation.form, [r.answers for r in rows if r.answers])
        return narrowed


def with_items():
    return Prefetch(
        "obligations",
        queryset=Obligation.objects.prefetch_related(
            Prefetch("items", queryset=ObligationItem.objects.select_related("organization"))
        ),
    )


def rollup(user, document_id: int, grants: Grants | None = None) -> tuple[Document, list[Rollup]]:
    """Every obligation of the document with each organisation's item and status, for the
    issuer side; 404 for whoever does not see the document, 403 for a recipient."""
    g = grants if grants is not None else grants_of(user)
    document = get_visible_document(user, document_id, g)
    if not is_issuer_side(user, document, g):
        raise Forbidden()
    refused = set(
        Receipt.objects.filter(document=document, status=ReceiptStatus.REFUSED).values_list(
            "organization_id", flat=True
        )
    )
    today = timezone.localdate()
    result = []
    items = ObligationItem.objects.select_related("organization", "reply")
    for obligation in Obligation.objects.filter(document=document).prefetch_related(
        Prefetch("items", queryset=items)
    ):
        rows = []
        for item in obligation.items.all():
            item.obligation = obligation
            rows.append(
                ItemRow(item, item.status(refused=item.organization_id in refused, today=today))
            )
        rows.sort(key=lambda r: (r.item.organization.name, r.item.period))
        result.append(Rollup(obligation, rows, counts(rows)))
    _with_answers(result)
    return document, result


def in_period(rollups: list[Rollup], key: str) -> list[Rollup]:
    """The recurring obligations that have the period ``key``, each narrowed to it; a key no
    obligation of the document has is refused (400 on ``period``)."""
    result = []
    for row in rollups:
        period = row.obligation.period_by_key(key) if key else None
        if period is not None:
            result.append(row.of_period(period))
    if not result:
        raise InvalidInput({"period": [_("Văn bản không có kỳ báo cáo này.")]})
    return result


def _with_answers(rollups: list[Rollup]) -> None:
    """Each fulfilled item of a form report gets the answers of the reply that fulfilled it
    (the latest, as the roll-up counts it), and each form report its totals: one query."""
    forms = [r for r in rollups if r.obligation.form]
    if not forms:
        return
    given = {
        (a.obligation_id, a.reply.document_id): a.values
        for a in Answer.objects.filter(obligation__in=[r.obligation for r in forms]).select_related(
            "reply"
        )
    }
    for rollup_ in forms:
        for row in rollup_.items:
            if row.item.reply_id is not None:
                row.answers = given.get((rollup_.obligation.pk, row.item.reply_id), {})
        rollup_.totals = totals(
            rollup_.obligation.form, [r.answers for r in rollup_.items if r.answers]
        )


def counts(rows: list[ItemRow]) -> dict[str, int]:
    """A partition of the items: on time, late, not yet (overdue or not), refused."""
    seen = Counter(r.status for r in rows)
    return {
        "total": len(rows),
        "fulfilled": seen[ItemStatus.FULFILLED],
        "late": seen[ItemStatus.FULFILLED_LATE],
        "pending": seen[ItemStatus.PENDING] + seen[ItemStatus.OVERDUE],
        "refused": seen[ItemStatus.REFUSED],
    }


def owed(receipt: Receipt, today: datetime.date | None = None) -> list[dict]:
    """What this copy's organisation owes under the document's obligations (the document's
    ``obligations`` prefetched with their items, as ``with_items`` does, keeps it to no
    query)."""
    if receipt.document is None or receipt.organization_id is None:
        return []
    refused = receipt.status == ReceiptStatus.REFUSED
    result = []
    for obligation in receipt.document.obligations.all():
        mine = sorted(
            (i for i in obligation.items.all() if i.organization_id == receipt.organization_id),
            key=lambda i: i.period,
        )
        if not mine:
            continue
        # A recurring one: the period to answer next, the earliest still open (else the
        # last), as a reply answers by default (services.obligations.answered_periods).
        item = next((i for i in mine if i.fulfilled_at is None), mine[-1])
        item.obligation = obligation
        period = item.period_of
        result.append(
            {
                "id": obligation.pk,
                "kind": obligation.kind,
                "title": obligation.title,
                "due": item.due,
                "status": item.status(refused=refused, today=today),
                "period": period.key,
                "period_label": period.label,
            }
        )
    return result


@dataclass
class Owing:
    """A copy whose organisation still owes something under its document's obligations, due
    soon (``near``) or already past (``past``)."""

    receipt: Receipt
    #: The items owed, each with its obligation: what and for which period (``title``), by
    #: when (``due``).
    near: list[ObligationItem] = field(default_factory=list)
    past: list[ObligationItem] = field(default_factory=list)


def owing(today: datetime.date, *, near_days: int, past_days: int) -> list[Owing]:
    """Every copy that owes a plan or a report due within ``near_days`` or overdue by at most
    ``past_days`` (an item years late is the roll-up's to show, not a daily reminder's), for
    the reminders: not yet fulfilled, the copy neither refused nor of a recalled document. Two
    queries, whatever the number of obligations."""
    items = (
        ObligationItem.objects.filter(
            fulfilled_at__isnull=True,
            due__lte=today + datetime.timedelta(days=near_days),
            due__gte=today - datetime.timedelta(days=past_days),
        )
        .select_related("obligation")
        .order_by("due", "obligation__order", "pk")
    )
    wanted: dict[tuple[int, int], list[ObligationItem]] = {}
    for item in items:
        wanted.setdefault((item.obligation.document_id, item.organization_id), []).append(item)
    if not wanted:
        return []
    documents = {d for d, _ in wanted}
    receipts = (
        Receipt.objects.filter(NOT_RECALLED.q(), document_id__in=documents)
        .exclude(status=ReceiptStatus.REFUSED)
        .select_related("document__issuer", "organization", "assignee")
        .order_by("pk")
    )
    result = []
    for receipt in receipts:
        owed_items = wanted.get((receipt.document_id, receipt.organization_id or 0))
        if owed_items:
            row = Owing(receipt)
            for item in owed_items:
                (row.past if item.due < today else row.near).append(item)
            result.append(row)
    return result


def owing_copies(
    document: Document, obligation: Obligation, today: datetime.date | None = None
) -> list[Receipt]:
    """The copies of ``document`` whose organisation has not yet fulfilled ``obligation``
    (pending or overdue) for its current period or an earlier one, leaving out those that
    refused the document: the ones to chase. Periods to come are not chased. One query."""
    now = current(obligation.periods(), today or timezone.localdate())
    owing_orgs = open_items(obligation, now).values("organization_id")
    return list(
        Receipt.objects.filter(NOT_RECALLED.q(), document=document, organization_id__in=owing_orgs)
        .exclude(status=ReceiptStatus.REFUSED)
        .select_related("organization", "assignee")
        .order_by("organization__name", "pk")
    )


def open_items(obligation: Obligation, upto: Period):
    """The items of ``obligation`` not yet fulfilled, for the period ``upto`` and before."""
    return ObligationItem.objects.filter(
        obligation=obligation, fulfilled_at__isnull=True, period__lte=upto.index
    ).order_by("organization_id", "period")
