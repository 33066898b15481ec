"""Who may read a register book: the organisation's clerks (who keep it), its leaders and
signers (who direct the handling) and its auditors; the secret books only its clerks and
leaders. Another person learns no more than that the organisation exists (its list is
public): 403; an organisation that does not exist: 404."""

from __future__ import annotations

from orgchart.models import Organization, RoleCode
from orgchart.selectors import Grants, grants_of

from ..errors import Forbidden, NotFound
from ..models import RegisterBook

READERS = (RoleCode.CLERK, RoleCode.LEADER, RoleCode.SIGNER, RoleCode.AUDITOR)
SECRET_READERS = (RoleCode.CLERK, RoleCode.LEADER, RoleCode.SIGNER)


def register_book(
    user,
    *,
    organization: str,
    direction: str,
    year: int,
    secret: bool = False,
    grants: Grants | None = None,
) -> RegisterBook:
    """The book (unsaved and empty when nothing has been registered in it yet)."""
    org = readable_organization(user, organization=organization, secret=secret, grants=grants)
    book = RegisterBook.objects.filter(
        organization=org, direction=direction, year=year, secret=secret
    ).first()
    return book or RegisterBook(organization=org, direction=direction, year=year, secret=secret)


def readable_organization(
    user, *, organization: str, secret: bool = False, grants: Grants | None = None
) -> Organization:
    """The organisation (by code) whose books the person may read; the same readers read
    its reports on the handling of documents (selectors.reports), the figures of its books."""
    org = Organization.objects.filter(code=organization).first()
    if org is None:
        raise NotFound()
    g = grants if grants is not None else grants_of(user)
    readers = SECRET_READERS if secret else READERS
    if not any(g.has(org.pk, role) for role in readers):
        raise Forbidden()
    return org


def may_read_secret(organization: Organization, grants: Grants) -> bool:
    return any(grants.has(organization.pk, role) for role in SECRET_READERS)


def readable_books(user, grants: Grants | None = None) -> list[Organization]:
    """The organisations whose registers the person may read, for the screens' choices."""
    g = grants if grants is not None else grants_of(user)
    return list(Organization.objects.filter(pk__in=g.orgs_with(*READERS)).order_by("name"))


def reads_registers(grants: Grants) -> bool:
    """Whether the menus offer the register screen at all (no query: the grants in hand)."""
    return bool(grants.orgs_with(*READERS))


def reads_secret_books(grants: Grants) -> set[int]:
    """The organisations whose secret books the person may read: the screen offers the
    secret book only there (``register_book`` still decides)."""
    return set(grants.orgs_with(*SECRET_READERS))
