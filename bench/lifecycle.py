#!/usr/bin/env python
"""Full document lifecycles through the services; prints documents/s, transitions/s and
queries per lifecycle.

Each lifecycle: soanthao drafts a plan for R recipients (the first R organisations of the
seed plan's Nơi nhận, with their purposes), truongban approves the content, vanthu the format,
pct.huy signs, vanthu registers and dispatches; delivery runs when the dispatch commits
(eager Celery, in this process); every recipient's clerk acknowledges, and every recipient
that must act has a handler assigned by its leader who completes it, which completes the
document.

It runs on the database DATABASE_URL configures (SQLite by default) but never on its data: it
creates a throwaway database beside it the way the test runner does (a temporary SQLite file,
or a ``<name>_bench_<pid>`` PostgreSQL database), migrates it, loads the demo, and drops it
at the end. See bench/README.md.

With ``--floor`` the same lifecycles then run again as hand-written SQL (bench/floor.py) that
writes the same domain rows without the flows, and the two are compared.

    python bench/lifecycle.py [--n 200] [--recipients 20] [--floor]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The benchmark loads the demo, which only development mode allows; DEBUG's query log is
# switched off again before anything is measured.
os.environ.setdefault("DEBUG", "True")

RECEIPT_INSERT = 'INSERT INTO "documents_receipt"'
DISPATCH = "dispatch (transaction)"
DELIVERY = "deliver (on commit)"

#: What every benchmark document is drafted with, through the services and in the floor.
DRAFT: dict[str, Any] = {
    "issuer": "mttq-samson",
    "doc_type": "KH",
    "body": "Nội dung kế hoạch.",
    "authority_prefix": "TM",
    "collective_name": "BAN THƯỜNG TRỰC",
    "signer_title": "PHÓ CHỦ TỊCH",
}


def organization_code(row) -> str:
    """The code of a demo recipient's (or receipt's) organisation: every one has one."""
    organization = row.organization
    if organization is None:
        raise ValueError(f"{row!r} names no organisation")
    return organization.code


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="lifecycles to run (default 200)")
    parser.add_argument(
        "--recipients", type=int, default=20, help="recipients per document (default 20, max 22)"
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="then run the same lifecycles as raw SQL (bench/floor.py) and compare",
    )
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if not 1 <= args.recipients <= 22:
        parser.error("--recipients must be between 1 and 22 (the demo's recipient organisations)")
    return args


class QueryMeter:
    """Counts every statement sent to the database and the time spent, per named step.

    Steps nest; a statement and the time are charged to the innermost open step, so the
    dispatch transaction and the delivery that runs when it commits are told apart.
    """

    def __init__(self) -> None:
        self.queries: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.receipt_inserts: Counter[str] = Counter()
        self._stack: list[str] = []
        self._mark = time.perf_counter()

    def __call__(self, execute, sql, params, many, context):
        if self._stack:  # outside a step: the benchmark's own reads, not counted
            step = self._stack[-1]
            self.queries[step] += 1
            if sql.startswith(RECEIPT_INSERT):
                self.receipt_inserts[step] += 1
        return execute(sql, params, many, context)

    def _charge(self) -> None:
        now = time.perf_counter()
        if self._stack:
            self.seconds[self._stack[-1]] += now - self._mark
        self._mark = now

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self._charge()
        self._stack.append(name)
        self.calls[name] += 1
        try:
            yield
        finally:
            self._charge()
            self._stack.pop()


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Create, migrate and finally drop a database of the configured engine, as the test
    runner does, so the developer's data is never touched."""
    from django.db import connection

    settings_dict = connection.settings_dict
    old_name = settings_dict["NAME"]
    tmpdir = None
    if connection.vendor == "sqlite":
        tmpdir = tempfile.mkdtemp(prefix="vanban-bench-")
        name = str(Path(tmpdir) / "bench.sqlite3")
    else:
        name = f"{old_name}_bench_{os.getpid()}"
    settings_dict.setdefault("TEST", {})["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield name
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)


def prepare(recipient_count: int):
    """Load the demo; return the recipients and everybody who acts, fetched once so that the
    figures count the services' queries, not the benchmark's look-ups of people."""
    from django.contrib.auth import get_user_model

    from documents import demo

    plan = demo.load()
    recipients = [
        {"organization": organization_code(r), "purpose": r.purpose}
        for r in plan.recipients.select_related("organization").order_by("order")[:recipient_count]
    ]
    codes = [r["organization"] for r in recipients]
    names = {"soanthao", "truongban", "vanthu", "pct.huy"}
    names |= {f"{prefix}.{code}" for code in codes for prefix in ("vt", "ld", "cb")}
    people = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    return recipients, people


def lifecycle(index: int, recipients: list[dict], people: dict, meter: QueryMeter) -> int:
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from documents import services
    from tests.support import OUTGOING_PATH

    with meter.step("create"):
        document = services.create_draft(
            actor=people["soanthao"],
            title=f"Kế hoạch đo hiệu năng số {index + 1}",
            recipients=recipients,
            **DRAFT,
        )
    for _state, username, action in OUTGOING_PATH:
        actor = people[username]
        if action == "review":
            with meter.step("review"):
                document = services.review(actor=actor, document=document, decision="approve")
        elif action == "sign":
            with meter.step("sign"):
                document = services.sign(actor=actor, document=document)
        elif action == "dispatch":
            # The dispatch transaction alone, then the delivery that runs when it commits.
            with meter.step(DELIVERY), transaction.atomic(), meter.step(DISPATCH):
                document = services.dispatch(actor=actor, document=document)
        else:
            with meter.step(action):
                document = getattr(services, action)(actor=actor, document=document)

    deadline = timezone.localdate() + datetime.timedelta(days=14)
    receipts = list(document.receipts.select_related("organization").order_by("pk"))
    for receipt in receipts:
        code = organization_code(receipt)
        with meter.step("acknowledge"):
            receipt = services.acknowledge(actor=people[f"vt.{code}"], receipt=receipt)
        if receipt.must_act:
            handler = people.get(f"cb.{code}") or people[f"ld.{code}"]
            with meter.step("assign"):
                receipt = services.assign(
                    actor=people[f"ld.{code}"], receipt=receipt, assignee=handler, deadline=deadline
                )
            with meter.step("complete"):
                services.complete(actor=handler, receipt=receipt, report="Đã xây dựng kế hoạch.")
    return document.pk


def run(n: int, recipient_count: int, *, floor: bool = False) -> None:
    import django
    from django.conf import settings

    # A throwaway demo: a fast hasher keeps the 60-odd demo people quick to create, and mail
    # (the demo people have no addresses anyway) goes nowhere instead of to the console.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    django.setup()

    from django.db import connection

    from config.celery import app

    # Delivery runs in this process when a dispatch commits, whatever broker is configured.
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True

    with throwaway_database() as name:
        recipients, people = prepare(recipient_count)
        # Production runs without DEBUG; its per-query logging is not what is measured.
        settings.DEBUG = False
        meter = QueryMeter()
        ids, elapsed, cpu = measure(n, lambda i: lifecycle(i, recipients, people, meter), meter)
        label = "service layer" if floor else ""
        service = report(label, n, recipients, ids, elapsed, cpu, meter, connection, name)
        if floor:
            run_floor(n, recipients, people, ids, service, connection, name)


def measure(n: int, one, meter: QueryMeter) -> tuple[list[int], float, float]:
    """Run ``one(index)`` n times with every statement counted; the ids, wall and CPU time."""
    from django.db import connection

    ids = []
    with connection.execute_wrapper(meter):
        started, cpu_started = time.perf_counter(), time.process_time()
        block = started
        every = max(1, n // 10)
        for index in range(n):
            ids.append(one(index))
            if (index + 1) % every == 0 and index + 1 < n:
                # Progress, and whether a lifecycle slows down as the tables grow.
                now = time.perf_counter()
                print(
                    f"  {index + 1:>6} done, last {every}: {every / (now - block):.2f} docs/s",
                    file=sys.stderr,
                    flush=True,
                )
                block = now
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    return ids, elapsed, cpu


def report(label, n, recipients, ids, elapsed, cpu, meter: QueryMeter, connection, name) -> dict:
    """Print the figures of one run (``label`` names it when two are compared); return them."""
    from django.db.models import F

    from documents.models import AuditEvent, Document, DocumentStatus

    completed = Document.objects.filter(pk__in=ids, status=DocumentStatus.COMPLETED).count()
    if completed != n:
        raise SystemExit(f"{label or 'lifecycle'}: only {completed} of {n} documents completed")
    # A transition is a state change recorded in the audit trail (documents and receipts).
    transitions = (
        AuditEvent.objects.filter(document_id__in=ids)
        .exclude(from_status="")
        .exclude(from_status=F("to_status"))
        .count()
    )
    total_queries = sum(meter.queries.values())
    dispatch = DISPATCH
    executing = sum(1 for r in recipients if r["purpose"] in ("execute", "coordinate"))
    cpus = os.cpu_count()
    print(
        f"Lifecycle benchmark{f' ({label})' if label else ''}: {n} documents × "
        f"{len(recipients)} recipients ({executing} must act), {connection.vendor} "
        f"{connection.Database.__name__} ({name})\n"
        f"Python {platform.python_version()}, {cpus} CPUs, {platform.machine()}"
    )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"  elapsed                   {elapsed:10.1f} s   (load average at the end: {load})")
    # The benchmark's own CPU time (Python, Django, the driver; not the PostgreSQL server's):
    # less sensitive than wall time to whatever else the machine is running.
    print(f"  CPU of this process       {cpu:10.1f} s   ({1000 * cpu / n:.0f} ms per lifecycle)")
    print(f"  documents/s               {n / elapsed:10.2f}")
    print(
        f"  transitions/s             {transitions / elapsed:10.1f}"
        f"  ({transitions / n:.0f} per lifecycle)"
    )
    print(f"  queries per lifecycle     {total_queries / n:10.1f}")
    print(
        f"  dispatch transaction      {meter.queries[dispatch] / n:10.1f} queries, "
        f"{meter.receipt_inserts[dispatch] / n:.0f} receipt INSERT for {len(recipients)} receipts"
    )
    per_receipt = meter.queries[DELIVERY] / n / len(recipients)
    if label:  # in the comparison only, so that the plain run prints what it always has
        print(f"  delivery per receipt      {per_receipt:10.1f} queries")
    print("\n  step                      calls/lifecycle  queries/call   ms/call")
    # In the order of the life; delivery (charged apart) comes after its dispatch.
    order = list(meter.calls)
    order.remove(dispatch)
    order.insert(order.index(DELIVERY), dispatch)
    for step in order:
        calls = meter.calls[step]
        print(
            f"  {step:<26}{calls / n:>15.0f}{meter.queries[step] / calls:>14.1f}"
            f"{1000 * meter.seconds[step] / calls:>10.2f}"
        )
    if meter.receipt_inserts[dispatch] != n:
        raise SystemExit(
            f"{label or 'lifecycle'}: dispatch did not create its receipts in one INSERT"
        )
    return {
        "elapsed": elapsed,
        "cpu": cpu,
        "documents/s": n / elapsed,
        "transitions/s": transitions / elapsed,
        "transitions": transitions / n,
        "statements": total_queries / n,
        "delivery per receipt": per_receipt,
        "meter": meter,
    }


def run_floor(n, recipients, people, service_ids, service: dict, connection, name) -> None:
    """The same lifecycles in hand-written SQL; proven valid, then compared to the services."""
    import floor as sql

    from documents import audit

    meter = QueryMeter()
    floor = sql.Floor(DRAFT, recipients, people, meter, steps=(DISPATCH, DELIVERY))
    print()
    ids, elapsed, cpu = measure(n, floor.lifecycle, meter)
    figures = report("floor: raw SQL", n, recipients, ids, elapsed, cpu, meter, connection, name)

    # Proof that the floor wrote valid rows, and the service layer's rows.
    breaks = list(audit.verify())
    if breaks:
        raise SystemExit("audit trail broken: " + "; ".join(str(b) for b in breaks[:5]))
    acting = sum(1 for r in recipients if r["purpose"] in ("execute", "coordinate"))
    per_lifecycle = 7 + 2 * len(recipients) + 2 * acting
    if floor.transactions != n * per_lifecycle:
        raise SystemExit(f"floor: {floor.transactions / n:.1f} transactions per lifecycle")
    expected = sql.shape(service_ids[0])
    different = [pk for pk in ids if sql.shape(pk) != expected]
    if different:
        raise SystemExit(f"floor documents {different[:5]} differ from the service layer's rows")
    print(
        f"\nProof: audit.verify() finds no break; all {n} floor documents completed, "
        f"{per_lifecycle} transactions each, rows like the service layer's "
        f"({len(ids)} compared)."
    )
    compare(n, len(recipients), service, figures)


def compare(n: int, recipients: int, service: dict, floor: dict) -> None:
    print(f"\nService layer against the floor ({n} lifecycles each, {recipients} recipients)")
    print(f"  {'':<30}{'service layer':>14}{'floor':>10}")
    rows = [
        ("elapsed (s)", "elapsed", ".1f"),
        ("CPU of this process (s)", "cpu", ".1f"),
        ("documents/s", "documents/s", ".2f"),
        ("transitions/s", "transitions/s", ".1f"),
        ("statements per lifecycle", "statements", ".1f"),
        ("delivery statements per receipt", "delivery per receipt", ".1f"),
    ]
    for title, key, fmt in rows:
        print(f"  {title:<30}{service[key]:>14{fmt}}{floor[key]:>10{fmt}}")
    share = 100 * service["documents/s"] / floor["documents/s"]
    times = service["statements"] / floor["statements"]
    print(f"  service throughput as % of the floor's        {share:8.1f} %")
    print(f"  service statements ÷ floor statements         {times:8.1f}")
    print(f"  delivery statements per receipt (service)     {service['delivery per receipt']:8.1f}")
    print(f"\n  {'step':<26}{'statements per call':>22}{'ms per call':>20}")
    print(f"  {'':<26}{'service':>12}{'floor':>10}{'service':>12}{'floor':>8}")
    smeter, fmeter = service["meter"], floor["meter"]
    order = list(smeter.calls)
    order.remove(DISPATCH)
    order.insert(order.index(DELIVERY), DISPATCH)
    for step in order:
        s_calls, f_calls = smeter.calls[step], fmeter.calls[step] or 1
        print(
            f"  {step:<26}{smeter.queries[step] / s_calls:>12.1f}"
            f"{fmeter.queries[step] / f_calls:>10.1f}"
            f"{1000 * smeter.seconds[step] / s_calls:>12.2f}"
            f"{1000 * fmeter.seconds[step] / f_calls:>8.2f}"
        )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    run(args.n, args.recipients, floor=args.floor)


if __name__ == "__main__":
    main()
