"""The draft of a ward's answer to its own copy (design §15.5): from the copy's page, the
draft form opens prefilled with the obligation's kind, title and căn cứ line, addressed to the
organisation that asked, and carries the copy and the obligation to ``services.create_draft``,
which checks them (a ward answers only what its own copy asks of it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import override

from documents import selectors
from documents.choices import DocType
from documents.errors import Forbidden, NotFound
from documents.models import Purpose, Receipt
from documents.obligations import ItemStatus, ObligationItem, ObligationKind
from orgchart.models import Organization, RoleCode

from ..middleware import request_grants

#: The kind of document that answers each kind of obligation.
ANSWER_TYPE = {ObligationKind.PLAN: DocType.KH, ObligationKind.REPORT: DocType.BC}


@dataclass(frozen=True)
class Answer:
    receipt: Receipt
    issuer: Organization
    initial: dict
    #: What the form says it answers.
    label: str


def collective(name: str) -> str:
    """``BAN THƯỜNG TRỰC`` as a sentence writes it, ``Ban Thường trực``: the first two
    words capitalised, the rest in lower case."""
    words = name.lower().split()
    return " ".join(w.capitalize() if i < 2 else w for i, w in enumerate(words))


def cited(receipt: Receipt) -> str:
    """``Kế hoạch số 01/KH-MTTQ-BTT ngày 05/06/2023 của Ban Thường trực …``."""
    document = receipt.document
    assert document is not None
    with override("vi"):
        kind = str(DocType(document.doc_type).label)
    issued = timezone.localtime(document.issued_at) if document.issued_at else None
    on = f" ngày {issued:%d/%m/%Y}" if issued else ""
    by = collective(document.collective_name)
    name = document.issuer.name
    # The issuer's name may already say it (Ban Thường trực Ủy ban MTTQ …): not twice.
    by = name if not by or name.lower().startswith(by.lower()) else f"{by} {name}"
    return f"{kind} số {document.symbol}{on} của {by}"


def period_choices(issuer: Organization | None, receipt_id, fulfils) -> list[tuple[str, str]]:
    """The periods a ward may answer a recurring obligation for, each with where it stands
    ("6 tháng đầu năm 2023 — đã nộp"): a report sent again for a period already fulfilled
    replaces the earlier one, so the clerk says which period, and the service checks it."""
    if issuer is None or len(fulfils) != 1:
        return []
    try:
        obligation_id, receipt_pk = int(fulfils[0]), int(receipt_id)
    except (TypeError, ValueError):
        return []
    items = (
        ObligationItem.objects.filter(
            obligation_id=obligation_id,
            organization=issuer,
            obligation__document__receipts__pk=receipt_pk,
            obligation__document__receipts__organization=issuer,
        )
        .exclude(obligation__recurrence="")
        .select_related("obligation")
        .order_by("period")
    )
    choices = []
    for item in items:
        period = item.period_of
        state = ItemStatus(item.status(refused=False)).label.lower()
        choices.append((period.key or "", f"{period.label} — {state}, hạn {item.due:%d/%m/%Y}"))
    return choices


def answer_from_copy(request, receipt_id, obligation_id, period_key=None) -> Answer:
    """The draft form's start when opened from a copy: 404 when the copy is not visible or
    does not owe that obligation, 403 for whoever does not draft for its organisation."""
    receipt = selectors.get_visible_receipt(request.user, receipt_id)
    document = receipt.document
    if document is None or receipt.organization is None:
        raise NotFound()
    try:
        wanted = int(obligation_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    owed = next((o for o in selectors.owed(receipt) if o["id"] == wanted), None)
    if owed is None:
        raise NotFound()
    if not request_grants(request).has(receipt.organization_id, RoleCode.DRAFTER):
        raise Forbidden()
    ward = receipt.organization
    asked = document.issuer
    what = "xây dựng kế hoạch thực hiện" if owed["kind"] == ObligationKind.PLAN else "báo cáo"
    body = f"Thực hiện {cited(receipt)} về {document.title}, {ward.name} {what} như sau:"
    # A recurring report says which period it reports on: the one the service will record
    # as answered (the earliest still open), "… 6 tháng đầu năm 2023".
    label, key = owed["period_label"], owed["period"]
    chosen = document.obligations.get(pk=wanted).period_by_key(period_key) if period_key else None
    if chosen is not None:
        label, key = chosen.label, chosen.key
    title = " ".join(filter(None, [owed["title"], label]))
    initial = {
        "doc_type": ANSWER_TYPE[ObligationKind(owed["kind"])],
        "title": title,
        "body": body,
        "org_1": asked.code,
        "org_purpose_1": Purpose.REPORT,
        "reply_to": receipt.pk,
        "reply_fulfils": str(owed["id"]),
        "reply_period": key or "",
    }
    return Answer(receipt, ward, initial, f"{cited(receipt)}: {title}")


def answering_issuer(request, receipt_id) -> Organization | None:
    """On the form's post: the organisation of the copy being answered, when the person
    drafts for it (otherwise the form's usual issuer, and the service refuses the copy)."""
    try:
        pk = int(receipt_id)
    except (TypeError, ValueError):
        return None
    orgs = request_grants(request).orgs_with(RoleCode.DRAFTER)
    receipt = (
        Receipt.objects.filter(pk=pk, organization_id__in=list(orgs))
        .select_related("organization")
        .first()
    )
    return receipt.organization if receipt is not None else None
