"""Workers handed the same chunk at the same instant, on real PostgreSQL: each receipt is
delivered, notified and audited once, whichever thread wins its row lock."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.models import Count

from documents import services
from documents.models import AuditEvent
from tests.races.test_races import assert_no_errors, run_together
from tests.support import advance, new_draft
from tests.workflow.conftest import free_port
from workflow import tasks
from workflow.models import Notification

pytestmark = pytest.mark.postgres


def test_same_chunk_in_four_workers_at_once_delivers_each_receipt_once(
    live_world, recipient_orgs, broker
):
    orgs = recipient_orgs(60)
    doc = advance(
        new_draft(recipients=[{"organization": o.code, "purpose": "execute"} for o in orgs]),
        "issued",
    )
    # The dispatch's own delivery message goes nowhere, so the receipts wait as pending.
    broker.use(f"redis://127.0.0.1:{free_port()}/0")
    services.dispatch(actor=live_world.user("vanthu"), document=doc)
    broker.restore()
    ids = list(doc.receipts.order_by("pk").values_list("pk", flat=True))
    assert set(doc.receipts.values_list("status", flat=True)) == {"pending"}

    results = run_together(lambda _: tasks.deliver_receipts.run(ids), range(4))
    assert_no_errors(results)
    assert sum(results) == 60  # each receipt delivered by exactly one of them

    assert set(doc.receipts.values_list("status", flat=True)) == {"delivered"}
    events = (
        AuditEvent.objects.filter(receipt__document=doc, action="deliver")
        .values("receipt")
        .annotate(n=Count("seq"))
    )
    assert len(events) == 60 and {e["n"] for e in events} == {1}
    notes = (
        Notification.objects.filter(receipt__document=doc).values("receipt").annotate(n=Count("id"))
    )
    assert len(notes) == 60 and {n["n"] for n in notes} == {1}
    call_command("verify_audit")
