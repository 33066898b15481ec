"""Concurrency on real PostgreSQL: many people acting on the same book, document or receipts
at the same instant. Each thread has its own database connection and they are released
together by a barrier, so the row locks are really contended."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Sequence

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from documents import services
from documents.errors import Conflict
from documents.models import (
    AuditEvent,
    Direction,
    Document,
    DocumentStatus,
    Receipt,
    ReceiptStatus,
    RegisterBook,
)
from documents.numbering import registration_year
from orgchart.models import Membership, Organization, OrganizationKind, Position
from tests.support import advance, new_draft, receipt_for, user

pytestmark = pytest.mark.postgres

S, R = DocumentStatus, ReceiptStatus
ISSUER = "mttq-samson"


def run_together(work: Callable, args: Sequence) -> list:
    """Run ``work(arg)`` for every arg, each in its own thread with its own connection, all
    starting at the same instant. Returns each call's result or the exception it raised."""
    barrier = threading.Barrier(len(args))
    results: list = [None] * len(args)

    def thread(index: int, arg) -> None:
        try:
            connection.ensure_connection()  # connect before the start line, not after it
            barrier.wait(timeout=30)
            results[index] = work(arg)
        except BaseException as error:  # handed to the test thread, which reports it
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=thread, args=(i, a)) for i, a in enumerate(args)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck (deadlock?)"
    return results


def assert_no_errors(results: list) -> None:
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors


def assert_audit_intact() -> None:
    call_command("verify_audit")  # raises CommandError on the first broken event


def outgoing_books():
    return RegisterBook.objects.filter(
        organization__code=ISSUER, direction=Direction.OUTGOING, secret=False
    )


# ---------------------------------------------------------------------------------------------
# Numbering


@pytest.mark.parametrize("book_exists", [False, True], ids=["first-of-year", "book-exists"])
def test_sixteen_clerks_register_at_once_get_01_to_16(live_world, book_exists):
    assert not outgoing_books().exists(), "the demo has registered no outgoing document"
    if book_exists:
        RegisterBook.objects.create(
            organization=live_world.org(ISSUER),
            direction=Direction.OUTGOING,
            year=registration_year(),
            secret=False,
        )
    people = {name: user(name) for name in ("soanthao", "truongban", "vanthu", "pct.huy")}
    documents = [
        advance(new_draft(title=f"Kế hoạch số {i}"), S.SIGNED, users=people) for i in range(16)
    ]
    clerk = people["vanthu"]

    results = run_together(lambda doc: services.register(actor=clerk, document=doc), documents)

    assert_no_errors(results)
    registered = Document.objects.filter(pk__in=[d.pk for d in documents])
    assert set(registered.values_list("status", flat=True)) == {S.ISSUED}
    assert sorted(registered.values_list("number", flat=True)) == list(range(1, 17))
    assert sorted(registered.values_list("symbol", flat=True)) == [
        f"{n:02d}/KH-MTTQ-BTT" for n in range(1, 17)
    ]
    # What each caller got back is what was stored.
    assert {(r.pk, r.number) for r in results} == set(registered.values_list("pk", "number"))
    book = outgoing_books().get()  # exactly one book, even when 16 created it at once
    assert book.last_number == 16
    assert set(registered.values_list("book", flat=True)) == {book.pk}
    events = AuditEvent.objects.filter(document__in=documents, action="register")
    assert sorted(e.data["number"] for e in events) == list(range(1, 17))
    assert_audit_intact()


# ---------------------------------------------------------------------------------------------
# Signing


def test_two_signers_at_once_exactly_one_signs(live_world):
    signers = [user("pct.huy"), user("chutich")]
    # Several rounds: each is a fresh document in the inbox of both signers.
    for round_ in range(4):
        document = advance(new_draft(title=f"Ký đồng thời {round_}"), S.AWAITING_SIGNATURE)

        results = run_together(
            lambda signer, doc=document: services.sign(actor=signer, document=doc), signers
        )

        won = [(s, r) for s, r in zip(signers, results, strict=True) if isinstance(r, Document)]
        lost = [(s, r) for s, r in zip(signers, results, strict=True) if isinstance(r, Conflict)]
        assert len(won) == 1 and len(lost) == 1, results
        winner, loser = won[0][0], lost[0][0]
        document.refresh_from_db()
        assert document.status == S.SIGNED
        assert document.signer_id == winner.pk
        signs = AuditEvent.objects.filter(document=document, action="sign")
        assert [e.actor_id for e in signs] == [winner.pk]
        participants = set(document.participants.values_list("pk", flat=True))
        assert winner.pk in participants
        assert loser.pk not in participants
    assert_audit_intact()


# ---------------------------------------------------------------------------------------------
# Acknowledging and completing


def add_recipient_organisations(count: int) -> list[str]:
    """More wards, each with its clerk ``vt.<code>``, to have more recipients than the demo."""
    clerk_position = Position.objects.get(name="Văn thư")
    User = get_user_model()
    codes = []
    for i in range(count):
        code = f"to-dan-pho-{i + 1:02d}"
        org = Organization.objects.create(
            code=code,
            name=f"Ban công tác Mặt trận tổ dân phố {i + 1}",
            kind=OrganizationKind.WARD,
            symbol=f"BCTMT-{i + 1}",
            order=900 + i,
        )
        clerk = User.objects.create_user(username=f"vt.{code}", password="demo12345")
        Membership.objects.create(user=clerk, organization=org, position=clerk_position)
        codes.append(code)
    return codes


def demo_recipient_codes() -> list[str]:
    return list(
        Organization.objects.exclude(code=ISSUER)
        .filter(memberships__user__username__startswith="vt.")
        .order_by("order", "code")
        .values_list("code", flat=True)
        .distinct()
    )


def test_thirty_two_acknowledgements_at_once_complete_the_document_once(live_world):
    codes = demo_recipient_codes()[:32]
    codes += add_recipient_organisations(32 - len(codes))
    assert len(codes) == 32
    recipients = [
        {"organization": code, "purpose": "report" if i % 2 else "inform"}
        for i, code in enumerate(codes)
    ]
    document = advance(new_draft(title="Thông báo 32 nơi", recipients=recipients), S.DISPATCHED)

    receipts = list(Receipt.objects.filter(document=document).select_related("organization"))
    assert len(receipts) == 32
    # Delivery ran for real once the dispatch committed (eager Celery, on_commit).
    assert {r.status for r in receipts} == {R.DELIVERED}
    clerks = {r.pk: user(f"vt.{r.organization.code}") for r in receipts}
    numbered_before = dict(
        RegisterBook.objects.filter(
            direction=Direction.INCOMING, year=registration_year(), secret=False
        ).values_list("organization_id", "last_number")
    )

    results = run_together(
        lambda receipt: services.acknowledge(actor=clerks[receipt.pk], receipt=receipt), receipts
    )

    assert_no_errors(results)
    stored = Receipt.objects.filter(document=document)
    assert set(stored.values_list("status", flat=True)) == {R.ACKNOWLEDGED}
    # Each recipient's next số đến, in its own incoming book.
    assert {
        (r.organization_id, r.book.organization_id, r.incoming_number)
        for r in stored.select_related("book")
    } == {
        (r.organization_id, r.organization_id, numbered_before.get(r.organization_id, 0) + 1)
        for r in receipts
    }
    document.refresh_from_db()
    assert document.status == S.COMPLETED
    completions = AuditEvent.objects.filter(document=document, receipt=None, action="complete")
    assert completions.count() == 1
    assert_audit_intact()


def test_last_two_handlers_completing_at_once_complete_the_document_once(live_world):
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    executors = ["bacson", "trungson"]
    for round_ in range(4):
        document = advance(new_draft(title=f"Hoàn thành đồng thời {round_}"), S.DISPATCHED)
        services.acknowledge(actor=user("vt.thanhuy"), receipt=receipt_for(document, "thanhuy"))
        handlers = []
        for code in executors:
            receipt = services.acknowledge(
                actor=user(f"vt.{code}"), receipt=receipt_for(document, code)
            )
            handler = user(f"cb.{code}")
            services.assign(
                actor=user(f"ld.{code}"), receipt=receipt, assignee=handler, deadline=deadline
            )
            handlers.append((handler, receipt))
        document.refresh_from_db()
        assert document.status == S.DISPATCHED

        results = run_together(
            lambda pair: services.complete(actor=pair[0], receipt=pair[1], report="Đã xong."),
            handlers,
        )

        assert_no_errors(results)
        assert {r.status for r in results} == {R.COMPLETED}
        document.refresh_from_db()
        assert document.status == S.COMPLETED
        completions = AuditEvent.objects.filter(document=document, receipt=None, action="complete")
        assert completions.count() == 1
    assert_audit_intact()
