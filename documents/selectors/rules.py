"""The lifecycle's ``Actor`` and ``Guard`` read two ways: in Python for one object (may this
person act on it?) and in SQL for many (which rows await this person?). Both read the same
declaration, so the buttons, the services' checks and the inbox cannot disagree."""

from __future__ import annotations

from django.db.models import Q

from orgchart.selectors import Grants

from ..handling import ReceiptHandler
from ..lifecycle import Actor, Lifecycle

#: (organisation id, role) the actor acts with, or True for the artifact's own person.
Holder = tuple[int, str] | bool


def holder(
    actor: Actor, grants: Grants, user, obj, organization_id: int | None, *, by_role: bool = False
) -> Holder | None:
    """How ``user`` qualifies as ``actor`` on ``obj``, or None. ``by_role`` asks only whether
    the person holds the role a designated person must hold, whoever is named."""
    for alt in actor.alternatives():
        if alt.role and alt.person:
            named = getattr(obj, f"{alt.person}_id")
            if (
                organization_id is not None
                and grants.has(organization_id, alt.role)
                and (
                    by_role
                    or named is None
                    or named == user.pk
                    or grants.principal_for(organization_id, alt.role) == named
                )
            ):
                return (organization_id, alt.role)
        elif alt.person:
            if user.pk is not None and getattr(obj, f"{alt.person}_id") == user.pk:
                return True
        elif alt.handler:
            # Read through the relation, so a list that prefetched it asks nothing per row.
            if user.pk is not None and any(
                h.user_id == user.pk and h.role == alt.handler and h.contributed_at is None
                for h in obj.handlers.all()
            ):
                return True
        elif alt.role and organization_id is not None and grants.has(organization_id, alt.role):
            return (organization_id, alt.role)
    return None


def open_parts(user, part: str):
    """The user's parts of that kind in receipts' assignments, not yet closed."""
    return ReceiptHandler.objects.filter(user_id=user.pk, role=part, contributed_at__isnull=True)


def actor_q(
    actor: Actor, grants: Grants, user, organization_field: str, *, queued: bool = False
) -> Q:
    """The rows on which ``user`` qualifies as ``actor``, as a filter. ``queued`` keeps only
    the rows offered to a role the user holds, not those naming the user."""
    q = Q(pk__in=[])
    org = f"{organization_field}_id"
    for alt in actor.alternatives():
        if alt.role and alt.person:
            named = f"{alt.person}_id"
            mine = Q(**{f"{alt.person}__isnull": True})
            if not queued:
                mine |= Q(**{named: user.pk})
                for (org_id, role), principal in grants.delegated.items():
                    if role == alt.role:
                        mine |= Q(**{org: org_id, named: principal})
            q |= Q(**{f"{org}__in": sorted(grants.orgs_with(alt.role))}) & mine
        elif (alt.person or alt.handler) and queued:
            continue
        elif alt.person:
            q |= Q(**{f"{alt.person}_id": user.pk})
        elif alt.handler:
            # A subquery, not a join: a receipt with several handlers stays one row.
            q |= Q(pk__in=open_parts(user, alt.handler).values("receipt_id"))
        elif alt.role:
            q |= Q(**{f"{org}__in": sorted(grants.orgs_with(alt.role))})
    return q


def task_rows_q(lifecycle: Lifecycle, grants: Grants, user, *, queued: bool = False) -> Q:
    """Rows whose waiting task is this person's to take now (``queued``: offered to a role
    of theirs rather than to them by name)."""
    q = Q(pk__in=[])
    for status, task in lifecycle.task_states().items():
        who, _when = lifecycle.task_owner(task, status)
        org_field = lifecycle.organization_field
        q |= lifecycle.waiting_q(status) & actor_q(who, grants, user, org_field, queued=queued)
    return q


def side_task_rows_q(lifecycle: Lifecycle, grants: Grants, user) -> Q:
    """Rows whose side task (a phối hợp handler's part) waits for this person."""
    q = Q(pk__in=[])
    for status, task in lifecycle.side_task_states().items():
        who, _when = lifecycle.task_owner(task, status)
        waiting = Q(status=status)
        if lifecycle.always is not None:
            waiting &= lifecycle.always.q()
        q |= waiting & actor_q(who, grants, user, lifecycle.organization_field)
    return q


def queue_roles(lifecycle: Lifecycle) -> set[str]:
    """The roles any task of the lifecycle is offered to."""
    roles: set[str] = set()
    for status, task in lifecycle.task_states().items():
        roles |= lifecycle.task_owner(task, status)[0].roles()
    return roles
