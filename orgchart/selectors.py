"""Reads about who holds which role where. One place computes it, so the document rules and
the queues agree."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    LENDABLE_ROLES,
    Delegation,
    Membership,
    Organization,
    OrganizationKind,
    RoleCode,
)


@dataclass(frozen=True)
class Grants:
    """The roles a user holds on a day, by organisation.

    ``delegated`` maps (organisation id, role) to the principal whose role the user holds only
    through a delegation, so actions taken with it can be recorded on the principal's behalf.
    """

    roles: frozenset[tuple[int, str]] = frozenset()
    member_of: frozenset[int] = frozenset()
    delegated: dict[tuple[int, str], int] = field(default_factory=dict)

    def has(self, organization_id: int | None, role: str) -> bool:
        return (organization_id, role) in self.roles

    def orgs_with(self, *roles: str) -> set[int]:
        return {org for org, role in self.roles if role in roles}

    def principal_for(self, organization_id: int, role: str) -> int | None:
        return self.delegated.get((organization_id, role))


#: Grants computed within the current request or task, by (user id, day). Unset outside a
#: ``grants_scope``: then every call asks the database, so a long-lived process never keeps
#: a role someone has lost.
_scope: ContextVar[dict[tuple[int, datetime.date], Grants] | None] = ContextVar(
    "grants_scope", default=None
)


@contextmanager
def grants_scope() -> Iterator[None]:
    """Compute each person's grants once for the duration of a request or a task: the view,
    the permission check and the service under it then share them."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def grants_of(user, on: datetime.date | None = None) -> Grants:
    """One query: own memberships (position and extra roles) and delegations; none when
    the same person's grants were computed for the same day within a ``grants_scope``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Grants()
    on = on or timezone.localdate()
    cache = _scope.get()
    if cache is None:
        return _grants_of(user, on)
    key = (user.pk, on)
    if key not in cache:
        cache[key] = _grants_of(user, on)
    return cache[key]


def _grants_of(user, on: datetime.date) -> Grants:
    """One hand-written statement: it runs on every step, and the ORM took longer to build
    its two queries than the database took to answer them. The rules are those of
    ``Membership.objects.active``, ``Organization.objects.active`` and ``_lent_roles``."""
    roles: set[tuple[int, str]] = set()
    member_of: set[int] = set()
    lent: list[tuple[int, str, int]] = []
    with connection.cursor() as cursor:
        cursor.execute(GRANTS_SQL, {"user": user.pk, "on": on})
        for kind, org_id, role, principal_id in cursor.fetchall():
            if kind == "own":
                member_of.add(org_id)
                if role:
                    roles.add((org_id, role))
            elif role:
                lent.append((org_id, role, principal_id))
    delegated = {
        (org, role): principal for org, role, principal in lent if (org, role) not in roles
    }
    return Grants(
        roles=frozenset(roles | set(delegated)),
        member_of=frozenset(member_of | {org for org, _ in delegated}),
        delegated=delegated,
    )


# The SQL below is assembled from constant aliases and column names of ours; every value is
# a bound parameter (%(user)s, %(on)s).
def _valid(alias: str) -> str:
    return (
        f"({alias}.valid_from IS NULL OR {alias}.valid_from <= %(on)s) "
        f"AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= %(on)s)"
    )


def _held(membership: str, role: str) -> str:
    """The membership holds the role by its position or as an extra role."""
    return (
        f"(EXISTS (SELECT 1 FROM orgchart_position_roles pr WHERE pr.position_id = "  # nosec B608
        f"{membership}.position_id AND pr.role_id = {role}) OR EXISTS (SELECT 1 FROM "
        f"orgchart_membership_extra_roles er WHERE er.membership_id = {membership}.id "
        f"AND er.role_id = {role}))"
    )


_LIVE_ORG = f"SELECT o.id FROM orgchart_organization o WHERE {_valid('o')}"  # nosec B608

GRANTS_SQL = f"""
SELECT 'own', m.organization_id, pr.role_id, CAST(NULL AS INTEGER)
  FROM orgchart_membership m
  LEFT JOIN orgchart_position_roles pr ON pr.position_id = m.position_id
 WHERE m.user_id = %(user)s AND {_valid("m")} AND m.organization_id IN ({_LIVE_ORG})
UNION
SELECT 'own', m.organization_id, er.role_id, CAST(NULL AS INTEGER)
  FROM orgchart_membership m
  JOIN orgchart_membership_extra_roles er ON er.membership_id = m.id
 WHERE m.user_id = %(user)s AND {_valid("m")} AND m.organization_id IN ({_LIVE_ORG})
UNION
SELECT 'lent', d.organization_id, dr.role_id, d.principal_id
  FROM orgchart_delegation d
  JOIN orgchart_delegation_roles dr ON dr.delegation_id = d.id
 WHERE d.deputy_id = %(user)s AND {_valid("d")} AND d.ended_at IS NULL
   AND d.organization_id IN ({_LIVE_ORG})
   AND EXISTS (
       SELECT 1 FROM orgchart_membership pm JOIN auth_user pu ON pu.id = pm.user_id
        WHERE pm.user_id = d.principal_id AND pu.is_active AND {_valid("pm")}
          AND pm.organization_id = d.organization_id AND {_held("pm", "dr.role_id")})
"""  # nosec B608


def _active_orgs(on: datetime.date) -> QuerySet[Organization]:
    return Organization.objects.active(on).values("pk")


def _lent_roles(on: datetime.date) -> QuerySet:
    """(delegation, role) rows in force on ``on`` whose principal holds that role there that
    day: a delegation passes on the principal's authority, so one who has left the post, whose
    account is closed, or who never held the role lends nothing."""
    held = (
        Membership.objects.active(on)
        .filter(
            user_id=OuterRef("delegation__principal_id"),
            user__is_active=True,
            organization_id=OuterRef("delegation__organization_id"),
        )
        .filter(Q(position__roles=OuterRef("role_id")) | Q(extra_roles=OuterRef("role_id")))
    )
    in_force = Delegation.objects.active(on).filter(organization__in=_active_orgs(on))
    return Delegation.roles.through.objects.filter(Exists(held), delegation__in=in_force)


def lendable_roles(
    user, organization_id: int, valid_from: datetime.date, valid_to: datetime.date
) -> set[str]:
    """The roles ``user`` may lend in the organisation for those days: the lendable ones held
    in their own right (a position or an extra role, never a delegation: ủy quyền is not
    re-delegable, Decree 30 Art. 13) by a membership covering every day of the span."""
    covering = Membership.objects.filter(
        user=user,
        user__is_active=True,
        organization_id=organization_id,
        organization__in=Organization.objects.active(valid_from),
    ).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=valid_from),
        Q(valid_to__isnull=True) | Q(valid_to__gte=valid_to),
    )
    found: set[str] = set()
    for position_role, extra_role in covering.values_list("position__roles", "extra_roles"):
        found.update(code for code in (position_role, extra_role) if code in LENDABLE_ROLES)
    return found


def lending_organizations(user, on: datetime.date | None = None) -> QuerySet[Organization]:
    """The organisations where ``user`` holds a lendable role in their own right today."""
    on = on or timezone.localdate()
    held = Membership.objects.active(on).filter(user=user, user__is_active=True)
    held = held.filter(
        Q(position__roles__in=LENDABLE_ROLES) | Q(extra_roles__in=LENDABLE_ROLES)
    ).values("organization_id")
    return Organization.objects.active(on).filter(pk__in=held)


def people_of(organization_id: int, on: datetime.date | None = None):
    """The active people with a membership in the organisation on the day."""
    members = Membership.objects.active(on).filter(organization_id=organization_id)
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=members.values("user_id"))
        .order_by("last_name", "first_name", "username")
    )


def users_with_role(organization: Organization, role: str, on: datetime.date | None = None):
    """Active users holding ``role`` in ``organization`` by position, extra role or delegation."""
    on = on or timezone.localdate()
    User = get_user_model()
    by_membership = Membership.objects.active(on).filter(organization=organization)
    holders = by_membership.filter(Q(position__roles__code=role) | Q(extra_roles__code=role))
    deputies = _lent_roles(on).filter(delegation__organization=organization, role_id=role)
    return User.objects.filter(
        Q(pk__in=holders.values("user_id")) | Q(pk__in=deputies.values("delegation__deputy_id")),
        is_active=True,
    ).order_by("username")


def holders_by_organization(
    organization_ids, role: str, on: datetime.date | None = None
) -> dict[int, list]:
    """The active holders of ``role`` in each of many organisations, by position, extra role
    or delegation: two queries whatever the number of organisations."""
    on = on or timezone.localdate()
    ids = list(organization_ids)
    found: dict[int, dict[int, object]] = {org_id: {} for org_id in ids}
    memberships = (
        Membership.objects.active(on)
        .filter(organization_id__in=ids, user__is_active=True)
        .filter(Q(position__roles__code=role) | Q(extra_roles__code=role))
        .select_related("user")
        .distinct()
    )
    for membership in memberships:
        found[membership.organization_id][membership.user_id] = membership.user
    deputies = (
        _lent_roles(on)
        .filter(
            delegation__organization_id__in=ids,
            role_id=role,
            delegation__deputy__is_active=True,
        )
        .select_related("delegation__deputy")
    )
    for row in deputies:
        found[row.delegation.organization_id][row.delegation.deputy_id] = row.delegation.deputy
    return {
        org_id: sorted(users.values(), key=lambda u: u.username) for org_id, users in found.items()
    }


def clerks_of(organization: Organization):
    return users_with_role(organization, RoleCode.CLERK)


def signers_of(organization: Organization):
    return users_with_role(organization, RoleCode.SIGNER)


def leaders_of(organization: Organization):
    return users_with_role(organization, RoleCode.LEADER)


def position_title(user, organization_id: int, on: datetime.date | None = None) -> str:
    membership = (
        Membership.objects.active(on)
        .filter(user=user, organization_id=organization_id)
        .select_related("position")
        .first()
    )
    return membership.position.name if membership else ""


@dataclass(frozen=True)
class RecipientGroup:
    """A set of organisations a drafter addresses at once (Nơi nhận: "Các tổ chức thành viên",
    "Ban Thường trực UBMTTQ các phường, xã"), derived from the chart's kinds and parents."""

    code: str
    label: str
    members: tuple[Organization, ...]


#: The groups a drafter picks from, in the order their lines stand in Nơi nhận.
GROUP_SUPERIORS = "superiors"
GROUP_MEMBERS = "members"
GROUP_WARDS = "wards"
GROUP_CODES = (GROUP_SUPERIORS, GROUP_MEMBERS, GROUP_WARDS)


def _superiors(issuer: Organization, orgs: list[Organization]) -> list[Organization]:
    """Cấp trên: the issuer's direct parent with its own boards (children of the same kind in
    the same place, such as the provincial committee's Ban Tuyên giáo, unlike another
    district's committee), and the party committee of the issuer's place with its boards."""
    parent = next((o for o in orgs if o.pk == issuer.parent_id), None)
    found: set[Organization] = set()
    if parent is not None:
        found.add(parent)
        found.update(
            o
            for o in orgs
            if o.parent_id == parent.pk
            and o.kind == parent.kind
            and o.place_name == parent.place_name
        )
    committees = {
        o.pk
        for o in orgs
        if o.kind == OrganizationKind.PARTY_COMMITTEE
        and issuer.place_name
        and o.place_name == issuer.place_name
    }
    found.update(
        o
        for o in orgs
        if o.pk in committees
        or (o.kind == OrganizationKind.PARTY_BOARD and o.parent_id in committees)
    )
    found.discard(issuer)
    return [o for o in orgs if o in found]


def recipient_groups(issuer: Organization, on: datetime.date | None = None) -> list[RecipientGroup]:
    """The groups of recipients open to a document of ``issuer``: its superiors, its member
    organisations and the wards' and communes' committees under it; empty groups left out.
    Members stand in the chart's order, which is the order of the Nơi nhận lines."""
    orgs = list(Organization.objects.active(on).order_by("order", "code"))
    children = [o for o in orgs if o.parent_id == issuer.pk]
    groups = [
        RecipientGroup(GROUP_SUPERIORS, _("Cấp trên"), tuple(_superiors(issuer, orgs))),
        RecipientGroup(
            GROUP_MEMBERS,
            _("Các tổ chức thành viên"),
            tuple(o for o in children if o.kind == OrganizationKind.MEMBER),
        ),
        RecipientGroup(
            GROUP_WARDS,
            _("MTTQ các phường, xã"),
            tuple(
                o for o in children if o.kind in (OrganizationKind.WARD, OrganizationKind.COMMUNE)
            ),
        ),
    ]
    return [g for g in groups if g.members]
