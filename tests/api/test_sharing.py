"""The shares and opinion endpoints: the statuses of the rules (404/403/409), 400 with field
errors that writes nothing, 201/200 on sharing and 204 on taking back, and what the person
shared with then sees through the rest of the API."""

from __future__ import annotations

import pytest

from documents import services
from documents.models import AuditEvent
from tests.support import advance, new_draft

pytestmark = pytest.mark.django_db

TARGET = "cb.quangdai"


def shares(id_: int) -> str:
    return f"/api/v1/documents/{id_}/shares/"


def test_share_list_and_take_back(api):
    doc = new_draft()
    drafter = api.as_("soanthao")
    assert api.as_(TARGET).get(f"/api/v1/documents/{doc.pk}/").status_code == 404

    created = drafter.post(shares(doc.pk), {"person": TARGET, "purpose": "inform"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["person"] == TARGET and body["purpose"] == "inform"
    assert body["full_name"] and body["purpose_label"] == "Chuyển để biết"
    assert body["granted_by"] == "soanthao" and body["granted_at"]
    again = drafter.post(shares(doc.pk), {"person": TARGET, "purpose": "inform"}, format="json")
    assert again.status_code == 200
    assert AuditEvent.objects.filter(document=doc, action="grant").count() == 1

    listed = drafter.get(shares(doc.pk)).json()
    assert listed["count"] == 1 and listed["results"][0]["person"] == TARGET

    # The person shared with sees it, in the list and by id.
    target = api.as_(TARGET)
    assert target.get(f"/api/v1/documents/{doc.pk}/").status_code == 200
    ids = [d["id"] for d in target.get("/api/v1/documents/").json()["results"]]
    assert doc.pk in ids

    gone = api.as_("vanthu").delete(f"{shares(doc.pk)}{TARGET}/inform/")
    assert gone.status_code == 204
    assert api.as_("vanthu").delete(f"{shares(doc.pk)}{TARGET}/inform/").status_code == 204
    assert AuditEvent.objects.filter(document=doc, action="revoke").count() == 1
    assert target.get(f"/api/v1/documents/{doc.pk}/").status_code == 404
    assert doc.pk not in [d["id"] for d in target.get("/api/v1/documents/").json()["results"]]
    assert drafter.get(shares(doc.pk)).json()["count"] == 0


def test_who_may_share_and_list(api):
    doc = advance(new_draft(), "dispatched")
    for receipt in doc.receipts.all():
        services.deliver(receipt=receipt)
    body = {"person": TARGET, "purpose": "inform"}
    expected = {"pct.huy": 201, "kiemtra": 403, "vt.bacson": 403, "vt.quangdai": 404}
    for username, status in expected.items():
        got = api.as_(username).post(shares(doc.pk), body, format="json")
        assert got.status_code == status, (username, got.content)
    # The list is the issuer side's: a recipient sees the document but not whom it is shared with.
    assert api.as_("kiemtra").get(shares(doc.pk)).status_code == 200
    assert api.as_("vt.bacson").get(shares(doc.pk)).status_code == 403
    assert api.as_("vt.quangdai").get(shares(doc.pk)).status_code == 404
    # Opinions are asked before signing only; a dispatched document is informed, not asked.
    late = api.as_("soanthao").post(shares(doc.pk), {"person": TARGET, "purpose": "comment"})
    assert late.status_code == 409 and late.json()["code"] == "invalid_state"


def test_bad_input_is_a_400_with_field_errors_and_writes_nothing(api):
    doc = new_draft()
    client = api.as_("soanthao")
    auditor = api.as_("kiemtra")  # signed in (an audited event) before counting
    events = AuditEvent.objects.count()
    cases = [
        ({"purpose": "comment"}, "person"),
        ({"person": TARGET}, "purpose"),
        ({"person": TARGET, "purpose": "xin-y-kien"}, "purpose"),
        ({"person": "khong.co.ai", "purpose": "comment"}, "person"),
        ({"person": "soanthao", "purpose": "comment"}, "person"),
    ]
    for body, field in cases:
        got = client.post(shares(doc.pk), body, format="json")
        assert got.status_code == 400, (body, got.content)
        assert got.json()["code"] == "invalid" and field in got.json()["errors"], body
    assert client.delete(f"{shares(doc.pk)}{TARGET}/xyz/").status_code == 400
    assert client.delete(f"{shares(doc.pk)}khong.co.ai/inform/").status_code == 400
    # Someone who may not share gets 403 before any complaint about the body.
    assert auditor.post(shares(doc.pk), {}, format="json").status_code == 403
    # ...and only that refusal goes on record.
    assert AuditEvent.objects.exclude(action="refused").count() == events
    assert AuditEvent.objects.filter(action="refused", actor__username="kiemtra").count() == 1
    assert client.get(shares(doc.pk)).json()["count"] == 0


def test_an_opinion_from_whom_it_was_asked(api):
    doc = new_draft()
    opinion = f"/api/v1/documents/{doc.pk}/opinion/"
    api.as_("soanthao").post(shares(doc.pk), {"person": TARGET, "purpose": "comment"})
    asked = api.as_(TARGET)
    assert asked.post(opinion, {"comment": ""}, format="json").json()["errors"].keys() == {
        "comment"
    }
    given = asked.post(opinion, {"comment": "Đề nghị bổ sung kinh phí."}, format="json")
    assert given.status_code == 201, given.content
    assert given.json()["action"] == "opinion" and given.json()["actor"] == TARGET
    assert given.json()["comment"] == "Đề nghị bổ sung kinh phí."
    trail = api.as_("soanthao").get(f"/api/v1/documents/{doc.pk}/audit/").json()["results"]
    assert [e["action"] for e in trail] == ["create", "grant", "opinion"]
    # Whom else it is shared with, and what they said, stays with the issuer side.
    api.as_("soanthao").post(shares(doc.pk), {"person": "ld.bacson", "purpose": "inform"})
    mine = asked.get(f"/api/v1/documents/{doc.pk}/audit/").json()["results"]
    # The drafting is the issuer's too (design §15.1).
    assert [(e["action"], e["actor"]) for e in mine] == [
        ("grant", "soanthao"),
        ("opinion", TARGET),
    ]
    # The issuer's own people give theirs in their review; outsiders do not know it exists.
    body = {"comment": "Đồng ý"}
    assert api.as_("truongban").post(opinion, body, format="json").status_code == 403
    assert api.as_("vt.quangdai").post(opinion, body, format="json").status_code == 404
    signed = advance(doc, "signed")
    late = asked.post(f"/api/v1/documents/{signed.pk}/opinion/", body, format="json")
    assert late.status_code == 409


def test_a_secret_document_is_shown_through_a_secret_share_only(api):
    doc = advance(new_draft(secrecy="mat"), "awaiting_signature")
    signer = api.as_("pct.huy")
    target = api.as_(TARGET)
    refused = signer.post(shares(doc.pk), {"person": TARGET, "purpose": "inform"}, format="json")
    assert refused.status_code == 400 and "person" in refused.json()["errors"]
    # Only signers and leaders show a secret document: the drafter sees it but may not.
    drafter = api.as_("soanthao")
    body = {"person": TARGET, "purpose": "secret"}
    assert drafter.post(shares(doc.pk), body, format="json").status_code == 403
    assert signer.post(shares(doc.pk), body, format="json").status_code == 201
    assert target.get(f"/api/v1/documents/{doc.pk}/").status_code == 200
    inform = {"person": TARGET, "purpose": "inform"}
    assert signer.post(shares(doc.pk), inform, format="json").status_code == 201
    assert signer.delete(f"{shares(doc.pk)}{TARGET}/secret/").status_code == 204
    assert target.get(f"/api/v1/documents/{doc.pk}/").status_code == 404


def test_the_schema_describes_the_endpoints(api):
    paths = api.anonymous().get("/api/schema/?format=json").json()["paths"]
    assert set(paths["/api/v1/documents/{id}/shares/"]) == {"get", "post"}
    assert set(paths["/api/v1/documents/{id}/shares/{person}/{purpose}/"]) == {"delete"}
    assert set(paths["/api/v1/documents/{id}/opinion/"]) == {"post"}
    post = paths["/api/v1/documents/{id}/shares/"]["post"]
    assert {"200", "201", "400", "403", "404", "409"} <= set(post["responses"])
