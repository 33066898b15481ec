"""Every read that depends on who asks, and the one table of who may do what.

Visibility is decided in SQL (a handful of queries whatever the data size); the action rules
are decided in Python on one object whose visibility SQL has already confirmed.
Not visible → NotFound (404); visible but not allowed → Forbidden (403); allowed for this
person but not in this state → Conflict (409).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from orgchart.models import RoleCode
from orgchart.selectors import Grants, grants_of

from .errors import Conflict, Forbidden, NotFound
from .models import (
    ACTION_PURPOSES,
    Document,
    DocumentStatus,
    Receipt,
    ReceiptStatus,
    Secrecy,
)

S, R = DocumentStatus, ReceiptStatus


def visible_documents(user, grants: Grants | None = None) -> QuerySet[Document]:
    if user is None or not user.is_authenticated:
        return Document.objects.none()
    g = grants if grants is not None else grants_of(user)
    member = list(g.member_of)
    arrived = Receipt.objects.exclude(status=R.PENDING)
    participant_docs = Document.participants.through.objects.filter(user_id=user.pk)
    q = (
        Q(drafter_id=user.pk)
        | Q(pk__in=participant_docs.values("document_id"))
        | Q(pk__in=Receipt.objects.filter(assignee_id=user.pk).values("document_id"))
        # Ordinary documents: the issuing organisation, and recipients once it has arrived.
        | Q(secrecy=Secrecy.NORMAL, issuer_id__in=member)
        | Q(
            secrecy=Secrecy.NORMAL,
            pk__in=arrived.filter(organization_id__in=member).values("document_id"),
        )
        # Secret documents: besides their participants, only whoever must act on them now.
        | Q(issuer_id__in=list(g.orgs_with(RoleCode.REVIEWER)), status=S.IN_REVIEW)
        | Q(
            issuer_id__in=list(g.orgs_with(RoleCode.CLERK)),
            status__in=[S.FORMAT_CHECK, S.SIGNED, S.ISSUED],
        )
        | Q(issuer_id__in=list(g.orgs_with(RoleCode.SIGNER)), status=S.AWAITING_SIGNATURE)
        | Q(
            pk__in=arrived.filter(
                organization_id__in=list(g.orgs_with(RoleCode.CLERK, RoleCode.LEADER))
            ).values("document_id")
        )
    )
    return Document.objects.filter(q)


def visible_receipts(user, grants: Grants | None = None) -> QuerySet[Receipt]:
    """Receipts of the caller's organisations (once arrived), those assigned to the caller,
    and, on the issuer's side, every receipt of a document the caller sees."""
    if user is None or not user.is_authenticated:
        return Receipt.objects.none()
    g = grants if grants is not None else grants_of(user)
    member = list(g.member_of)
    handlers = list(g.orgs_with(RoleCode.CLERK, RoleCode.LEADER))
    issuer_side = visible_documents(user, g).filter(issuer_id__in=member).values("pk")
    own = (
        Q(organization_id__in=member)
        & ~Q(status=R.PENDING)
        & (
            Q(document__isnull=True)
            | Q(document__secrecy=Secrecy.NORMAL)
            | Q(organization_id__in=handlers)
        )
    )
    return Receipt.objects.filter(own | Q(assignee_id=user.pk) | Q(document_id__in=issuer_side))


def incoming_receipts(user, grants: Grants | None = None) -> QuerySet[Receipt]:
    """The recipient side only: receipts addressed to the caller's organisations, once they
    have arrived (someone also on the sender's side sees pending copies, but as the sender)."""
    g = grants if grants is not None else grants_of(user)
    return visible_receipts(user, g).filter(
        (Q(organization_id__in=list(g.member_of)) & ~Q(status=R.PENDING))
        | Q(assignee_id=getattr(user, "pk", None))
    )


# ---------------------------------------------------------------------------------------------
# Who may do what. One row per action: the role that may do it (per state where it differs)
# and the states in which it can be done.


@dataclass(frozen=True)
class Rule:
    states: frozenset[str]
    # Given (grants, user, object, state) → the (organisation id, role) that authorises the
    # actor, True for the object's own drafter/assignee, or None when the actor may not.
    who: Callable[[Grants, object, object, str], tuple[int, str] | bool | None]


#: ``who`` answers this for a person who may take the action, but not at this stage: the
#: reviewer once the draft has moved on to the clerk's format check, say, or the clerk before it
#: gets there. That is the wrong state for them (409), not a missing role (403).
NOT_NOW = "not-now"


def _role_at(org_attr: str, role_by_state: dict[str, str] | str):
    def who(g: Grants, user, obj, state: str):
        org_id = getattr(obj, org_attr)
        if isinstance(role_by_state, str):
            return (org_id, role_by_state) if g.has(org_id, role_by_state) else None
        role = role_by_state.get(state)
        if role is not None and g.has(org_id, role):
            return (org_id, role)
        if any(g.has(org_id, r) for r in set(role_by_state.values())):
            return NOT_NOW
        return None

    return who


def _is_drafter(g: Grants, user, doc: Document, state: str):
    return doc.drafter_id == user.pk or None


def _is_assignee(g: Grants, user, receipt: Receipt, state: str):
    return (receipt.assignee_id is not None and receipt.assignee_id == user.pk) or None


DOCUMENT_RULES: dict[str, Rule] = {
    "edit": Rule(frozenset({S.DRAFT, S.RETURNED}), _is_drafter),
    "submit": Rule(frozenset({S.DRAFT, S.RETURNED}), _is_drafter),
    "withdraw": Rule(frozenset({S.DRAFT, S.RETURNED}), _is_drafter),
    "attach": Rule(frozenset({S.DRAFT, S.RETURNED}), _is_drafter),
    # Decree 30 Art. 12: the unit's leader checks the content, the clerk the format.
    "review": Rule(
        frozenset({S.IN_REVIEW, S.FORMAT_CHECK}),
        _role_at("issuer_id", {S.IN_REVIEW: RoleCode.REVIEWER, S.FORMAT_CHECK: RoleCode.CLERK}),
    ),
    "sign": Rule(frozenset({S.AWAITING_SIGNATURE}), _role_at("issuer_id", RoleCode.SIGNER)),
    "register": Rule(frozenset({S.SIGNED}), _role_at("issuer_id", RoleCode.CLERK)),
    "dispatch": Rule(frozenset({S.ISSUED}), _role_at("issuer_id", RoleCode.CLERK)),
    "recall": Rule(frozenset({S.DISPATCHED, S.COMPLETED}), _role_at("issuer_id", RoleCode.SIGNER)),
}

RECEIPT_RULES: dict[str, Rule] = {
    "acknowledge": Rule(frozenset({R.DELIVERED}), _role_at("organization_id", RoleCode.CLERK)),
    "refuse": Rule(frozenset({R.DELIVERED}), _role_at("organization_id", RoleCode.CLERK)),
    "assign": Rule(frozenset({R.ACKNOWLEDGED}), _role_at("organization_id", RoleCode.LEADER)),
    "start": Rule(frozenset({R.ASSIGNED}), _is_assignee),
    "complete": Rule(frozenset({R.ASSIGNED, R.IN_PROGRESS}), _is_assignee),
}


@dataclass(frozen=True)
class Authorization:
    """What the actor acts as: ``on_behalf_of`` is the principal when a delegation is used."""

    on_behalf_of_id: int | None = None


def _state_allows(action: str, obj, state: str, rule: Rule) -> bool:
    if state not in rule.states:
        return False
    # A recalled document is void: its copies stay readable but nobody handles them any more.
    if isinstance(obj, Receipt) and obj.document_id and obj.document.status == S.RECALLED:
        return False
    # Recipients that only report or take note stop at acknowledgement.
    return not (action == "assign" and obj.purpose not in ACTION_PURPOSES)


def _rules_for(obj) -> dict[str, Rule]:
    return DOCUMENT_RULES if isinstance(obj, Document) else RECEIPT_RULES


def is_visible(user, obj, grants: Grants | None = None) -> bool:
    if isinstance(obj, Document):
        return visible_documents(user, grants).filter(pk=obj.pk).exists()
    return visible_receipts(user, grants).filter(pk=obj.pk).exists()


def authorize(user, action: str, obj, grants: Grants | None = None) -> Authorization:
    """Raise NotFound, Forbidden or Conflict, or say on whose behalf the actor may act."""
    g = grants if grants is not None else grants_of(user)
    if not is_visible(user, obj, g):
        raise NotFound()
    return _decide(g, user, action, obj)


def _decide(g: Grants, user, action: str, obj) -> Authorization:
    rule = _rules_for(obj)[action]
    state = obj.status
    holder = rule.who(g, user, obj, state)
    if not holder:
        raise Forbidden()
    if holder == NOT_NOW or not _state_allows(action, obj, state, rule):
        raise Conflict()
    if isinstance(holder, tuple):
        return Authorization(on_behalf_of_id=g.principal_for(*holder))
    return Authorization()


def can(user, action: str, obj, grants: Grants | None = None) -> bool:
    try:
        authorize(user, action, obj, grants)
    except (NotFound, Forbidden, Conflict):
        return False
    return True


def allowed_actions(
    user, obj, grants: Grants | None = None, *, known_visible: bool = False
) -> list[str]:
    """The actions the user may take on a visible object now, in the table's order.

    ``known_visible`` skips the visibility query for rows that came out of
    ``visible_documents``/``visible_receipts``, so a list costs no query per row."""
    g = grants if grants is not None else grants_of(user)
    if not known_visible and not is_visible(user, obj, g):
        return []
    allowed = []
    for action in _rules_for(obj):
        try:
            _decide(g, user, action, obj)
        except (Forbidden, Conflict):
            continue
        allowed.append(action)
    return allowed


def get_visible_document(user, pk) -> Document:
    try:
        return visible_documents(user).select_related("issuer").get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def get_visible_receipt(user, pk) -> Receipt:
    try:
        return visible_receipts(user).select_related("document", "organization").get(pk=pk)
    except (Receipt.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


# ---------------------------------------------------------------------------------------------
# The inbox: what the caller can do now, derived from states and roles in SQL (two queries
# for the grants, then one union). The workflow's task inbox can replace this function.

#: Task kind by document state; ``submit``/``revise`` are the drafter's own.
DOCUMENT_TASKS = {
    S.DRAFT: "submit",
    S.RETURNED: "revise",
    S.IN_REVIEW: "review",
    S.FORMAT_CHECK: "format_check",
    S.AWAITING_SIGNATURE: "sign",
    S.SIGNED: "register",
    S.ISSUED: "dispatch",
}
RECEIPT_TASKS = {
    R.DELIVERED: "acknowledge",
    R.ACKNOWLEDGED: "assign",
    R.ASSIGNED: "complete",
    R.IN_PROGRESS: "complete",
}
TASK_KINDS = tuple(dict.fromkeys([*DOCUMENT_TASKS.values(), *RECEIPT_TASKS.values()]))


def _kind(tasks: dict[str, str]) -> Case:
    return Case(
        *(When(status=state, then=Value(kind)) for state, kind in tasks.items()),
        output_field=CharField(),
    )


def open_tasks(user, grants: Grants | None = None) -> QuerySet:
    """The caller's open tasks, newest first, as rows of ``kind, document, receipt, title,
    urgency, due, status, at``. The conditions mirror DOCUMENT_RULES and RECEIPT_RULES."""
    g = grants if grants is not None else grants_of(user)
    if user is None or not user.is_authenticated:
        return Document.objects.none().values("pk")
    documents = (
        visible_documents(user, g)
        .filter(
            Q(drafter_id=user.pk, status__in=[S.DRAFT, S.RETURNED])
            | Q(issuer_id__in=list(g.orgs_with(RoleCode.REVIEWER)), status=S.IN_REVIEW)
            | Q(
                issuer_id__in=list(g.orgs_with(RoleCode.CLERK)),
                status__in=[S.FORMAT_CHECK, S.SIGNED, S.ISSUED],
            )
            | Q(issuer_id__in=list(g.orgs_with(RoleCode.SIGNER)), status=S.AWAITING_SIGNATURE)
        )
        .order_by()
        .annotate(
            t_kind=_kind(DOCUMENT_TASKS),
            t_document=F("pk"),
            t_receipt=Value(None, output_field=IntegerField()),
            t_title=F("title"),
            t_urgency=F("urgency"),
            t_due=Value(None, output_field=DateField()),
            t_status=F("status"),
            t_at=F("updated_at"),
        )
    )
    receipts = (
        visible_receipts(user, g)
        .filter(
            Q(organization_id__in=list(g.orgs_with(RoleCode.CLERK)), status=R.DELIVERED)
            | Q(
                organization_id__in=list(g.orgs_with(RoleCode.LEADER)),
                status=R.ACKNOWLEDGED,
                purpose__in=ACTION_PURPOSES,
            )
            | Q(assignee_id=user.pk, status__in=[R.ASSIGNED, R.IN_PROGRESS])
        )
        .exclude(document__status=S.RECALLED)
        .order_by()
        .annotate(
            t_kind=_kind(RECEIPT_TASKS),
            t_document=F("document_id"),
            t_receipt=F("pk"),
            t_title=Coalesce(F("document__title"), F("sender_title")),
            t_urgency=F("urgency"),
            t_due=F("deadline"),
            t_status=F("status"),
            t_at=F("updated_at"),
        )
    )
    columns = ("t_kind", "t_document", "t_receipt", "t_title", "t_urgency", "t_due", "t_status")
    return (
        documents.values(*columns, "t_at")
        .union(receipts.values(*columns, "t_at"), all=True)
        .order_by("-t_at", "t_kind", "-t_document")
    )


# ---------------------------------------------------------------------------------------------
# Đôn đốc: recipients that are late, for the sender's overdue list and the reminders.


def working_day_cutoff(on: datetime.date, working_days: int) -> datetime.date:
    """The ``working_days``-th working day (Monday to Friday) counting back from ``on``, ``on``
    included when it is one: a receipt delivered before that day has waited that many working
    days. Public holidays are not known here and count as working days."""
    if working_days <= 0:
        return on + datetime.timedelta(days=1)
    day, seen = on, 0
    while True:
        if day.weekday() < 5:
            seen += 1
            if seen == working_days:
                return day
        day -= datetime.timedelta(days=1)


def late_q(on: datetime.date | None = None) -> Q:
    """Late recipients: delivered and not acknowledged for ``REMINDER_WORKING_DAYS`` working
    days, or assigned and past the handling deadline."""
    today = on or timezone.localdate()
    cutoff = working_day_cutoff(today, settings.REMINDER_WORKING_DAYS)
    start = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return Q(status=R.DELIVERED, delivered_at__lt=start) | Q(
        status__in=[R.ASSIGNED, R.IN_PROGRESS], deadline__lt=today
    )


def overdue_receipts(
    user, grants: Grants | None = None, on: datetime.date | None = None
) -> QuerySet[Receipt]:
    """The sender's list to chase: late receipts of documents issued by the caller's
    organisations that the caller sees."""
    if user is None or not user.is_authenticated:
        return Receipt.objects.none()
    g = grants if grants is not None else grants_of(user)
    issuer_side = visible_documents(user, g).filter(issuer_id__in=list(g.member_of))
    return Receipt.objects.filter(document_id__in=issuer_side.values("pk")).filter(late_q(on))
