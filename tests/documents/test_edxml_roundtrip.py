"""The edXML exchange end to end, over the file-drop transport: the seed plan dispatched to a
ward that runs its own system goes out as a package, comes in there as a document waiting
for its clerk, and the ward's steps come back as status messages that move our copy; then
retries with a failing transport, a message never sent twice, a malformed file refused into
``failed/`` and the recall handshake (13 → 15, 13 → 16).

One database plays both systems. The ward (Bắc Sơn) is outside on our side — an organisation
of kind ``external`` with its mã định danh, as the directory of partner agencies has it — and
inside on its own side, where it has its clerk, leader and handler; ``side()`` switches
between the two. Files cross only by being moved from one side's outbox directory into the
other side's inbox directory, as a shared folder or a gateway would move them."""

from __future__ import annotations

import datetime
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone

from documents import rendering, services
from documents.edxml import reader, transport, writer
from documents.exchanged import ExchangedDocument
from documents.models import AuditEvent, Receipt, ReceiptStatus
from documents.outbox import MessageKind, MessageState, OutboxMessage, Recall, RecallState
from documents.services import exchange, outbox
from documents.services.interchange import import_package
from orgchart.models import Organization, OrganizationKind
from tests.api.conftest import Api
from tests.support import advance, receipt_for, user
from workflow import exchange as jobs
from workflow.models import Notification

pytestmark = pytest.mark.django_db
R = ReceiptStatus
WARD = "bacson"
BROKEN = f"{__name__}.Broken"
COUNTING = f"{__name__}.Counting"


class Broken:
    def send(self, message) -> None:
        raise ConnectionError("gateway down")


class Counting:
    sent: list[int] = []

    def send(self, message) -> None:
        Counting.sent.append(message.pk)


@contextmanager
def side(ward: Organization):
    """The ward's own system: the ward is one of its organisations, not an outside one."""
    kind = ward.kind
    Organization.objects.filter(pk=ward.pk).update(kind=OrganizationKind.WARD)
    try:
        yield
    finally:
        Organization.objects.filter(pk=ward.pk).update(kind=kind)


def carry(root: Path, from_organ: str, to_organ: str) -> list[str]:
    """Move what one side wrote for ``to_organ`` into the inbox ``to_organ``'s system keeps
    for ``from_organ``."""
    outbox_dir = root / to_organ / transport.OUTBOX
    inbox_dir = root / from_organ / transport.INBOX
    inbox_dir.mkdir(parents=True, exist_ok=True)
    moved = []
    for path in sorted(outbox_dir.glob("*.edxml")):
        shutil.move(str(path), inbox_dir / path.name)
        moved.append(path.name)
    return moved


@pytest.fixture
def ward(world) -> Organization:
    ward = world.org(WARD)
    Organization.objects.filter(pk=ward.pk).update(kind=OrganizationKind.EXTERNAL)
    ward.refresh_from_db()
    return ward


@pytest.fixture
def dispatched(world, ward, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return advance(world.seed_plan(), "dispatched")


def codes_on_record(receipt: Receipt) -> list[str]:
    return [
        e.data.get("edxml_status")
        for e in AuditEvent.objects.filter(receipt=receipt).order_by("seq")
        if e.data.get("edxml_status")
    ]


def test_the_round_trip_over_the_file_drop(world, ward, dispatched, edxml_drop_root):
    ours = dispatched.issuer.organ_id
    copy = receipt_for(dispatched, WARD)
    # Sent as a package (not an e-mail), accepted by the transport: delivered on our side.
    assert copy.status == R.DELIVERED
    package = OutboxMessage.objects.get(receipt=copy, kind=MessageKind.PACKAGE)
    assert package.state == MessageState.SENT and package.attempts == 1
    written = edxml_drop_root / ward.organ_id / transport.OUTBOX / package.filename
    assert written.read_bytes() == bytes(package.payload)
    assert not list(written.parent.glob(".*"))  # the temporary file was renamed

    assert carry(edxml_drop_root, ours, ward.organ_id) == [package.filename]
    with side(ward):
        assert jobs.read_drop_inboxes() == 1
        assert (edxml_drop_root / ours / transport.DONE / package.filename).exists()
        kept = ExchangedDocument.objects.get(organization=ward)
        theirs = kept.receipt
        # Arrived, waiting for the ward's clerk: no số đến until the clerk registers it.
        assert theirs.status == R.DELIVERED and theirs.incoming_number is None
        sent = reader.read(bytes(package.payload))
        for column, value in (
            ("document_id", writer.document_id(dispatched)),
            ("code_number", sent.code_number),
            ("code_notation", sent.code_notation),
            ("promulgation_date", writer.issued_on(dispatched)),
            ("subject", dispatched.title),
            ("content", dispatched.body.strip()),
            ("sender_organ_id", ours),
            ("sender_name", dispatched.issuer.name),
            ("signer_competence", "TM. BAN THƯỜNG TRỰC"),
            ("signer_position", "PHÓ CHỦ TỊCH"),
            ("signer_full_name", "Trịnh Quang Huy"),
        ):
            assert getattr(kept, column) == value, column
        assert theirs.sender_symbol == dispatched.symbol
        assert theirs.sender_title == dispatched.title and theirs.sender_doc_type == "KH"
        first = theirs.attachments.order_by("pk").first()
        with first.file.open("rb") as handle:
            assert handle.read() == rendering.stored_pdf(dispatched)

        theirs = services.acknowledge(actor=user("vt.bacson"), receipt=theirs)
        theirs = services.assign(
            actor=user("ld.bacson"), receipt=theirs, assignee=user("cb.bacson")
        )
        theirs = services.start_handling(actor=user("cb.bacson"), receipt=theirs)
        theirs = services.complete(actor=user("cb.bacson"), receipt=theirs, report="Đã triển khai")
        statuses = OutboxMessage.objects.filter(receipt=theirs).order_by("pk")
        assert [m.code for m in statuses] == ["01", "03", "04", "05", "06"]
        assert {m.organ_id for m in statuses} == {ours}
        assert jobs.send_outbox() == 5

    assert len(carry(edxml_drop_root, ward.organ_id, ours)) == 5
    assert jobs.read_drop_inboxes() == 5
    copy.refresh_from_db()
    assert copy.status == R.COMPLETED and "Đã triển khai" in copy.report
    assert codes_on_record(copy) == ["03", "04", "05", "06"]
    assert len(list((edxml_drop_root / ward.organ_id / transport.DONE).iterdir())) == 5


def test_a_failing_transport_backs_off_then_fails_where_the_clerk_sees_it(world, ward):
    with override_settings(
        EDXML_TRANSPORTS={"default": BROKEN},
        EDXML_SEND_MAX_ATTEMPTS=3,
        EDXML_RETRY_BASE_SECONDS=60,
    ):
        document = advance(world.seed_plan(), "dispatched")
        from workflow.tasks import deliver_one

        copy = receipt_for(document, WARD)
        deliver_one(copy.pk)
        message = OutboxMessage.objects.get(receipt=copy)
        start = timezone.now()
        first = exchange.send(message_id=message.pk, now=start)
        assert first.state == "retry"
        message.refresh_from_db()
        assert message.attempts == 1 and "gateway down" in message.last_error
        assert message.next_attempt_at == start + datetime.timedelta(seconds=60)
        # Not due yet: left alone.
        assert exchange.send(message_id=message.pk, now=start).state == "skipped"
        assert exchange.due(now=start) == []
        later = start + datetime.timedelta(seconds=61)
        assert exchange.due(now=later) == [message.pk]
        assert exchange.send(message_id=message.pk, now=later).state == "retry"
        message.refresh_from_db()
        assert message.next_attempt_at == later + datetime.timedelta(seconds=120)  # doubled
        # The third try, once its pause is over, is the last.
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=start)
        assert jobs.send_message(message.pk) == "failed"
    message.refresh_from_db()
    copy.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == 3
    assert copy.status == R.PENDING and "sau 3 lần" in copy.delivery_problem
    told = Notification.objects.filter(receipt=copy, kind="delivery_problem")
    assert told.filter(user__username="vanthu").exists()


def test_a_message_is_never_sent_twice(world, ward, django_capture_on_commit_callbacks):
    Counting.sent = []
    with override_settings(EDXML_TRANSPORTS={"default": "x", ward.organ_id: COUNTING}):
        with django_capture_on_commit_callbacks(execute=True):
            document = advance(world.seed_plan(), "dispatched")
        copy = receipt_for(document, WARD)
        message = OutboxMessage.objects.get(receipt=copy)
        assert Counting.sent == [message.pk]
        assert jobs.send_message(message.pk) == "skipped"
        assert jobs.send_outbox() == 0
        # Queued again by a second delivery attempt: still one message.
        assert outbox.enqueue_package(receipt=copy) is None
        assert Counting.sent == [message.pk]
        assert OutboxMessage.objects.filter(receipt=copy).count() == 1


def test_the_inbox_reader_refuses_a_bad_file_into_failed_with_the_reason(world, edxml_drop_root):
    inbox = edxml_drop_root / "000.00.00.G22" / transport.INBOX
    inbox.mkdir(parents=True)
    (inbox / "a-broken.edxml").write_bytes(b"<edXML><unclosed></edXML>")
    (inbox / ".half-written.edxml.tmp").write_bytes(b"<")
    someone_else = world.seed_plan().issuer.organ_id
    (inbox / "b-forged.edxml").write_bytes(
        f"""<edXMLEnvelope><edXMLHeader><Status>
        <ResponseFor><DocumentId>{someone_else},2026/01/01,1/KH</DocumentId></ResponseFor>
        <From><OrganId>000.00.00.H41</OrganId></From><StatusCode>03</StatusCode>
        </Status></edXMLHeader></edXMLEnvelope>""".encode()
    )
    assert jobs.read_drop_inboxes() == 2
    failed = edxml_drop_root / "000.00.00.G22" / transport.FAILED
    assert (failed / "a-broken.edxml").exists()
    assert "malformed" in (failed / "a-broken.edxml.reason.txt").read_text()
    assert "Status.From.OrganId" in (failed / "b-forged.edxml.reason.txt").read_text()
    assert [p.name for p in inbox.iterdir()] == [".half-written.edxml.tmp"]


def _recalled_and_carried(world, ward, dispatched, root: Path) -> Receipt:
    """Package delivered to the ward's system; then we recall, and 13 reaches the ward."""
    ours = dispatched.issuer.organ_id
    carry(root, ours, ward.organ_id)
    with side(ward):
        assert jobs.read_drop_inboxes() == 1
        assert jobs.send_outbox() == 1  # 01: arrived
    carry(root, ward.organ_id, ours)
    assert jobs.read_drop_inboxes() == 1
    services.recall(actor=user("pct.huy"), document=dispatched, reason="Ban hành nhầm")
    copy = receipt_for(dispatched, WARD)
    assert Recall.objects.get(receipt=copy).state == RecallState.ASKED
    ask = OutboxMessage.objects.get(receipt=copy, code="13")
    assert jobs.send_outbox() == 1
    answer = reader.read_status_root(reader.parse(bytes(ask.payload)))
    assert answer.sender.organ_id == ours and "Ban hành nhầm" in answer.description
    carry(root, ours, ward.organ_id)
    with side(ward):
        assert jobs.read_drop_inboxes() == 1
        theirs = ExchangedDocument.objects.get(organization=ward).receipt
        asked = Recall.objects.get(receipt=theirs)
        assert asked.state == RecallState.ASKED and asked.reason == "Ban hành nhầm"
        assert Notification.objects.filter(
            receipt=theirs, kind="recalled", user__username="vt.bacson"
        ).exists()
    return theirs


def test_recall_13_then_15_settles_the_copy_as_recalled(world, ward, dispatched, edxml_drop_root):
    theirs = _recalled_and_carried(world, ward, dispatched, edxml_drop_root)
    with side(ward):
        exchange.answer_recall(actor=user("vt.bacson"), receipt=theirs, accept=True)
        assert jobs.send_outbox() == 1
    carry(edxml_drop_root, ward.organ_id, dispatched.issuer.organ_id)
    assert jobs.read_drop_inboxes() == 1
    copy = receipt_for(dispatched, WARD)
    assert Recall.objects.get(receipt=copy).state == RecallState.ACCEPTED
    assert AuditEvent.objects.filter(receipt=copy, action="recall_accepted").exists()


def test_recall_13_then_16_stays_and_the_issuer_sees_the_refusal(
    world, ward, dispatched, edxml_drop_root
):
    api = Api()
    theirs = _recalled_and_carried(world, ward, dispatched, edxml_drop_root)
    with side(ward):
        url = f"/api/v1/receipts/{theirs.pk}/recall-answer/"
        no_reason = api.as_("vt.bacson").post(url, {"accept": False}, format="json")
        assert no_reason.status_code == 400
        assert api.as_("ld.bacson").post(url, {"accept": True}, format="json").status_code == 403
        answer = api.as_("vt.bacson").post(
            url, {"accept": False, "answer": "Đã triển khai"}, format="json"
        )
        assert answer.status_code == 200, answer.content
        assert answer.json() == {"receipt": theirs.pk, "recall": "refused"}
        again = api.as_("vt.bacson").post(url, {"accept": True}, format="json")
        assert again.status_code == 409
        assert jobs.send_outbox() == 1
    carry(edxml_drop_root, ward.organ_id, dispatched.issuer.organ_id)
    assert jobs.read_drop_inboxes() == 1
    copy = receipt_for(dispatched, WARD)
    recall = Recall.objects.get(receipt=copy)
    assert recall.state == RecallState.REFUSED and recall.answer == "Đã triển khai"
    told = Notification.objects.get(receipt=copy, kind="recalled", user__username="vanthu")
    assert "từ chối" in told.text


def test_an_outside_organisation_without_an_identifier_still_gets_the_e_mail(
    world, ward, mailoutbox, django_capture_on_commit_callbacks
):
    Organization.objects.filter(pk=ward.pk).update(organ_id="", email="vanthu@bacson.example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        document = advance(world.seed_plan(), "dispatched")
    copy = receipt_for(document, WARD)
    assert copy.status == R.DELIVERED
    assert not OutboxMessage.objects.filter(receipt=copy).exists()
    assert any("vanthu@bacson.example.vn" in m.to for m in mailoutbox)


def test_a_package_a_clerk_imports_tells_its_sender_01_and_03(world):
    from tests.documents.test_edxml import hand_made

    receipt = import_package(actor=user("vt.bacson"), package=reader.read(hand_made()))
    statuses = OutboxMessage.objects.filter(receipt=receipt).order_by("pk")
    assert [(m.code, m.organ_id) for m in statuses] == [
        ("01", "000.00.00.G22"),
        ("03", "000.00.00.G22"),
    ]


def test_the_issuer_reads_the_refusal_in_the_receipt_table(world, ward, dispatched, client):
    from documents.selectors import receipt_table
    from tests.support import sign_in

    copy = receipt_for(dispatched, WARD)
    services.recall(actor=user("pct.huy"), document=dispatched, reason="Ban hành nhầm")
    Recall.objects.filter(receipt=copy).update(state=RecallState.REFUSED, answer="Đã triển khai")
    table = receipt_table(user("vanthu"), dispatched)
    row = next(r for r in table.rows if r.receipt.pk == copy.pk)
    assert row.receipt.recall.get_state_display() == "Từ chối lấy lại"
    sign_in(client, "vanthu")
    html = client.get(f"/outgoing/{dispatched.pk}/").content.decode()
    assert 'data-testid="recall-state">Từ chối lấy lại: Đã triển khai<' in html


def test_a_package_not_yet_sent_when_the_document_is_recalled_is_never_sent(world, ward):
    with override_settings(EDXML_TRANSPORTS={"default": BROKEN}):
        document = advance(world.seed_plan(), "dispatched")
        from workflow.tasks import deliver_one

        copy = receipt_for(document, WARD)
        deliver_one(copy.pk)
        message = OutboxMessage.objects.get(receipt=copy)
        assert exchange.send(message_id=message.pk).state == "retry"
    services.recall(actor=user("pct.huy"), document=document, reason="Ban hành nhầm")
    # Nothing reached them, so nothing is asked back.
    assert not Recall.objects.filter(receipt=copy).exists()
    Counting.sent = []
    with override_settings(EDXML_TRANSPORTS={"default": COUNTING}):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert jobs.send_message(message.pk) == "canceled"
    assert Counting.sent == []
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and "thu hồi" in message.last_error


def test_a_copy_given_back_is_handled_no_more(world, ward, dispatched, edxml_drop_root):
    """Our clerk agrees (15) to give back a copy that came from outside: its open task is
    cancelled, nobody may act on it any more, and it leaves Hộp việc."""
    from documents import selectors
    from documents.errors import Conflict
    from workflow.bookkeeping import process_for

    theirs = _recalled_and_carried(world, ward, dispatched, edxml_drop_root)
    with side(ward):
        if theirs.status == "delivered":
            services.acknowledge(actor=user("vt.bacson"), receipt=theirs)
        theirs.refresh_from_db()
        leader = user("ld.bacson")
        assert "assign" in selectors.allowed_actions(leader, theirs)
        assert any(t["t_receipt"] == theirs.pk for t in selectors.open_tasks(leader))
        exchange.answer_recall(actor=user("vt.bacson"), receipt=theirs, accept=True)
        theirs.refresh_from_db()
        assert theirs.given_back_at is not None
        assert selectors.allowed_actions(leader, theirs) == []
        assert not any(t["t_receipt"] == theirs.pk for t in selectors.open_tasks(leader))
        with pytest.raises(Conflict):
            services.assign(actor=leader, receipt=theirs, assignee=user("cb.bacson"))
        tasks = process_for(theirs).task_set
        assert not tasks.filter(status="NEW").exists()
        assert tasks.filter(status="CANCELED").exists()
