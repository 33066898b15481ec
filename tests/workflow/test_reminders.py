"""Đôn đốc: recipients that have not acknowledged after N working days, and assignees near or
past their deadline, are reminded at most once per receipt and day; the sender sees the
overdue list."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from documents import selectors, services
from documents.models import Receipt
from tests.support import advance, new_draft
from workflow import tasks
from workflow.models import Notification, NotificationKind, Reminder

pytestmark = pytest.mark.django_db
K = NotificationKind
D = datetime.date


@pytest.mark.parametrize(
    "on, working_days, cutoff",
    [
        (D(2023, 6, 7), 2, D(2023, 6, 6)),  # Wed → Tue: delivered Mon is late, Tue is not
        (D(2023, 6, 5), 2, D(2023, 6, 2)),  # Mon → Fri
        (D(2023, 6, 10), 2, D(2023, 6, 8)),  # Sat → Thu
        (D(2023, 6, 11), 1, D(2023, 6, 9)),  # Sun → Fri
        (D(2023, 6, 7), 5, D(2023, 6, 1)),  # a working week back, over the weekend
        (D(2023, 6, 7), 0, D(2023, 6, 8)),  # 0: everything delivered up to today is late
    ],
)
def test_working_day_cutoff(on, working_days, cutoff):
    assert selectors.working_day_cutoff(on, working_days) == cutoff


@pytest.fixture
def dispatched(world, django_capture_on_commit_callbacks):
    doc = advance(new_draft(), "issued")
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.dispatch(actor=world.user("vanthu"), document=doc)
    assert set(doc.receipts.values_list("status", flat=True)) == {"delivered"}
    return doc


def remind(on: datetime.date) -> int:
    return tasks.send_reminders.apply(kwargs={"on": on.isoformat()}).get()


def usernames(kind: str, day: datetime.date | None = None) -> list[str]:
    notes = Notification.objects.filter(kind=kind)
    if day is not None:
        notes = notes.filter(key=day.isoformat())
    return sorted(notes.values_list("user__username", flat=True))


@override_settings(REMINDER_WORKING_DAYS=2)
def test_unacknowledged_recipients_are_reminded_once_a_day(world, dispatched):
    today = timezone.localdate()
    assert remind(today) == 0  # just arrived

    later = today + datetime.timedelta(days=7)
    assert remind(later) == 3
    assert usernames(K.ACK_REMINDER, later) == ["vt.bacson", "vt.thanhuy", "vt.trungson"]
    note = Notification.objects.filter(kind=K.ACK_REMINDER).first()
    assert note.text.startswith("Đôn đốc: văn bản đến ngày") and dispatched.symbol in note.text

    # Beat runs hourly: the same day adds nothing.
    assert remind(later) == 0
    assert Reminder.objects.count() == 3
    assert Notification.objects.filter(kind=K.ACK_REMINDER).count() == 3

    # Next day, once more — except for whoever has acknowledged meanwhile.
    receipt = dispatched.receipts.get(organization__code="bacson")
    services.acknowledge(actor=world.user("vt.bacson"), receipt=receipt)
    next_day = later + datetime.timedelta(days=1)
    assert remind(next_day) == 2
    assert usernames(K.ACK_REMINDER, next_day) == ["vt.thanhuy", "vt.trungson"]


@override_settings(REMINDER_WORKING_DAYS=3)
def test_reminder_waits_the_configured_working_days(world, dispatched):
    today = timezone.localdate()
    cutoff = selectors.working_day_cutoff
    # The first day on which the receipt has waited three working days.
    first_late = next(
        today + datetime.timedelta(days=n)
        for n in range(1, 10)
        if cutoff(today + datetime.timedelta(days=n), 3) > today
    )
    assert remind(first_late - datetime.timedelta(days=1)) == 0
    assert remind(first_late) == 3


@override_settings(REMINDER_DEADLINE_DAYS=2)
def test_assignee_reminded_before_and_after_the_deadline(world, dispatched):
    receipt = dispatched.receipts.get(organization__code="bacson")
    receipt = services.acknowledge(actor=world.user("vt.bacson"), receipt=receipt)
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    services.assign(
        actor=world.user("ld.bacson"),
        receipt=receipt,
        assignee=world.user("cb.bacson"),
        deadline=deadline,
    )
    Notification.objects.all().delete()
    assigned_only = {"organization__code": "bacson"}

    remind(deadline - datetime.timedelta(days=3))  # not near yet
    assert not Notification.objects.filter(receipt__organization__code="bacson").exists()
    near = deadline - datetime.timedelta(days=2)
    remind(near)
    assert usernames(K.DEADLINE_NEAR, near) == ["cb.bacson"]
    note = Notification.objects.get(kind=K.DEADLINE_NEAR)
    assert f"{deadline:%d/%m/%Y}" in note.text

    past = deadline + datetime.timedelta(days=1)
    remind(past)
    assert usernames(K.DEADLINE_PAST, past) == ["cb.bacson", "ld.bacson"]
    assert Reminder.objects.filter(receipt__organization__code="bacson").count() == 2
    assert list(
        selectors.overdue_receipts(world.user("vanthu"), on=past)
        .filter(**assigned_only)
        .values_list("status", flat=True)
    ) == ["assigned"]


def test_sender_sees_the_overdue_list_recipients_do_not(world, dispatched):
    later = timezone.localdate() + datetime.timedelta(days=7)
    overdue = selectors.overdue_receipts(world.user("vanthu"), on=later)
    assert sorted(overdue.values_list("organization__code", flat=True)) == [
        "bacson",
        "thanhuy",
        "trungson",
    ]
    assert not selectors.overdue_receipts(world.user("vt.bacson"), on=later).exists()
    assert not selectors.overdue_receipts(world.user("vanthu")).exists()  # not late today


def test_overdue_api(world, dispatched, django_assert_max_num_queries):
    # Arrived ten days ago (test data): late for acknowledgement by any count of working days.
    Receipt.objects.filter(document=dispatched).update(
        delivered_at=timezone.now() - datetime.timedelta(days=10)
    )
    services.acknowledge(
        actor=world.user("vt.thanhuy"),
        receipt=dispatched.receipts.get(organization__code="thanhuy"),
    )
    client = APIClient()
    client.force_login(world.user("vanthu"))
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/overdue/").json()
    assert body["count"] == 2
    assert {r["organization"] for r in body["results"]} == {"bacson", "trungson"}
    assert {r["late"] for r in body["results"]} == {"not_acknowledged"}
    assert {r["code"] for r in body["results"]} == {"01"}
    assert body["results"][0]["symbol"] == dispatched.symbol

    recipient = APIClient()
    recipient.force_login(world.user("vt.bacson"))
    assert recipient.get("/api/v1/overdue/").json()["count"] == 0
    assert APIClient().get("/api/v1/overdue/").status_code == 401


def test_beat_runs_the_sweeper_the_reminders_and_the_reconciler():
    from django.conf import settings

    from config.celery import app

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "workflow.tasks.sweep_pending",
        "workflow.tasks.send_reminders",
        "workflow.tasks.remind_obligations",
        "workflow.tasks.reconcile_flows",
        "workflow.exchange.send_outbox",
        "workflow.exchange.read_drop_inboxes",
    }
    assert scheduled <= set(app.tasks)
    assert tasks.reconcile_flows.apply().get() == 0  # nothing has drifted
