"""Đôn đốc: who may chase the recipients of a dispatched document, at most once a day per
copy, one audit event per copy chased, and whoever the copy waits on is notified."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from documents import services
from documents.errors import Conflict, Forbidden, InvalidInput, NotFound
from documents.models import AuditEvent
from tests.support import advance, new_draft, receipt_for, user
from workflow.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def dispatched(*, delivered: bool = True):
    doc = advance(new_draft(title="Kế hoạch cần đôn đốc"), "dispatched")
    if delivered:
        for receipt in doc.receipts.order_by("pk"):
            services.deliver(receipt=receipt)
    return doc


def chase_events(doc):
    return list(AuditEvent.objects.filter(document=doc, action="chase").order_by("seq"))


# Who may chase a dispatched document's copies (the issuer's clerk, the drafter, the signer
# who signed it); everyone else on the issuer side sees it and is refused, recipients too,
# and people who do not see it meet 404.
WHO = [
    ("vanthu", "ok"),
    ("soanthao", "ok"),
    ("pct.huy", "ok"),
    ("chutich", Forbidden),
    ("truongban", Forbidden),
    ("kiemtra", Forbidden),
    ("vt.bacson", Forbidden),
    ("ld.bacson", Forbidden),
    ("vt.quangdai", NotFound),
]


@pytest.mark.parametrize("person, outcome", WHO)
def test_who_may_chase(world, person, outcome):
    doc = dispatched()
    waiting = list(doc.receipts.order_by("pk"))
    if outcome == "ok":
        result = services.chase(actor=user(person), document=doc, receipts=waiting)
        assert {r.pk for r in result.chased} == {r.pk for r in waiting}
        events = chase_events(doc)
        assert [(e.actor_id, e.receipt_id) for e in events] == [
            (user(person).pk, r.pk) for r in waiting
        ]
        # Chased in the issuer's name: on the issuer's chain.
        assert {e.organization_id for e in events} == {doc.issuer_id}
    else:
        with pytest.raises(outcome):
            services.chase(actor=user(person), document=doc, receipts=waiting)
        assert chase_events(doc) == []


@pytest.mark.parametrize("state", ["issued", "completed", "recalled"])
def test_only_a_dispatched_document_is_chased(world, state):
    doc = advance(new_draft(), "dispatched")
    for receipt in doc.receipts.all():
        services.deliver(receipt=receipt)
    receipts = list(doc.receipts.all())
    if state == "issued":
        doc = advance(new_draft(), "issued")
        receipts = []
    else:
        doc = advance(doc, state)
    with pytest.raises(Conflict):
        services.chase(actor=user("vanthu"), document=doc, receipts=receipts or [1])
    assert chase_events(doc) == []


def test_a_copy_chased_today_is_not_chased_again_and_a_second_chase_says_so(world):
    doc = dispatched()
    bacson, trungson = receipt_for(doc, "bacson"), receipt_for(doc, "trungson")
    services.chase(actor=user("vanthu"), document=doc, receipts=[bacson])
    again = services.chase(actor=user("soanthao"), document=doc, receipts=[bacson, trungson])
    assert [r.pk for r in again.chased] == [trungson.pk]
    assert [r.pk for r in again.skipped] == [bacson.pk]
    before = AuditEvent.objects.count()
    notes = Notification.objects.count()
    with pytest.raises(Conflict) as raised:
        services.chase(actor=user("vanthu"), document=doc, receipts=[bacson, trungson])
    assert raised.value.code == "already_chased"
    assert "hôm nay" in str(raised.value.detail)
    assert AuditEvent.objects.count() == before
    assert Notification.objects.count() == notes


def test_a_copy_chased_yesterday_is_chased_again_today(world, monkeypatch):
    doc = dispatched()
    bacson = receipt_for(doc, "bacson")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: yesterday)
    services.chase(actor=user("vanthu"), document=doc, receipts=[bacson])
    monkeypatch.undo()
    services.chase(actor=user("vanthu"), document=doc, receipts=[bacson])
    assert len(chase_events(doc)) == 2


def test_copies_that_no_longer_lag_or_belong_elsewhere_are_refused(world):
    doc = dispatched()
    bacson, thanhuy = receipt_for(doc, "bacson"), receipt_for(doc, "thanhuy")
    # A copy for the report only stops at acknowledgement: nothing more to chase.
    services.acknowledge(actor=user("vt.thanhuy"), receipt=thanhuy)
    with pytest.raises(Conflict):
        services.chase(actor=user("vanthu"), document=doc, receipts=[bacson, thanhuy])
    other = dispatched()
    with pytest.raises(InvalidInput) as raised:
        services.chase(actor=user("vanthu"), document=doc, receipts=[receipt_for(other, "bacson")])
    assert "receipts" in raised.value.errors
    with pytest.raises(InvalidInput):
        services.chase(actor=user("vanthu"), document=doc, receipts=[])
    # A copy not yet delivered waits on the delivery, not on its recipient.
    pending = dispatched(delivered=False)
    with pytest.raises(Conflict):
        services.chase(
            actor=user("vanthu"), document=pending, receipts=list(pending.receipts.all())
        )
    assert chase_events(doc) == chase_events(pending) == []


def test_whoever_the_copy_waits_on_is_notified(world):
    doc = dispatched()
    bacson, trungson = receipt_for(doc, "bacson"), receipt_for(doc, "trungson")
    thanhuy = receipt_for(doc, "thanhuy")
    # bacson: acknowledged, awaiting its leader; trungson: assigned to its handler.
    services.acknowledge(actor=user("vt.bacson"), receipt=bacson)
    services.acknowledge(actor=user("vt.trungson"), receipt=trungson)
    services.assign(
        actor=user("ld.trungson"),
        receipt=trungson,
        assignee=user("cb.trungson"),
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    services.chase(actor=user("vanthu"), document=doc, receipts=[bacson, trungson, thanhuy])
    chased = Notification.objects.filter(kind=NotificationKind.CHASED, document=doc)
    told = {(n.receipt.organization.code, n.user.username) for n in chased}
    assert told == {("bacson", "ld.bacson"), ("trungson", "cb.trungson"), ("thanhuy", "vt.thanhuy")}
    texts = {n.receipt.organization.code: n.text for n in chased}
    assert "tiếp nhận" in texts["thanhuy"] and "phân công" in texts["bacson"]
    assert all(n.key == timezone.localdate().isoformat() for n in chased)


def test_the_chase_is_in_the_trail_with_its_label(world):
    from documents.history import history_label

    doc = dispatched()
    services.chase(actor=user("vanthu"), document=doc, receipts=[receipt_for(doc, "bacson")])
    (event,) = chase_events(doc)
    assert history_label(event.action, receipt=True) == "Đôn đốc"
    assert event.data == {"status": "delivered"}
