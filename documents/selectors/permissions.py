"""May this person take this action on this object now? Derived from documents.lifecycle.

Not visible → NotFound (404); visible but not allowed → Forbidden (403); allowed for this
person but not in this state, or not for this object's purpose → Conflict (409): the
reviewer once the draft has moved on to the clerk's format check, say, or the clerk before it
gets there. That is the wrong state for them, not a missing role.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgchart.selectors import Grants, grants_of

from ..errors import Conflict, Forbidden, NotFound
from ..lifecycle import DOCUMENT, RECEIPT, Lifecycle
from ..models import Document
from .rules import holder
from .visibility import is_visible


@dataclass(frozen=True)
class Authorization:
    """What the actor acts as: ``on_behalf_of`` is the principal when a delegation is used."""

    on_behalf_of_id: int | None = None


def lifecycle_of(obj) -> Lifecycle:
    return DOCUMENT if isinstance(obj, Document) else RECEIPT


def decide(grants: Grants, user, action: str, obj) -> Authorization:
    """Raise Forbidden or Conflict, or say on whose behalf the actor may act. The object is
    known to be visible to ``user``."""
    lifecycle = lifecycle_of(obj)
    organization_id = getattr(obj, f"{lifecycle.organization_field}_id")
    declared = lifecycle.state(obj.status).action(action)
    if declared is not None and not declared.who.is_system:
        held = holder(declared.who, grants, user, obj, organization_id)
        if held:
            guards = [g for g in (lifecycle.always, declared.when) if g is not None]
            if not all(guard.check(obj) for guard in guards):
                raise Conflict()
            if isinstance(held, tuple):
                return Authorization(on_behalf_of_id=grants.principal_for(*held))
            return Authorization()
    if action not in lifecycle.action_names():
        raise ValueError(f"{lifecycle.name} has no action {action!r}")
    # Whoever takes this action in another state meets the wrong state. A signer who is not
    # the one designated for this document is simply not allowed, in its own state.
    for state, elsewhere in lifecycle.declarations(action):
        if state.status == obj.status or elsewhere.who.is_system:
            continue
        if holder(elsewhere.who, grants, user, obj, organization_id, by_role=True):
            raise Conflict()
    raise Forbidden(subject=obj)


def authorize(user, action: str, obj, grants: Grants | None = None) -> Authorization:
    """Raise NotFound, Forbidden or Conflict, or say on whose behalf the actor may act."""
    g = grants if grants is not None else grants_of(user)
    if not is_visible(user, obj, g):
        raise NotFound(subject=obj)
    return decide(g, user, action, obj)


def can(user, action: str, obj, grants: Grants | None = None) -> bool:
    try:
        authorize(user, action, obj, grants)
    except (NotFound, Forbidden, Conflict):
        return False
    return True


def allowed_actions(
    user, obj, grants: Grants | None = None, *, known_visible: bool = False
) -> list[str]:
    """The actions the user may take on a visible object now, in the lifecycle's order.

    ``known_visible`` skips the visibility query for rows that came out of
    ``visible_documents``/``visible_receipts``, so a list costs no query per row."""
    g = grants if grants is not None else grants_of(user)
    if not known_visible and not is_visible(user, obj, g):
        return []
    allowed = []
    for action in lifecycle_of(obj).action_names():
        try:
            decide(g, user, action, obj)
        except (Forbidden, Conflict):
            continue
        allowed.append(action)
    return allowed
