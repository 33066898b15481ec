"""The OpenAPI document describes the API as it behaves: generated requests against every
operation, as a logged-in person, never get a 500 and every answer matches the schema."""

from __future__ import annotations

import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from tests.api.conftest import token_of

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_in_test_transaction():
    """A WSGI server would close the connection at the end of each request, and with it the
    test's transaction; Django's own test client avoids that the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, wsgi_in_test_transaction):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_in_test_transaction)


@pytest.fixture
def token(world):
    return token_of("soanthao")


#: Every operation of the API, the delivery side's (workflow's notifications and overdue
#: list) with the documents'.
OURS = re.compile(r"^/api/v1/")


def test_every_operation_conforms(api_schema, token):
    """Positive and negative generated requests, a bounded number per operation; fails with
    the list of operations that misbehaved and how."""
    headers = {"Authorization": f"Token {token}"}
    failures: dict[str, str] = {}
    tested = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if not OURS.match(operation.path):
            continue
        tested += 1
        # Signing out ends the token it is sent with: that operation gets a token of its own
        # (its later examples then meet the documented 401).
        signs_out = "logout" in operation.path
        headers["Authorization"] = f"Token {token_of('soanthao') if signs_out else token}"
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=10,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # Nothing to negate: the operation takes no parameters or body.
                assert mode == GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # collected and reported below
                failures[f"{operation.label} ({mode.value})"] = str(exc)[:1500]
    assert tested >= 36
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


def test_schema_and_docs_are_served_without_a_cdn(api):
    client = api.anonymous()
    document = client.get("/api/schema/?format=json")
    assert document.status_code == 200
    spec = document.json()
    paths = spec["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/organizations/",
        "/api/v1/documents/",
        "/api/v1/documents/{id}/",
        "/api/v1/documents/{id}/submit/",
        "/api/v1/documents/{id}/review/",
        "/api/v1/documents/{id}/sign/",
        "/api/v1/documents/{id}/register/",
        "/api/v1/documents/{id}/dispatch/",
        "/api/v1/documents/{id}/recall/",
        "/api/v1/documents/{id}/withdraw/",
        "/api/v1/documents/{id}/receipts/",
        "/api/v1/documents/{id}/audit/",
        "/api/v1/documents/{id}/pdf/",
        "/api/v1/documents/{id}/attachments/",
        "/api/v1/receipts/",
        "/api/v1/receipts/{id}/",
        "/api/v1/receipts/{id}/acknowledge/",
        "/api/v1/receipts/{id}/refuse/",
        "/api/v1/receipts/{id}/assign/",
        "/api/v1/receipts/{id}/complete/",
        "/api/v1/inbox/",
    ):
        assert path in paths, path
    submit = paths["/api/v1/documents/{id}/submit/"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "409"} <= set(submit)
    upload = paths["/api/v1/documents/{id}/attachments/"]["post"]["responses"]
    assert {"201", "413", "415"} <= set(upload)
    assert "signing_authority" in spec["info"]["description"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html
    for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs", "googleapis"):
        assert cdn not in html


@pytest.fixture
def spec(api):
    response = api.anonymous().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _operations(spec):
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_schema_is_valid_openapi_3(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_path_parameters_are_those_of_the_path_and_collections_have_none(spec):
    """A generator drops an operation whose path parameters do not match its path."""
    mismatched = {}
    for path, method, operation in _operations(spec):
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        if declared != set(re.findall(r"{(\w+)}", path)):
            mismatched[f"{method.upper()} {path}"] = sorted(declared)
    assert not mismatched
    collections = [p for p in spec["paths"] if "{" not in p]
    assert {"/api/v1/documents/", "/api/v1/receipts/", "/api/v1/inbox/"} <= set(collections)
    for path in collections:
        for method, operation in spec["paths"][path].items():
            assert not [p for p in operation.get("parameters", []) if p["in"] == "path"], (
                method,
                path,
            )
    ids = spec["paths"]["/api/v1/documents/{id}/submit/"]["post"]["parameters"]
    assert [p["schema"] for p in ids if p["name"] == "id"] == [{"type": "integer"}]


def test_every_response_declares_its_content_type(spec):
    undeclared = []
    for path, method, operation in _operations(spec):
        for status, response in operation["responses"].items():
            content = response.get("content")
            if status == "204":
                assert not content, (method, path)
            elif not content or not all("schema" in m for m in content.values()):
                undeclared.append(f"{method.upper()} {path} {status}")
    assert not undeclared
    pdf = spec["paths"]["/api/v1/documents/{id}/pdf/"]["get"]["responses"]
    assert pdf["200"]["content"] == {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
    }
    assert set(pdf["404"]["content"]) == {"application/json"}
    # A JSON body is described once, as JSON; an upload as multipart.
    create = spec["paths"]["/api/v1/documents/"]["post"]["requestBody"]["content"]
    assert set(create) == {"application/json"}
    upload = spec["paths"]["/api/v1/documents/{id}/attachments/"]["post"]["requestBody"]
    assert set(upload["content"]) == {"multipart/form-data"}


def test_operation_ids_are_stable_readable_and_the_names_ascii(spec):
    ids = [operation["operationId"] for _, _, operation in _operations(spec)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)+", i) for i in ids), ids
    assert {
        "auth_token",
        "documents_list",
        "documents_create",
        "documents_retrieve",
        "documents_submit",
        "documents_review",
        "documents_sign",
        "documents_register",
        "documents_dispatch",
        "documents_recall",
        "documents_pdf_retrieve",
        "documents_attachments_create",
        "documents_attachments",
        "documents_attachment_download",
        "receipts_list",
        "receipts_acknowledge",
        "notifications_read",
        "overdue_list",
    } <= set(ids)
    assert spec["info"]["title"].isascii()
    assert spec["info"]["description"].lstrip().startswith("Văn bản MTTQ")
