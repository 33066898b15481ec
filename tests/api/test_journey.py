"""The seed plan's whole life through HTTP only, as the demo people with their tokens."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db

SEED_START = "Thông tin, tuyên truyền"


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return response.json()


def post(client, url, data=None, status=200):
    return ok(client.post(url, data or {}, format="json"), status)


def test_seed_plan_from_draft_to_completed(api, django_capture_on_commit_callbacks):
    soanthao, truongban, vanthu = api.as_("soanthao"), api.as_("truongban"), api.as_("vanthu")

    found = ok(soanthao.get("/api/v1/documents/", {"q": "tuyen truyen xay dung dang"}))
    plans = [d for d in found["results"] if d["title"].startswith(SEED_START)]
    assert len(plans) == 1
    plan = plans[0]
    assert plan["status"] == "draft"
    assert plan["issuer"] == "mttq-samson"
    assert plan["doc_type"] == "KH"
    assert len(plan["recipients"]) == 22
    assert len(plan["references"]) == 2
    assert plan["signing_authority"] == {
        "prefix": "TM",
        "collective_name": "BAN THƯỜNG TRỰC",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer": "pct.huy",
    }
    assert "submit" in plan["available_actions"]
    url = f"/api/v1/documents/{plan['id']}/"

    doc = post(soanthao, url + "submit/")
    assert doc["status"] == "in_review"
    assert doc["version"] == 1
    # A return without a comment is refused with a field error.
    bad = truongban.post(url + "review/", {"decision": "return"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "comment" in bad.json()["errors"]
    doc = post(
        truongban,
        url + "review/",
        {"decision": "return", "comment": "Bổ sung nội dung Giải búa liềm vàng."},
    )
    assert doc["status"] == "returned"

    body = doc["body"] + "\n\nTuyên truyền Giải báo chí toàn quốc về xây dựng Đảng (Búa liềm vàng)."
    doc = ok(soanthao.patch(url, {"body": body}, format="json"))
    assert doc["body"] == body and doc["status"] == "returned"
    doc = post(soanthao, url + "submit/")
    assert (doc["status"], doc["version"]) == ("in_review", 2)

    doc = post(truongban, url + "review/", {"decision": "approve"})
    assert doc["status"] == "format_check"
    doc = post(vanthu, url + "review/", {"decision": "approve", "comment": "Đúng thể thức."})
    assert doc["status"] == "awaiting_signature"
    doc = post(api.as_("pct.huy"), url + "sign/", {"decision": "sign"})
    assert doc["status"] == "signed"
    assert doc["signer"] == "pct.huy"

    doc = post(vanthu, url + "register/")
    assert doc["status"] == "issued"
    assert re.fullmatch(r"\d{2,}/KH-MTTQ-BTT", doc["symbol"]), doc["symbol"]
    assert doc["symbol"] == f"{doc['number']:02d}/KH-MTTQ-BTT"
    assert doc["issued_at"]

    with django_capture_on_commit_callbacks(execute=True):
        doc = post(vanthu, url + "dispatch/")
    assert doc["status"] == "dispatched"

    progress = ok(vanthu.get(url + "receipts/"))
    assert progress["count"] == 22
    assert {r["status"] for r in progress["results"]} == {"delivered"}
    assert {r["code"] for r in progress["results"]} == {"01"}

    deadline = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    for row in progress["results"]:
        code = row["organization"]
        clerk = api.as_(f"vt.{code}")
        mine = ok(clerk.get("/api/v1/receipts/", {"status": "delivered"}))
        receipt = next(r for r in mine["results"] if r["document"] == plan["id"])
        assert receipt["organization"] == code
        inbox = ok(clerk.get("/api/v1/inbox/"))["results"]
        assert {"kind": "acknowledge", "receipt": receipt["id"]}.items() <= next(
            t for t in inbox if t["receipt"] == receipt["id"]
        ).items()
        rurl = f"/api/v1/receipts/{receipt['id']}/"
        receipt = post(clerk, rurl + "acknowledge/")
        assert receipt["status"] == "acknowledged" and receipt["code"] == "03"
        assert receipt["incoming_number"] >= 1
        if receipt["purpose"] != "execute":
            continue
        receipt = post(
            api.as_(f"ld.{code}"),
            rurl + "assign/",
            {"assignee": f"cb.{code}", "deadline": deadline},
        )
        assert (receipt["status"], receipt["assignee"], receipt["deadline"]) == (
            "assigned",
            f"cb.{code}",
            deadline,
        )
        receipt = post(api.as_(f"cb.{code}"), rurl + "complete/", {"report": "Đã triển khai."})
        assert receipt["status"] == "completed" and receipt["code"] == "06"

    doc = ok(vanthu.get(url))
    assert doc["status"] == "completed"
    progress = ok(vanthu.get(url + "receipts/"))["results"]
    assert {r["status"] for r in progress if r["purpose"] == "report"} == {"acknowledged"}
    assert {r["status"] for r in progress if r["purpose"] == "execute"} == {"completed"}

    events = ok(api.as_("kiemtra").get(url + "audit/", {"page_size": 500}))
    actions = [e["action"] for e in events["results"]]
    assert actions[:10] == [
        "create",
        "submit",
        "review",
        "edit",
        "submit",
        "review",
        "review",
        "sign",
        "register",
        "dispatch",
    ]
    assert actions.count("acknowledge") == 22 and actions[-1] == "complete"
    seqs = [e["seq"] for e in events["results"]]
    assert seqs == sorted(seqs)
    first = events["results"][0]
    assert set(first) >= {"seq", "at", "actor", "action", "from_status", "to_status", "comment"}
    assert first["actor"] == "soanthao" and len(first["hash"]) == 64
    returned = events["results"][2]
    assert (returned["from_status"], returned["to_status"]) == ("in_review", "returned")
    assert returned["comment"] == "Bổ sung nội dung Giải búa liềm vàng."
