"""bench/pages.py answers every page it measures, and measures every list the API has: run
on the test database as both its small and its large data set, once per page."""

from __future__ import annotations

import importlib
import json
import os
import sys
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import connection
from drf_spectacular.generators import SchemaGenerator

from documents.models import DocumentStatus
from tests import support

pytestmark = pytest.mark.postgres

BENCH = django_settings.BASE_DIR / "bench"


def load_pages():
    # The bench's scripts set their environment on import; this process keeps its own.
    with mock.patch.dict(os.environ):
        if str(BENCH) not in sys.path:
            sys.path.insert(0, str(BENCH))
        return importlib.import_module("pages")


def schema_lists() -> set[str]:
    """Every GET of the schema that answers a list (an array, or a page holding one in
    ``results``) and is reached without path parameters or under one document."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = set()
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if not operation:
            continue
        body = (
            operation["responses"]
            .get("200", {})
            .get("content", {})
            .get("application/json", {})
            .get("schema", {})
        )
        if "$ref" in body:
            body = components[body["$ref"].rsplit("/", 1)[-1]]
            body = body.get("properties", {}).get("results", {})
        in_path = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        where = not in_path or (in_path == {"id"} and path.startswith("/api/v1/documents/{id}/"))
        if body.get("type") == "array" and where:
            found.add(path)
    return found


def test_every_page_answers_and_every_api_list_is_measured(world, settings, tmp_path, capsys):
    settings.DEBUG = False  # the bench turns it off; the fixture puts it back
    # The seed plan on its way: a history, tasks in Hộp việc, a register entry, receipts.
    support.advance(world.seed_plan(), DocumentStatus.DISPATCHED)
    pages = load_pages()
    name = connection.settings_dict["NAME"]
    out = tmp_path / "pages.json"

    status = pages.main(
        [
            "--small-db",
            name,
            "--large-db",
            name,
            "--repeat",
            "1",
            "--warmup",
            "0",
            "--json",
            str(out),
        ]
    )

    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["errors"] == []
    assert status == 0
    rows = figures["pages"]
    assert len(rows) == len(pages.all_pages())
    assert all(row["queries_small"] > 0 and row["queries_large"] > 0 for row in rows)
    expected = schema_lists()
    assert len(expected) >= 12
    assert expected <= {row["endpoint"] for row in rows}
    measured_by = {(row["page"].split(" ?")[0], row["persona"]) for row in rows}
    for persona in ("clerk", "signer", "ward clerk"):
        for tab in ("việc cần xử lý", "việc chờ nhận", "việc đã xử lý"):
            assert (f"Hộp việc: {tab}", persona) in measured_by
    assert ("Nhật ký", "auditor") in measured_by
    assert ("document page", "signer") in measured_by
    printed = capsys.readouterr().out
    assert all(path in printed for path in expected)
