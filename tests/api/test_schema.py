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


#: The operations of this API (other apps mount theirs under /api/v1/ too).
OURS = re.compile(r"^/api/v1/(auth|me|organizations|documents|receipts|inbox)/")


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
    assert tested >= 25
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
