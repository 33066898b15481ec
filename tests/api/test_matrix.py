"""Every endpoint × every demo role × representative states → the status design.md section 5
prescribes: not visible → 404, visible but not allowed → 403, allowed but wrong state → 409.

The expectations are restated here from the design, not computed by the selectors, so a change
in the rules shows up as a failing table. Each request runs in a savepoint that is rolled
back, so one state serves every person and endpoint."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from documents import services
from tests.support import advance, new_draft, receipt_for, settle_all, user

pytestmark = pytest.mark.django_db

# Who holds what in the issuer (mttq-samson); the recipients of the test document are
# thanhuy (report), bacson and trungson (execute); hoiphunu is not one.
ISSUER_ROLES = {
    "soanthao": {"drafter"},
    "truongban": {"reviewer"},
    "vanthu": {"clerk"},
    "pct.huy": {"signer"},
    "chutich": {"signer", "leader"},
    "kiemtra": {"auditor"},
}
RECIPIENTS = ["vt.bacson", "cb.bacson"]
OUTSIDERS = ["vt.hoiphunu"]
PEOPLE = [*ISSUER_ROLES, *RECIPIENTS, *OUTSIDERS]

ARRIVED = {"dispatched", "completed"}
STATES = [
    "draft",
    "in_review",
    "format_check",
    "returned",
    "awaiting_signature",
    "signed",
    "issued",
    "dispatched",
    "completed",
    "withdrawn",
]

#: action → (the roles that may take it, the states it is taken in)
DOCUMENT_ACTIONS = {
    "edit": ({"drafter"}, {"draft", "returned"}),
    "submit": ({"drafter"}, {"draft", "returned"}),
    "withdraw": ({"drafter"}, {"draft", "returned"}),
    "attach": ({"drafter"}, {"draft", "returned"}),
    "sign": ({"signer"}, {"awaiting_signature"}),
    # No signer was chosen on the test document: any signer may sign it or hand it to the
    # other, and so may its drafter.
    "hand_over": ({"signer", "drafter"}, {"awaiting_signature"}),
    "register": ({"clerk"}, {"signed"}),
    "dispatch": ({"clerk"}, {"issued"}),
    "recall": ({"signer"}, {"dispatched", "completed"}),
}

#: Who is offered đôn đốc (its own endpoint has its own tests, tests/api/test_chase.py): the
#: issuer's clerk, the drafter and the person who signed, while the document is out, and once
#: completed, while a plan or a report may still be owed.
CHASERS = {
    "dispatched": {"vanthu", "soanthao", "pct.huy"},
    "completed": {"vanthu", "soanthao", "pct.huy"},
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def visible(person: str, state: str) -> bool:
    if person in ISSUER_ROLES:
        return True
    return person in RECIPIENTS and state in ARRIVED


def expected_action(person: str, action: str, state: str) -> int:
    if not visible(person, state):
        return 404
    roles = ISSUER_ROLES.get(person, set())
    ok = 201 if action == "attach" else 200
    if action == "review":
        # Decree 30: the reviewer checks the content, the clerk the format; each of them
        # meets the other's stage as the wrong state.
        if not roles & {"reviewer", "clerk"}:
            return 403
        if state == "in_review":
            return ok if "reviewer" in roles else 409
        if state == "format_check":
            return ok if "clerk" in roles else 409
        return 409
    holders, states = DOCUMENT_ACTIONS[action]
    if not roles & holders:
        return 403
    return ok if state in states else 409


def expected_document(person: str, state: str) -> dict[str, int]:
    read = 200 if visible(person, state) else 404
    table = {
        "detail": read,
        "audit": read,
        "attachments": read,
        "pdf": read,
        "receipts": (200 if person in ISSUER_ROLES else 403) if read == 200 else 404,
    }
    for action in [*DOCUMENT_ACTIONS, "review"]:
        table[action] = expected_action(person, action, state)
    return table


def _request(client, endpoint: str, url: str):
    if endpoint in ("detail", "audit", "receipts", "pdf"):
        return client.get(url if endpoint == "detail" else f"{url}{endpoint}/")
    if endpoint == "attachments":
        return client.get(f"{url}attachments/")
    if endpoint == "edit":
        return client.patch(url, {"title": "Sửa trích yếu"}, format="json")
    if endpoint == "attach":
        upload = SimpleUploadedFile("du-thao.pdf", PDF, content_type="application/pdf")
        return client.post(f"{url}attachments/", {"file": upload}, format="multipart")
    body = {
        "review": {"decision": "approve"},
        "sign": {"decision": "sign"},
        "hand_over": {"signer": "pct.huy", "comment": "Đồng chí Chủ tịch đi công tác."},
        "recall": {"reason": "Ban hành nhầm"},
        "withdraw": {"reason": "Không cần nữa"},
    }.get(endpoint, {})
    return client.post(f"{url}{endpoint}/", body, format="json")


def _rolled_back(call):
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response


def _document_in(state: str, capture):
    doc = new_draft(title=f"Kế hoạch ở trạng thái {state}")
    with capture(execute=True):
        # Delivery runs when the dispatch commits; the recipients act after that.
        doc = advance(doc, "dispatched" if state in ARRIVED else state)
    if state == "completed":
        settle_all(doc)
        doc.refresh_from_db()
    return doc


# Inbox: what each person is asked to do about the document in each state.
INBOX = {
    "draft": {"soanthao": "submit"},
    "returned": {"soanthao": "revise"},
    "in_review": {"truongban": "review"},
    "format_check": {"vanthu": "format_check"},
    "awaiting_signature": {"pct.huy": "sign", "chutich": "sign"},
    "signed": {"vanthu": "register"},
    "issued": {"vanthu": "dispatch"},
    "dispatched": {"vt.bacson": "acknowledge"},
}


@pytest.mark.parametrize("state", STATES)
def test_document_endpoints_lists_and_inbox(state, api, django_capture_on_commit_callbacks):
    doc = _document_in(state, django_capture_on_commit_callbacks)
    url = f"/api/v1/documents/{doc.pk}/"
    got, want = {}, {}
    for person in PEOPLE:
        client = api.as_(person, login=False)
        want[person] = expected_document(person, state)
        responses = {
            endpoint: _rolled_back(lambda c=client, e=endpoint: _request(c, e, url))
            for endpoint in want[person]
        }
        for endpoint, response in responses.items():
            if endpoint == "pdf" and response.status_code == 200:
                assert response["Content-Type"] == "application/pdf", person
                assert response.content.startswith(b"%PDF-"), person
                continue
            body = response.json()
            if response.status_code >= 400:
                assert set(body) >= {"detail", "code"}, (person, endpoint, body)
            if response.status_code == 404:
                assert body["code"] == "not_found", (person, endpoint, body)
        got[person] = {e: r.status_code for e, r in responses.items()}
        if responses["detail"].status_code == 200:
            assert set(responses["detail"].json()["available_actions"]) == {
                a
                for a in [*DOCUMENT_ACTIONS, "review"]
                if expected_action(person, a, state) in (200, 201)
            } | ({"chase"} if person in CHASERS.get(state, ()) else set()), person

        # Lists never show what the person may not see.
        listed = client.get("/api/v1/documents/?page_size=500").json()["results"]
        assert (doc.pk in {d["id"] for d in listed}) == visible(person, state), person
        receipts = client.get("/api/v1/receipts/?page_size=500").json()["results"]
        assert [r["organization"] for r in receipts if r["document"] == doc.pk] == (
            ["bacson"] if person in RECIPIENTS and state in ARRIVED else []
        ), person
        tasks = client.get("/api/v1/inbox/?page_size=500").json()["results"]
        kinds = [t["kind"] for t in tasks if t["document"] == doc.pk]
        expected = INBOX.get(state, {}).get(person)
        assert kinds == ([expected] if expected else []), (person, kinds)
    assert got == want


# ---------------------------------------------------------------------------------------------
# Receipts: bacson's copy of a dispatched document.

RECEIPT_PEOPLE = [
    "vt.bacson",
    "ld.bacson",
    "cb.bacson",
    "vt.trungson",
    "vanthu",
    "soanthao",
    "vt.hoiphunu",
]
RECEIPT_ACTIONS = {
    "acknowledge": ("vt.bacson", {"delivered"}),
    "refuse": ("vt.bacson", {"delivered"}),
    "assign": ("ld.bacson", {"acknowledged"}),
}


def expected_receipt(person: str, state: str) -> dict[str, int]:
    if person in ("vt.trungson", "vt.hoiphunu"):
        return dict.fromkeys(["detail", *RECEIPT_ACTIONS, "complete"], 404)
    table = {"detail": 200}
    for action, (holder, states) in RECEIPT_ACTIONS.items():
        table[action] = 403 if person != holder else (200 if state in states else 409)
    # Only the assignee completes; before assignment nobody is.
    assignee = person == "cb.bacson" and state in ("assigned", "completed")
    table["complete"] = (200 if state == "assigned" else 409) if assignee else 403
    return table


def _receipt_in(state: str, capture):
    doc = _document_in("dispatched", capture)
    receipt = receipt_for(doc, "bacson")
    if state == "refused":
        services.refuse(actor=user("vt.bacson"), receipt=receipt, reason="Gửi nhầm")
    if state in ("acknowledged", "assigned", "completed"):
        receipt = services.acknowledge(actor=user("vt.bacson"), receipt=receipt)
    if state in ("assigned", "completed"):
        receipt = services.assign(
            actor=user("ld.bacson"),
            receipt=receipt,
            assignee=user("cb.bacson"),
            deadline=timezone.localdate() + datetime.timedelta(days=3),
        )
    if state == "completed":
        services.complete(actor=user("cb.bacson"), receipt=receipt, report="Xong")
    receipt.refresh_from_db()
    assert receipt.status == state
    return receipt


@pytest.mark.parametrize("state", ["delivered", "acknowledged", "assigned", "refused", "completed"])
def test_receipt_endpoints(state, api, django_capture_on_commit_callbacks):
    receipt = _receipt_in(state, django_capture_on_commit_callbacks)
    url = f"/api/v1/receipts/{receipt.pk}/"
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    bodies = {
        "refuse": {"reason": "Không thuộc thẩm quyền"},
        "assign": {"assignee": "cb.bacson", "deadline": deadline},
        "complete": {"report": "Đã xây dựng kế hoạch"},
    }
    got, want = {}, {}
    for person in RECEIPT_PEOPLE:
        client = api.as_(person, login=False)
        want[person] = expected_receipt(person, state)
        got[person] = {"detail": client.get(url).status_code}
        for action in [*RECEIPT_ACTIONS, "complete"]:
            got[person][action] = _rolled_back(
                lambda c=client, a=action: c.post(f"{url}{a}/", bodies.get(a, {}), format="json")
            ).status_code
    assert got == want


def test_recipients_cannot_read_the_senders_progress(api, django_capture_on_commit_callbacks):
    doc = _document_in("dispatched", django_capture_on_commit_callbacks)
    response = api.as_("vt.bacson").get(f"/api/v1/documents/{doc.pk}/receipts/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    rows = api.as_("vanthu").get(f"/api/v1/documents/{doc.pk}/receipts/").json()["results"]
    assert [r["organization"] for r in rows] == ["thanhuy", "bacson", "trungson"]
    assert set(rows[0]) >= {"id", "organization", "purpose", "status", "code", "updated_at"}


def test_a_stale_second_action_is_409(api, django_capture_on_commit_callbacks):
    doc = _document_in("signed", django_capture_on_commit_callbacks)
    client = api.as_("vanthu")
    assert client.post(f"/api/v1/documents/{doc.pk}/register/").status_code == 200
    again = client.post(f"/api/v1/documents/{doc.pk}/register/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
