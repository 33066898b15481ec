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
from ..report_forms import clean_form

MAX_OBLIGATIONS = 20

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
        if kind in ObligationKind.values and title and due and len(title) <= 255:
            orgs = tuple(dict.fromkeys(executing[str(c)] for c in codes))
            result.append(ObligationInput(kind, title, due, orgs, form))
    if messages:
        errors.setdefault("obligations", []).extend(messages)
    return result


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
            document=document, kind=o.kind, title=o.title, due=o.due, order=order, form=o.form
        )
        ObligationItem.objects.bulk_create(
            ObligationItem(obligation=row, organization=org) for org in o.organizations
        )


def clean_reply(
    replies_to,
    fulfils,
    *,
    issuer: Organization,
    addressed: Iterable[Organization],
    errors: dict[str, list[str]],
) -> tuple[Receipt | None, list[Obligation]]:
    """The issuer's own copy being answered, and the obligations of it that the answer
    fulfils (owed by the issuer); the answer must be addressed to whoever asked."""
    if replies_to is None:
        if fulfils:
            errors.setdefault("fulfils", []).append(_("Cần nêu văn bản đến được trả lời."))
        return None, []
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
        return None, []
    try:
        ids = {int(i) for i in (fulfils or [])}
    except (TypeError, ValueError):
        ids = {0}
    owed = list(
        Obligation.objects.filter(
            pk__in=ids, document_id=receipt.document_id, items__organization=issuer
        )
    )
    if len(owed) != len(ids):
        errors.setdefault("fulfils", []).append(
            _("Chỉ trả lời được các yêu cầu mà văn bản đến giao cho cơ quan mình.")
        )
    if receipt.document.issuer_id not in {o.pk for o in addressed}:
        errors.setdefault("recipients", []).append(
            _("Văn bản trả lời phải gửi cho %(org)s.") % {"org": receipt.document.issuer.name}
        )
    return receipt, owed


def save_reply(
    document: Document,
    receipt: Receipt | None,
    fulfils: list[Obligation],
    answers: dict[int, dict] | None = None,
) -> None:
    Reply.objects.filter(document=document).delete()
    if receipt is None:
        return
    reply = Reply.objects.create(document=document, receipt=receipt)
    reply.obligations.set(fulfils)
    Answer.objects.bulk_create(
        Answer(reply=reply, obligation_id=pk, values=values)
        for pk, values in (answers or {}).items()
    )
    # The copy answered is what the reply implements (its căn cứ).
    document.references.add(receipt)


def fulfil_on_delivery(receipts: Sequence[Receipt]) -> int:
    """Receipts just delivered: where one carries a reply to the organisation that asked,
    the reply fulfils its obligations; a later one replaces an earlier one."""
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
        fulfilled += ObligationItem.objects.filter(
            Q(fulfilled_at__isnull=True) | Q(fulfilled_at__lte=arrived.delivered_at),
            obligation__in=list(reply.obligations.all()),
            organization=reply.receipt.organization,
        ).update(reply_id=reply.document_id, fulfilled_at=arrived.delivered_at)
    return fulfilled
