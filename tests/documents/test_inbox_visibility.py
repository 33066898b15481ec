"""The inbox lists a person's tasks without filtering them by visibility again
(documents/selectors/inbox.py): whoever must act on a document or a copy sees it. Held here for
every demo person at every stage of an ordinary and a secret document, with phối hợp handlers,
so that the inbox can never offer what the document page would answer 404 to."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from documents import services
from documents.models import DocumentStatus
from documents.selectors import open_tasks, visible_documents, visible_receipts
from orgchart.selectors import grants_of
from tests.support import advance, new_draft, receipt_for, user

pytestmark = pytest.mark.django_db

S = DocumentStatus


def _every_task_is_visible(stage: str) -> int:
    """Checks everyone; returns how many task rows there were in all."""
    rows_seen = 0
    for person in get_user_model().objects.filter(is_active=True).order_by("username"):
        grants = grants_of(person)
        # Việc chờ nhận (queued) only narrows these rows.
        rows = list(open_tasks(person, grants))
        rows_seen += len(rows)
        documents = {r["t_document"] for r in rows if r["t_receipt"] is None}
        receipts = {r["t_receipt"] for r in rows if r["t_receipt"] is not None}
        seen_documents = set(
            visible_documents(person, grants).filter(pk__in=documents).values_list("pk", flat=True)
        )
        seen_receipts = set(
            visible_receipts(person, grants).filter(pk__in=receipts).values_list("pk", flat=True)
        )
        assert documents <= seen_documents, (stage, person.username)
        assert receipts <= seen_receipts, (stage, person.username)
    return rows_seen


@pytest.mark.parametrize("secrecy", ["normal", "mat"])
def test_every_task_in_anyones_inbox_is_of_something_they_see(
    world, secrecy, django_capture_on_commit_callbacks
):
    document = new_draft(title="Kế hoạch kiểm tra hộp việc", secrecy=secrecy, signer="pct.huy")
    rows = _every_task_is_visible("draft")
    for state in (S.IN_REVIEW, S.AWAITING_SIGNATURE, S.ISSUED):
        document = advance(document, state)
        rows += _every_task_is_visible(state)
    with django_capture_on_commit_callbacks(execute=True):  # delivery, as after a request
        document = advance(document, S.DISPATCHED)
    rows += _every_task_is_visible("dispatched")

    copy = services.acknowledge(actor=user("vt.bacson"), receipt=receipt_for(document, "bacson"))
    rows += _every_task_is_visible("acknowledged")
    services.assign(
        actor=user("ld.bacson"),
        receipt=copy,
        assignee=user("cb.bacson"),
        coordinators=[user("vt.bacson")],
        informed=[user("ld.bacson")],
    )
    rows += _every_task_is_visible("assigned with a phối hợp part")
    # Not vacuous: the people who act had their tasks at each stage.
    assert rows >= 10
