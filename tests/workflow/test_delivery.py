"""Delivery with eager Celery (the embedded set-up): every recipient reached once, notified
once, audited once; problems visible to the sender; outside recipients by e-mail."""

from __future__ import annotations

import pytest
from celery.signals import task_prerun
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings

from documents import selectors, services
from documents.models import AuditEvent, Receipt
from orgchart.models import Organization, OrganizationKind
from tests.support import advance, new_draft
from tests.workflow.conftest import Broker
from workflow import tasks
from workflow.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def issued(recipients, **extra):
    return advance(new_draft(recipients=recipients, **extra), "issued")


def dispatch(world, document, capture):
    with capture(execute=True):
        return services.dispatch(actor=world.user("vanthu"), document=document)


def deliver_events(document) -> dict[int, int]:
    counts: dict[int, int] = {}
    for receipt_id in AuditEvent.objects.filter(
        receipt__document=document, action="deliver"
    ).values_list("receipt_id", flat=True):
        counts[receipt_id] = counts.get(receipt_id, 0) + 1
    return counts


def test_seed_plan_reaches_all_22_recipients_once_with_one_notice_per_clerk(
    world, django_capture_on_commit_callbacks
):
    doc = advance(world.seed_plan(), "issued")
    world.user("vt.bacson").__class__.objects.filter(username="vt.bacson").update(
        email="vt.bacson@example.vn"
    )
    mail.outbox.clear()
    dispatch(world, doc, django_capture_on_commit_callbacks)

    receipts = list(Receipt.objects.filter(document=doc).select_related("organization"))
    assert len(receipts) == 22
    assert {r.status for r in receipts} == {"delivered"}
    assert {r.code for r in receipts} == {"01"}
    assert all(r.delivered_at for r in receipts)
    assert deliver_events(doc) == {r.pk: 1 for r in receipts}
    for r in receipts:
        clerk = world.user(f"vt.{r.organization.code}")
        notes = Notification.objects.filter(user=clerk, receipt=r)
        assert [n.kind for n in notes] == [NotificationKind.DELIVERED]
        assert doc.symbol in notes[0].text and "Văn bản đến" in notes[0].text
    # Only vt.bacson has an address: one e-mail, to him.
    assert [m.to for m in mail.outbox] == [["vt.bacson@example.vn"]]
    assert doc.title[:40] in mail.outbox[0].body


def test_running_the_same_chunk_again_changes_nothing(world, django_capture_on_commit_callbacks):
    doc = issued(None)
    dispatch(world, doc, django_capture_on_commit_callbacks)
    ids = list(doc.receipts.values_list("pk", flat=True))
    before = (Notification.objects.count(), AuditEvent.objects.count())

    assert tasks.deliver_receipts.apply(args=(ids,)).get() == 0
    assert tasks.deliver_document.apply(args=(doc.pk,)).get() == 0
    assert tasks.sweep_pending.apply(kwargs={"older_than_seconds": 0}).get() == 0

    assert (Notification.objects.count(), AuditEvent.objects.count()) == before
    assert deliver_events(doc) == {pk: 1 for pk in ids}


def test_fan_out_is_in_chunks_of_100(world, recipient_orgs, django_capture_on_commit_callbacks):
    orgs = recipient_orgs(250)
    doc = issued([{"organization": o.code, "purpose": "inform"} for o in orgs])
    chunks: list[int] = []

    def count(sender=None, args=(), **kwargs):
        if sender.name == tasks.deliver_receipts.name:
            chunks.append(len(args[0]))

    task_prerun.connect(count, weak=False)
    try:
        dispatch(world, doc, django_capture_on_commit_callbacks)
    finally:
        task_prerun.disconnect(count)
    assert chunks == [100, 100, 50]
    assert set(doc.receipts.values_list("status", flat=True)) == {"delivered"}
    assert Notification.objects.filter(receipt__document=doc).count() == 250


def test_urgent_receipts_go_first(world, django_capture_on_commit_callbacks):
    """Both documents wait as pending (their messages lost); the sweeper sends the hỏa tốc one
    before the ordinary one, which was dispatched first."""
    normal = issued(None, title="Kế hoạch thường")
    urgent = issued(None, title="Công điện hỏa tốc", urgency="hoa_toc")
    # Dispatch without running the on-commit delivery: as if the broker had lost it.
    services.dispatch(actor=world.user("vanthu"), document=normal)
    services.dispatch(actor=world.user("vanthu"), document=urgent)
    assert tasks.priority_for("hoa_toc") < tasks.priority_for("khan")
    assert tasks.priority_for("khan") < tasks.priority_for("normal")

    assert tasks.sweep_pending.apply(kwargs={"older_than_seconds": 0}).get() == 6
    last_urgent = max(urgent.receipts.values_list("delivered_at", flat=True))
    first_normal = min(normal.receipts.values_list("delivered_at", flat=True))
    assert last_urgent < first_normal
    assert all(r.urgency == "hoa_toc" for r in urgent.receipts.all())


def test_recipient_without_clerk_or_email_is_a_visible_problem_never_dropped(
    world, recipient_orgs, django_capture_on_commit_callbacks
):
    (lonely,) = recipient_orgs(1, prefix="khong-van-thu", clerks=0)
    doc = issued(
        [
            {"organization": "bacson", "purpose": "execute"},
            {"organization": lonely.code, "purpose": "execute"},
        ]
    )
    dispatch(world, doc, django_capture_on_commit_callbacks)

    receipt = Receipt.objects.get(document=doc, organization=lonely)
    # Not delivered: nobody there could see it. Pending, with the reason shown to the sender.
    assert receipt.status == "pending"
    assert "chưa có văn thư" in receipt.delivery_problem
    seen = selectors.visible_receipts(world.user("vanthu")).get(pk=receipt.pk)
    assert seen.delivery_problem == receipt.delivery_problem
    problem_notes = Notification.objects.filter(kind=NotificationKind.DELIVERY_PROBLEM)
    assert list(problem_notes.values_list("user__username", "receipt")) == [("vanthu", receipt.pk)]
    assert AuditEvent.objects.filter(receipt=receipt, action="delivery_problem").count() == 1
    assert Receipt.objects.get(document=doc, organization__code="bacson").status == "delivered"

    # The sweeper tries again: still a problem, still one audit event and one notice.
    tasks.sweep_pending.apply(kwargs={"older_than_seconds": 0})
    assert AuditEvent.objects.filter(receipt=receipt, action="delivery_problem").count() == 1
    assert problem_notes.count() == 1

    # Once the organisation has a clerk, the next sweep delivers and clears the problem.
    clerk = recipient_orgs(1, prefix="van-thu-moi")[0]
    from orgchart.models import Membership

    Membership.objects.filter(organization=clerk).update(organization=lonely)
    tasks.sweep_pending.apply(kwargs={"older_than_seconds": 0})
    receipt.refresh_from_db()
    assert (receipt.status, receipt.delivery_problem) == ("delivered", "")
    assert Notification.objects.filter(receipt=receipt, kind="delivered").count() == 1


def test_organisation_without_clerk_but_with_address_is_delivered_by_email(
    world, recipient_orgs, django_capture_on_commit_callbacks
):
    (org,) = recipient_orgs(1, prefix="chi-co-thu", clerks=0, email="btt@phuong.example.vn")
    doc = issued([{"organization": org.code, "purpose": "inform"}])
    mail.outbox.clear()
    dispatch(world, doc, django_capture_on_commit_callbacks)
    receipt = Receipt.objects.get(document=doc)
    assert receipt.status == "delivered"
    assert "chưa có văn thư" in receipt.delivery_problem
    assert [m.to for m in mail.outbox] == [["btt@phuong.example.vn"]]


def test_outside_recipients_get_the_document_by_email(world, django_capture_on_commit_callbacks):
    outside = Organization.objects.create(
        code="so-vhtt",
        name="Sở Văn hóa, Thể thao và Du lịch",
        kind=OrganizationKind.EXTERNAL,
        email="vanthu@svhttdl.example.vn",
    )
    doc = issued(
        [
            {"organization": outside.code, "purpose": "inform"},
            {
                "name": "Báo Thanh Hóa",
                "email": "toasoan@baothanhhoa.example.vn",
                "purpose": "inform",
            },
        ]
    )
    mail.outbox.clear()
    dispatch(world, doc, django_capture_on_commit_callbacks)
    doc.refresh_from_db()

    assert set(doc.receipts.values_list("status", flat=True)) == {"delivered"}
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"vanthu@svhttdl.example.vn", "toasoan@baothanhhoa.example.vn"}
    message = by_address["toasoan@baothanhhoa.example.vn"]
    assert doc.symbol in message.subject
    for fact in (doc.symbol, doc.title, doc.issuer.name, f"{doc.issued_at.astimezone():%Y}"):
        assert fact in message.body
    assert "Báo Thanh Hóa" in message.body
    assert deliver_events(doc) == {pk: 1 for pk in doc.receipts.values_list("pk", flat=True)}


def test_outside_recipient_without_address_is_a_problem(world, django_capture_on_commit_callbacks):
    doc = issued([{"name": "Hội Văn học nghệ thuật", "purpose": "inform"}])
    dispatch(world, doc, django_capture_on_commit_callbacks)
    receipt = Receipt.objects.get(document=doc)
    assert receipt.status == "pending"
    assert "không có địa chỉ thư điện tử" in receipt.delivery_problem


@override_settings(EMAIL_BACKEND=f"{__name__}.RefusingBackend")
def test_mail_server_down_leaves_outside_receipt_pending_with_a_problem(
    world, django_capture_on_commit_callbacks
):
    doc = issued([{"name": "Báo Thanh Hóa", "email": "toasoan@example.vn", "purpose": "inform"}])
    dispatch(world, doc, django_capture_on_commit_callbacks)
    receipt = Receipt.objects.get(document=doc)
    assert receipt.status == "pending"
    assert "không thành công" in receipt.delivery_problem
    assert not AuditEvent.objects.filter(receipt=receipt, action="deliver").exists()

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        tasks.sweep_pending.apply(kwargs={"older_than_seconds": 0})
    receipt.refresh_from_db()
    assert (receipt.status, receipt.delivery_problem) == ("delivered", "")


def test_recalled_before_delivery_is_not_delivered(world, django_capture_on_commit_callbacks):
    doc = issued(None)
    services.dispatch(actor=world.user("vanthu"), document=doc)  # delivery message lost
    services.recall(actor=world.user("pct.huy"), document=doc, reason="Ban hành nhầm")
    assert tasks.sweep_pending.apply(kwargs={"older_than_seconds": 0}).get() == 0
    assert tasks.deliver_document.apply(args=(doc.pk,)).get() == 3
    assert set(doc.receipts.values_list("status", flat=True)) == {"pending"}
    assert not Notification.objects.filter(receipt__document=doc).exists()


def test_broker_down_at_commit_does_not_fail_the_dispatch(
    world, broker, django_capture_on_commit_callbacks
):
    """Nothing listens on this port: enqueueing fails after the dispatch committed. The clerk
    sees a dispatched document; the receipts wait as pending for the sweeper."""
    from tests.workflow.conftest import free_port

    doc = issued(None)
    broker.use(f"redis://127.0.0.1:{free_port()}/0")
    dispatch(world, doc, django_capture_on_commit_callbacks)
    doc.refresh_from_db()
    assert doc.status == "dispatched"
    assert set(doc.receipts.values_list("status", flat=True)) == {"pending"}

    broker.restore()  # the broker is back (eager here): the sweeper delivers
    assert tasks.sweep_pending.apply(kwargs={"older_than_seconds": 0}).get() == 3
    assert set(doc.receipts.values_list("status", flat=True)) == {"delivered"}


def test_sweeper_leaves_young_receipts_to_their_own_message(world):
    doc = issued(None)
    services.dispatch(actor=world.user("vanthu"), document=doc)
    assert tasks.sweep_pending.apply(kwargs={"older_than_seconds": 600}).get() == 0
    assert set(doc.receipts.values_list("status", flat=True)) == {"pending"}


def test_recall_notifies_recipients_that_have_the_document(
    world, django_capture_on_commit_callbacks
):
    doc = issued(None)
    dispatch(world, doc, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.recall(actor=world.user("pct.huy"), document=doc, reason="Ban hành nhầm")
    recalled = Notification.objects.filter(kind=NotificationKind.RECALLED)
    assert sorted(recalled.values_list("user__username", flat=True)) == [
        "vt.bacson",
        "vt.thanhuy",
        "vt.trungson",
    ]


def test_one_failing_receipt_does_not_hold_up_the_rest_of_its_chunk(live_world, recipient_orgs):
    """Something inside one delivery fails (here a listener of the step, as the flows'
    bookkeeping is): that delivery rolls back whole and stays pending, the chunk still
    delivers every other receipt, then fails so that Celery retries it."""
    from documents.signals import stepped

    orgs = recipient_orgs(5)
    doc = issued([{"organization": o.code, "purpose": "inform"} for o in orgs])
    with Broker.unreachable():
        services.dispatch(actor=live_world.user("vanthu"), document=doc)
    ids = list(doc.receipts.order_by("pk").values_list("pk", flat=True))
    poison = ids[1]

    def explode(sender, artifacts, **kwargs):
        if any(a.pk == poison for a in artifacts if sender is Receipt):
            raise RuntimeError("listener failed")

    stepped.connect(explode, weak=False)
    try:
        with pytest.raises(tasks.DeliveryFailed):
            tasks.deliver_receipts.run(ids)
    finally:
        stepped.disconnect(explode)
    statuses = dict(doc.receipts.values_list("pk", "status"))
    assert statuses.pop(poison) == "pending"
    assert set(statuses.values()) == {"delivered"}
    assert not AuditEvent.objects.filter(receipt_id=poison, action="deliver").exists()
    assert tasks.deliver_receipts.run(ids) == 1  # the retry delivers the one left
    assert set(doc.receipts.values_list("status", flat=True)) == {"delivered"}


def test_secret_document_never_leaves_by_email(world, django_capture_on_commit_callbacks):
    get_user = world.user("vt.bacson").__class__.objects
    get_user.filter(username="vt.bacson").update(email="vt.bacson@example.vn")
    doc = issued(
        [
            {"organization": "bacson", "purpose": "execute"},
            {"name": "Báo Thanh Hóa", "email": "toasoan@example.vn", "purpose": "inform"},
        ],
        title="Phương án bảo vệ bí mật",
        secrecy="mat",
    )
    mail.outbox.clear()
    dispatch(world, doc, django_capture_on_commit_callbacks)

    outside = Receipt.objects.get(document=doc, organization__isnull=True)
    assert outside.status == "pending"
    assert "Văn bản mật không gửi qua thư điện tử" in outside.delivery_problem
    inside = Receipt.objects.get(document=doc, organization__code="bacson")
    assert inside.status == "delivered"
    # The clerk is told by e-mail that something arrived, not what.
    assert [m.to for m in mail.outbox] == [["vt.bacson@example.vn"]]
    assert "bí mật" not in mail.outbox[0].subject + mail.outbox[0].body
    assert "Phương án" in Notification.objects.get(receipt=inside).text


def test_outside_copies_do_not_hold_up_completion(world, django_capture_on_commit_callbacks):
    """Nobody in the system can acknowledge for an outside recipient: once its mail is
    accepted its copy is settled, and the document completes when the wards have reported."""
    outside = Organization.objects.create(
        code="so-noivu", name="Sở Nội vụ", kind=OrganizationKind.EXTERNAL, email="vt@snv.example.vn"
    )
    doc = issued(
        [
            {"organization": outside.code, "purpose": "report"},
            {"name": "Báo Thanh Hóa", "email": "toasoan@example.vn", "purpose": "inform"},
            {"organization": "bacson", "purpose": "execute"},
        ]
    )
    dispatch(world, doc, django_capture_on_commit_callbacks)
    doc.refresh_from_db()
    assert doc.status == "dispatched"
    bacson = services.acknowledge(
        actor=world.user("vt.bacson"), receipt=doc.receipts.get(organization__code="bacson")
    )
    bacson = services.assign(
        actor=world.user("ld.bacson"), receipt=bacson, assignee=world.user("cb.bacson")
    )
    services.complete(actor=world.user("cb.bacson"), receipt=bacson, report="Đã triển khai.")
    doc.refresh_from_db()
    assert doc.status == "completed"
