"""Delivery of dispatched documents, the sweeper that makes it reliable, and reminders.

The pending receipts in the database are the outbox; Celery messages only say "look now".
Every task is idempotent: a receipt is delivered under its row lock and only while it is still
pending, so a task that runs twice (a retry, a redelivered message, two workers, the sweeper)
delivers once, notifies once and audits once.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypedDict

from celery import current_app, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from documents import selectors, services
from documents.models import Document, DocumentStatus, Receipt, ReceiptStatus, Urgency
from documents.selectors import late_q
from documents.services import outbox
from orgchart.models import OrganizationKind, RoleCode
from orgchart.selectors import clerks_of, holders_by_organization, leaders_of

from . import notifications
from .models import NotificationKind, Reminder

log = logging.getLogger(__name__)
R = ReceiptStatus
K = NotificationKind

CHUNK_SIZE = 100

#: Broker priority by urgency; on Redis 0 is read first (see CELERY_BROKER_TRANSPORT_OPTIONS).
PRIORITY: dict[str, int] = {
    Urgency.HOA_TOC: 0,
    Urgency.THUONG_KHAN: 1,
    Urgency.KHAN: 2,
    Urgency.NORMAL: 5,
}
BACKGROUND_PRIORITY = 8


class RetryOptions(TypedDict):
    """The options every task here shares, typed so that ``@shared_task(**RETRYING)`` is
    checked against Celery's own signature."""

    acks_late: bool
    reject_on_worker_lost: bool
    autoretry_for: Sequence[type[BaseException]]
    retry_backoff: bool
    retry_backoff_max: int
    retry_jitter: bool
    max_retries: int


RETRYING: RetryOptions = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


def priority_for(urgency: str) -> int:
    return PRIORITY.get(urgency, PRIORITY[Urgency.NORMAL])


def enqueue_document(document_id: int, urgency: str) -> None:
    deliver_document.apply_async((document_id,), priority=priority_for(urgency))


def enqueue_chunks(receipt_ids: list[int], urgency: str) -> int:
    for start in range(0, len(receipt_ids), CHUNK_SIZE):
        deliver_receipts.apply_async(
            (receipt_ids[start : start + CHUNK_SIZE],), priority=priority_for(urgency)
        )
    return len(receipt_ids)


@shared_task(**RETRYING)
def deliver_document(document_id: int) -> int:
    """Fan out: one task per chunk of the document's pending receipts."""
    urgency = Document.objects.filter(pk=document_id).values_list("urgency", flat=True).first()
    ids = list(
        Receipt.objects.filter(document_id=document_id, status=R.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return enqueue_chunks(ids, urgency or Urgency.NORMAL)


class DeliveryFailed(Exception):
    """Some receipts of a chunk failed; the chunk is retried and the delivered ones skipped."""


@shared_task(**RETRYING)
def deliver_receipts(receipt_ids: list[int]) -> int:
    """Deliver a chunk. The recipients inside the system are delivered together, in one
    transaction with their clerks' notifications; the others (e-mail, problems) one by one.
    If the batch fails, every receipt of it is tried on its own, so one bad receipt does not
    hold up the others; the chunk then fails so that Celery retries the ones that failed (the
    delivered ones are skipped then)."""
    rest = list(receipt_ids)
    delivered, failed = 0, []
    try:
        delivered, rest = _deliver_in_system(receipt_ids)
    except Exception:
        log.exception("batch delivery of %d receipts failed; one by one", len(receipt_ids))
    for pk in rest:
        try:
            delivered += deliver_one(pk)
        except Exception:
            log.exception("delivery of receipt %s failed", pk)
            failed.append(pk)
    if failed:
        raise DeliveryFailed(f"receipts {failed} failed; {delivered} delivered")
    return delivered


def _deliver_in_system(receipt_ids: list[int]) -> tuple[int, list[int]]:
    """Deliver together the receipts whose organisation has clerks in the system; return how
    many, and the ids left for the one-by-one path."""
    candidates = list(
        Receipt.objects.filter(
            pk__in=receipt_ids,
            status=R.PENDING,
            document__status=DocumentStatus.DISPATCHED,
            organization__isnull=False,
        )
        .exclude(organization__kind=OrganizationKind.EXTERNAL)
        .values_list("pk", "organization_id")
    )
    clerks = holders_by_organization({org for _pk, org in candidates}, RoleCode.CLERK)
    batch = [pk for pk, org in candidates if clerks.get(org)]
    if not batch:
        return 0, list(receipt_ids)
    with transaction.atomic():
        receipts = services.deliver_many(receipts=batch)
        notifications.notify_arrivals(receipts, clerks)
    done = {r.pk for r in receipts}
    return len(receipts), [pk for pk in receipt_ids if pk not in done]


def queue_backlog() -> int:
    """Messages waiting in the default queue (0 when tasks run eagerly)."""
    app = current_app
    if app.conf.task_always_eager:
        return 0
    # Declaring the queue the workers consume anyway is harmless, and it answers with the
    # size. (A passive declaration is not reliable on Redis with a key prefix.)
    with app.connection_for_write() as connection:
        # kombu's stubs type default_channel as the StdChannel base, which lacks queue_declare;
        # every transport's actual channel has it.
        return connection.default_channel.queue_declare(  # type: ignore[attr-defined]  # stub
            queue=app.conf.task_default_queue
        ).message_count


@shared_task(**RETRYING)
def sweep_pending(older_than_seconds: float | None = None) -> int:
    """Re-enqueue receipts still pending a while after dispatch: a message lost, the broker
    down at commit, a worker killed mid-task or a recipient that had no clerk yet. Sending
    one twice costs a lookup; never sending it loses a document."""
    if older_than_seconds is None:
        older_than_seconds = settings.DELIVERY_SWEEP_AFTER_SECONDS
    backlog = queue_backlog()
    if backlog > settings.DELIVERY_SWEEP_MAX_BACKLOG:
        # The workers are behind, and what is pending is most likely still queued: adding
        # copies would only lengthen the queue. The next sweep after it drains catches up.
        log.info("sweep skipped: %d messages still queued", backlog)
        return 0
    now = timezone.now()
    rows = (
        Receipt.objects.filter(
            status=R.PENDING,
            document__status=DocumentStatus.DISPATCHED,
            created_at__lte=now - datetime.timedelta(seconds=older_than_seconds),
            created_at__gte=now - datetime.timedelta(days=settings.DELIVERY_SWEEP_MAX_AGE_DAYS),
        )
        .order_by("pk")
        .values_list("pk", "urgency")
    )
    by_urgency: dict[str, list[int]] = defaultdict(list)
    for pk, urgency in rows:
        by_urgency[urgency].append(pk)
    # Most urgent first, so they also reach the broker first.
    total = 0
    for urgency in sorted(by_urgency, key=priority_for):
        total += enqueue_chunks(by_urgency[urgency], urgency)
    if total:
        log.info("sweeper re-enqueued %d pending receipts", total)
    return total


# ---------------------------------------------------------------------------------------------
# Delivering one receipt


def _problem(receipt: Receipt, text: str) -> bool:
    """Record why the receipt cannot be delivered and tell the sender's clerks once. The
    receipt stays pending: it has not arrived anywhere, and the sweeper tries again (a clerk
    or an address added later lets it through). The text is stored and shown as written, so it
    is Vietnamese, the language of the records, never a bilingual pair."""
    services.mark_delivery_problem(receipt=receipt, problem=text)
    document = notifications.sent_document(receipt)
    notifications.notify(
        users=clerks_of(document.issuer),
        kind=K.DELIVERY_PROBLEM,
        receipt=receipt,
        text=(f"Chưa chuyển được văn bản {document.symbol} tới {_recipient_name(receipt)}: {text}"),
    )
    return False


def _recipient_name(receipt: Receipt) -> str:
    organization = receipt.organization
    if organization is not None:
        return organization.name
    recipient = receipt.recipient
    return recipient.display_name if recipient is not None else str(receipt.pk)


def _by_email(receipt: Receipt, address: str, *, problem: str = "") -> bool:
    """Deliver by e-mail: the receipt becomes delivered once the mail backend accepts the
    message. The receipt row stays locked meanwhile, so two workers never both send it."""
    try:
        notifications.external_message(receipt, address).send()
    except Exception as exc:  # noqa: BLE001  (whatever the mail backend raises is a problem to record and retry)
        log.warning("e-mail delivery of receipt %s to %s failed: %s", receipt.pk, address, exc)
        return _problem(
            receipt,
            f"Gửi thư điện tử tới {address} không thành công ({type(exc).__name__}); "
            "hệ thống sẽ thử lại.",
        )
    return services.deliver(receipt=receipt.pk, problem=problem)


def _by_edxml(receipt: Receipt) -> bool:
    """An outside organisation with a mã định danh gets the package (QCVN 102:2016) through
    its transport: queued here, in the delivery's transaction; the receipt is delivered
    when the transport accepts it (``workflow.exchange.send_message``)."""
    try:
        outbox.enqueue_package(receipt=receipt)
    except Exception as exc:  # noqa: BLE001  (a package that cannot be built is a problem to show)
        log.warning("edXML package of receipt %s could not be queued: %s", receipt.pk, exc)
        return _problem(
            receipt, f"Không lập được gói tin edXML ({type(exc).__name__}); hệ thống sẽ thử lại."
        )
    return False


def deliver_one(receipt_id: int) -> bool:
    """Deliver one receipt if it is still pending; True when this call delivered it.

    Internal recipients get the document in the system (code 01, which starts their
    IncomingFlow in the same transaction) and their clerks an in-app notification and an
    e-mail; outside recipients get an e-mail, or the edXML package when the organisation has
    a mã định danh. Delivery and notification commit together, so there is never one without
    the other.
    """
    with transaction.atomic():
        receipt = (
            Receipt.objects.select_for_update(of=("self",))
            .select_related("document__issuer", "organization", "recipient")
            .filter(pk=receipt_id)
            .first()
        )
        if receipt is None or receipt.status != R.PENDING or receipt.document_id is None:
            return False
        if receipt.document.status != DocumentStatus.DISPATCHED:
            return False  # recalled before it arrived: nothing to deliver
        org = receipt.organization
        outside = org is None or org.kind == OrganizationKind.EXTERNAL
        clerks = [] if outside else list(clerks_of(org))
        if clerks:
            return _in_system(receipt, clerks)
        if receipt.document.is_secret:
            # State secrets never travel by e-mail (QĐ 28/2018 keeps them out of electronic
            # exchange): only a clerk inside the system may receive one.
            return _problem(
                receipt,
                "Văn bản mật không gửi qua thư điện tử; cần chuyển bản giấy.",
            )
        if outside and org is not None and org.organ_id:
            return _by_edxml(receipt)
        if outside:
            address = org.email if org is not None else receipt.recipient.email
            if not address:
                return _problem(
                    receipt,
                    "Nơi nhận bên ngoài không có địa chỉ thư điện tử.",
                )
            return _by_email(receipt, address)
        if org.email:
            return _by_email(
                receipt,
                org.email,
                problem=(
                    f"{org.name} chưa có văn thư trong hệ thống; văn bản đã gửi bằng thư "
                    f"điện tử tới {org.email}."
                ),
            )
        return _problem(
            receipt,
            f"{org.name} chưa có văn thư và không có địa chỉ thư điện tử.",
        )


def _in_system(receipt: Receipt, clerks: list) -> bool:
    """Arrived in the recipient's system (01); its clerks told in the same transaction."""
    if not services.deliver(receipt=receipt.pk):
        return False
    document = notifications.sent_document(receipt)
    notifications.notify(
        users=clerks,
        kind=K.DELIVERED,
        receipt=receipt,
        text=(
            f"{notifications.urgency_tag(receipt.urgency)}Văn bản đến: "
            f"{notifications.describe(document)}"
        ),
        private=document.is_secret,
    )
    return True


@shared_task(**RETRYING)
def notify_recall(document_id: int) -> int:
    """Tell every recipient that already has the document (its clerks, and the assignee)
    that it was recalled; once per receipt and person."""
    receipts = (
        Receipt.objects.filter(document_id=document_id)
        .exclude(status=R.PENDING)
        .select_related("document__issuer", "organization", "assignee")
        .order_by("pk")
    )
    receipts = list(receipts)
    clerks = holders_by_organization(
        {r.organization_id for r in receipts if r.organization_id}, RoleCode.CLERK
    )
    count = 0
    for receipt in receipts:
        users = list(clerks.get(receipt.organization_id, [])) if receipt.organization_id else []
        if receipt.assignee_id:
            users.append(receipt.assignee)
        with transaction.atomic():
            count += len(
                notifications.notify(
                    users=users,
                    kind=K.RECALLED,
                    receipt=receipt,
                    text=(
                        "Văn bản đã bị thu hồi: "
                        f"{notifications.describe(notifications.sent_document(receipt))}"
                    ),
                )
            )
    return count


@shared_task(**RETRYING)
def reconcile_flows(limit: int = 500) -> int:
    """Bring drifted processes back in line with their documents' and receipts' states."""
    from .bookkeeping import reconcile

    fixed = reconcile(limit=limit)
    if fixed:
        log.warning("reconciled %d processes that had drifted from their states", fixed)
    return fixed


# ---------------------------------------------------------------------------------------------
# Reminders (đôn đốc)


@shared_task(**RETRYING)
def send_reminders(on: str | None = None) -> int:
    """Remind late recipients: clerks that have not acknowledged, assignees near or past
    their deadline. At most one reminder per receipt, kind and day (``Reminder``)."""
    today = datetime.date.fromisoformat(on) if on else timezone.localdate()
    sent = 0
    late = (
        Receipt.objects.filter(late_q(today))
        .select_related("document__issuer", "organization", "assignee")
        .order_by("pk")
    )
    near = (
        Receipt.objects.filter(
            status__in=[R.ASSIGNED, R.IN_PROGRESS],
            deadline__gte=today,
            deadline__lte=today + datetime.timedelta(days=settings.REMINDER_DEADLINE_DAYS),
        )
        .select_related("document__issuer", "organization", "assignee")
        .order_by("pk")
    )
    for receipt in late.iterator(chunk_size=500):
        if receipt.status == R.DELIVERED:
            sent += _remind(receipt, K.ACK_REMINDER, clerks_of(receipt.organization), today)
        else:
            users = [receipt.assignee, *leaders_of(receipt.organization)]
            sent += _remind(receipt, K.DEADLINE_PAST, users, today)
    for receipt in near.iterator(chunk_size=500):
        sent += _remind(receipt, K.DEADLINE_NEAR, [receipt.assignee], today)
    return sent


def _reminder_text(receipt: Receipt, kind: str) -> str:
    what = notifications.describe_receipt(receipt)
    if kind == K.ACK_REMINDER:
        arrived = timezone.localtime(receipt.delivered_at)
        return f"Đôn đốc: văn bản đến ngày {arrived:%d/%m/%Y} chưa được tiếp nhận — {what}"
    if kind == K.DEADLINE_NEAR:
        return f"Sắp đến hạn xử lý ({receipt.deadline:%d/%m/%Y}): {what}"
    return f"Đôn đốc: đã quá hạn xử lý ({receipt.deadline:%d/%m/%Y}): {what}"


def _remind(
    receipt: Receipt, kind: str, users: Iterable, today: datetime.date, *, text: str = ""
) -> int:
    with transaction.atomic():
        _, created = Reminder.objects.get_or_create(receipt=receipt, kind=kind, day=today)
        if not created:
            return 0
        notifications.notify(
            users=[u for u in users if u is not None],
            kind=kind,
            receipt=receipt,
            key=today.isoformat(),
            text=text or _reminder_text(receipt, kind),
        )
    return 1


@shared_task(**RETRYING)
def remind_obligations(on: str | None = None) -> int:
    """Remind the organisations that owe a plan or a report (the document's obligations): in
    the days before its due date (each period's, for a recurring report), then every day
    after it, for a while. One reminder per
    copy, kind and day (``Reminder``), so per organisation and document, whatever else chased
    it that day; the ward's leaders and the copy's chủ trì are told."""
    today = datetime.date.fromisoformat(on) if on else timezone.localdate()
    sent = 0
    for row in selectors.owing(
        today,
        near_days=settings.REMINDER_DEADLINE_DAYS,
        past_days=settings.OBLIGATION_REMINDER_PAST_DAYS,
    ):
        if row.receipt.organization is None:  # only organisations owe; an outside copy none
            continue
        for kind, obligations in ((K.OBLIGATION_PAST, row.past), (K.OBLIGATION_NEAR, row.near)):
            if obligations:
                sent += remind_owing(
                    row.receipt, obligations, today, overdue=kind == K.OBLIGATION_PAST
                )
    return sent


def remind_owing(
    receipt: Receipt, obligations: list, today: datetime.date, *, overdue: bool
) -> int:
    """Remind the copy's organisation of what it owes, unless it was reminded of that today
    (the daily reminders and the issuer's chase share the row); 1 when reminded now."""
    kind = K.OBLIGATION_PAST if overdue else K.OBLIGATION_NEAR
    organization = receipt.organization
    if organization is None:  # only organisations owe
        return 0
    users = [receipt.assignee, *leaders_of(organization)]
    text = _obligation_text(receipt, kind, obligations)
    return _remind(receipt, kind, users, today, text=text)


def _obligation_text(receipt: Receipt, kind: str, obligations: list) -> str:
    owed = "; ".join(f"{o.title} (hạn {o.due:%d/%m/%Y})" for o in obligations)
    what = notifications.describe_receipt(receipt)
    if kind == K.OBLIGATION_NEAR:
        return f"Sắp đến hạn nộp: {owed} — theo {what}"
    return f"Đôn đốc: đã quá hạn nộp: {owed} — theo {what}"
