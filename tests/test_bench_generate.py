"""bench/generate.py at a tiny scale (500 documents), into a database of its own: every
state of both lifecycles is there, the audit trail verifies, every document and copy waiting
on someone has its open task and no other, no row points at a missing one, and the app's
pages answer on the result for the city's clerk and a ward's clerk.

The checks run in a child process with DATABASE_URL naming the generated database (this
module run as a script), since the test's own connection belongs to the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

#: Every single-column foreign key of the tables the generator writes with its checks off.
FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname
FROM pg_constraint c
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = c.confkey[1]
WHERE c.contype = 'f' AND cardinality(c.conkey) = 1 AND c.conrelid::regclass::text = ANY(%s)
"""


def probe(document_id: int) -> dict:
    """What the test asserts, read from the generated database (run in the child)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from generate import TABLES

    from documents.lifecycle import DOCUMENT, RECEIPT
    from documents.models import Document, Receipt
    from orgchart.models import Membership, Organization
    from workflow.bookkeeping import HUMAN, OPEN, drifted

    found: dict = {
        "documents": sorted(set(Document.objects.values_list("status", flat=True))),
        "receipts": sorted(set(Receipt.objects.values_list("status", flat=True))),
        "drifted": [drifted(Document, 20), drifted(Receipt, 20)],
    }
    try:
        call_command("verify_audit", stdout=open(os.devnull, "w"))  # noqa: SIM115
        found["audit"] = "intact"
    except Exception as exc:
        found["audit"] = str(exc)
    waiting = sum(
        model.objects.filter(lifecycle.waiting_q(status)).count()
        for model, lifecycle in ((Document, DOCUMENT), (Receipt, RECEIPT))
        for status in lifecycle.task_states()
    )
    from viewflow.workflow.models import Task

    found["waiting"] = waiting
    found["open_tasks"] = Task.objects.filter(flow_task_type=HUMAN, status__in=OPEN).count()
    tables = [table for table, _columns in TABLES.values()]
    orphans = {}
    with connection.cursor() as cursor:
        cursor.execute(FOREIGN_KEYS, [tables])
        for table, column, target, key in cursor.fetchall():
            cursor.execute(
                f'SELECT count(*) FROM {table} t WHERE t."{column}" IS NOT NULL AND NOT EXISTS '  # nosec B608 - catalogue names
                f'(SELECT 1 FROM {target} r WHERE r."{key}" = t."{column}")'
            )
            orphans[f"{table}.{column}"] = cursor.fetchone()[0]
    found["orphans"] = {k: v for k, v in orphans.items() if v}
    found["foreign_keys"] = len(orphans)
    document = Document.objects.select_related("issuer").get(pk=document_id)
    found["long_history"] = [document.issuer.code, document.audit_events.count()]
    setup_test_environment()
    pages: dict[str, int] = {}
    User = django.contrib.auth.get_user_model()
    received = (
        Receipt.objects.filter(organization__code="bacson", status="acknowledged")
        .values_list("document_id", flat=True)
        .first()
    )
    for username, urls in (
        (
            "vanthu",
            [
                reverse("workflow:inbox"),
                reverse("outgoing:index"),
                reverse("outgoing:index") + "?q=ke+hoach",
                reverse("outgoing:detail", args=[document_id]),
                reverse("outgoing:register"),
                reverse("incoming:index"),
                "/api/v1/documents/",
                "/api/v1/receipts/",
                "/api/v1/inbox/",
            ],
        ),
        (
            "vt.bacson",
            [
                reverse("workflow:inbox"),
                reverse("incoming:index"),
                reverse("outgoing:detail", args=[received]),
                "/api/v1/receipts/",
                "/api/v1/inbox/",
            ],
        ),
    ):
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            pages[f"{username} {url}"] = client.get(url).status_code
    found["pages"] = pages
    found["ward_clerks"] = sorted(
        set(
            Membership.objects.filter(
                organization__kind__in=["ward", "commune"], position__roles__code="clerk"
            ).values_list("organization_id", flat=True)
        )
    )
    found["wards"] = sorted(
        Organization.objects.filter(kind__in=["ward", "commune"]).values_list("pk", flat=True)
    )
    return found


@pytest.mark.postgres
def test_a_generated_province_is_what_the_running_system_would_have_written(settings):
    from django.db import connection
    from province import database_url

    from documents.lifecycle import DocumentStatus, ReceiptStatus

    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    base = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    name = f"vanban_province_test_{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": base, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    generate = [sys.executable, str(ROOT / "bench" / "generate.py"), "--scale", "0.0005"]
    try:
        run = subprocess.run(
            [*generate, "--seed", "7", "--name", name, "--force"],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr[-3000:]
        written = json.loads((ROOT / "var" / "bench" / f"{name}.json").read_text())
        assert written["counts"]["documents_document"] == 501  # and the demo's draft
        # Not over somebody else's data, and never twice without being asked.
        again = subprocess.run(
            [*generate, "--name", name], env=env, capture_output=True, text=True, check=False
        )
        assert again.returncode != 0 and "exists already" in again.stderr
        env["DATABASE_URL"] = database_url(0.0005, base, name)
        checked = subprocess.run(
            [sys.executable, __file__, str(written["document_with_long_history"])],
            env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        assert checked.returncode == 0, checked.stderr[-3000:]
        found = json.loads(checked.stdout.splitlines()[-1])
    finally:
        subprocess.run(
            ["psql", database_url(0.0005, base, "postgres"), "-qc",
             f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
            check=False, capture_output=True,
        )  # fmt: skip
        (ROOT / "var" / "bench" / f"{name}.json").unlink(missing_ok=True)
    assert found["documents"] == sorted(DocumentStatus.values)
    assert found["receipts"] == sorted(ReceiptStatus.values)
    assert found["audit"] == "intact"
    assert found["drifted"] == [[], []]
    assert found["open_tasks"] == found["waiting"] > 0
    assert found["orphans"] == {} and found["foreign_keys"] > 20
    assert found["long_history"][0] == "mttq-samson" and found["long_history"][1] >= 20
    assert set(found["pages"].values()) == {200}, found["pages"]
    assert found["ward_clerks"] == found["wards"]


def test_refuses_sqlite_and_names_outside_the_prefix():
    generate = [sys.executable, str(ROOT / "bench" / "generate.py"), "--scale", "0.001"]
    env = {**os.environ, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}
    run = subprocess.run(generate, env=env, capture_output=True, text=True, check=False)
    assert run.returncode != 0 and "needs PostgreSQL" in run.stderr
    env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/vanban"
    run = subprocess.run(
        [*generate, "--name", "vanban"], env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode != 0 and "refusing 'vanban'" in run.stderr


def test_names_follow_the_number_of_documents():
    from province import database_name, database_url

    assert database_name(1.0) == "vanban_province_1m"
    assert database_name(0.001) == "vanban_province_1k"
    assert database_name(0.02) == "vanban_province_20k"
    assert database_name(0.0005) == "vanban_province_500"
    url = database_url(0.05, "postgres://u:p@db.example:6543/vanban?sslmode=require")
    assert url == "postgres://u:p@db.example:6543/vanban_province_50k?sslmode=require"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.stdout.write(json.dumps(probe(int(sys.argv[1]))) + "\n")
