"""Obligations as part of a draft, replies that fulfil them, and fulfilment on delivery.

They are written by the drafting services (``create_draft``/``edit_draft``), inside the same
transaction and after the same validation, so a bad obligation stops the whole draft with a
field error; delivery fulfils them in the delivering transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from orgchart.models import Organization

from ..models import Document, Purpose, Receipt
from ..obligations import Answer, Obligation, ObligationItem, ObligationKind, Reply
from ..periods import MAX_YEARS, Recurrence, default_until, is_key, latest_until
from ..report_forms import clean_form

MAX_OBLIGATIONS = 20
#: As many as ``fulfils`` takes.
MAX_FULFILS = 50

#: ``organizations`` meaning every recipient of the draft that executes, whichever they turn
#: out to be once its groups are expanded (the draft form's default). Not a value a JSON
#: client can send: the API names its organisations.
EVERY_EXECUTING = object()


@dataclass(frozen=True)
class ObligationInput:
    kind: str
    title: str
    due: datetime.date
    organizations: tuple[Organization, ...]
    #: A form report's fields (``report_forms.clean_form``).
    form: list[dict] = field(default_factory=list)
    recurrence: str = ""
    #: The last due date of a recurring obligation; None for a one-off one.
    until: datetime.date | None = None


def _due(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


def clean_obligations(
    items, *, executing: dict[str, Organization], errors: dict[str, list[str]]
) -> list[ObligationInput]:
    """``executing``: the recipients that must act (purpose ``execute``), by code; only
    they can owe a plan or a report."""
    messages: list[str] = []
    if not isinstance(items, list | tuple) or len(items) > MAX_OBLIGATIONS:
        errors.setdefault("obligations", []).append(
            _("Tối đa %(n)d yêu cầu.") % {"n": MAX_OBLIGATIONS}
        )
        return []
    result = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            messages.append(_("Yêu cầu %(n)d không hợp lệ.") % {"n": index})
            continue
        kind, title = item.get("kind"), str(item.get("title") or "").strip()
        due = _due(item.get("due"))
        form = clean_form(item.get("form"), index, messages)
        codes = item.get("organizations") or []
        if codes is EVERY_EXECUTING:
            codes = list(executing)
        if kind not in ObligationKind.values:
            messages.append(_("Yêu cầu %(n)d: loại không hợp lệ.") % {"n": index})
        if not title or len(title) > 255:
            messages.append(_("Yêu cầu %(n)d cần nội dung (tối đa 255 ký tự).") % {"n": index})
        if due is None:
            messages.append(_("Yêu cầu %(n)d cần hạn nộp (YYYY-MM-DD).") % {"n": index})
        if not isinstance(codes, list | tuple) or not codes:
            messages.append(_("Yêu cầu %(n)d cần các đơn vị phải thực hiện.") % {"n": index})
            continue
        missing = [str(c) for c in codes if str(c) not in executing]
        if missing:
            messages.append(
                _("Yêu cầu %(n)d: %(codes)s không phải nơi nhận để thực hiện.")
                % {"n": index, "codes": ", ".join(missing)}
            )
            continue
        recurrence, until = _recurrence(item, due, index, messages)
        if kind in ObligationKind.values and title and due and len(title) <= 255:
            orgs = tuple(dict.fromkeys(executing[str(c)] for c in codes))
            result.append(ObligationInput(kind, title, due, orgs, form, recurrence, until))
    if messages:
        errors.setdefault("obligations", []).extend(messages)
    return result


def _recurrence(
    item: dict, due: datetime.date | None, index: int, messages: list[str]
) -> tuple[str, datetime.date | None]:
    """How often it falls due and until when: a one-off one has no end; a recurring one ends
    by the end of its first year unless it says, at most ``periods.MAX_YEARS`` on."""
    recurrence = item.get("recurrence") or ""
    if recurrence not in Recurrence.values:
        messages.append(_("Yêu cầu %(n)d: định kỳ không hợp lệ.") % {"n": index})
        return "", None
    raw = item.get("until")
    until = _due(raw) if raw not in (None, "") else None
    if raw not in (None, "") and until is None:
        messages.append(_("Yêu cầu %(n)d: “đến ngày” phải là ngày (YYYY-MM-DD).") % {"n": index})
        return recurrence, None
    if not recurrence or due is None:
        return recurrence, None
    until = until or default_until(due)
    if until < due:
        messages.append(
            _("Yêu cầu %(n)d: “đến ngày” không được trước hạn nộp đầu tiên.") % {"n": index}
        )
    elif until > latest_until(due):
        messages.append(
            _("Yêu cầu %(n)d: định kỳ tối đa %(years)d năm kể từ hạn nộp đầu tiên.")
            % {"n": index, "years": MAX_YEARS}
        )
    return recurrence, until


def executing_recipients(recipients: Iterable) -> dict[str, Organization]:
    """The organisations among ``recipients`` (inputs or rows) that must act."""
    return {
        r.organization.code: r.organization
        for r in recipients
        if r.organization is not None and r.purpose == Purpose.EXECUTE
    }


def save_obligations(document: Document, obligations: Sequence[ObligationInput]) -> None:
    document.obligations.all().delete()
    for order, o in enumerate(obligations):
        row = Obligation.objects.create(
            document=document,
            kind=o.kind,
            title=o.title,
            due=o.due,
            recurrence=o.recurrence,
            until=o.until,
            order=order,
            form=o.form,
        )
        # Every period at once: the roll-up, the reminders and the chase see what is owed
        # for each without working it out again.
        ObligationItem.objects.bulk_create(
            ObligationItem(obligation=row, organization=org, period=p.index, due=p.due)
            for org in o.organizations
            for p in row.periods()
        )


@dataclass(frozen=True)
class ReplyInput:
    receipt: Receipt | None
    fulfils: list[Obligation]
    #: The period answered of each obligation fulfilled, by obligation id.
    periods: dict[int, int] = field(default_factory=dict)


def clean_reply(
    replies_to,
    fulfils,
    *,
    issuer: Organization,
    addressed: Iterable[Organization],
    errors: dict[str, list[str]],
    periods=None,
) -> ReplyInput:
    """The issuer's own copy being answered, the obligations of it that the answer fulfils
    (owed by the issuer) and the period of each it answers; the answer must be addressed to
    whoever asked. ``periods``: ``{"<obligation id>": "<period key>"}`` for those answered
    for another period than the default (``answered_periods``)."""
    if replies_to is None:
        if fulfils:
            errors.setdefault("fulfils", []).append(_("Cần nêu văn bản đến được trả lời."))
        if periods:
            errors.setdefault("fulfils_periods", []).append(_("Cần nêu văn bản đến được trả lời."))
        return ReplyInput(None, [])
    try:
        receipt_id = int(replies_to)
    except (TypeError, ValueError):
        receipt_id = 0
    receipt = (
        Receipt.objects.filter(pk=receipt_id, organization=issuer, document__isnull=False)
        .select_related("document__issuer")
        .first()
    )
    if receipt is None:
        errors.setdefault("replies_to", []).append(
            _("Phải là văn bản đến của cơ quan ban hành, gửi từ trong hệ thống.")
        )
        return ReplyInput(None, [])
    try:
        ids = {int(i) for i in (fulfils or [])}
    except (TypeError, ValueError):
        ids = {0}
    owed = list(
        Obligation.objects.filter(
            pk__in=ids, document_id=receipt.document_id, items__organization=issuer
        ).distinct()  # an item a period
    )
    if len(owed) != len(ids):
        errors.setdefault("fulfils", []).append(
            _("Chỉ trả lời được các yêu cầu mà văn bản đến giao cho cơ quan mình.")
        )
    if receipt.document.issuer_id not in {o.pk for o in addressed}:
        errors.setdefault("recipients", []).append(
            _("Văn bản trả lời phải gửi cho %(org)s.") % {"org": receipt.document.issuer.name}
        )
    return ReplyInput(receipt, owed, answered_periods(owed, issuer, periods, errors))


def answered_periods(
    owed: list[Obligation], issuer: Organization, chosen, errors: dict[str, list[str]]
) -> dict[int, int]:
    """The period each obligation is answered for: the one named in ``chosen`` by its key,
    else the earliest the issuer has not fulfilled yet (what a clerk sending "the report"
    means: the one still owed; a second reply for a period already fulfilled names it), else
    the last. One query."""
    by_id = {o.pk: o for o in owed}
    if chosen is None:
        chosen = {}
    if not isinstance(chosen, dict) or len(chosen) > MAX_FULFILS:
        errors.setdefault("fulfils_periods", []).append(_("Kỳ báo cáo không hợp lệ."))
        return {}
    named: dict[int, int] = {}
    for raw, key in chosen.items():
        try:
            obligation = by_id.get(int(raw))
        except (TypeError, ValueError):
            obligation = None
        chosen_period = obligation.period_by_key(key) if obligation and is_key(key) else None
        if obligation is None or chosen_period is None:
            errors.setdefault("fulfils_periods", []).append(
                _("%(key)s không phải kỳ báo cáo của yêu cầu %(id)s mà đơn vị phải nộp.")
                % {"key": str(key)[:20], "id": str(raw)[:20]}
            )
            continue
        named[obligation.pk] = chosen_period.index
    if not by_id:
        return named
    open_: dict[int, int] = {}
    for obligation_id, period in (
        ObligationItem.objects.filter(
            obligation__in=list(by_id), organization=issuer, fulfilled_at__isnull=True
        )
        .order_by("period")
        .values_list("obligation_id", "period")
    ):
        open_.setdefault(obligation_id, period)
    return {pk: named.get(pk, open_.get(pk, len(o.periods()) - 1)) for pk, o in by_id.items()}


def save_reply(
    document: Document, answered: ReplyInput, answers: dict[int, dict] | None = None
) -> None:
    Reply.objects.filter(document=document).delete()
    receipt, fulfils = answered.receipt, answered.fulfils
    if receipt is None:
        return
    reply = Reply.objects.create(
        document=document,
        receipt=receipt,
        periods={str(pk): period for pk, period in answered.periods.items() if period},
    )
    reply.obligations.set(fulfils)
    Answer.objects.bulk_create(
        Answer(reply=reply, obligation_id=pk, values=values)
        for pk, values in (answers or {}).items()
    )
    # The copy answered is what the reply implements (its căn cứ).
    document.references.add(receipt)


def fulfil_on_delivery(receipts: Sequence[Receipt]) -> int:
    """Receipts just delivered: where one carries a reply to the organisation that asked,
    the reply fulfils its obligations, each for the period it names; a later one for the same
    period replaces an earlier one."""
    by_document = {r.document_id: r for r in receipts if r.document_id}
    if not by_document:
        return 0
    fulfilled = 0
    replies = (
        Reply.objects.filter(document_id__in=list(by_document))
        .select_related("receipt__document")
        .prefetch_related("obligations")
    )
    for reply in replies:
        arrived, asked = by_document[reply.document_id], reply.receipt.document
        if asked is None or arrived.organization_id != asked.issuer_id:
            continue  # a copy of the reply sent elsewhere
        answered = Q(pk__in=[])
        for obligation in reply.obligations.all():
            answered |= Q(obligation=obligation, period=reply.period_for(obligation.pk))
        fulfilled += (
            ObligationItem.objects.filter(answered, organization=reply.receipt.organization)
            .filter(Q(fulfilled_at__isnull=True) | Q(fulfilled_at__lte=arrived.delivered_at))
            .update(reply_id=reply.document_id, fulfilled_at=arrived.delivered_at)
        )
    return fulfilled
