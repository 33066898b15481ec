"""Báo cáo tình hình giải quyết văn bản đến / đi (Decree 30 PL VI) and the figures around
them, for one organisation and a period: its outgoing documents by state, its incoming copies
by receipt status, how each recipient of its documents handled them, and the two handling
reports. Everything is counted in SQL, in a fixed number of queries whatever the number of
documents.

Who may read them is who may read the organisation's register books
(``selectors.registers.readable_organization``): the reports are the books' figures. Secret
documents are counted only for those who read the secret books.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Count, DateTimeField, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orgchart.models import Organization
from orgchart.selectors import Grants, grants_of

from ..choices import Secrecy
from ..lifecycle import MUST_ACT, NOT_RECALLED, DocumentStatus, ReceiptStatus
from ..models import AuditEvent, Document, Receipt
from ..numbering import REGISTER_ZONE
from .overdue import late_q, past_deadline_q
from .registers import may_read_secret, readable_organization

S, R = DocumentStatus, ReceiptStatus

#: The most recipients the chart of timeliness draws (the table lists them all).
CHART_RECIPIENTS = 25


@dataclass
class Line:
    """One row of a table: its label and its figures; ``chart`` when the chart draws it."""

    label: str | Promise
    values: list[int]
    chart: bool = True
    key: str = ""
    total: bool = False  # a total of the lines below it, not a part


@dataclass
class Table:
    """One block of the page: the chart, and beneath it the same figures as a table; the
    same table is a sheet of the workbook."""

    key: str
    title: str | Promise
    headers: list[str | Promise]
    lines: list[Line]
    chart: str = "bar"  # "bar", "doughnut", "stacked" (horizontal, one bar per line)
    note: str | Promise = ""

    @property
    def charted(self) -> list[Line]:
        """The lines the chart draws; none when they are all nought (nothing to draw)."""
        lines = [line for line in self.lines if line.chart]
        return lines if any(any(line.values) for line in lines) else []


@dataclass
class Report:
    organization: Organization
    since: datetime.date
    until: datetime.date
    on: datetime.date
    cards: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def _within(at: str, since: datetime.date, until: datetime.date) -> Q:
    return Q(**{f"{at}__date__gte": since, f"{at}__date__lte": until})


def _completed_on() -> TruncDate:
    """The day (in the register's time zone) a copy was first completed, from its trail."""
    first = (
        AuditEvent.objects.filter(receipt_id=OuterRef("pk"), action="complete")
        .order_by("seq")
        .values("at")[:1]
    )
    return TruncDate(Subquery(first, output_field=DateTimeField()), tzinfo=REGISTER_ZONE)


def handling(on: datetime.date) -> list[tuple[str, Promise, Q]]:
    """The handling of a copy that must be handled, as the reports split it: done on time or
    late (against its deadline; without one it cannot be late), being handled in time or past
    its deadline, not begun. Reads ``completed_on`` (``_completed_on``) of each copy."""
    done = Q(status=R.COMPLETED)
    return [
        (
            "on_time",
            _("Đã giải quyết đúng hạn"),
            done & (Q(deadline__isnull=True) | Q(completed_on__lte=F("deadline"))),
        ),
        ("late", _("Đã giải quyết quá hạn"), done & Q(completed_on__gt=F("deadline"))),
        (
            "in_time",
            _("Đang giải quyết trong hạn"),
            Q(status__in=[R.ASSIGNED, R.IN_PROGRESS]) & ~past_deadline_q(on),
        ),
        ("overdue", _("Đang giải quyết quá hạn"), past_deadline_q(on)),
        ("waiting", _("Chưa giải quyết"), Q(status__in=[R.PENDING, R.DELIVERED, R.ACKNOWLEDGED])),
    ]


def _to_handle() -> Q:
    """The copies a recipient must handle: those that execute or coordinate, of a document
    not recalled, not refused."""
    return MUST_ACT.q() & NOT_RECALLED.q() & ~Q(status=R.REFUSED)


def _not_secret_documents() -> Q:
    return Q(secrecy=Secrecy.NORMAL)


def _not_secret_receipts() -> Q:
    return (Q(document__isnull=True) | Q(document__secrecy=Secrecy.NORMAL)) & (
        Q(book__isnull=True) | Q(book__secret=False)
    )


def report(
    user,
    *,
    organization: str,
    since: datetime.date,
    until: datetime.date,
    grants: Grants | None = None,
    on: datetime.date | None = None,
) -> Report:
    """The figures of ``organization`` (a code) for the period, both days included, as of
    ``on`` (today) for what is overdue. NotFound for an unknown organisation, Forbidden for
    a person who may not read its books."""
    g = grants if grants is not None else grants_of(user)
    org = readable_organization(user, organization=organization, grants=g)
    today = on or timezone.localdate()
    secret = may_read_secret(org, g)
    documents: QuerySet[Document] = Document.objects.filter(issuer=org)
    incoming: QuerySet[Receipt] = Receipt.objects.filter(organization=org)
    sent: QuerySet[Receipt] = Receipt.objects.filter(document__issuer=org)
    if not secret:
        documents = documents.filter(_not_secret_documents())
        incoming = incoming.filter(_not_secret_receipts())
        sent = sent.filter(_not_secret_receipts())
    result = Report(organization=org, since=since, until=until, on=today)
    issued = _outgoing(result, documents)
    received, late = _incoming(result, incoming.filter(_within("delivered_at", since, until)))
    _sent(result, sent.filter(_within("document__issued_at", since, until)), issued)
    _recipients(result, sent.filter(_within("document__issued_at", since, until)))
    result.cards[:0] = [
        Line(_("Văn bản đi đã cấp số"), [issued], key="issued"),
        Line(_("Văn bản đến đã nhận"), [received], key="received"),
        Line(_("Văn bản đến chậm tiếp nhận hoặc quá hạn xử lý"), [late], key="late"),
    ]
    result.tables.insert(
        0,
        Table(
            "summary",
            _("Tổng hợp"),
            [_("Chỉ tiêu"), _("Số lượng")],
            [Line(c.label, c.values, key=c.key) for c in result.cards],
            chart="",
        ),
    )
    return result


def _share(label: Promise, count: int, key: str) -> Line:
    """A slice of a doughnut: drawn when there is something in it."""
    return Line(label, [count], chart=count > 0, key=key)


def _outgoing(result: Report, documents: QuerySet[Document]) -> int:
    """One query: the documents drafted in the period by state, and those numbered in it."""
    created = _within("created_at", result.since, result.until)
    numbered = _within("issued_at", result.since, result.until) & Q(number__isnull=False)
    counts = documents.filter(created | numbered).aggregate(
        issued=Count("pk", filter=numbered),
        **{f"state_{s.value}": Count("pk", filter=created & Q(status=s)) for s in S},
    )
    result.tables.append(
        Table(
            "outgoing-states",
            _("Văn bản đi theo trạng thái"),
            [_("Trạng thái"), _("Số văn bản")],
            [_share(s.label, counts[f"state_{s.value}"], s.value) for s in S],
            chart="doughnut",
            note=_("Văn bản đi soạn thảo trong kỳ, theo trạng thái hiện nay."),
        )
    )
    return counts["issued"]


def _split(copies: QuerySet[Receipt], on: datetime.date, **extra) -> dict[str, int]:
    to_handle = _to_handle()
    return copies.annotate(completed_on=_completed_on()).aggregate(
        total=Count("pk"),
        to_handle=Count("pk", filter=to_handle),
        **{key: Count("pk", filter=to_handle & q) for key, _label, q in handling(on)},
        **extra,
    )


def _handling_lines(counts: dict[str, int], on: datetime.date) -> list[Line]:
    return [
        Line(_("Cần giải quyết"), [counts["to_handle"]], chart=False, total=True, key="to_handle"),
        *(Line(label, [counts[key]], key=key) for key, label, _q in handling(on)),
    ]


def _incoming(result: Report, copies: QuerySet[Receipt]) -> tuple[int, int]:
    """One query: the copies that arrived in the period by status, their handling, and those
    late now (not acknowledged for the working days allowed, or past the deadline)."""
    on = result.on
    counts = _split(
        copies,
        on,
        lagging=Count("pk", filter=late_q(on)),
        **{f"status_{s.value}": Count("pk", filter=Q(status=s)) for s in R if s != R.PENDING},
    )
    result.tables.append(
        Table(
            "incoming-statuses",
            _("Văn bản đến theo tình trạng"),
            [_("Tình trạng"), _("Số văn bản đến")],
            [_share(s.label, counts[f"status_{s.value}"], s.value) for s in R if s != R.PENDING],
            chart="doughnut",
            note=_("Văn bản đến trong kỳ, theo tình trạng hiện nay."),
        )
    )
    result.tables.append(
        Table(
            "incoming-handling",
            _("Báo cáo tình hình giải quyết văn bản đến"),
            [_("Chỉ tiêu"), _("Số văn bản đến")],
            [
                Line(
                    _("Tổng số văn bản đến"),
                    [counts["total"]],
                    chart=False,
                    total=True,
                    key="total",
                ),
                *_handling_lines(counts, on),
            ],
            note=_(
                "Văn bản để thực hiện hoặc phối hợp; văn bản để biết, để báo cáo, "
                "bị từ chối hoặc bị thu hồi không phải giải quyết."
            ),
        )
    )
    return counts["total"], counts["lagging"]


def _sent(result: Report, copies: QuerySet[Receipt], issued: int) -> None:
    """One query: the copies of the documents numbered in the period, and their handling."""
    counts = _split(copies, result.on)
    result.tables.append(
        Table(
            "outgoing-handling",
            _("Báo cáo tình hình giải quyết văn bản đi"),
            [_("Chỉ tiêu"), _("Số bản")],
            [
                Line(
                    _("Tổng số văn bản đi đã cấp số"),
                    [issued],
                    chart=False,
                    total=True,
                    key="issued",
                ),
                Line(
                    _("Số bản gửi các nơi nhận"),
                    [counts["total"]],
                    chart=False,
                    total=True,
                    key="total",
                ),
                *_handling_lines(counts, result.on),
            ],
            note=_(
                "Các bản gửi nơi nhận để thực hiện hoặc phối hợp, "
                "theo tình hình giải quyết ở nơi nhận."
            ),
        )
    )


#: The columns of the timeliness table after the recipient's name, in order.
TIMELINESS = ("copies", "acknowledged", "refused", "completed", "on_time", "late", "overdue")


def _recipients(result: Report, copies: QuerySet[Receipt]) -> None:
    """One query: for each recipient of the documents numbered in the period, its copies,
    how many it acknowledged, refused and completed (on time, late) and how many are past
    their deadline now."""
    to_handle = _to_handle()
    split = {key: to_handle & q for key, _label, q in handling(result.on)}
    rows = (
        copies.annotate(completed_on=_completed_on())
        .values("organization_id", "organization__name")
        .annotate(
            copies=Count("pk"),
            acknowledged=Count(
                "pk",
                filter=Q(status__in=[R.ACKNOWLEDGED, R.ASSIGNED, R.IN_PROGRESS, R.COMPLETED]),
            ),
            refused=Count("pk", filter=Q(status=R.REFUSED)),
            completed=Count("pk", filter=Q(status=R.COMPLETED)),
            on_time=Count("pk", filter=split["on_time"]),
            late=Count("pk", filter=split["late"]),
            overdue=Count("pk", filter=split["overdue"]),
        )
        .order_by("-copies", "organization__name", "organization_id")
    )
    lines = [
        Line(
            row["organization__name"] or _("Nơi nhận ngoài hệ thống"),
            [cast(dict[str, int], row)[key] for key in TIMELINESS],
            chart=index < CHART_RECIPIENTS,
            key=str(row["organization_id"] or ""),
        )
        for index, row in enumerate(rows)
    ]
    result.tables.append(
        Table(
            "recipients",
            _("Tình hình giải quyết theo nơi nhận"),
            [
                _("Nơi nhận"),
                _("Số bản"),
                _("Đã tiếp nhận"),
                _("Từ chối"),
                _("Đã hoàn thành"),
                _("Hoàn thành đúng hạn"),
                _("Hoàn thành quá hạn"),
                _("Đang quá hạn"),
            ],
            lines,
            chart="stacked",
            note=_("Các bản của văn bản đi cấp số trong kỳ; quá hạn tính đến hôm nay."),
        )
    )
