"""Bad input answers 400 with field errors, never 500, and writes nothing (design §15.3): JSON
nested too deep or not JSON at all, wrong types, strings longer than their column, NUL bytes.

The length cases matter most on PostgreSQL, where an over-long value reaching the database is a
500; the same tests run on SQLite, which would store it, so they also prove that the check
happens before the database."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from documents.models import Attachment, AuditEvent, Document, Receipt, Recipient
from tests.support import advance, new_draft, receipt_for

pytestmark = pytest.mark.django_db

DEEP = 1000


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Document, AuditEvent, Attachment, Recipient, Receipt)
    }


@pytest.fixture
def nothing_written(api):
    """Asserts, after the test, that no row of the documents' tables was added or removed.
    The people's clients sign in first: a sign-in is audited, a refused request is not."""
    api.as_("soanthao")
    api.as_("vt.bacson")
    before = _counts()
    yield
    assert _counts() == before


def _draft(**overrides) -> dict:
    body = {
        "issuer": "mttq-samson",
        "doc_type": "KH",
        "title": "Kế hoạch thử dữ liệu xấu",
        "recipients": [{"organization": "bacson", "purpose": "execute"}],
    }
    body.update(overrides)
    return body


def _post_json(client, path: str, raw: str | bytes):
    return client.post(path, raw, content_type="application/json")


def _assert_invalid(response, *fields: str) -> dict:
    assert response.status_code == 400, response.content[:500]
    body = response.json()
    assert body["detail"] and body["code"] in {"invalid", "parse_error"}
    assert isinstance(body["errors"], dict) and body["errors"]
    for field in fields:
        assert any(k == field or k.startswith(field + ".") for k in body["errors"]), body["errors"]
    return body


# ---------------------------------------------------------------------------------------------
# JSON: depth, syntax, encoding, size


def test_json_nested_a_thousand_deep_on_the_anonymous_token_endpoint(api, nothing_written):
    response = _post_json(api.anonymous(), "/api/v1/auth/token/", _deep(DEEP))
    body = _assert_invalid(response)
    assert body["code"] == "invalid"


def test_json_nested_a_thousand_deep_inside_an_object_on_document_create(api, nothing_written):
    raw = json.dumps(_draft(title="x"))[:-1] + ', "body": ' + '{"a": ' * DEEP + "1" + "}" * DEEP
    response = _post_json(api.as_("soanthao"), "/api/v1/documents/", raw + "}")
    assert _assert_invalid(response)["code"] == "invalid"


def test_depth_fifty_is_allowed_and_fifty_one_is_not(api):
    client = api.as_("soanthao")
    # Depth counts every open bracket: the body object is level 1.
    ok = _post_json(
        client, "/api/v1/documents/", json.dumps(_draft())[:-1] + ', "x": ' + _deep(49) + "}"
    )
    assert ok.status_code == 201, ok.content
    too_deep = _post_json(
        client, "/api/v1/documents/", json.dumps(_draft())[:-1] + ', "x": ' + _deep(50) + "}"
    )
    assert _assert_invalid(too_deep)["code"] == "invalid"


def test_brackets_inside_strings_do_not_count(api):
    title = "Kế hoạch " + "[{" * 200 + ' \\" ' + "]}" * 200
    response = _post_json(
        api.as_("soanthao"), "/api/v1/documents/", json.dumps(_draft(title=title[:480]))
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    "raw",
    [
        b"{oops",
        b'{"username": "vanthu", "password": ',
        b'{"username": "\xff\xfe", "password": "x"}',  # not UTF-8
        b'{"username": "vanthu", "password": NaN}',
        b'{"username": 1' + b"1" * 5000 + b"}",  # an integer beyond Python's digit limit
        b'"' + b"[" * 60,  # an unterminated string full of brackets
    ],
)
def test_malformed_json_is_400_with_errors(api, raw, nothing_written):
    response = _post_json(api.anonymous(), "/api/v1/auth/token/", raw)
    _assert_invalid(response, "non_field_errors")


def test_a_body_beyond_the_upload_limit_is_413(api):
    client = api.as_("soanthao")
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000):
        before = _counts()
        big = json.dumps(_draft(body="x" * 20_000))
        response = _post_json(client, "/api/v1/documents/", big)
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
        assert _counts() == before
        small = _post_json(api.as_("soanthao"), "/api/v1/documents/", json.dumps(_draft()))
        assert small.status_code == 201


def test_a_form_body_beyond_the_limit_is_413_not_500(api, nothing_written):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000):
        response = api.anonymous().post(
            "/api/v1/auth/token/",
            "username=vanthu&password=" + "x" * 5_000,
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_a_multipart_field_beyond_the_limit_is_413_not_500(api, world, nothing_written):
    plan = world.seed_plan()
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1_000):
        response = api.as_("soanthao").post(
            f"/api/v1/documents/{plan.pk}/submit/", {"comment": "x" * 5_000}, format="multipart"
        )
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_too_many_form_fields_is_400_not_500(api, nothing_written):
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10):
        response = api.anonymous().post(
            "/api/v1/auth/token/",
            "&".join(f"f{i}=1" for i in range(50)),
            content_type="application/x-www-form-urlencoded",
        )
    _assert_invalid(response)


# ---------------------------------------------------------------------------------------------
# Types


@pytest.mark.parametrize(
    "value",
    [5, 1.5, True, ["TM"], {"prefix": 5}, {"collective_name": ["BAN"]}, {"signer": {"a": 1}}],
)
def test_signing_authority_of_the_wrong_type(api, value, nothing_written):
    response = api.as_("soanthao").post(
        "/api/v1/documents/", _draft(signing_authority=value), format="json"
    )
    _assert_invalid(response, "signing_authority")


def test_signing_authority_of_the_wrong_type_on_edit(api, world, nothing_written):
    plan = world.seed_plan()
    response = api.as_("soanthao").patch(
        f"/api/v1/documents/{plan.pk}/", {"signing_authority": {"prefix": 5}}, format="json"
    )
    _assert_invalid(response, "signing_authority")


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", {"a": 1}),
        ("title", ["a"]),
        ("issuer", ["mttq-samson"]),
        ("recipients", "bacson"),
        ("recipients", [5]),
        ("recipients", [{"organization": ["bacson"], "purpose": "execute"}]),
        ("references", ["x"]),
        ("references", [10**30]),
        ("luu", {"x": 1}),
        ("signer", ["pct.huy"]),
    ],
)
def test_wrong_types_in_a_draft(api, field, value, nothing_written):
    response = api.as_("soanthao").post(
        "/api/v1/documents/", _draft(**{field: value}), format="json"
    )
    body = _assert_invalid(response)
    assert any(key.split(".")[0] == field for key in body["errors"]), body["errors"]


def test_a_body_that_is_not_an_object(api, nothing_written):
    for raw in ("[]", '"text"', "5", "null"):
        response = _post_json(api.as_("soanthao"), "/api/v1/documents/", raw)
        _assert_invalid(response)


# ---------------------------------------------------------------------------------------------
# Lengths: every string the API writes is checked against its column before the database


def _max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"collective_name": "B" * (_max(Document, "collective_name") + 1)}, "collective_name"),
        ({"signer_title": "C" * (_max(Document, "signer_title") + 1)}, "signer_title"),
        ({"luu": "L" * (_max(Document, "luu") + 1)}, "luu"),
        ({"title": "T" * (_max(Document, "title") + 1)}, "title"),
        (
            {
                "signing_authority": {
                    "collective_name": "B" * (_max(Document, "collective_name") + 1)
                }
            },
            "signing_authority.collective_name",
        ),
        (
            {"signing_authority": {"signer_title": "C" * (_max(Document, "signer_title") + 1)}},
            "signing_authority.signer_title",
        ),
        (
            {"signing_authority": "TM. " + "B" * (_max(Document, "collective_name") + 1)},
            "signing_authority.collective_name",
        ),
        (
            {"recipients": [{"name": "N" * (_max(Recipient, "name") + 1), "purpose": "inform"}]},
            "recipients.0.name",
        ),
        (
            {
                "recipients": [
                    {
                        "name": "Sở",
                        "email": "a" * (_max(Recipient, "email") + 1),
                        "purpose": "inform",
                    }
                ]
            },
            "recipients.0.email",
        ),
    ],
)
def test_over_long_strings_on_create(api, overrides, field, nothing_written):
    response = api.as_("soanthao").post("/api/v1/documents/", _draft(**overrides), format="json")
    _assert_invalid(response, field)


@pytest.mark.parametrize("field", ["collective_name", "signer_title", "luu", "title"])
def test_over_long_strings_on_edit(api, world, field, nothing_written):
    plan = world.seed_plan()
    before = Document.objects.values(field).get(pk=plan.pk)
    response = api.as_("soanthao").patch(
        f"/api/v1/documents/{plan.pk}/",
        {field: "X" * (_max(Document, field) + 1)},
        format="json",
    )
    _assert_invalid(response, field)
    assert Document.objects.values(field).get(pk=plan.pk) == before


def test_strings_at_their_column_length_are_stored(api):
    response = api.as_("soanthao").post(
        "/api/v1/documents/",
        _draft(
            collective_name="B" * _max(Document, "collective_name"),
            signer_title="C" * _max(Document, "signer_title"),
            luu="L" * _max(Document, "luu"),
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    assert len(document.collective_name) == _max(Document, "collective_name")
    assert len(document.luu) == _max(Document, "luu")


def test_over_long_names_on_actions_are_400(api, world, nothing_written):
    plan = world.seed_plan()
    client = api.as_("soanthao")
    long_name = "u" * 10_000
    for path, body in [
        (f"/api/v1/documents/{plan.pk}/shares/", {"person": long_name, "purpose": "comment"}),
        ("/api/v1/auth/token/", {"username": long_name, "password": "x"}),
    ]:
        response = client.post(path, body, format="json")
        assert response.status_code == 400, (path, response.content[:300])


def test_an_over_long_upload_name_is_kept_to_its_column(api, world):
    plan = world.seed_plan()
    name = "a" * (_max(Attachment, "original_name") + 10) + ".pdf"
    upload = SimpleUploadedFile(name, b"%PDF-1.7\n%%EOF\n")
    upload.name = name  # as a client may send it; Django's own parser shortens it too
    response = api.as_("soanthao").post(
        f"/api/v1/documents/{plan.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    stored = Attachment.objects.get(pk=response.json()["id"]).original_name
    assert len(stored) <= _max(Attachment, "original_name") and stored.endswith(".pdf")


@pytest.mark.postgres
def test_over_long_strings_never_reach_postgresql(api, nothing_written):
    """On PostgreSQL a value longer than its varchar is a DataError (a 500) if it gets there."""
    for field in ("collective_name", "signer_title", "luu"):
        response = api.as_("soanthao").post(
            "/api/v1/documents/", _draft(**{field: "Ư" * 1_000}), format="json"
        )
        _assert_invalid(response, field)


# ---------------------------------------------------------------------------------------------
# NUL bytes


@pytest.mark.parametrize(
    "param", ["q", "status", "doc_type", "issuer", "page", "page_size", "ordering"]
)
def test_nul_in_a_query_parameter_of_the_documents_list(api, param):
    response = api.as_("soanthao").get("/api/v1/documents/", {param: "ke\x00hoach"})
    _assert_invalid(response, param)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/receipts/", "/api/v1/inbox/", "/api/v1/organizations/", "/api/v1/me/"],
)
def test_nul_in_a_query_parameter_of_other_endpoints(api, path):
    response = api.as_("vt.bacson").get(path, {"status": "\x00"})
    _assert_invalid(response, "status")


def test_nul_in_a_parameter_name(api):
    response = api.as_("soanthao").get("/api/v1/documents/?st%00atus=draft")
    _assert_invalid(response)


def test_nul_in_the_query_string_raw(api):
    response = api.as_("soanthao").get("/api/v1/documents/?q=%00")
    _assert_invalid(response, "q")


def test_nul_before_authentication_is_400_for_anyone(api):
    response = api.anonymous().get("/api/v1/documents/?status=%00")
    _assert_invalid(response, "status")


def test_too_many_query_parameters_is_400_in_the_api_shape(api):
    with override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10):
        response = api.as_("soanthao").get(
            "/api/v1/documents/?" + "&".join(f"p{i}=1" for i in range(50))
        )
    _assert_invalid(response, "non_field_errors")


def test_nul_in_a_header_is_400(api):
    client = api.anonymous()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token abc\x00def")
    _assert_invalid(response)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": "Kế\x00hoạch"}, "title"),
        ({"body": "nội\x00dung"}, "body"),
        ({"issuer": "mttq\x00samson"}, "issuer"),
        ({"luu": "VT\x00"}, "luu"),
        ({"signing_authority": "TM. BAN\x00"}, "signing_authority"),
        ({"signing_authority": {"signer": "pct\x00huy"}}, "signing_authority"),
        (
            {"recipients": [{"organization": "bac\x00son", "purpose": "execute"}]},
            "recipients.0.organization",
        ),
        ({"recipients": [{"name": "Sở\x00", "purpose": "inform"}]}, "recipients.0.name"),
    ],
)
def test_nul_in_a_json_body_string(api, overrides, field, nothing_written):
    response = api.as_("soanthao").post("/api/v1/documents/", _draft(**overrides), format="json")
    body = _assert_invalid(response)
    assert any(key.startswith(field) for key in body["errors"]), body["errors"]


def test_nul_in_a_json_key_is_400(api, nothing_written):
    raw = json.dumps(_draft())[:-1] + ', "ti\\u0000tle": "x"}'
    response = _post_json(api.as_("soanthao"), "/api/v1/documents/", raw)
    _assert_invalid(response)


def test_nul_in_action_bodies(api, world, nothing_written):
    plan = world.seed_plan()
    client = api.as_("soanthao")
    for path, body in [
        ("/api/v1/auth/token/", {"username": "soan\x00thao", "password": "demo12345"}),
        ("/api/v1/auth/token/", {"username": "soanthao", "password": "demo\x00"}),
        (f"/api/v1/documents/{plan.pk}/submit/", {"comment": "\x00"}),
        (f"/api/v1/documents/{plan.pk}/withdraw/", {"reason": "a\x00"}),
        (f"/api/v1/documents/{plan.pk}/shares/", {"person": "ld\x00bacson", "purpose": "comment"}),
    ]:
        response = client.post(path, body, format="json")
        assert response.status_code == 400, (path, response.content[:300])
        assert response.json()["errors"], path


def test_nul_in_a_multipart_field_is_400(api, world, nothing_written):
    plan = world.seed_plan()
    response = api.as_("soanthao").post(
        f"/api/v1/documents/{plan.pk}/submit/", {"comment": "a\x00b"}, format="multipart"
    )
    _assert_invalid(response, "comment")


def test_nul_in_a_multipart_file_name_is_stored_without_it(api, world):
    plan = world.seed_plan()
    upload = SimpleUploadedFile("ke\x00hoach.pdf", b"%PDF-1.7\n%%EOF\n")
    response = api.as_("soanthao").post(
        f"/api/v1/documents/{plan.pk}/attachments/", {"file": upload}, format="multipart"
    )
    assert response.status_code in {201, 400}, response.content
    assert all("\x00" not in a.original_name for a in Attachment.objects.all())


def test_nul_on_receipt_actions(api, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = advance(new_draft(), "dispatched")
    receipt = receipt_for(document, "bacson")
    before = _counts()
    client = api.as_("vt.bacson", login=False)
    response = client.post(
        f"/api/v1/receipts/{receipt.pk}/refuse/", {"reason": "x\x00"}, format="json"
    )
    _assert_invalid(response, "reason")
    assert _counts() == before


def test_the_refusals_speak_english_when_asked(api):
    from django.utils import translation

    translation.activate("vi")
    client = api.anonymous()
    nul = client.get("/api/v1/documents/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert nul.json()["errors"] == {"q": ["NUL characters are not allowed."]}
    translation.activate("vi")
    deep = client.post(
        "/api/v1/auth/token/",
        _deep(DEEP),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert deep.json()["errors"]["non_field_errors"] == [
        "The data is nested more than 50 levels deep."
    ]
