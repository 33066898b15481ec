"""Every writable field of every action, given each kind of bad value by the person who may
take the action in the state where it is taken: never a 500, and a 400 writes nothing. On
PostgreSQL this is where an unchecked length or a NUL byte would reach the database."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from documents import services
from documents.models import AuditEvent, Document, Receipt, Recipient
from tests.support import advance, new_draft, receipt_for, user

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    "Ư" * 5000,
    "a\x00b",
    12345,
    -1.5,
    True,
    None,
    ["x"],
    {"a": 1},
    [{"a": [1, {"b": None}]}],
    "",
]

# (who, document state or receipt state, path after the object, writable fields)
DOCUMENT_ACTIONS = [
    (
        "soanthao",
        "draft",
        "",
        "patch",
        [
            "title",
            "body",
            "collective_name",
            "signer_title",
            "luu",
            "signer",
            "authority_prefix",
            "urgency",
            "secrecy",
            "doc_type",
            "references",
            "recipients",
            "signing_authority",
        ],
    ),
    ("soanthao", "draft", "submit/", "post", ["comment"]),
    ("soanthao", "draft", "withdraw/", "post", ["reason"]),
    ("soanthao", "draft", "shares/", "post", ["person", "purpose"]),
    ("truongban", "in_review", "review/", "post", ["decision", "comment"]),
    ("pct.huy", "awaiting_signature", "sign/", "post", ["decision", "comment"]),
    ("pct.huy", "awaiting_signature", "hand_over/", "post", ["signer", "comment"]),
    ("pct.huy", "dispatched", "recall/", "post", ["reason"]),
]
RECEIPT_ACTIONS = [
    ("vt.bacson", "delivered", "refuse/", ["reason"]),
    ("ld.bacson", "acknowledged", "assign/", ["assignee", "deadline"]),
    ("cb.bacson", "assigned", "complete/", ["report"]),
]
#: The keys of the fields that hold objects, each given the bad values too.
INNER = {
    "recipients": ("organization", "name", "email", "purpose"),
    "signing_authority": ("prefix", "collective_name", "signer_title", "signer"),
}
GOOD = {
    "review/": {"decision": "approve", "comment": "Được"},
    "sign/": {"decision": "sign", "comment": ""},
    "hand_over/": {"signer": "chutich", "comment": ""},
    "shares/": {"person": "ld.bacson", "purpose": "comment"},
    "assign/": {"assignee": "cb.bacson"},
}


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Document, AuditEvent, Recipient, Receipt)}


def _try(client, method: str, url: str, body: dict):
    """The request inside a transaction rolled back afterwards, so that a value accepted
    (a number taken as text) does not move the object on; the rows counted before the
    rollback tell whether a refusal wrote."""
    with transaction.atomic():
        before = _counts()
        response = getattr(client, method)(url, body, format="json")
        after = _counts()
        transaction.set_rollback(True)
    return response, before, after


def _check(response, before, after, where):
    assert response.status_code != 500, where
    assert response.status_code < 500, where
    if response.status_code == 400:
        assert response.json()["errors"], where
        assert after == before, where
    return response.status_code


@pytest.mark.parametrize("who, state, path, method, fields", DOCUMENT_ACTIONS)
def test_document_actions(
    api, world, who, state, path, method, fields, django_capture_on_commit_callbacks
):
    document = new_draft(title=f"Kế hoạch quét dữ liệu xấu {state}", signer="pct.huy")
    with django_capture_on_commit_callbacks(execute=True):
        document = advance(document, state)
    client = api.as_(who, login=False)
    url = f"/api/v1/documents/{document.pk}/{path}"
    refused = 0
    for field in fields:
        for value in BAD_VALUES:
            body = {**GOOD.get(path, {}), field: value}
            response_code = _check(*_try(client, method, url, body), (path, field, value))
            # The same value one level down, where a field holds objects.
            for key in INNER.get(field, ()):
                inner = [{key: value}] if field == "recipients" else {key: value}
                _check(*_try(client, method, url, {field: inner}), (field, key, value))
            refused += response_code == 400
    assert refused, "no value reached the checks: the action was refused before"


@pytest.mark.parametrize("who, state, path, fields", RECEIPT_ACTIONS)
def test_receipt_actions(api, world, who, state, path, fields, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = advance(new_draft(title=f"Kế hoạch quét phía nhận {state}"), "dispatched")
    receipt = receipt_for(document, "bacson")
    if state in ("acknowledged", "assigned"):
        receipt = services.acknowledge(actor=user("vt.bacson"), receipt=receipt)
    if state == "assigned":
        receipt = services.assign(
            actor=user("ld.bacson"),
            receipt=receipt,
            assignee=user("cb.bacson"),
            deadline=timezone.localdate() + datetime.timedelta(days=3),
        )
    client = api.as_(who, login=False)
    url = f"/api/v1/receipts/{receipt.pk}/{path}"
    refused = 0
    for field in fields:
        for value in [*BAD_VALUES, "9999-99-99", "99999-01-01"]:
            body = {**GOOD.get(path, {}), field: value}
            refused += _check(*_try(client, "post", url, body), (path, field, value)) == 400
    assert refused, "no value reached the checks: the action was refused before"
