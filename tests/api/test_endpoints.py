"""The contract's shapes: login, me, organisations, creating and finding drafts, the error
body, pagination."""

from __future__ import annotations

import pytest
from django.urls import reverse

from documents.models import Document
from tests.support import advance, new_draft

pytestmark = pytest.mark.django_db


def test_token_login_and_bad_credentials(api):
    client = api.anonymous()
    bad = client.post(
        "/api/v1/auth/token/", {"username": "vanthu", "password": "sai"}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()) >= {"detail", "code"} and bad.json()["code"] == "invalid_credentials"
    missing = client.post("/api/v1/auth/token/", {"username": "vanthu"}, format="json")
    assert missing.status_code == 400 and "password" in missing.json()["errors"]
    good = client.post(
        "/api/v1/auth/token/", {"username": "vanthu", "password": "demo12345"}, format="json"
    )
    assert good.status_code == 200 and len(good.json()["token"]) == 64
    assert set(good.json()) == {"token", "expiry"}


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/me/"),
        ("get", "/api/v1/organizations/"),
        ("get", "/api/v1/documents/"),
        ("post", "/api/v1/documents/"),
        ("get", "/api/v1/documents/1/"),
        ("post", "/api/v1/documents/1/submit/"),
        ("get", "/api/v1/documents/1/audit/"),
        ("get", "/api/v1/receipts/"),
        ("post", "/api/v1/receipts/1/acknowledge/"),
        ("get", "/api/v1/inbox/"),
    ],
)
def test_no_credentials_is_401_in_the_error_shape(api, method, path):
    response = getattr(api.anonymous(), method)(path, {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert set(response.json()) == {"detail", "code"}
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_bad_token_is_401(api):
    client = api.anonymous()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_session_login_works_for_the_browser_with_csrf(world):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.user("soanthao"))
    assert client.get("/api/v1/me/").status_code == 200
    # Unsafe methods need the CSRF token when the session authenticates.
    response = client.post(f"/api/v1/documents/{world.seed_plan().pk}/submit/", {}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    world.seed_plan().refresh_from_db()
    assert world.seed_plan().status == "draft"


def test_me(api):
    me = api.as_("pct.huy").get("/api/v1/me/").json()
    assert me["username"] == "pct.huy"
    assert me["full_name"] == "Trịnh Quang Huy"
    assert me["memberships"] == [
        {
            "organization": "mttq-samson",
            "organization_name": "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Sầm Sơn",
            "position": "Phó Chủ tịch",
            "roles": ["signer"],
        }
    ]
    ward = api.as_("ld.bacson").get("/api/v1/me/").json()["memberships"]
    assert [(m["organization"], m["roles"]) for m in ward] == [
        ("bacson", ["leader", "reviewer", "signer"])
    ]


def test_organizations_are_one_page_with_codes(api):
    data = api.as_("cb.quangdai").get("/api/v1/organizations/").json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 23 and data["next"] is None and len(data["results"]) == 23
    by_code = {o["code"]: o for o in data["results"]}
    assert by_code["mttq-samson"] == {
        "code": "mttq-samson",
        "name": "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Sầm Sơn",
        "kind": "mttq",
        "parent": "mttq-tinh",
        "symbol": "MTTQ-BTT",
    }
    assert by_code["mttq-tinh"]["parent"] is None
    assert by_code["quangdai"]["kind"] == "commune"
    paged = api.as_("cb.quangdai").get("/api/v1/organizations/", {"page_size": 5}).json()
    assert len(paged["results"]) == 5 and paged["next"].endswith("page=2&page_size=5")


def _create(client, **extra):
    payload = {
        "issuer": "mttq-samson",
        "doc_type": "CV",
        "title": "Về việc tổ chức Ngày hội Đại đoàn kết",
        "body": "Kính gửi ...",
        "urgency": "khan",
        "secrecy": "normal",
        "signing_authority": {
            "prefix": "TM.",
            "collective_name": "BAN THƯỜNG TRỰC",
            "signer_title": "CHỦ TỊCH",
            "signer": "chutich",
        },
        "recipients": [
            {"organization": "bacson", "purpose": "execute"},
            {"organization": "thanhuy", "purpose": "report"},
        ],
        "references": [],
        **extra,
    }
    return client.post("/api/v1/documents/", payload, format="json")


def test_create_a_draft(api, world):
    refs = list(world.seed_plan().references.values_list("pk", flat=True))
    response = _create(api.as_("soanthao"), references=refs)
    assert response.status_code == 201, response.content
    doc = response.json()
    assert doc["status"] == "draft" and isinstance(doc["id"], int)
    assert doc["urgency"] == "khan" and doc["drafter"] == "soanthao"
    assert doc["signing_authority"] == {
        "prefix": "TM",
        "collective_name": "BAN THƯỜNG TRỰC",
        "signer_title": "CHỦ TỊCH",
        "signer": "chutich",
    }
    assert [(r["organization"], r["purpose"]) for r in doc["recipients"]] == [
        ("bacson", "execute"),
        ("thanhuy", "report"),
    ]
    assert doc["recipients"][1]["name"] == "Thường trực Thành ủy Sầm Sơn"
    assert sorted(doc["references"]) == sorted(refs)
    assert doc["number"] is None and doc["symbol"] == "" and doc["signer"] == "chutich"
    assert set(doc["available_actions"]) == {"edit", "submit", "withdraw", "attach"}
    for key in ("id", "issuer", "doc_type", "title", "body", "status", "number", "symbol"):
        assert key in doc
    for key in ("issued_at", "signer", "recipients", "version", "available_actions"):
        assert key in doc
    assert Document.objects.get(pk=doc["id"]).drafter.username == "soanthao"


@pytest.mark.parametrize(
    "given, expected",
    [
        ("TM.", ("TM", "")),
        ("TM", ("TM", "")),
        ("kt.", ("KT", "")),
        ("TM. BAN THƯỜNG TRỰC", ("TM", "BAN THƯỜNG TRỰC")),
        ("", ("", "")),
        (None, ("", "")),
        ({"prefix": "TUQ"}, ("TUQ", "")),
    ],
)
def test_signing_authority_as_string_or_object(api, given, expected):
    response = _create(api.as_("soanthao"), signing_authority=given)
    assert response.status_code == 201, response.content
    got = response.json()["signing_authority"]
    assert (got["prefix"], got["collective_name"]) == expected


def test_bad_drafts_give_field_errors(api):
    client = api.as_("soanthao")
    response = _create(
        client,
        title="   ",
        recipients=[{"organization": "khong-co", "purpose": "execute"}],
        signing_authority="XYZ",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]
    assert set(body["errors"]) >= {"title", "recipients", "authority_prefix"}
    shape = _create(client, recipients=[{"organization": "bacson", "purpose": "sai"}])
    assert shape.status_code == 400
    assert "recipients.0.purpose" in shape.json()["errors"]
    assert all(isinstance(m, str) for msgs in shape.json()["errors"].values() for m in msgs)
    not_json = client.post("/api/v1/documents/", "{oops", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json()["code"] == "parse_error"


def test_only_a_drafter_of_the_issuer_creates(api):
    response = _create(api.as_("vanthu"))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    unknown = _create(api.as_("soanthao"), issuer="khong-co")
    assert unknown.status_code == 400 and "issuer" in unknown.json()["errors"]


def test_filters_and_accent_free_search(api, world):
    # Its body must not say "kế hoạch" either: the body is searched too.
    other = new_draft(
        title="Báo cáo kết quả công tác Mặt trận quý II", doc_type="BC", body="Nội dung báo cáo."
    )
    advance(other, "in_review")
    client = api.as_("truongban")
    plan = world.seed_plan()

    def ids(**params):
        data = client.get("/api/v1/documents/", params).json()
        return {d["id"] for d in data["results"]}

    assert {plan.pk, other.pk} <= ids()
    assert ids(q="ke hoach") == {plan.pk}
    assert ids(q="KẾ HOẠCH") == {plan.pk}
    assert ids(q="bao cao mat tran") >= {other.pk}  # the seed plan's body says both too
    assert ids(q="dang") >= {plan.pk}
    assert ids(q="khong co dau nao") == set()
    assert ids(status="in_review") == {other.pk}
    assert ids(doc_type="BC") == {other.pk}
    assert ids(issuer="mttq-samson") == {plan.pk, other.pk}
    assert ids(issuer="bacson") == set()
    assert ids(status="draft", q="tuyen truyen") == {plan.pk}


def test_search_finds_the_symbol(api, world, django_capture_on_commit_callbacks):
    doc = advance(new_draft(title="Giấy mời dự hội nghị", doc_type="GM"), "issued")
    found = api.as_("vanthu").get("/api/v1/documents/", {"q": doc.symbol.lower()}).json()
    assert [d["id"] for d in found["results"]] == [doc.pk]


def test_unknown_ids_and_paths_are_404_in_the_error_shape(api):
    client = api.as_("soanthao")
    for path in (
        "/api/v1/documents/999999/",
        "/api/v1/documents/abc/",
        "/api/v1/receipts/999999/",
        "/api/v1/khong-co/",
        "/api/v1/documents/999999/submit/",
    ):
        response = client.get(path) if "submit" not in path else client.post(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert client.get("/api/v1/documents/", {"page": 99}).status_code == 404


def test_wrong_method_is_405(api, world):
    response = api.as_("soanthao").delete(f"/api/v1/documents/{world.seed_plan().pk}/")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_patch_edits_a_draft_and_409_after(api, world, django_capture_on_commit_callbacks):
    plan = world.seed_plan()
    client = api.as_("soanthao")
    url = f"/api/v1/documents/{plan.pk}/"
    response = client.patch(
        url,
        {"title": "Kế hoạch mới", "signing_authority": "KT.", "recipients": []},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Kế hoạch mới"
    assert response.json()["signing_authority"]["prefix"] == "KT"
    assert response.json()["recipients"] == []
    # A draft without recipients can go all the way but cannot be dispatched.
    advance(plan, "issued")
    late = client.patch(url, {"title": "Sửa muộn"}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "invalid_state"
    no_recipients = api.as_("vanthu").post(url + "dispatch/")
    assert no_recipients.status_code == 409 and no_recipients.json()["code"] == "no_recipients"


def test_attachment_url_is_named(world):
    assert reverse("api:document-attachment", kwargs={"pk": 1, "attachment_id": 2}) == (
        "/api/v1/documents/1/attachments/2/"
    )


def test_who_may_act_is_decided_before_the_body_is_checked(api, world):
    plan = world.seed_plan()
    url = f"/api/v1/documents/{plan.pk}/"
    # Visible but not the reviewer: 403 even with a malformed body.
    response = api.as_("kiemtra", login=False).post(url + "review/", {"decision": "?"})
    assert response.status_code == 403
    # Not visible at all: 404.
    assert api.as_("vt.bacson", login=False).patch(url, {"title": 5}).status_code == 404
    # The drafter in the right state with a malformed body: 400.
    bad = api.as_("soanthao", login=False).patch(url, {"recipients": "x"}, format="json")
    assert bad.status_code == 400 and "recipients" in str(bad.json()["errors"])


def test_a_recipient_nobody_can_receive_for_shows_its_delivery_problem(
    api, world, django_capture_on_commit_callbacks
):
    from orgchart.models import Organization
    from tests.support import advance, new_draft

    Organization.objects.create(code="hoi-moi", name="Hội mới thành lập", kind="member")
    recipients = [
        {"organization": "bacson", "purpose": "execute"},
        {"organization": "hoi-moi", "purpose": "inform"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        doc = advance(new_draft(recipients=recipients), "dispatched")
    rows = api.as_("vanthu").get(f"/api/v1/documents/{doc.pk}/receipts/").json()["results"]
    by_org = {row["organization"]: row for row in rows}
    assert by_org["bacson"]["delivery_problem"] == ""
    assert by_org["hoi-moi"]["status"] == "pending"
    assert by_org["hoi-moi"]["delivery_problem"]
