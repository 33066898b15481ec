"""Delivery by real ``celery -A config worker`` processes on Redis against the PostgreSQL test
database: the production set-up, on one machine. These run in ``make test-services`` and
fail, never skip, when PostgreSQL or Redis is missing."""

from __future__ import annotations

import time

import pytest
from django.db.models import Count

from documents import services
from documents.models import AuditEvent, Receipt
from tests.support import advance, new_draft
from tests.workflow.conftest import delete_keys, wait_until
from workflow import tasks
from workflow.models import Notification

pytestmark = [pytest.mark.services, pytest.mark.postgres]

#: Beat inside the worker, sweeping every second for anything pending at all.
EAGER_SWEEPER = {"DELIVERY_SWEEP_EVERY_SECONDS": "1", "DELIVERY_SWEEP_AFTER_SECONDS": "0"}


def issued_to(world, orgs, **extra):
    recipients = [{"organization": o.code, "purpose": "execute"} for o in orgs]
    return advance(new_draft(recipients=recipients, **extra), "issued")


def dispatch(world, document):
    """Commits for real; delivery is enqueued on commit, to whatever broker the app uses."""
    return services.dispatch(actor=world.user("vanthu"), document=document)


def pending(document) -> int:
    return Receipt.objects.filter(document=document, status="pending").count()


def assert_delivered_exactly_once(document, expected: int) -> None:
    receipts = Receipt.objects.filter(document=document)
    assert receipts.count() == expected
    assert set(receipts.values_list("status", flat=True)) == {"delivered"}
    per_receipt = (
        AuditEvent.objects.filter(receipt__document=document, action="deliver")
        .values("receipt")
        .annotate(n=Count("seq"))
    )
    assert len(per_receipt) == expected
    assert {row["n"] for row in per_receipt} == {1}
    notes = (
        Notification.objects.filter(receipt__document=document, kind="delivered")
        .values("receipt", "user")
        .annotate(n=Count("id"))
    )
    # Each test organisation has one clerk: one notification per receipt, none twice.
    assert len(notes) == expected
    assert {row["n"] for row in notes} == {1}


def test_dispatch_to_200_recipients_is_delivered_within_a_minute(
    live_world, recipient_orgs, shared_redis_url, broker, workers
):
    doc = issued_to(live_world, recipient_orgs(200))
    broker.use(shared_redis_url)
    worker = workers.start(shared_redis_url, concurrency=2)
    started = time.monotonic()
    dispatch(live_world, doc)
    wait_until(lambda: pending(doc) == 0, timeout=60, what="200 deliveries", workers=[worker])
    elapsed = time.monotonic() - started
    assert_delivered_exactly_once(doc, 200)
    assert elapsed < 60


def test_worker_killed_mid_fan_out_every_receipt_delivered_exactly_once(
    live_world, recipient_orgs, shared_redis_url, broker, workers
):
    doc = issued_to(live_world, recipient_orgs(500))
    broker.use(shared_redis_url)
    first = workers.start(shared_redis_url, concurrency=1)
    dispatch(live_world, doc)
    wait_until(
        lambda: pending(doc) <= 440, timeout=90, what="the fan-out to start", workers=[first]
    )
    first.kill()
    left = pending(doc)
    assert 0 < left < 500, "the worker must die in the middle of the fan-out"

    # The chunk the dead worker held stays unacknowledged in Redis (until the visibility
    # timeout); the queued chunks go to the new worker, and its sweeper covers the rest.
    second = workers.start(shared_redis_url, concurrency=2, beat=True, env=EAGER_SWEEPER)
    wait_until(lambda: pending(doc) == 0, timeout=120, what="every receipt", workers=[second])
    time.sleep(2)  # let the sweeper's duplicate messages run: they must change nothing
    assert_delivered_exactly_once(doc, 500)


def test_broker_down_at_dispatch_the_sweeper_delivers_once_it_is_back(
    live_world, recipient_orgs, own_redis, broker, workers
):
    doc = issued_to(live_world, recipient_orgs(50))
    url = own_redis.url()
    broker.use(url)
    own_redis.stop()

    doc = dispatch(live_world, doc)  # the enqueue on commit fails; the dispatch does not
    assert doc.status == "dispatched"
    assert pending(doc) == 50

    own_redis.start()
    worker = workers.start(url, concurrency=1, beat=True, env=EAGER_SWEEPER)
    wait_until(lambda: pending(doc) == 0, timeout=60, what="the sweeper", workers=[worker])
    time.sleep(2)
    assert_delivered_exactly_once(doc, 50)


def test_urgent_document_overtakes_ordinary_ones_waiting_in_the_queue(
    live_world, recipient_orgs, shared_redis_url, broker, workers
):
    orgs = recipient_orgs(150)
    normal = issued_to(live_world, orgs, title="Kế hoạch thường")
    urgent = issued_to(live_world, orgs, title="Công điện hỏa tốc", urgency="hoa_toc")
    broker.use(shared_redis_url)
    dispatch(live_world, normal)  # queued first, while no worker runs
    dispatch(live_world, urgent)
    assert pending(normal) == pending(urgent) == 150

    worker = workers.start(shared_redis_url, concurrency=1)
    wait_until(
        lambda: pending(normal) + pending(urgent) == 0, timeout=90, what="both", workers=[worker]
    )
    last_urgent = max(urgent.receipts.values_list("delivered_at", flat=True))
    first_normal = min(normal.receipts.values_list("delivered_at", flat=True))
    assert last_urgent < first_normal


def test_two_workers_given_the_same_chunks_deliver_each_receipt_once(
    live_world, recipient_orgs, shared_redis_url, broker, workers
):
    doc = issued_to(live_world, recipient_orgs(120))
    broker.use(shared_redis_url)
    # No worker yet: the dispatch's own message waits; then every chunk is sent three times.
    dispatch(live_world, doc)
    ids = list(doc.receipts.order_by("pk").values_list("pk", flat=True))
    for _ in range(3):
        tasks.enqueue_chunks(ids, "normal")
    running = [
        workers.start(shared_redis_url, concurrency=2),
        workers.start(shared_redis_url, concurrency=2),
    ]
    wait_until(lambda: pending(doc) == 0, timeout=60, what="delivery", workers=running)
    time.sleep(3)  # the duplicates run to the end
    assert_delivered_exactly_once(doc, 120)


def test_sweeper_waits_while_the_workers_are_behind(
    live_world, shared_redis_url, key_prefix, broker, settings
):
    """With more than DELIVERY_SWEEP_MAX_BACKLOG messages queued, what is pending is most
    likely queued too: the sweep adds no copies until the queue drains."""
    settings.DELIVERY_SWEEP_MAX_BACKLOG = 5
    doc = advance(new_draft(), "issued")
    broker.use(shared_redis_url)
    dispatch(live_world, doc)  # 1 message, no worker
    for _ in range(5):
        tasks.deliver_receipts.apply_async(([],))
    assert tasks.queue_backlog() == 6
    assert tasks.sweep_pending.run(older_than_seconds=0) == 0
    assert tasks.queue_backlog() == 6

    delete_keys(shared_redis_url, key_prefix)  # the queue drains
    assert tasks.sweep_pending.run(older_than_seconds=0) == 3
    assert tasks.queue_backlog() == 1
