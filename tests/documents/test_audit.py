"""The audit trail is append-only and hash-chained (design.md section 7): verify_audit passes
on an honest history and names the first broken event when a row is altered, removed,
reordered or cut off; the model refuses changes; on PostgreSQL the database refuses them too."""

from __future__ import annotations

import itertools
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction

from documents import audit, services
from documents.models import AuditChain, AuditEvent
from tests.support import advance, new_draft, receipt_for, settle_all

pytestmark = pytest.mark.django_db


@contextmanager
def bypassing_the_trigger():
    """What a database superuser could do: on PostgreSQL switch the append-only trigger off
    for this session; SQLite has none."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("SET session_replication_role = DEFAULT")


def _lifecycle():
    doc = advance(new_draft(), "dispatched")
    for receipt in doc.receipts.all():
        services.deliver(receipt=receipt)
    settle_all(doc)
    doc.refresh_from_db()
    assert doc.status == "completed"
    return doc


def _issuer_chain(doc) -> list[AuditEvent]:
    """The document's own steps, in the issuer's chain, in chain order."""
    key = audit.chain_key(doc.issuer_id)
    return list(AuditEvent.objects.filter(chain=key, document=doc).order_by("position"))


def _broken() -> list[audit.Break]:
    return list(audit.verify())


def _assert_command_names(seq: int | None):
    with pytest.raises(CommandError) as raised:
        call_command("verify_audit")
    if seq is None:
        assert "end of chain" in str(raised.value)
    else:
        assert f"event #{seq}:" in str(raised.value)


def test_a_full_lifecycle_verifies(world, capsys):
    doc = _lifecycle()
    assert _broken() == []
    call_command("verify_audit")
    assert "audit trail intact" in capsys.readouterr().out

    events = _issuer_chain(doc)
    assert [e.action for e in events][:7] == [
        "create",
        "submit",
        "review",
        "review",
        "sign",
        "register",
        "dispatch",
    ]
    # Each event links to the one before it in its chain, and the head records the last.
    every = list(AuditEvent.objects.filter(chain=events[0].chain).order_by("position"))
    assert [e.position for e in every] == list(range(1, len(every) + 1))
    for before, after in itertools.pairwise(every):
        assert after.prev_hash == before.hash
        assert after.seq > before.seq
    head = AuditChain.objects.get(key=events[0].chain)
    assert (head.length, head.head_hash) == (len(every), every[-1].hash)
    # A recipient's steps are chained in the recipient's name.
    ack = AuditEvent.objects.get(receipt=receipt_for(doc, "bacson"), action="acknowledge")
    assert ack.chain == audit.chain_key(world.org("bacson").pk)


@pytest.mark.parametrize(
    "column, value",
    [
        ("comment", "sửa lén"),
        ("to_status", "withdrawn"),
        ("at", "2020-01-01 00:00:00"),
        ("data", '{"decision": "return"}'),
    ],
)
def test_an_altered_row_is_detected(world, column, value):
    doc = _lifecycle()
    victim = next(e for e in _issuer_chain(doc) if e.action == "sign")
    with bypassing_the_trigger() as cursor:
        cursor.execute(
            f"UPDATE documents_auditevent SET {column} = %s WHERE seq = %s", [value, victim.seq]
        )
    (problem,) = _broken()
    assert problem.seq == victim.seq
    assert "altered" in problem.reason
    _assert_command_names(victim.seq)


def test_an_altered_actor_is_detected(world):
    doc = _lifecycle()
    victim = next(e for e in _issuer_chain(doc) if e.action == "sign")
    with bypassing_the_trigger() as cursor:
        cursor.execute(
            "UPDATE documents_auditevent SET actor_id = %s WHERE seq = %s",
            [world.user("chutich").pk, victim.seq],
        )
    assert [b.seq for b in _broken()] == [victim.seq]


def test_a_rehashed_row_is_still_detected_by_the_next_one(world):
    """Recomputing the altered row's own hash does not help: the next row points at the old."""
    doc = _lifecycle()
    events = _issuer_chain(doc)
    victim = next(e for e in events if e.action == "sign")
    following = events[events.index(victim) + 1]
    victim.comment = "sửa lén"
    forged = audit.compute_hash(victim.prev_hash, victim)
    with bypassing_the_trigger() as cursor:
        cursor.execute(
            "UPDATE documents_auditevent SET comment = %s, hash = %s WHERE seq = %s",
            [victim.comment, forged, victim.seq],
        )
    (problem,) = _broken()
    assert problem.seq == following.seq
    assert "prev_hash" in problem.reason


def test_a_removed_row_is_detected(world):
    doc = _lifecycle()
    events = _issuer_chain(doc)
    victim = next(e for e in events if e.action == "review")
    following = events[events.index(victim) + 1]
    with bypassing_the_trigger() as cursor:
        cursor.execute("DELETE FROM documents_auditevent WHERE seq = %s", [victim.seq])
    (problem,) = _broken()
    assert problem.seq == following.seq
    assert "removed" in problem.reason
    _assert_command_names(following.seq)


def test_reordered_rows_are_detected(world):
    doc = _lifecycle()
    events = _issuer_chain(doc)
    a, b = events[2], events[3]
    with bypassing_the_trigger() as cursor:
        # Swap their places in the chain (through a free position: (chain, position) is unique).
        cursor.execute(
            "UPDATE documents_auditevent SET position = %s WHERE seq = %s", [10**12, a.seq]
        )
        cursor.execute(
            "UPDATE documents_auditevent SET position = %s WHERE seq = %s", [a.position, b.seq]
        )
        cursor.execute(
            "UPDATE documents_auditevent SET position = %s WHERE seq = %s", [b.position, a.seq]
        )
    (problem,) = _broken()
    assert problem.seq == b.seq  # now first of the two in the chain's order
    _assert_command_names(b.seq)


def test_swapped_hashes_are_detected(world):
    doc = _lifecycle()
    events = _issuer_chain(doc)
    a, b = events[4], events[5]
    with bypassing_the_trigger() as cursor:
        for event, other in ((a, b), (b, a)):
            cursor.execute(
                "UPDATE documents_auditevent SET hash = %s, prev_hash = %s WHERE seq = %s",
                [other.hash, other.prev_hash, event.seq],
            )
    (problem,) = _broken()
    assert problem.seq == a.seq


def test_a_truncated_tail_is_detected(world):
    doc = _lifecycle()
    chain = _issuer_chain(doc)[0].chain
    last_two = list(
        AuditEvent.objects.filter(chain=chain).order_by("-position").values_list("seq", flat=True)
    )[:2]
    with bypassing_the_trigger() as cursor:
        cursor.execute(
            "DELETE FROM documents_auditevent WHERE seq IN (%s, %s)", [last_two[0], last_two[1]]
        )
    (problem,) = _broken()
    assert problem.chain == chain and problem.seq is None
    assert "end of chain" in str(problem)
    _assert_command_names(None)


def test_only_the_broken_chain_is_reported(world):
    doc = _lifecycle()
    bacson_event = AuditEvent.objects.get(receipt=receipt_for(doc, "bacson"), action="acknowledge")
    with bypassing_the_trigger() as cursor:
        cursor.execute(
            "UPDATE documents_auditevent SET comment = 'x' WHERE seq = %s", [bacson_event.seq]
        )
    assert [(b.chain, b.seq) for b in _broken()] == [(bacson_event.chain, bacson_event.seq)]


# ---------------------------------------------------------------------------------------------
# The model refuses


def test_the_model_refuses_to_change_or_remove_an_event(world):
    doc = new_draft()
    event = AuditEvent.objects.filter(document=doc).get()
    event.comment = "sửa"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(comment="sửa")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    # bulk_update runs inside its own atomic block; keep the test's transaction usable.
    with pytest.raises(PermissionError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["comment"])
    with pytest.raises(PermissionError):
        doc.audit_events.update(comment="sửa")
    event.refresh_from_db()
    assert event.comment == ""
    assert _broken() == []


def test_removing_a_document_with_history_is_refused(world):
    doc = new_draft()
    with pytest.raises(models.ProtectedError):
        doc.delete()
    assert AuditEvent.objects.filter(document=doc).exists()


# ---------------------------------------------------------------------------------------------
# The database refuses (PostgreSQL trigger)


@pytest.mark.postgres
def test_postgres_rejects_a_raw_update_of_an_event(world):
    event = AuditEvent.objects.filter(document=new_draft()).get()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE documents_auditevent SET comment = 'sửa' WHERE seq = %s", [event.seq]
        )
    event.refresh_from_db()
    assert event.comment == ""


@pytest.mark.postgres
def test_postgres_rejects_a_raw_delete_of_an_event(world):
    event = AuditEvent.objects.filter(document=new_draft()).get()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM documents_auditevent WHERE seq = %s", [event.seq])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.postgres
def test_postgres_rejects_changes_that_go_around_the_model(world):
    event = AuditEvent.objects.filter(document=new_draft()).get()
    plain = models.QuerySet(model=AuditEvent)  # not the append-only queryset
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        plain.filter(pk=event.pk).update(comment="sửa")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        plain.filter(pk=event.pk)._raw_delete(connection.alias)
    event.refresh_from_db()
    assert event.comment == ""
    assert _broken() == []
