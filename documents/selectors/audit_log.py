"""What an auditor reads of the audit trail (design §15.1), in SQL.

An auditor (``RoleCode.AUDITOR``) of an organisation reads that organisation's chain: the
steps its people took on its documents and on the copies it received, the delegations given
there, and the refusals on its objects. Of a secret document they read only what they may
read of the document itself (``visible_documents``: its participants and whoever must act
on it now; the auditor is neither by the role alone), so the log does not tell more than
the document page would. The sign-ins (on the system chain, belonging to no organisation)
are read for the organisation's own people, and a failed one by the username it tried.

Administrators (``is_staff``, ``is_superuser``) read every chain, as in the admin site.

The trail is millions of rows at scale: a page is read by keyset (``seq`` below a bound,
newest first), never counted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from orgchart.models import Membership, Organization, RoleCode
from orgchart.selectors import Grants, grants_of

from ..audit import SYSTEM_CHAIN, chain_key
from ..models import AuditChain, AuditEvent, Document
from ..refusals import ACTION as REFUSED
from .search import matching_documents
from .visibility import plainly_visible_q, visible_documents

#: The events of the security tab: sign-ins and their failures, lock-outs, refused requests.
SIGN_IN_VERBS = ("login", "logout", "login_failed", "locked_out", "login_failures_throttled")
SECURITY_VERBS = (*SIGN_IN_VERBS, REFUSED)
#: Rows of one page; the usernames a sign-in filter names at most (an organisation's people).
PAGE_SIZE = 50
MAX_PEOPLE = 2000


def is_administrator(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.is_staff))


def audited_organizations(user, grants: Grants | None = None) -> list[int] | None:
    """The organisations whose chain ``user`` audits; None: every one (an administrator)."""
    if is_administrator(user):
        return None
    g = grants if grants is not None else grants_of(user)
    return sorted(g.orgs_with(RoleCode.AUDITOR))


def may_audit(user, grants: Grants | None = None) -> bool:
    orgs = audited_organizations(user, grants)
    return orgs is None or bool(orgs)


def audited_chains(user, grants: Grants | None = None) -> list[tuple[str, Organization | None]]:
    """The chains ``user`` may have verified, with the organisation each belongs to."""
    orgs = audited_organizations(user, grants)
    if orgs is None:
        keys = sorted(AuditChain.objects.values_list("key", flat=True))
        by_key = {chain_key(o.pk): o for o in Organization.objects.all()}
        return [(key, by_key.get(key)) for key in keys]
    return [(chain_key(o.pk), o) for o in Organization.objects.filter(pk__in=orgs).order_by("pk")]


@dataclass(frozen=True)
class Filters:
    person: str = ""
    action: str = ""
    document: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    before: int | None = None


def trail_events(user, filters: Filters, grants: Grants | None = None) -> QuerySet[AuditEvent]:
    """The organisation's steps (everything but the security events), newest first."""
    g = grants if grants is not None else grants_of(user)
    orgs = audited_organizations(user, g)
    if orgs is not None and not orgs:
        return AuditEvent.objects.none()
    events = AuditEvent.objects.exclude(action__in=SECURITY_VERBS)
    if orgs is not None:
        # The plain cases first, from the event's own row, so that the set of every visible
        # document is built only if a page reaches another case.
        events = events.filter(organization_id__in=orgs).filter(
            Q(document__isnull=True)
            | plainly_visible_q(g, document="document", receipt="receipt")
            | Q(document__in=visible_documents(user, g).values("pk"))
        )
    if filters.person:
        events = events.filter(
            Q(actor__username=filters.person) | Q(on_behalf_of__username=filters.person)
        )
    if filters.document.strip():
        readable = Document.objects.all() if orgs is None else visible_documents(user, g)
        matched = matching_documents(readable, filters.document)
        events = events.filter(document__in=matched.values("pk"))
    return _common(events, filters)


def security_events(user, filters: Filters, grants: Grants | None = None) -> QuerySet[AuditEvent]:
    """Sign-ins of the organisation's people and refusals on its objects, newest first."""
    orgs = audited_organizations(user, grants)
    if orgs is not None and not orgs:
        return AuditEvent.objects.none()
    sign_ins = Q(chain=SYSTEM_CHAIN, action__in=SIGN_IN_VERBS)
    refusals = Q(action=REFUSED)
    if orgs is not None:
        people = list(
            Membership.objects.filter(organization_id__in=orgs)
            .order_by()
            .values_list("user__username", flat=True)
            .distinct()[:MAX_PEOPLE]
        )
        sign_ins &= Q(actor__username__in=people) | Q(actor__isnull=True, data__username__in=people)
        refusals &= Q(organization_id__in=orgs)
    events = AuditEvent.objects.filter(sign_ins | refusals)
    if filters.person:
        events = events.filter(
            Q(actor__username=filters.person) | Q(actor__isnull=True, data__username=filters.person)
        )
    return _common(events, filters)


def _common(events: QuerySet[AuditEvent], filters: Filters) -> QuerySet[AuditEvent]:
    if filters.action:
        events = events.filter(action=filters.action)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        start = datetime.datetime.combine(filters.date_from, datetime.time.min, tzinfo=zone)
        events = events.filter(at__gte=start)
    if filters.date_to:
        end = datetime.datetime.combine(
            filters.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        events = events.filter(at__lt=end)
    if filters.before is not None:
        events = events.filter(seq__lt=filters.before)
    return events.select_related("actor", "on_behalf_of", "document", "receipt__organization")


def page_of(events: QuerySet[AuditEvent], size: int = PAGE_SIZE) -> tuple[list[AuditEvent], bool]:
    """One page, newest first, and whether older events follow: ``size + 1`` rows read."""
    rows = list(events.order_by("-seq")[: size + 1])
    return rows[:size], len(rows) > size
