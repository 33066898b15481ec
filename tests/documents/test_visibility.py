"""Who sees what (design.md section 5): wards never see each other's copies, recipients see
nothing before their copy arrives, secret documents only their participants and whoever must act
on them now, delegations act on the principal's behalf, and lists cost a fixed number of
queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents import services
from documents.errors import Forbidden, NotFound
from documents.models import AuditEvent, Document
from documents.selectors import (
    get_visible_document,
    get_visible_receipt,
    incoming_receipts,
    visible_documents,
    visible_receipts,
)
from orgchart.models import RoleCode
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    PositionFactory,
    UserFactory,
)
from tests.support import OUTGOING_PATH, advance, new_draft, receipt_for, user

pytestmark = pytest.mark.django_db


def _onwards(doc: Document, to: str) -> Document:
    """Like ``advance``, but from wherever the document is on the normal path."""
    path = [state for state, _, _ in OUTGOING_PATH]
    done = path.index(doc.status) + 1 if doc.status in path else 0
    for state, username, action in OUTGOING_PATH[done:]:
        actor = user(username)
        if action == "review":
            doc = services.review(actor=actor, document=doc, decision="approve")
        elif action == "sign":
            doc = services.sign(actor=actor, document=doc, decision="sign")
        else:
            doc = getattr(services, action)(actor=actor, document=doc)
        assert doc.status == state
        if state == to:
            return doc
    raise AssertionError(f"{to} is not on the normal path")


def _dispatched_and_delivered(**extra) -> Document:
    doc = advance(new_draft(**extra), "dispatched")
    for receipt in doc.receipts.all():
        services.deliver(receipt=receipt)
    return doc


def _sees_document(username_or_user, doc, world) -> bool:
    person = world.user(username_or_user) if isinstance(username_or_user, str) else username_or_user
    listed = visible_documents(person).filter(pk=doc.pk).exists()
    try:
        get_visible_document(person, doc.pk)
        fetched = True
    except NotFound:
        fetched = False
    assert listed == fetched, "the list and the detail disagree"
    return listed


def _sees_receipt(username, receipt, world) -> bool:
    person = world.user(username)
    listed = visible_receipts(person).filter(pk=receipt.pk).exists()
    try:
        get_visible_receipt(person, receipt.pk)
        fetched = True
    except NotFound:
        fetched = False
    assert listed == fetched, "the list and the detail disagree"
    return listed


# ---------------------------------------------------------------------------------------------
# Wards and communes


@pytest.mark.parametrize("prefix", ["vt", "ld", "cb"])
def test_a_ward_never_reads_another_wards_receipt(world, prefix):
    doc = _dispatched_and_delivered()
    bacson = receipt_for(doc, "bacson")
    trungson = receipt_for(doc, "trungson")
    person = world.user(f"{prefix}.trungson")

    with pytest.raises(NotFound):
        get_visible_receipt(person, bacson.pk)
    assert get_visible_receipt(person, trungson.pk) == trungson
    mine = set(visible_receipts(person).filter(document=doc).values_list("pk", flat=True))
    assert mine == {trungson.pk}
    assert set(incoming_receipts(person).filter(document=doc)) == {trungson}
    # Acting on the other ward's copy is as if it did not exist.
    with pytest.raises(NotFound):
        services.acknowledge(actor=person, receipt=bacson)
    with pytest.raises(NotFound):
        services.refuse(actor=person, receipt=bacson, reason="Không phải của tôi")


@pytest.mark.parametrize("username", ["vt.quangdai", "ld.quangdai", "cb.quangdai", "vt.hoiphunu"])
def test_an_organisation_not_addressed_sees_neither_the_document_nor_its_receipts(world, username):
    doc = _dispatched_and_delivered()
    assert not _sees_document(username, doc, world)
    assert not visible_receipts(world.user(username)).filter(document=doc).exists()
    for receipt in doc.receipts.all():
        with pytest.raises(NotFound):
            get_visible_receipt(world.user(username), receipt.pk)


def test_a_recipient_sees_nothing_before_its_copy_arrives(world):
    doc = new_draft()
    for state in ("draft", "in_review", "format_check", "awaiting_signature", "signed", "issued"):
        doc = _onwards(doc, state) if state != "draft" else doc
        for username in ("vt.bacson", "ld.bacson", "cb.bacson"):
            assert not _sees_document(username, doc, world), (username, state)

    doc = services.dispatch(actor=world.user("vanthu"), document=doc)
    bacson = receipt_for(doc, "bacson")
    assert bacson.status == "pending"
    for username in ("vt.bacson", "ld.bacson", "cb.bacson"):
        assert not _sees_document(username, doc, world)
        assert not _sees_receipt(username, bacson, world)

    services.deliver(receipt=bacson)
    for username in ("vt.bacson", "ld.bacson", "cb.bacson"):
        assert _sees_document(username, doc, world)
        assert _sees_receipt(username, bacson, world)
    # trungson's copy is still pending: trungson still sees nothing.
    assert not _sees_document("vt.trungson", doc, world)


def test_the_issuer_side_sees_every_receipt_of_its_document_from_dispatch(world):
    doc = advance(new_draft(), "dispatched")  # all three copies still pending
    services.deliver(receipt=receipt_for(doc, "bacson"))
    every = set(doc.receipts.values_list("pk", flat=True))
    assert len(every) == 3
    for username in ("soanthao", "truongban", "vanthu", "pct.huy", "chutich"):
        person = world.user(username)
        assert set(visible_receipts(person).filter(document=doc).values_list("pk", flat=True)) == (
            every
        )
        # ...but none of them is addressed to the issuer.
        assert not incoming_receipts(person).filter(document=doc).exists()


def test_someone_on_both_sides_gets_no_incoming_copy_before_it_arrives(world):
    """A drafter of the issuer who is also bacson's clerk follows every copy as the sender, but
    bacson's copy is not in his incoming list, nor can he act on it, until it arrives."""
    both = world.user("soanthao")
    MembershipFactory(
        user=both, organization=world.org("bacson"), position=PositionFactory(name="Văn thư")
    )
    doc = advance(new_draft(), "dispatched")
    bacson = receipt_for(doc, "bacson")
    assert visible_receipts(both).filter(pk=bacson.pk).exists()  # the sender's view
    assert not incoming_receipts(both).filter(document=doc).exists()
    services.deliver(receipt=bacson)
    assert list(incoming_receipts(both).filter(document=doc)) == [bacson]


def test_nobody_without_a_membership_sees_anything(world):
    stranger = UserFactory()
    _dispatched_and_delivered()
    assert not visible_documents(stranger).exists()
    assert not visible_receipts(stranger).exists()
    with pytest.raises(NotFound):
        get_visible_document(stranger, world.seed_plan().pk)


def test_an_anonymous_caller_sees_nothing_and_does_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    doc = _dispatched_and_delivered()
    nobody = AnonymousUser()
    assert not visible_documents(nobody).exists()
    assert not visible_receipts(nobody).exists()
    assert not incoming_receipts(nobody).exists()
    with pytest.raises(NotFound):
        services.recall(actor=nobody, document=doc, reason="?")
    with pytest.raises(NotFound):
        services.acknowledge(actor=nobody, receipt=receipt_for(doc, "bacson"))


@pytest.mark.parametrize("pk", ["abc", None, 10**9, -1])
def test_odd_or_unknown_ids_are_not_found(world, pk):
    with pytest.raises(NotFound):
        get_visible_document(world.user("vanthu"), pk)
    with pytest.raises(NotFound):
        get_visible_receipt(world.user("vanthu"), pk)


# ---------------------------------------------------------------------------------------------
# Secret documents


@pytest.fixture
def second_drafter(world):
    """Another drafter of the issuing organisation, who has no part in the secret document."""
    return MembershipFactory(
        user=UserFactory(username="soanthao2"),
        organization=world.org("mttq-samson"),
        position=PositionFactory(name="Cán bộ chuyên trách"),
    ).user


def test_a_secret_document_is_visible_only_to_its_participants_and_who_must_act_now(
    world, second_drafter
):
    doc = new_draft(title="Kế hoạch mật", secrecy="mat")
    ordinary = new_draft(title="Kế hoạch thường")

    def seen_by() -> set[str]:
        names = [
            "soanthao",
            "truongban",
            "vanthu",
            "pct.huy",
            "chutich",
            "kiemtra",
            "vt.bacson",
            "ld.bacson",
            "cb.bacson",
            "vt.quangdai",
        ]
        visible = {n for n in names if _sees_document(n, doc, world)}
        if _sees_document(second_drafter, doc, world):
            visible.add("soanthao2")
        return visible

    # The ordinary draft is open to the whole issuing organisation; the secret one is not.
    assert _sees_document(second_drafter, ordinary, world)
    assert _sees_document("kiemtra", ordinary, world)

    assert seen_by() == {"soanthao"}
    doc = _onwards(doc, "in_review")
    assert seen_by() == {"soanthao", "truongban"}
    doc = _onwards(doc, "format_check")
    assert seen_by() == {"soanthao", "truongban", "vanthu"}
    doc = _onwards(doc, "awaiting_signature")
    assert seen_by() == {"soanthao", "truongban", "vanthu", "pct.huy", "chutich"}
    doc = _onwards(doc, "signed")  # pct.huy signed: chutich has no part in it any more
    assert seen_by() == {"soanthao", "truongban", "vanthu", "pct.huy"}
    doc = _onwards(doc, "dispatched")
    assert seen_by() == {"soanthao", "truongban", "vanthu", "pct.huy"}

    bacson = receipt_for(doc, "bacson")
    services.deliver(receipt=bacson)
    # The recipient's clerk and leader handle it; its other staff do not see it.
    assert seen_by() == {"soanthao", "truongban", "vanthu", "pct.huy", "vt.bacson", "ld.bacson"}
    assert _sees_receipt("vt.bacson", bacson, world)
    assert _sees_receipt("ld.bacson", bacson, world)
    assert not _sees_receipt("cb.bacson", bacson, world)
    assert not _sees_receipt("kiemtra", bacson, world)

    services.acknowledge(actor=world.user("vt.bacson"), receipt=bacson)
    services.assign(
        actor=world.user("ld.bacson"),
        receipt=bacson,
        assignee=world.user("cb.bacson"),
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    # Once assigned, the handler is someone who must act on it.
    assert "cb.bacson" in seen_by()
    assert _sees_receipt("cb.bacson", bacson, world)
    assert "soanthao2" not in seen_by() and "kiemtra" not in seen_by()


def test_a_secret_document_refuses_people_outside_it_as_not_found(world, second_drafter):
    doc = new_draft(title="Kế hoạch mật", secrecy="mat")
    with pytest.raises(NotFound):
        services.edit_draft(actor=second_drafter, document=doc, title="Xem trộm")
    with pytest.raises(NotFound):
        services.withdraw(actor=world.user("kiemtra"), document=doc)
    doc = advance(doc, "in_review")
    # The clerk's turn comes at format_check, not before.
    with pytest.raises(NotFound):
        services.review(actor=world.user("vanthu"), document=doc, decision="approve")


def test_secret_documents_take_numbers_from_the_secret_register(world):
    doc = advance(new_draft(title="Kế hoạch mật", secrecy="mat"), "issued")
    assert doc.book.secret is True
    assert doc.number == 1


# ---------------------------------------------------------------------------------------------
# Delegation (ủy quyền)


def _delegate_signing(world, *, valid_from, valid_to):
    return DelegationFactory(
        principal=world.user("pct.huy"),
        deputy=world.user("truongban"),
        organization=world.org("mttq-samson"),
        roles=[RoleCode.SIGNER],
        valid_from=valid_from,
        valid_to=valid_to,
    )


def test_a_delegated_signer_signs_on_behalf_of_the_principal(world):
    today = timezone.localdate()
    _delegate_signing(world, valid_from=today, valid_to=today)
    doc = advance(new_draft(), "awaiting_signature")

    doc = services.sign(actor=world.user("truongban"), document=doc, decision="sign")

    assert doc.status == "signed"
    assert doc.signer == world.user("truongban")
    event = AuditEvent.objects.filter(document=doc, action="sign").get()
    assert event.actor == world.user("truongban")
    assert event.on_behalf_of == world.user("pct.huy")
    # His own review, done in his own right, names nobody else.
    review = AuditEvent.objects.filter(document=doc, action="review").first()
    assert review.actor == world.user("truongban") and review.on_behalf_of is None


@pytest.mark.parametrize(
    "days_from, days_to", [(-10, -1), (1, 10)], ids=["expired", "not-yet-valid"]
)
def test_a_delegation_outside_its_dates_gives_nothing(world, days_from, days_to):
    today = timezone.localdate()
    _delegate_signing(
        world,
        valid_from=today + datetime.timedelta(days=days_from),
        valid_to=today + datetime.timedelta(days=days_to),
    )
    doc = advance(new_draft(), "awaiting_signature")
    events = AuditEvent.objects.count()
    with pytest.raises(Forbidden):
        services.sign(actor=world.user("truongban"), document=doc, decision="sign")
    assert AuditEvent.objects.count() == events
    doc.refresh_from_db()
    assert doc.status == "awaiting_signature"


# ---------------------------------------------------------------------------------------------
# Cost


def _count_list_queries(person) -> int:
    with CaptureQueriesContext(connection) as ctx:
        rows = list(visible_documents(person))
    assert rows
    return len(ctx.captured_queries)


def _bulk_documents(issuer, drafter, n: int, start: int = 0) -> None:
    Document.objects.bulk_create(
        Document(issuer=issuer, drafter=drafter, doc_type="CV", title=f"Công văn {start + i}")
        for i in range(n)
    )


def test_listing_visible_documents_costs_the_same_queries_for_1_and_50(
    world, django_assert_num_queries
):
    org = OrganizationFactory()
    drafter = MembershipFactory(
        organization=org, position=PositionFactory(roles=[RoleCode.DRAFTER])
    ).user
    reader = MembershipFactory(
        organization=org, position=PositionFactory(roles=[RoleCode.CLERK])
    ).user
    _bulk_documents(org, drafter, 1)
    one = _count_list_queries(reader)
    assert one <= 3  # grants (2 queries) and the list itself

    _bulk_documents(org, drafter, 49, start=1)
    with django_assert_num_queries(one):
        rows = list(visible_documents(reader))
    assert len(rows) == 50
    # The drafter sees them as their drafter, and pays the same.
    with django_assert_num_queries(one):
        assert len(list(visible_documents(drafter))) == 50
