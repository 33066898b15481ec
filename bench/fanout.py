#!/usr/bin/env python
"""Fan-out: one document dispatched to 1,000 and to 10,000 recipients, delivered by real
Celery workers.

Prints, for each run: the time of the dispatch transaction and the number of queries in it
(which must not grow with the number of recipients: the receipts are one INSERT), the time
of the whole dispatch call including the enqueue on commit, and the time until every receipt
is delivered (status 01, with its audit event and its clerk's notification) by 1 and by 2
worker processes (``celery -A config worker --concurrency=1`` each) on Redis.

It needs PostgreSQL (the workers share the database with this process) and Redis. It never
touches real data: it creates a throwaway ``<name>_fanout_<pid>`` database beside the one
DATABASE_URL names (default postgres://postgres@127.0.0.1:5432/vanban), migrates it, loads
the demo plus 10,000 recipient organisations each with one clerk, and drops it at the end. The
broker is a Redis database index of its own (default redis://127.0.0.1:6379/12), emptied
first. See bench/README.md.

    python bench/fanout.py [--recipients 10000] [--small 1000] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import atexit
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast
from urllib.parse import quote

if TYPE_CHECKING:
    from django.db.backends.postgresql.base import DatabaseWrapper as PgDatabaseWrapper

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/vanban"
DEFAULT_BROKER = "redis://127.0.0.1:6379/12"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10000)
    parser.add_argument("--small", type=int, default=1000, help="the smaller dispatch compared")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait per run")
    return parser.parse_args(argv)


def setup_django(broker: str) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        os.environ["DATABASE_URL"] = DEFAULT_DATABASE
    # Set before the settings are read: this process publishes to the broker, not eagerly.
    os.environ["CELERY_BROKER_URL"] = broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The demo is loaded here, which only development mode allows (the workers run without).
    os.environ.setdefault("DEBUG", "True")
    # The demo signers sign with keys of their own: a key store of the run's own, read by the
    # workers too (they verify the signatures on arrival), never the developer's var/pki.
    keystore = tempfile.mkdtemp(prefix="fanout-pki-")
    atexit.register(shutil.rmtree, keystore, ignore_errors=True)
    os.environ["SIGNING_KEYSTORE_DIR"] = keystore
    import django
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    django.setup()


@contextmanager
def throwaway_database():
    from django.db import connection

    settings_dict = connection.settings_dict
    old_name = settings_dict["NAME"]
    settings_dict.setdefault("TEST", {})["NAME"] = f"{old_name}_fanout_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield connection.settings_dict["NAME"]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def make_recipients(count: int):
    """``count`` ward-level organisations with one clerk each, in a handful of queries."""
    from django.contrib.auth import get_user_model

    from orgchart.models import Membership, Organization, OrganizationKind, Position, RoleCode

    Organization.objects.bulk_create(
        Organization(
            code=f"bench-{i:04d}",
            name=f"Ban Thường trực Ủy ban MTTQ đơn vị {i}",
            kind=OrganizationKind.WARD,
        )
        for i in range(count)
    )
    orgs = list(Organization.objects.filter(code__startswith="bench-").order_by("code"))
    User = get_user_model()
    User.objects.bulk_create(User(username=f"vt.{o.code}", first_name="Văn thư") for o in orgs)
    users = {u.username: u for u in User.objects.filter(username__startswith="vt.bench-")}
    clerk = Position.objects.filter(roles__code=RoleCode.CLERK).order_by("pk").first()
    Membership.objects.bulk_create(
        Membership(user=users[f"vt.{o.code}"], organization=o, position=clerk) for o in orgs
    )
    return orgs


def issued(orgs, index: int):
    from documents import services
    from tests.support import advance

    document = services.create_draft(
        actor=_user("soanthao"),
        issuer="mttq-samson",
        doc_type="KH",
        title=f"Kế hoạch đo phát hành số {index}",
        body="Nội dung.",
        authority_prefix="TM",
        collective_name="BAN THƯỜNG TRỰC",
        signer_title="PHÓ CHỦ TỊCH",
        recipients=[{"organization": o.code, "purpose": "execute"} for o in orgs],
    )
    return advance(document, "issued")


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def dispatch_measured(document):
    """(transaction seconds, queries in the transaction, whole call seconds)."""
    from django.db import connection, transaction

    from documents import services

    count = [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    actor = _user("vanthu")
    started = time.perf_counter()
    # The enqueue runs when the outer block commits, after the transaction is measured.
    with transaction.atomic(), connection.execute_wrapper(counter):
        tx_started = time.perf_counter()
        services.dispatch(actor=actor, document=document)
        tx_seconds = time.perf_counter() - tx_started
    return tx_seconds, count[0], time.perf_counter() - started


class Workers:
    def __init__(self, n: int, broker: str, db_url: str):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": db_url,
            "CELERY_BROKER_URL": broker,
            "DEBUG": "False",
            # Production settings refuse to start without a key of their own and a host.
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "localhost",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING",
        }
        self.names = [f"bench-{os.getpid()}-{i}@%h" for i in range(n)]
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1",
                 "--pool=prefork", "--without-gossip", "--without-mingle", "--loglevel=WARNING",
                 "-n", name],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            for name in self.names
        ]  # fmt: skip

    def wait_ready(self, timeout: float = 60) -> None:
        from config.celery import app

        deadline = time.monotonic() + timeout
        while len(app.control.ping(timeout=0.5) or []) < len(self.procs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.procs):
                raise SystemExit("the workers did not start")

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


def run_one(document, n_workers: int, broker: str, timeout: float) -> dict:
    from documents.models import AuditEvent, Receipt
    from workflow.models import Notification

    workers = Workers(n_workers, broker, database_url())
    try:
        workers.wait_ready()
        tx_seconds, queries, call_seconds = dispatch_measured(document)
        started = time.perf_counter()
        pending = Receipt.objects.filter(document=document, status="pending")
        while pending.exists():
            if time.perf_counter() - started > timeout:
                raise SystemExit(f"{pending.count()} receipts still pending after {timeout}s")
            time.sleep(0.05)
        delivered_seconds = time.perf_counter() - started
    finally:
        workers.stop()
    total = Receipt.objects.filter(document=document).count()
    events = AuditEvent.objects.filter(receipt__document=document, action="deliver").count()
    notes = Notification.objects.filter(receipt__document=document, kind="delivered").count()
    if not total == events == notes:
        raise SystemExit(f"not exactly once: {total} receipts, {events} events, {notes} notes")
    return {
        "recipients": total,
        "workers": n_workers,
        "tx_ms": tx_seconds * 1000,
        "queries": queries,
        "call_ms": call_seconds * 1000,
        "delivered_s": delivered_seconds,
    }


def main(argv=None) -> None:
    args = parse_args(argv)
    broker = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER)
    setup_django(broker)
    import redis
    from django.conf import settings
    from django.db import connection

    from documents import demo
    from documents.signing.pki import init_demo_pki

    redis.Redis.from_url(broker).flushdb()
    with throwaway_database() as name:
        demo.load()
        init_demo_pki()
        orgs = make_recipients(args.recipients)
        settings.DEBUG = False  # production runs without per-query logging
        plan = [(size, w) for size in (args.small, args.recipients) for w in args.workers]
        rows = []
        for index, (size, n_workers) in enumerate(plan, start=1):
            rows.append(run_one(issued(orgs[:size], index), n_workers, broker, args.timeout))
        postgresql = cast("PgDatabaseWrapper", connection)  # setup_django insists on PostgreSQL
        print(
            f"Fan-out benchmark: PostgreSQL {postgresql.pg_version // 10000} ({name}), Redis "
            f"broker, Python {platform.python_version()}, {os.cpu_count()} CPUs "
            f"{platform.machine()}, chunks of 100 receipts per task"
        )
        print(
            "  recipients  workers  dispatch tx (ms)  queries in tx  dispatch call (ms)"
            "  all delivered (s)  receipts/s"
        )
        for r in rows:
            print(
                f"  {r['recipients']:>10}  {r['workers']:>7}  {r['tx_ms']:>16.1f}"
                f"  {r['queries']:>13}  {r['call_ms']:>18.1f}  {r['delivered_s']:>17.1f}"
                f"  {r['recipients'] / r['delivered_s']:>10.0f}"
            )
    redis.Redis.from_url(broker).flushdb()


if __name__ == "__main__":
    main()
