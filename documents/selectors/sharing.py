"""Shares: who may share a document with one person, take a share back or give an opinion,
and the shares a document has. Read from ``DOCUMENT.shares`` in documents.lifecycle.

The outcomes follow the rest of the rules: not visible → NotFound (404); visible, but not
among those the share names → Forbidden (403); one of them, but not in this state (sharing a
withdrawn draft, an opinion on a signed document) → Conflict (409). A purpose that is not one
of the declared ones is InvalidInput (400), once the caller is known to share something.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from orgchart.models import Membership, Organization
from orgchart.selectors import Grants, grants_of

from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..lifecycle import DOCUMENT, Share, SharePurpose
from ..models import AuditEvent, Document
from .permissions import Authorization
from .rules import holder
from .visibility import is_visible, share_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import User as UserType  # the AUTH_USER_MODEL

User = get_user_model()


def shareable_people():
    """Whom a document may be shared with: the active people of the org chart (an active
    account with a membership in force in an organisation in force)."""
    on_chart = Membership.objects.active().filter(organization__in=Organization.objects.active())
    return User.objects.filter(is_active=True, pk__in=on_chart.values("user_id"))


def _purpose_error(purpose) -> InvalidInput:
    return InvalidInput(
        {
            "purpose": [
                _("Mục đích chia sẻ không hợp lệ: %(value)s (comment, inform hoặc secret).")
                % {"value": purpose}
            ]
        }
    )


def _authorized(share: Share, grants: Grants, user, document: Document) -> Authorization | None:
    held = holder(share.who, grants, user, document, document.issuer_id)
    if not held:
        return None
    if isinstance(held, tuple):
        return Authorization(on_behalf_of_id=grants.principal_for(*held))
    return Authorization()


def authorize_share(
    user, document: Document, purpose, *, giving: bool = True, grants: Grants | None = None
) -> Authorization:
    """May ``user`` share ``document`` for ``purpose`` now (``giving``), or take such a share
    back (in any state)? Raise NotFound, Forbidden, InvalidInput or Conflict, or say on whose
    behalf the user acts."""
    g = grants if grants is not None else grants_of(user)
    if not is_visible(user, document, g):
        raise NotFound(subject=document)
    if purpose not in SharePurpose.values:
        if not any(_authorized(s, g, user, document) for s in DOCUMENT.shares):
            raise Forbidden(subject=document)
        raise _purpose_error(purpose)
    share = DOCUMENT.share(purpose)
    authorization = _authorized(share, g, user, document)
    if authorization is None:
        raise Forbidden(subject=document)
    if giving and document.status not in share.states:
        raise Conflict(_("Văn bản ở trạng thái này không chia sẻ với mục đích đó được."))
    return authorization


def share_purposes(
    user, document: Document, grants: Grants | None = None, *, giving: bool = True
) -> list[str]:
    """The purposes ``user`` may share a visible ``document`` for now (``giving``), or take
    back; no query."""
    g = grants if grants is not None else grants_of(user)
    return [
        s.purpose
        for s in DOCUMENT.shares
        if _authorized(s, g, user, document) is not None
        and (not giving or document.status in s.states)
    ]


def held_shares(user, document: Document) -> set[str]:
    """The purposes ``document`` is shared with ``user`` for (one query)."""
    if user is None or not user.is_authenticated:
        return set()
    by_codename = {s.permission: s.purpose for s in DOCUMENT.shares}
    codenames = share_rows().filter(user_id=user.pk, object_pk=str(document.pk))
    return {by_codename[c] for c in codenames.values_list("permission__codename", flat=True)}


def authorize_opinion(user, document: Document, grants: Grants | None = None) -> None:
    """Only someone whose opinion was asked (a share that lets ``opinion``) gives one, while
    the share says: NotFound, Forbidden or Conflict otherwise."""
    if not is_visible(user, document, grants):
        raise NotFound(subject=document)
    held = held_shares(user, document)
    letting = [s for s in DOCUMENT.shares if s.purpose in held and "opinion" in s.lets]
    if not letting:
        raise Forbidden(subject=document)
    if not any(document.status in s.lets["opinion"] for s in letting):
        raise Conflict(_("Văn bản đã qua bước lấy ý kiến."))


def may_give_opinion(user, document: Document, held: set[str]) -> bool:
    """``held``: the user's shares of the visible document (``held_shares``); no query."""
    return any(
        s.purpose in held and document.status in s.lets.get("opinion", ()) for s in DOCUMENT.shares
    )


@dataclass(frozen=True)
class ShareRow:
    """One person a document is shared with, for one purpose; when and by whom, from the
    trail (guardian rows keep neither)."""

    person: UserType
    purpose: str
    granted_at: datetime.datetime | None
    granted_by: UserType | None

    @property
    def purpose_label(self) -> str:
        return str(SharePurpose(self.purpose).label)


def shares_of(document: Document) -> list[ShareRow]:
    """The document's shares, by person and purpose: two queries."""
    by_codename = {s.permission: s.purpose for s in DOCUMENT.shares}
    rows = (
        share_rows()
        .filter(object_pk=str(document.pk))
        .select_related("user", "permission")
        .order_by("user__last_name", "user__first_name", "user__username", "permission_id")
    )
    given: dict[tuple[str, str], AuditEvent] = {}
    events = AuditEvent.objects.filter(document=document, receipt__isnull=True, action="grant")
    for grant in events.select_related("actor").order_by("seq"):
        given[(grant.data.get("person"), grant.data.get("purpose"))] = grant
    result = []
    for row in rows:
        purpose = by_codename[row.permission.codename]
        event = given.get((row.user.username, purpose))
        result.append(
            ShareRow(
                person=row.user,
                purpose=purpose,
                granted_at=event.at if event else None,
                granted_by=event.actor if event else None,
            )
        )
    # By person (as the rows came), then in the declared order of the purposes.
    people = {r.person.pk: i for i, r in reversed(list(enumerate(result)))}
    order = [s.purpose for s in DOCUMENT.shares]
    return sorted(result, key=lambda r: (people[r.person.pk], order.index(r.purpose)))
