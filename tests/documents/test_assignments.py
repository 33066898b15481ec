"""The leader's assignment in its three parts (chủ trì, phối hợp, để biết), the phối hợp
handlers' own task, and progress notes: who may, in which state, and what is refused."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from documents import selectors, services
from documents.errors import Conflict, Forbidden, InvalidInput, NotFound
from documents.handling import HandlerRole, ProgressNote, ReceiptHandler
from documents.models import AuditEvent, DocumentStatus, Receipt, ReceiptStatus
from tests.factories import MembershipFactory, UserFactory
from tests.support import advance, new_draft, receipt_for, user

pytestmark = pytest.mark.django_db
R = ReceiptStatus


def member(world, username: str, code: str = "bacson"):
    person = UserFactory(username=username)
    MembershipFactory(user=person, organization=world.org(code))
    return person


@pytest.fixture
def staff(world):
    """bacson's three demo people and two more of its staff."""
    return {
        "cb": user("cb.bacson"),
        "vt": user("vt.bacson"),
        "ld": user("ld.bacson"),
        "cv1": member(world, "cv1.bacson"),
        "cv2": member(world, "cv2.bacson"),
    }


def acknowledged(world) -> Receipt:
    document = advance(new_draft(), DocumentStatus.DISPATCHED)
    receipt = receipt_for(document, "bacson")
    services.deliver(receipt=receipt)
    receipt.refresh_from_db()
    return services.acknowledge(actor=user("vt.bacson"), receipt=receipt)


def deadline(days: int = 7) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def assigned(world, staff) -> Receipt:
    return services.assign(
        actor=staff["ld"],
        receipt=acknowledged(world),
        assignee=staff["cb"],
        coordinators=["cv1.bacson", "vt.bacson"],
        informed=["cv2.bacson"],
        instruction="Chủ trì xây dựng kế hoạch, báo cáo trước hạn.",
        deadline=deadline(),
    )


def test_the_assignment_names_each_part_and_keeps_the_chu_tri_as_assignee(world, staff):
    receipt = assigned(world, staff)
    receipt.refresh_from_db()
    assert receipt.status == R.ASSIGNED and receipt.assignee == staff["cb"]
    assert receipt.instruction.startswith("Chủ trì xây dựng")
    parts = {(h.user.username, h.role) for h in receipt.handlers.select_related("user")}
    assert parts == {
        ("cb.bacson", HandlerRole.LEAD),
        ("cv1.bacson", HandlerRole.COORDINATE),
        ("vt.bacson", HandlerRole.COORDINATE),
        ("cv2.bacson", HandlerRole.INFORM),
    }
    event = AuditEvent.objects.filter(receipt=receipt, action="assign").get()
    assert event.data["coordinators"] == ["cv1.bacson", "vt.bacson"]
    assert event.data["informed"] == ["cv2.bacson"]
    assert event.comment == receipt.instruction


def test_an_old_style_assignment_names_only_the_chu_tri(world, staff):
    receipt = services.assign(actor=staff["ld"], receipt=acknowledged(world), assignee="cb.bacson")
    assert [(h.user_id, h.role) for h in receipt.handlers.all()] == [
        (staff["cb"].pk, HandlerRole.LEAD)
    ]


def test_each_part_gets_its_own_task_or_word(world, staff):
    from workflow.models import Notification, NotificationKind

    receipt = assigned(world, staff)
    kinds = {
        name: [
            r["t_kind"] for r in selectors.open_tasks(staff[name]) if r["t_receipt"] == receipt.pk
        ]
        for name in ("cb", "cv1", "vt", "cv2")
    }
    assert kinds == {"cb": ["complete"], "cv1": ["coordinate"], "vt": ["coordinate"], "cv2": []}
    told = set(
        Notification.objects.filter(receipt=receipt, kind=NotificationKind.ASSIGNED).values_list(
            "user__username", "key"
        )
    )
    assert told == {
        ("cb.bacson", "chu_tri"),
        ("cv1.bacson", "phoi_hop"),
        ("vt.bacson", "phoi_hop"),
        ("cv2.bacson", "de_biet"),
    }


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"coordinators": ["cb.bacson"]}, "coordinators"),  # the chủ trì again
        ({"coordinators": ["cv1.bacson"], "informed": ["cv1.bacson"]}, "informed"),
        ({"coordinators": ["cv1.bacson", "cv1.bacson"]}, "coordinators"),
        ({"coordinators": ["cb.trungson"]}, "coordinators"),  # another organisation
        ({"informed": ["khong.co.ai"]}, "informed"),
        ({"assignee": "cb.trungson"}, "assignee"),
    ],
)
def test_a_bad_assignment_is_refused_on_its_field_and_writes_nothing(world, staff, changes, field):
    receipt = acknowledged(world)
    before = (AuditEvent.objects.count(), ReceiptHandler.objects.count())
    arguments = {"assignee": staff["cb"], **changes}
    with pytest.raises(InvalidInput) as raised:
        services.assign(actor=staff["ld"], receipt=receipt, **arguments)
    assert field in raised.value.errors, raised.value.errors
    receipt.refresh_from_db()
    assert receipt.status == R.ACKNOWLEDGED
    assert (AuditEvent.objects.count(), ReceiptHandler.objects.count()) == before


def test_the_tables_hold_one_chu_tri_and_each_person_once(world, staff):
    receipt = assigned(world, staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceiptHandler.objects.create(receipt=receipt, user=staff["cv2"], role=HandlerRole.LEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReceiptHandler.objects.create(receipt=receipt, user=staff["cv1"], role=HandlerRole.INFORM)


def test_progress_from_chu_tri_and_phoi_hop_keeps_the_state(world, staff):
    receipt = assigned(world, staff)
    services.post_progress(actor=staff["cb"], receipt=receipt, note="Đã họp triển khai.")
    services.post_progress(actor=staff["cv1"], receipt=receipt, note="Đã gửi số liệu.")
    receipt.refresh_from_db()
    assert receipt.status == R.ASSIGNED
    assert [n.note for n in receipt.progress_notes.all()] == [
        "Đã họp triển khai.",
        "Đã gửi số liệu.",
    ]
    events = AuditEvent.objects.filter(receipt=receipt, action="progress")
    assert [(e.from_status, e.to_status) for e in events] == [(R.ASSIGNED, R.ASSIGNED)] * 2
    assert "progress" in selectors.allowed_actions(staff["cb"], receipt)


def test_who_may_not_post_progress(world, staff):
    receipt = assigned(world, staff)
    with pytest.raises(Forbidden):  # để biết only
        services.post_progress(actor=staff["cv2"], receipt=receipt, note="x")
    with pytest.raises(Forbidden):  # the leader who assigned
        services.post_progress(actor=staff["ld"], receipt=receipt, note="x")
    with pytest.raises(NotFound):  # another organisation
        services.post_progress(actor=user("cb.trungson"), receipt=receipt, note="x")
    with pytest.raises(InvalidInput):
        services.post_progress(actor=staff["cb"], receipt=receipt, note="  ")
    assert ProgressNote.objects.count() == 0


def test_progress_after_the_report_is_the_wrong_state(world, staff):
    receipt = assigned(world, staff)
    services.complete(actor=staff["cb"], receipt=receipt, report="Xong.")
    with pytest.raises(Conflict):
        services.post_progress(actor=staff["cb"], receipt=receipt, note="Thêm")


def test_a_phoi_hop_contribution_closes_that_handlers_task_only(world, staff):
    receipt = assigned(world, staff)
    services.contribute(actor=staff["cv1"], receipt=receipt, contribution="Đã rà soát danh sách.")
    kinds = lambda who: [  # noqa: E731
        r["t_kind"] for r in selectors.open_tasks(staff[who]) if r["t_receipt"] == receipt.pk
    ]
    assert kinds("cv1") == [] and kinds("vt") == ["coordinate"] and kinds("cb") == ["complete"]
    part = ReceiptHandler.objects.get(receipt=receipt, user=staff["cv1"])
    assert part.contribution == "Đã rà soát danh sách." and part.contributed_at is not None
    with pytest.raises(Forbidden):  # their part is closed
        services.contribute(actor=staff["cv1"], receipt=receipt, contribution="Lần nữa")
    with pytest.raises(Forbidden):  # the chủ trì reports instead
        services.contribute(actor=staff["cb"], receipt=receipt, contribution="x")


def test_every_part_sees_a_secret_document_and_its_copy(world, staff):
    document = advance(new_draft(secrecy="mat"), DocumentStatus.DISPATCHED)
    receipt = receipt_for(document, "bacson")
    services.deliver(receipt=receipt)
    receipt.refresh_from_db()
    receipt = services.acknowledge(actor=staff["vt"], receipt=receipt)
    assert not selectors.is_visible(staff["cv2"], document)
    services.assign(
        actor=staff["ld"],
        receipt=receipt,
        assignee=staff["cb"],
        coordinators=[staff["cv1"]],
        informed=[staff["cv2"]],
    )
    for name in ("cb", "cv1", "cv2"):
        assert selectors.is_visible(staff[name], document), name
        assert selectors.visible_receipts(staff[name]).filter(pk=receipt.pk).exists(), name
    assert not selectors.is_visible(user("cb.trungson"), receipt)
