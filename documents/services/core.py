"""What every step shares: the row lock, django-fsm's errors as 409s, the step's
shape (lock, authorise, transition, audit) and the word to the flows."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from .. import audit
from ..errors import ConcurrentChange, Conflict, InvalidInput, NotFound
from ..models import (
    Document,
    DocumentStatus,
    Receipt,
    ReceiptStatus,
)
from ..selectors import authorize
from ..signals import stepped

User = get_user_model()
S, R = DocumentStatus, ReceiptStatus


_in_step: ContextVar[bool] = ContextVar("in_step", default=False)


@contextmanager
def step_transaction() -> Iterator[None]:
    """The transaction of one step. The outermost opens it (a savepoint when the caller has a
    transaction of its own, so a refused step leaves the caller's work usable); the parts a
    step is made of join it without savepoints of their own: one failure fails the whole
    step."""
    if _in_step.get():
        with transaction.atomic(savepoint=False):
            yield
        return
    token = _in_step.set(True)
    try:
        with transaction.atomic():
            yield
    finally:
        _in_step.reset(token)


@contextmanager
def _transition_errors():
    """django-fsm's own errors become the service layer's 409s."""
    try:
        yield
    except ConcurrentTransition:
        raise ConcurrentChange() from None
    except TransitionNotAllowed:
        raise Conflict() from None


def _lock_document(document: Document | int) -> Document:
    pk = document.pk if isinstance(document, Document) else document
    try:
        return Document.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=pk)
    except Document.DoesNotExist:
        raise NotFound() from None


def _lock_receipt(receipt: Receipt | int) -> Receipt:
    pk = receipt.pk if isinstance(receipt, Receipt) else receipt
    try:
        return (
            Receipt.objects.select_for_update(of=("self",))
            .select_related("document", "organization")
            .get(pk=pk)
        )
    except Receipt.DoesNotExist:
        raise NotFound() from None


def _announce(artifacts: Sequence[Document] | Sequence[Receipt], action: str, actor) -> None:
    """Tell the flows about a step, inside its transaction, whoever takes it and through
    whichever door (a task screen, the API, a Celery task)."""
    if artifacts:
        stepped.send(
            sender=type(artifacts[0]), artifacts=list(artifacts), action=action, actor=actor
        )


def _require_text(field: str, value: str | None, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: [message]})
    return value


def _step(
    *,
    actor,
    document: Document,
    action: str,
    transition: str | Callable[[Document], str] | None,
    comment: str = "",
    data: dict | None = None,
    kwargs_for: Callable[[Document], dict] | None = None,
    after: Callable[[Document], dict] | None = None,
) -> Document:
    """Lock, authorise, transition, audit, tell the flows: the shape every document step
    shares.

    ``transition`` and ``kwargs_for`` may depend on the locked row, so they are computed
    only after the actor is authorised on the current state. Without a transition the step
    changes the document in place (``kwargs_for`` does it) and keeps its state. ``after``
    works on the document in its new state (the signatures) and returns what the audit event
    adds; should it fail, the whole step does.
    """
    with step_transaction():
        document = _lock_document(document)
        authorization = authorize(actor, action, document)
        from_status = document.status
        name = transition(document) if callable(transition) else transition
        kwargs = kwargs_for(document) if kwargs_for else {}
        with _transition_errors():
            if name is not None:
                getattr(document, name)(**kwargs)
            document.save()
        made = after(document) if after else {}
        document.participants.add(actor)
        audit.record(
            actor=actor,
            action=action,
            document=document,
            from_status=from_status,
            to_status=document.status,
            comment=comment,
            data={**(data or {}), **_audit_data(kwargs), **made},
            on_behalf_of_id=authorization.on_behalf_of_id,
        )
        _announce([document], action, actor)
    return document


def _audit_data(kwargs: dict) -> dict:
    """The values a transition was given that belong in the trail (numbers, not objects)."""
    return {k: v for k, v in kwargs.items() if isinstance(v, int | str) and k != "signer_title"}
