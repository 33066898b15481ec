"""Báo cáo tình hình giải quyết văn bản (Decree 30 PL VI): the figures equal what the test
counts itself, row by row in Python, from a hand-built set of documents and copies handled
on time, late, past their deadline and not yet; lateness of acknowledgement on the
working-day calendar; who may read the reports (the registers' readers)."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from documents import services
from documents.errors import Forbidden, NotFound
from documents.lifecycle import DocumentStatus, Purpose, ReceiptStatus
from documents.models import AuditEvent, Document, Receipt
from documents.selectors.reports import report
from tests.support import advance, new_draft, receipt_for, user

pytestmark = pytest.mark.django_db
S, R = DocumentStatus, ReceiptStatus
ZONE = datetime.timezone(datetime.timedelta(hours=7))


def dispatched(title: str, capture) -> Document:
    document = advance(new_draft(title=title), S.ISSUED)
    with capture(execute=True):
        return services.dispatch(actor=user("vanthu"), document=document)


@pytest.fixture
def handled(world, django_capture_on_commit_callbacks):
    """Two plans of the city: at Bắc Sơn one copy done on time and one done late, at Trung
    Sơn one past its deadline and one not yet acknowledged."""
    today = timezone.localdate()
    first = dispatched("Kế hoạch báo cáo thứ nhất", django_capture_on_commit_callbacks)
    second = dispatched("Kế hoạch báo cáo thứ hai", django_capture_on_commit_callbacks)
    tomorrow = today + datetime.timedelta(days=1)

    def assigned(document, code):
        receipt = services.acknowledge(
            actor=user(f"vt.{code}"), receipt=receipt_for(document, code)
        )
        return services.assign(
            actor=user(f"ld.{code}"),
            receipt=receipt,
            assignee=user(f"cb.{code}"),
            deadline=tomorrow,
        )

    on_time = assigned(first, "bacson")
    services.complete(actor=user("cb.bacson"), receipt=on_time, report="Đã thực hiện.")
    late = assigned(second, "bacson")
    # The service refuses a deadline already past: the copy's deadline, gone by.
    Receipt.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=2))
    services.complete(actor=user("cb.bacson"), receipt=late, report="Đã thực hiện, chậm.")
    overdue = assigned(first, "trungson")
    Receipt.objects.filter(pk=overdue.pk).update(deadline=today - datetime.timedelta(days=1))
    services.acknowledge(actor=user("vt.thanhuy"), receipt=receipt_for(first, "thanhuy"))
    return first, second


def completed_on(receipt: Receipt) -> datetime.date | None:
    event = AuditEvent.objects.filter(receipt=receipt, action="complete").order_by("seq").first()
    return event.at.astimezone(ZONE).date() if event else None


def expected_split(receipts, on: datetime.date) -> dict[str, int]:
    """The handling of each copy, decided here one by one."""
    counts = dict.fromkeys(("to_handle", "on_time", "late", "in_time", "overdue", "waiting"), 0)
    for r in receipts:
        recalled = r.document is not None and r.document.status == S.RECALLED
        if r.purpose not in (Purpose.EXECUTE, Purpose.COORDINATE) or recalled:
            continue
        if r.status == R.REFUSED:
            continue
        counts["to_handle"] += 1
        if r.status == R.COMPLETED:
            done = completed_on(r)
            late = r.deadline is not None and done is not None and done > r.deadline
            counts["late" if late else "on_time"] += 1
        elif r.status in (R.ASSIGNED, R.IN_PROGRESS):
            past = r.deadline is not None and r.deadline < on
            counts["overdue" if past else "in_time"] += 1
        else:
            counts["waiting"] += 1
    return counts


def figures(table) -> dict[str, list[int]]:
    return {line.key: line.values for line in table.lines}


def test_the_outgoing_figures_equal_the_documents_counted_one_by_one(handled):
    today = timezone.localdate()
    result = report(user("vanthu"), organization="mttq-samson", since=today, until=today)

    documents = list(Document.objects.filter(issuer__code="mttq-samson"))
    made_today = [d for d in documents if d.created_at.astimezone(ZONE).date() == today]
    states = figures(result.table("outgoing-states"))
    for state in S:
        assert states[state.value] == [sum(d.status == state for d in made_today)], state
    # Labelled by the lifecycle's own words.
    labels = {line.key: str(line.label) for line in result.table("outgoing-states").lines}
    assert labels[S.DISPATCHED] == str(S.DISPATCHED.label)

    numbered = [
        d for d in documents if d.issued_at and d.issued_at.astimezone(ZONE).date() == today
    ]
    assert len(numbered) >= 2
    copies = list(Receipt.objects.filter(document__in=numbered).select_related("document"))
    split = expected_split(copies, today)
    got = figures(result.table("outgoing-handling"))
    assert got["issued"] == [len(numbered)]
    assert got["total"] == [len(copies)]
    for key, count in split.items():
        assert got[key] == [count], key
    # The hand-built set is in there: one late, one overdue, one on time at least.
    assert split["late"] >= 1 and split["overdue"] >= 1 and split["on_time"] >= 1
    cards = {line.key: line.values[0] for line in result.cards}
    assert cards["issued"] == len(numbered)


def test_each_recipient_timeliness(handled):
    today = timezone.localdate()
    result = report(user("vanthu"), organization="mttq-samson", since=today, until=today)
    rows = {line.label: line.values for line in result.table("recipients").lines}
    copies = Receipt.objects.filter(
        document__issuer__code="mttq-samson", document__issued_at__date=today
    ).select_related("organization", "document")
    by_org: dict[str, list[Receipt]] = {}
    for receipt in copies:
        by_org.setdefault(receipt.organization.name, []).append(receipt)
    assert set(rows) == set(by_org)
    for name, receipts in by_org.items():
        split = expected_split(receipts, today)
        acknowledged = sum(
            r.status in (R.ACKNOWLEDGED, R.ASSIGNED, R.IN_PROGRESS, R.COMPLETED) for r in receipts
        )
        assert rows[name] == [
            len(receipts),
            acknowledged,
            sum(r.status == R.REFUSED for r in receipts),
            sum(r.status == R.COMPLETED for r in receipts),
            split["on_time"],
            split["late"],
            split["overdue"],
        ], name
    bacson = next(v for k, v in rows.items() if "Bắc Sơn" in k)
    trungson = next(v for k, v in rows.items() if "Trung Sơn" in k)
    assert bacson[3:7] == [2, 1, 1, 0]
    assert trungson[6] == 1


def test_the_incoming_figures_of_a_ward(handled):
    today = timezone.localdate()
    result = report(user("vt.bacson"), organization="bacson", since=today, until=today)
    copies = list(
        Receipt.objects.filter(
            organization__code="bacson", delivered_at__date=today
        ).select_related("document")
    )
    statuses = figures(result.table("incoming-statuses"))
    assert R.PENDING not in statuses
    for status in R:
        if status != R.PENDING:
            assert statuses[status] == [sum(r.status == status for r in copies)], status
    got = figures(result.table("incoming-handling"))
    assert got["total"] == [len(copies)]
    for key, count in expected_split(copies, today).items():
        assert got[key] == [count], key
    assert got["late"] == [1] and got["on_time"] == [1]


def _working_days_back(on: datetime.date, n: int) -> datetime.date:
    """Counted here without the calendar: a March without holidays, only weekends."""
    day, counted = on, 0
    while True:
        if day.weekday() < 5:
            counted += 1
            if counted == n:
                return day
        day -= datetime.timedelta(days=1)


def test_late_acknowledgement_is_counted_in_working_days(world, django_capture_on_commit_callbacks):
    """Friday and Thursday arrivals read on a Monday: the weekend does not count."""
    on = datetime.date(2025, 3, 10)  # a Monday; no public holiday near
    n = settings.REMINDER_WORKING_DAYS
    cutoff = _working_days_back(on, n)
    documents = [
        dispatched(f"Công văn chờ tiếp nhận {i}", django_capture_on_commit_callbacks)
        for i in range(3)
    ]
    arrivals = [cutoff - datetime.timedelta(days=1), cutoff, on]
    for document, day in zip(documents, arrivals, strict=True):
        at = datetime.datetime.combine(day, datetime.time(10), tzinfo=ZONE)
        Receipt.objects.filter(pk=receipt_for(document, "trungson").pk).update(delivered_at=at)
    result = report(
        user("vt.trungson"),
        organization="trungson",
        since=datetime.date(2025, 3, 1),
        until=on,
        on=on,
    )
    cards = {line.key: line.values[0] for line in result.cards}
    assert cards["received"] == 3
    expected = sum(day < cutoff for day in arrivals)
    assert cards["late"] == expected == 1
    assert figures(result.table("incoming-handling"))["waiting"] == [3]


def test_only_the_registers_readers_read_the_reports(world):
    today = timezone.localdate()
    for username in ("vanthu", "chutich", "pct.huy", "kiemtra"):
        report(user(username), organization="mttq-samson", since=today, until=today)
    for username in ("soanthao", "vt.bacson", "cb.bacson"):
        with pytest.raises(Forbidden):
            report(user(username), organization="mttq-samson", since=today, until=today)
    with pytest.raises(NotFound):
        report(user("vanthu"), organization="khong-co", since=today, until=today)


def test_secret_documents_are_counted_for_the_secret_books_readers_only(world):
    today = timezone.localdate()
    new_draft(title="Dự thảo mật", secrecy="mat")

    def drafts(username: str) -> int:
        result = report(user(username), organization="mttq-samson", since=today, until=today)
        return figures(result.table("outgoing-states"))[S.DRAFT][0]

    assert drafts("vanthu") == drafts("kiemtra") + 1
