"""The seed plan, from soanthao's draft to the last ward's report, with the demo people."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from documents import services
from documents.errors import InvalidInput
from documents.models import AuditEvent, DocumentVersion, Receipt
from tests.support import settle_all

pytestmark = pytest.mark.django_db


def test_seed_plan_goes_through_every_state(world, django_capture_on_commit_callbacks):
    doc = world.seed_plan()
    assert doc.status == "draft"
    assert doc.recipients.count() == 22
    assert sorted(doc.references.values_list("sender_symbol", flat=True)) == [
        "195-KH/TU",
        "616/MTTQ-BTT",
    ]

    doc = services.submit(actor=world.user("soanthao"), document=doc)
    assert doc.status == "in_review"
    doc = services.review(
        actor=world.user("truongban"),
        document=doc,
        decision="return",
        comment="Bổ sung nội dung tuyên truyền Giải búa liềm vàng.",
    )
    assert doc.status == "returned"
    doc = services.edit_draft(actor=world.user("soanthao"), document=doc, body=doc.body + "\n\n.")
    doc = services.submit(actor=world.user("soanthao"), document=doc)
    assert doc.status == "in_review"
    assert list(DocumentVersion.objects.filter(document=doc).values_list("number", flat=True)) == [
        1,
        2,
    ]

    doc = services.review(actor=world.user("truongban"), document=doc, decision="approve")
    assert doc.status == "format_check"
    doc = services.review(actor=world.user("vanthu"), document=doc, decision="approve")
    assert doc.status == "awaiting_signature"
    doc = services.sign(actor=world.user("pct.huy"), document=doc, decision="sign")
    assert doc.status == "signed"
    assert doc.signer.username == "pct.huy"
    assert doc.signer_title == "Phó Chủ tịch"

    doc = services.register(actor=world.user("vanthu"), document=doc)
    assert doc.status == "issued"
    assert doc.number == 1
    assert doc.symbol == "01/KH-MTTQ-BTT"
    assert timezone.localtime(doc.issued_at).year == timezone.localdate().year

    with django_capture_on_commit_callbacks(execute=True):
        doc = services.dispatch(actor=world.user("vanthu"), document=doc)
    assert doc.status == "dispatched"
    receipts = Receipt.objects.filter(document=doc)
    assert receipts.count() == 22
    # Eager delivery ran on commit: every receipt has arrived (code 01).
    assert set(receipts.values_list("status", flat=True)) == {"delivered"}

    settle_all(doc)
    doc.refresh_from_db()
    assert doc.status == "completed"
    assert set(receipts.filter(purpose="report").values_list("status", flat=True)) == {
        "acknowledged"
    }
    assert set(receipts.filter(purpose="execute").values_list("status", flat=True)) == {"completed"}
    bacson = receipts.get(organization__code="bacson")
    assert bacson.incoming_number == 1
    assert bacson.assignee.username == "cb.bacson"
    assert bacson.deadline > timezone.localdate()

    actions = list(AuditEvent.objects.filter(document=doc).values_list("action", flat=True))
    assert actions[:10] == [
        "create",
        "submit",
        "review",
        "edit",
        "submit",
        "review",
        "review",
        "sign",
        "register",
        "dispatch",
    ]
    assert actions.count("deliver") == 22
    assert actions.count("acknowledge") == 22
    assert actions[-1] == "complete"
    call_command("verify_audit")


def test_tampering_with_one_audit_row_is_detected(world, capsys):
    doc = world.seed_plan()
    services.submit(actor=world.user("soanthao"), document=doc)
    call_command("verify_audit")
    event = AuditEvent.objects.filter(document=doc, action="submit").get()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As a superuser would: bypass the append-only trigger for this session.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            "UPDATE documents_auditevent SET comment = %s WHERE seq = %s", ["sửa lén", event.seq]
        )
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")
    # CommandError is what makes manage.py exit with status 1.
    with pytest.raises(CommandError, match=f"first broken event: chain .*: event #{event.seq}:"):
        call_command("verify_audit")
    assert f"#{event.seq}" in capsys.readouterr().err


def test_deadline_in_the_past_is_refused(world, django_capture_on_commit_callbacks):
    from tests.support import advance, new_draft

    with django_capture_on_commit_callbacks(execute=True):
        doc = advance(new_draft(), "dispatched")
    receipt = services.acknowledge(
        actor=world.user("vt.bacson"), receipt=doc.receipts.get(organization__code="bacson")
    )
    with pytest.raises(InvalidInput):
        services.assign(
            actor=world.user("ld.bacson"),
            receipt=receipt,
            assignee=world.user("cb.bacson"),
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )
