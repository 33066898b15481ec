"""Đôn đốc: the issuer reminds the recipients that lag. No state changes; each copy chased is
an audit event and its recipients are told (``signals.receipts_chased``), at most once a day.
The organisations that still owe a plan or a report are chased per obligation
(``chase_obligations``): once a day, counted together with the daily reminders."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit
from ..errors import Conflict, InvalidInput, NotFound
from ..lifecycle import RECEIPT
from ..models import AuditEvent, Document, Receipt
from ..obligations import Obligation, ObligationItem
from ..periods import current
from ..selectors import authorize, owing_copies
from ..selectors.obligations import open_items
from ..signals import obligations_chased, receipts_chased
from .core import _lock_document, step_transaction


@dataclass(frozen=True)
class Chase:
    document: Document
    #: The copies chased now.
    chased: list[Receipt]
    #: The copies chosen that had been chased already today, left alone.
    skipped: list[Receipt]


def chase(*, actor, document: Document | int, receipts: Sequence[Receipt | int]) -> Chase:
    """Remind the recipients of ``receipts`` (copies of ``document`` that still wait on them)
    that they lag. A copy already chased today is left out; if all were, nothing is written
    and the answer is a Conflict that says so."""
    ids = {r.pk if isinstance(r, Receipt) else r for r in receipts}
    with step_transaction():
        # The document's row lock serialises two chases of its copies: "once a day" is
        # decided once.
        document = _lock_document(document)
        authorize(actor, "chase", document)
        if not ids:
            raise InvalidInput({"receipts": [_("Hãy chọn ít nhất một nơi nhận.")]})
        chosen = list(
            Receipt.objects.select_related("organization", "assignee")
            .filter(document=document, pk__in=ids)
            .order_by("pk")
        )
        if len(chosen) != len(ids):
            raise InvalidInput({"receipts": [_("Có nơi nhận không thuộc văn bản này.")]})
        for receipt in chosen:
            receipt.document = document
        if any(RECEIPT.task_for(r) is None for r in chosen):
            raise Conflict(
                _("Chỉ đôn đốc được các nơi chưa tiếp nhận hoặc chưa hoàn thành xử lý."),
                field="receipts",
            )
        already = _chased_on(timezone.localdate(), chosen)
        todo = [r for r in chosen if r.pk not in already]
        skipped = [r for r in chosen if r.pk in already]
        if not todo:
            raise Conflict(
                _("Các nơi đã chọn đã được đôn đốc hôm nay; mỗi ngày chỉ đôn đốc một lần."),
                code="already_chased",
                field="receipts",
            )
        audit.record_many(
            action="chase",
            receipts=todo,
            from_status="",
            to_status="",
            data_for=lambda r: {"status": r.status},
            actor=actor,
            organization_id=document.issuer_id,
        )
        receipts_chased.send(sender=Document, document=document, receipts=todo, actor=actor)
    return Chase(document=document, chased=todo, skipped=skipped)


def _chased_on(day: datetime.date, receipts: list[Receipt]) -> set[int]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return set(
        AuditEvent.objects.filter(action="chase", receipt__in=receipts, at__gte=start).values_list(
            "receipt_id", flat=True
        )
    )


@dataclass(frozen=True)
class ObligationChase:
    document: Document
    obligation: Obligation
    #: The copies whose organisation was reminded now.
    chased: list[Receipt]
    #: The copies whose organisation had been reminded of it today already, left alone.
    already: list[Receipt]


def chase_obligations(*, actor, document: Document | int, obligation: int) -> ObligationChase:
    """Remind every organisation that still owes ``obligation`` of ``document`` (pending or
    overdue, its copy not refused), in one click. Who may: the lifecycle's ``chase``. The
    reminder is the daily reminders' own (one per copy and day, written by whoever comes
    first, the workflow's receiver of ``obligations_chased``): an organisation reminded today
    already is counted, not reminded again. Nobody left owing is a Conflict."""
    with step_transaction():
        # The document's row lock serialises two chases of it; the reminder's own unique row
        # settles a race with the daily reminders.
        document = _lock_document(document)
        authorize(actor, "chase", document)
        asked = Obligation.objects.filter(document=document, pk=obligation).first()
        if asked is None:
            raise NotFound()
        today = timezone.localdate()
        copies = owing_copies(document, asked, today)
        if not copies:
            raise Conflict(
                _("Không còn đơn vị nào phải nộp: không có ai để đôn đốc."),
                code="nothing_to_chase",
            )
        # What each still owes, up to the current period: a recurring report's past periods
        # are chased, those to come are not.
        items: dict[int, list[ObligationItem]] = {}
        for item in open_items(asked, current(asked.periods(), today)):
            item.obligation = asked
            items.setdefault(item.organization_id, []).append(item)
        for receipt in copies:
            receipt.document = document
        answers = obligations_chased.send(
            sender=Document,
            document=document,
            obligation=asked,
            receipts=copies,
            overdue=any(i.due < today for owed in items.values() for i in owed),
            owed={r.pk: items.get(r.organization_id or 0, []) for r in copies},
            actor=actor,
        )
        reminded: set[int] = set()
        for _receiver, ids in answers:
            if isinstance(ids, set | frozenset | list | tuple):
                reminded |= {int(i) for i in ids}
        chased = [r for r in copies if r.pk in reminded]
        if chased:
            audit.record_many(
                action="chase",
                receipts=chased,
                from_status="",
                to_status="",
                data_for=lambda r: {"status": r.status, "obligation": asked.pk},
                actor=actor,
                organization_id=document.issuer_id,
            )
    return ObligationChase(
        document=document,
        obligation=asked,
        chased=chased,
        already=[r for r in copies if r.pk not in reminded],
    )
