"""``is_visible`` answers the plainest cases from the row in hand; whenever it does, the SQL
of ``visible_documents``/``visible_receipts`` must say the same, for every person and every
state of a document and of a receipt."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from documents import services
from documents.models import Document, Receipt
from documents.selectors import visible_documents, visible_receipts
from documents.selectors.visibility import plainly_visible
from orgchart.selectors import grants_of
from tests.support import advance, new_draft, settle_all

pytestmark = pytest.mark.django_db


def test_the_shortcut_never_shows_what_the_sql_hides(world):
    for state in ("draft", "in_review", "awaiting_signature", "issued", "dispatched"):
        advance(new_draft(title=f"Thường {state}"), state)
        advance(new_draft(title=f"Mật {state}", secrecy="mat"), state)
    done = advance(new_draft(title="Hoàn thành"), "dispatched")
    for receipt in Receipt.objects.filter(status="pending"):
        services.deliver(receipt=receipt)
    settle_all(done)
    people = list(get_user_model().objects.filter(memberships__isnull=False).distinct())
    documents = list(Document.objects.all())
    receipts = list(Receipt.objects.select_related("document"))
    checked = 0
    for person in people:
        grants = grants_of(person)
        seen_documents = set(visible_documents(person, grants).values_list("pk", flat=True))
        seen_receipts = set(visible_receipts(person, grants).values_list("pk", flat=True))
        for document in documents:
            if plainly_visible(person, document, grants):
                assert document.pk in seen_documents, (person.username, document.title)
                checked += 1
        for receipt in receipts:
            if plainly_visible(person, receipt, grants):
                assert receipt.pk in seen_receipts, (person.username, receipt.pk)
                checked += 1
    assert checked > 50


@pytest.fixture
def copies(world):
    """Ordinary and secret documents delivered, one settled (assigned and handled copies);
    every person of the org chart."""
    for state in ("issued", "dispatched"):
        advance(new_draft(title=f"Thường {state}"), state)
        advance(new_draft(title=f"Mật {state}", secrecy="mat"), state)
    done = advance(new_draft(title="Hoàn thành"), "dispatched")
    for receipt in Receipt.objects.filter(status="pending"):
        services.deliver(receipt=receipt)
    settle_all(done)
    return done, list(get_user_model().objects.filter(memberships__isnull=False).distinct())


def test_received_copies_name_the_documents_of_the_incoming_copies(copies):
    """Search keeps a document issued outside the caller's organisations off its document
    rows when it reaches the caller as a copy: ``received_copies_q`` says which, and must
    name exactly the documents of ``incoming_receipts`` there, secret ones, assigned and
    handled ones included."""
    from documents.selectors.visibility import incoming_receipts, received_copies_q

    _done, people = copies
    compared = 0
    for person in people:
        grants = grants_of(person)
        outside = Document.objects.exclude(issuer_id__in=sorted(grants.member_of))
        expected = set(
            incoming_receipts(person, grants)
            .filter(document__in=outside)
            .values_list("document_id", flat=True)
        )
        named = set(outside.filter(received_copies_q(person, grants)).values_list("pk", flat=True))
        assert named == expected, person.username
        compared += len(expected)
    assert compared > 20


def test_received_copies_keep_a_copy_of_what_the_caller_drafted(world):
    """The drafter of a secret plan moves to a ward it was sent to, without a handling role
    there: the ward's copy is hers as its drafter, and so among her received copies."""
    import datetime

    from django.utils import timezone

    from documents.selectors.visibility import (
        incoming_receipt_parts,
        incoming_receipts,
        received_copies_q,
    )
    from orgchart.models import Membership, Organization, Position, Role
    from tests.support import receipt_for, user

    secret = advance(new_draft(title="Mật", secrecy="mat"), "dispatched")
    for receipt in Receipt.objects.filter(status="pending"):
        services.deliver(receipt=receipt)
    drafter = user("soanthao")
    Membership.objects.filter(user=drafter).update(
        valid_to=timezone.localdate() - datetime.timedelta(days=1)
    )
    position = Position.objects.create(name="Cán bộ soạn thảo (thử)")
    position.roles.add(Role.objects.get(code="drafter"))
    Membership.objects.create(
        user=drafter, organization=Organization.objects.get(code="bacson"), position=position
    )
    grants = grants_of(drafter)
    copy = receipt_for(secret, "bacson")
    assert incoming_receipts(drafter, grants).filter(pk=copy.pk).exists()
    assert Document.objects.filter(pk=secret.pk).filter(received_copies_q(drafter, grants)).exists()
    # Search's parts of the copies find it too (only the issuer side's arm lets it in).
    assert any(p.filter(pk=copy.pk).exists() for p in incoming_receipt_parts(drafter, grants))


def test_the_incoming_parts_are_exactly_the_incoming_copies(copies):
    """Search reads the caller's copies as three parts, each from its own index: together
    they must be ``incoming_receipts``, no more and no less, for every person — secret,
    assigned and handled copies and copies from outside included."""
    from documents.selectors.visibility import incoming_receipt_parts, incoming_receipts

    done, people = copies
    services.register_incoming(
        actor=get_user_model().objects.get(username="vt.bacson"),
        organization="bacson",
        sender_name="Sở Nội vụ",
        sender_symbol="1/SNV",
        sender_date=done.created_at.date(),
        title="Công văn giấy",
    )
    compared = 0
    for person in people:
        grants = grants_of(person)
        expected = set(incoming_receipts(person, grants).values_list("pk", flat=True))
        parts = [set(p.values_list("pk", flat=True)) for p in incoming_receipt_parts(person)]
        assert set().union(*parts) == expected, person.username
        compared += len(expected)
    assert compared > 20
