"""Which events of a document's trail a person reads (design §15.1), in SQL.

The issuer side — the drafter and the issuing organisation's people — reads the whole trail
but how a recipient works its copy out inside (``RECEIVING_SIDE_VERBS``, the ý kiến chỉ đạo).
Everyone else who sees the document (a recipient organisation's people, a person it was
shared with) reads the issuer's published steps (``DOCUMENT.published``: sign, register,
dispatch, recall; a comment only where the declaration lets it go along), the events of
their own copy (``incoming_receipts``), and the shares that name them or that they made.
The drafting, the review, the versions, a return and its comment, another recipient's
assignment, deadline, report or refusal stay where they were made.

The document page's history and ``GET /api/v1/documents/{id}/audit/`` both read this; a
list or export that shows events must read it too.
"""

from __future__ import annotations

from django.db.models import Case, F, Q, QuerySet, TextField, Value, When

from orgchart.models import RoleCode
from orgchart.selectors import Grants, grants_of

from ..lifecycle import DOCUMENT
from ..models import AuditEvent, Document, Receipt
from ..refusals import ACTION as REFUSED
from .visibility import incoming_receipts, is_issuer_side

#: The audit verbs of sharing (documents.services.sharing).
SHARE_VERBS = ("grant", "revoke", "opinion")
#: How a receiving organisation works a copy out inside (progress notes, phối hợp parts):
#: its own, as the issuer's deliberation is the issuer's. The issuer follows the steps — the
#: handler, the deadline, the report — but not the ý kiến chỉ đạo given with the assignment.
RECEIVING_SIDE_VERBS = ("progress", "contribute")


def trail(user, document: Document, grants: Grants | None = None) -> QuerySet[AuditEvent]:
    """The events of ``document`` that ``user`` may read, oldest first, each with
    ``shown_comment``: its comment, or "" where the comment stays with the issuer. The
    document is known to be visible to ``user``."""
    g = grants if grants is not None else grants_of(user)
    events = AuditEvent.objects.filter(document=document).order_by("seq")
    if is_issuer_side(user, document, g):
        elsewhere = Q(receipt__isnull=False) & ~Q(receipt__organization_id__in=sorted(g.member_of))
        return events.exclude(elsewhere & Q(action__in=RECEIVING_SIDE_VERBS)).annotate(
            shown_comment=Case(
                When(elsewhere & Q(action="assign"), then=Value("")),
                default=F("comment"),
                output_field=TextField(),
            )
        )
    issuer_step = Q(receipt__isnull=True)
    own_copy = Q(receipt_id__in=incoming_receipts(user, g).filter(document=document).values("pk"))
    about_me = Q(actor_id=user.pk) | Q(data__person=user.get_username())
    share = issuer_step & Q(action__in=SHARE_VERBS) & about_me
    silent = issuer_step & DOCUMENT.published_q(with_comment=False)
    return events.filter((issuer_step & DOCUMENT.published_q()) | own_copy | share).annotate(
        shown_comment=Case(
            When(silent, then=Value("")), default=F("comment"), output_field=TextField()
        )
    )


def refusals_about(user, document: Document, grants: Grants | None = None) -> QuerySet[AuditEvent]:
    """The refused requests on ``document`` (documents.refusals), newest first, for the
    issuing organisation's auditors; nobody else reads them here."""
    g = grants if grants is not None else grants_of(user)
    if not g.has(document.issuer_id, RoleCode.AUDITOR):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        action=REFUSED, data__object="document", data__id=document.pk
    ).order_by("-seq")


def copy_trail(receipt: Receipt) -> QuerySet[AuditEvent]:
    """The steps of a copy registered from outside, oldest first, for whoever sees the copy
    (the caller has found it visible): it has no issuer side in the system, so the copy's
    organisation reads all of it, as its own copy of a document of ours."""
    if receipt.document_id is not None:
        raise ValueError("a copy of one of our documents is read through trail()")
    return AuditEvent.objects.filter(receipt=receipt).exclude(action=REFUSED).order_by("seq")
