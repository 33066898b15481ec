"""Form reports as the screens read them: the forms a ward's reply answers while it is drafted,
and what a reply answered, for whoever may read the reply."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from orgchart.models import Organization

from ..models import Document
from ..obligations import Obligation, Reply


def owed_forms(issuer: Organization, receipt_id, obligation_ids: Iterable) -> list[Obligation]:
    """Of ``obligation_ids``, those with a form that ``issuer`` owes under the document of its
    own copy ``receipt_id``: the forms its reply may answer. Anything else (another's copy, an
    obligation not owed, a bad id) gives nothing; the drafting service refuses it anyway. One
    query."""
    try:
        receipt = int(receipt_id)
        ids = {int(i) for i in obligation_ids}
    except (TypeError, ValueError):
        return []
    if not ids:
        return []
    found = Obligation.objects.filter(
        pk__in=ids,
        document__receipts__pk=receipt,
        document__receipts__organization=issuer,
        items__organization=issuer,
    ).order_by("order", "pk")
    return [o for o in found.distinct() if o.form]


def draft_answers(document: Document) -> tuple[list[Obligation], dict[int, dict]]:
    """A reply's forms and what it answers so far, for editing it: its fulfilled obligations
    that have a form, and ``{obligation id: values}``. Two queries, one more when it is no
    reply."""
    reply = Reply.objects.filter(document=document).first()
    if reply is None:
        return [], {}
    forms = [o for o in reply.obligations.order_by("order", "pk") if o.form]
    if not forms:
        return [], {}
    given = {a.obligation_id: a.values for a in reply.answers.all()}
    return forms, given


@dataclass(frozen=True)
class GivenAnswers:
    """One form a reply answered: each field with the value given (None when left out)."""

    obligation: Obligation
    fields: list[tuple[dict, object]]


def reply_answers(document: Document) -> list[GivenAnswers]:
    """What the reply ``document`` answered to each form it fulfils. The caller got the
    document through ``get_visible_document``: whoever may read the reply reads its answers.
    At most three queries."""
    forms, given = draft_answers(document)
    return [
        GivenAnswers(o, [(f, given.get(o.pk, {}).get(f["key"])) for f in o.form]) for o in forms
    ]
