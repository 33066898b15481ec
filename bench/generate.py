#!/usr/bin/env python
"""Generate a province: five years of documents of a whole province's MTTQ system.

    python bench/generate.py --scale 1.0 [--seed 1] [--force] [--until 2026-12-01]

Creates its own PostgreSQL database beside the one ``DATABASE_URL`` names
(``vanban_province_1m`` at scale 1.0, see bench/province.py), migrates it, loads the demo and
bulk-adds the province with COPY: its organisations and people, the documents in every state
of the lifecycle with their copies, versions, participants and handlers, the flows'
processes and tasks, and the audit trail with valid hash chains. Then ANALYZE, a summary,
and ``var/bench/<name>.json`` for bench/pages.py. See bench/README.md ("Province").
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import multiprocessing
import os
import random
import sys
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The demo, which the province is built around, loads only in development mode.
os.environ.setdefault("DEBUG", "True")

from province import (  # noqa: E402
    DOCUMENTS_AT_ONE,
    YEARS,
    Shape,
    database_name,
    database_url,
    is_province_name,
)

#: Every table the province pass writes: (database table, columns in row order).
TABLES: dict[str, tuple[str, str]] = {
    "document": ("documents_document", (
        "id, doc_type, title, body, urgency, secrecy, authority_prefix, collective_name, "
        "signer_title, luu, status, version, number, symbol, issued_at, created_at, updated_at, "
        "drafter_id, issuer_id, signer_id, book_id, search_text, open_receipts, can_cu, "
        "title_text"
    )),
    "recipient": ("documents_recipient",
                  'id, name, email, purpose, "order", document_id, organization_id'),
    "receipt": ("documents_receipt", (
        "id, purpose, urgency, status, incoming_number, delivered_at, received_at, deadline, "
        "report, reason, delivery_problem, sender_name, sender_symbol, sender_date, "
        "sender_title, sender_doc_type, created_at, updated_at, assignee_id, document_id, "
        "organization_id, recipient_id, book_id, signature_status, search_text, instruction, "
        "title_text, given_back_at"
    )),
    "version": ("documents_documentversion",
                "id, number, title, body, snapshot, created_at, created_by_id, document_id"),
    "participant": ("documents_document_participants", "id, document_id, user_id"),
    "handler": ("documents_receipthandler",
                "id, role, contribution, contributed_at, created_at, receipt_id, user_id"),
    "process": ("viewflow_process", (
        "id, flow_class, status, created, finished, artifact_content_type_id, "
        "artifact_object_id, data"
    )),
    "task": ("viewflow_task", (
        "id, flow_task, flow_task_type, status, created, finished, token, owner_permission, "
        "owner_id, process_id, owner_permission_content_type_id, owner_permission_obj_pk, "
        "assigned, data"
    )),
    "event": ("documents_auditevent", (
        'seq, chain, "position", at, action, from_status, to_status, comment, data, '
        "prev_hash, hash, actor_id, organization_id, document_id, receipt_id"
    )),
}  # fmt: skip
#: Id column of each table; "book" and the chart's tables are written outside the pass.
ID_OF = {"event": "seq"}
EXTRA = {
    "book": "documents_registerbook",
    "organization": "orgchart_organization",
    "user": "auth_user",
    "membership": "orgchart_membership",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, required=True, help="1.0: 1,000,000 documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace an existing province")
    parser.add_argument("--name", help="database name (must start with vanban_province_)")
    parser.add_argument(
        "--until", type=datetime.date.fromisoformat, help="the last day of the five years"
    )
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 10:
        parser.error("--scale must be above 0 and at most 10")
    args.name = args.name or database_name(args.scale)
    if not is_province_name(args.name):
        parser.error(f"refusing {args.name!r}: the province's database is vanban_province_*")
    return args


class Progress:
    """One line on stderr per phase, rewritten in place at most twice a second."""

    def __init__(self, phase: str, total: int) -> None:
        self.phase, self.total, self.start, self.shown = phase, max(total, 1), time.time(), 0.0

    def update(self, done: int, rows: int) -> None:
        now = time.time()
        if now - self.shown < 0.5 and done < self.total:
            return
        self.shown = now
        spent = now - self.start
        rate = rows / spent if spent else 0
        eta = (self.total - done) * spent / done if done else 0
        sys.stderr.write(
            f"\r{self.phase}: {done:,}/{self.total:,} ({100 * done // self.total}%) "
            f"{rows:,} rows, {rate:,.0f} rows/s, {eta:,.0f} s left   "
        )
        if done >= self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        sys.exit(
            "bench/generate.py needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite cannot "
            "hold a province, and the generator writes with PostgreSQL's COPY)."
        )
    return url


def create_database(base: str, name: str, force: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url(1, base, "postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not force:
            sys.exit(f"{name} exists already; --force replaces it")
        if exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(base: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(database_url(1, base, "postgres"), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def scalar(conn, query: str) -> Any:
    row = conn.execute(query).fetchone()
    if row is None:
        raise RuntimeError(f"no row: {query}")
    return row[0]


def max_ids(conn, tables: dict[str, str]) -> dict[str, int]:
    found = {}
    for key, table in tables.items():
        column = ID_OF.get(key, "id")
        found[key] = scalar(conn, f"SELECT COALESCE(MAX({column}), 0) FROM {table}")  # nosec B608
    return found


#: How COPY's text format is fed each column type: strings pass as they are (the server
#: parses a JSON document or a name from its text), the rest through psycopg's dumpers.
AS_TEXT = {"varchar", "text", "jsonb", "inet"}


def column_types(conn, table: str, columns: str) -> list[str]:
    found = dict(
        conn.execute(
            "SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = %s",
            [table],
        ).fetchall()
    )
    names = [c.strip().strip('"') for c in columns.split(",")]
    return ["text" if found[n] in AS_TEXT else found[n] for n in names]


def load_chart(url: str, shape: Shape, rng: random.Random, until: datetime.datetime) -> dict:
    """The organisations and people around the demo's, with COPY; returns what the pass needs
    to know of them."""
    import psycopg
    from django.contrib.auth.hashers import make_password
    from province_chart import build, organization_rows

    from orgchart.models import Organization, Position

    existing = [
        dict(o) for o in Organization.objects.values("id", "code", "name", "kind", "parent_id")
    ]
    positions = dict(Position.objects.values_list("name", "id"))
    with psycopg.connect(url) as conn:
        ids = max_ids(conn, EXTRA)
        chart = build(shape, existing, rng, ids["organization"] + 1)
        password = make_password("demo12345")  # one hash: every generated person signs in
        user_of = {pid: ids["user"] + n for n, (pid, *_r) in enumerate(chart.people, start=1)}
        with conn.cursor() as cur:
            with cur.copy(
                "COPY orgchart_organization (id, code, name, kind, symbol, header_lines, "
                'place_name, requires_format_check, email, "order", valid_from, valid_to, '
                "parent_id, successor_id, organ_id) FROM STDIN"
            ) as copy:
                for row in organization_rows(chart):
                    copy.write_row(row)
            with cur.copy(
                "COPY auth_user (id, password, is_superuser, username, first_name, last_name, "
                "email, is_staff, is_active, date_joined) FROM STDIN"
            ) as copy:
                for pid, username, given, family in chart.people:
                    copy.write_row(
                        (user_of[pid], password, False, username, given, family, "", False,
                         True, until)
                    )  # fmt: skip
            with cur.copy(
                "COPY orgchart_membership (id, user_id, organization_id, position_id) FROM STDIN"
            ) as copy:
                for n, (pid, org, position) in enumerate(chart.memberships, start=1):
                    copy.write_row((ids["membership"] + n, user_of[pid], org, positions[position]))
    return {"chart": chart, "rows": len(chart.people) * 2 + len(chart.orgs) - len(existing)}


def roster() -> tuple[dict, dict, dict]:
    """Organisation → role → people (by their posts' roles and their own extra roles), every
    username, and the signature block's title of each signer."""
    from django.contrib.auth import get_user_model

    from orgchart.models import Membership

    by_org: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    titles = {}
    rows = Membership.objects.values_list(
        "user_id", "organization_id", "position__name", "position__roles__code"
    ).order_by("organization_id", "pk")
    extra = Membership.objects.filter(extra_roles__isnull=False).values_list(
        "user_id", "organization_id", "extra_roles__code"
    )
    for user, org, position, role in rows:
        if role:
            by_org[org][role].append(user)
        if position in ("Chủ tịch", "Phó Chủ tịch"):
            titles[user] = position.upper()
    for user, org, role in extra:
        by_org[org][role].append(user)
    usernames = dict(get_user_model().objects.values_list("id", "username"))
    return by_org, usernames, titles


def write_chains(pipe, url: str, types: list[str], heads: dict, seq: int) -> None:
    """The audit chains' writer (a child process): batches of events from ``pipe`` until
    None, into one COPY; sends back the chains' heads and how many it wrote."""
    import psycopg
    from province_trail import Chains

    table, columns = TABLES["event"]
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        conn.execute("SET session_replication_role = replica")
        with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # nosec B608
            copy.set_types(types)
            chains = Chains(copy.write_row, heads, seq)
            while (batch := pipe.recv()) is not None:
                chains(batch)
    pipe.send((chains.heads, chains.count, time.process_time()))


def province_pass(args, url: str, shape: Shape, chart, until_us: int) -> dict[str, Any]:
    """Every document of the five years, in order of drafting, with everything it left."""
    import psycopg
    from django.contrib.contenttypes.models import ContentType
    from province_chart import DEMO_COMMITTEE, PROVINCE
    from province_rows import DAY, Province
    from province_trail import Trail

    from documents import lifecycle, searchtext
    from documents.models import AuditChain, Document, DocumentStatus, Receipt, RegisterBook

    # The same folding, remembered: bodies and titles repeat across the documents. The same
    # for a lifecycle's states, which ``Lifecycle.state`` builds a dict to find on every call.
    searchtext.fold = functools.lru_cache(maxsize=1 << 16)(searchtext.fold)
    find_state = lifecycle.Lifecycle.state
    found: dict[tuple[str, str], Any] = {}

    def cached_state(self, status: str):
        key = (self.name, status)
        if key not in found:
            found[key] = find_state(self, status)
        return found[key]

    setattr(lifecycle.Lifecycle, "state", cached_state)  # noqa: B010 - mypy refuses a method assignment
    rng = random.Random(args.seed)
    by_org, usernames, titles = roster()
    orgs = chart.orgs
    tiers: dict[str, list[int]] = {"committee": [], "ward": [], "member": []}
    for org in sorted(orgs.values(), key=lambda o: (o.code != DEMO_COMMITTEE, o.id)):
        if org.tier in tiers and by_org[org.id].get("drafter"):
            tiers[org.tier].append(org.id)
    children = {o.id: [c for c in o.children if by_org[c].get("clerk")] for o in orgs.values()}
    parents = {o.id: o.parent_id for o in orgs.values() if o.parent_id}
    province = Province(rng, by_org, tiers, children, parents, chart.by_code[PROVINCE], until_us)
    refs: dict[str, Any] = {
        "orgs": {o.id: (o.code, o.name, o.symbol, o.kind) for o in orgs.values()},
        "usernames": usernames,
        "titles": titles,
        "books": {
            (b.organization_id, b.direction, b.year, b.secret): [b.pk, b.last_number]
            for b in RegisterBook.objects.all()
        },
        "heads": {c.key: [c.length, c.head_hash] for c in AuditChain.objects.all()},
        "content_types": {
            "d": ContentType.objects.get_for_model(Document).pk,
            "r": ContentType.objects.get_for_model(Receipt).pk,
        },
    }
    existing_books = set(refs["books"])
    with psycopg.connect(url) as conn:
        ids = max_ids(conn, {**{k: v[0] for k, v in TABLES.items()}, "book": EXTRA["book"]})
        types = {
            key: column_types(conn, table, columns) for key, (table, columns) in TABLES.items()
        }
    # The audit chains are appended in a process of their own (hashing is a third of the
    # work), fed the events in time order; it writes the event table and hands back the heads.
    fork = multiprocessing.get_context("fork")
    events_end, writer_end = fork.Pipe()
    writer = fork.Process(
        target=write_chains, args=(writer_end, url, types["event"], refs["heads"], ids["event"])
    )
    writer.start()
    writer_end.close()
    refs["chains"] = events_end.send
    copies = {}
    with ExitStack() as stack:
        for key, (table, columns) in TABLES.items():
            if key == "event":
                continue
            conn = stack.enter_context(psycopg.connect(url))
            # Rows reference each other across these connections' open transactions, which
            # cannot see one another: the foreign keys are right by construction, and
            # checked by tests/bench/test_generate.py; unique and check constraints hold.
            conn.execute("SET session_replication_role = replica")
            cur = stack.enter_context(conn.cursor())
            copy = stack.enter_context(cur.copy(f"COPY {table} ({columns}) FROM STDIN"))  # nosec B608
            copy.set_types(types[key])
            copies[key] = copy
        trail = Trail(lambda table, row: copies[table].write_row(row), ids, refs)
        n = shape.documents
        span = int(YEARS * 365.25 * DAY)
        start = until_us - span
        forced = list(DocumentStatus)
        forced_from = n - len(forced)
        samson = chart.by_code[DEMO_COMMITTEE]
        best: tuple[int, int | None] = (0, None)
        progress = Progress("province", n)
        for i in range(n):
            created = start + int((i + rng.random()) * span / n)
            trail.flush(before=created)
            state = forced[i - forced_from] if i >= forced_from else None
            plan = province.document(created, state=state, wide=state is not None)
            doc_id, events = trail.write(plan)
            if plan.issuer == samson and plan.secrecy == "normal" and events > best[0]:
                best = (events, doc_id)
            if i % 500 == 0 or i == n - 1:
                appended = trail.tiebreak - len(trail.heap)
                progress.update(i + 1, sum(trail.counts.values()) + appended)
        trail.flush()
        events_end.send(None)
        heads, trail.counts["event"], writer_cpu = events_end.recv()
        writer.join()
        if writer.exitcode:
            raise RuntimeError(f"the audit chains' writer failed ({writer.exitcode})")
    # Leaving the ExitStack closed each COPY and committed each connection.
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        with cur.copy(
            "COPY documents_registerbook (id, organization_id, direction, year, secret, "
            "last_number) FROM STDIN"
        ) as copy:
            for series in trail.new_books:
                book_id, last = trail.books[series]
                copy.write_row((book_id, *series, last))
        cur.executemany(
            "UPDATE documents_registerbook SET last_number = %s WHERE id = %s",
            [(trail.books[series][1], trail.books[series][0]) for series in existing_books],
        )
        cur.executemany(
            "INSERT INTO documents_auditchain (key, length, head_hash) VALUES (%s, %s, %s) "
            "ON CONFLICT (key) DO UPDATE SET length = excluded.length, "
            "head_hash = excluded.head_hash",
            [(chain, length, head) for chain, (length, head) in heads.items()],
        )
    counts = dict(trail.counts)
    counts["book"] = len(trail.new_books)
    return {"counts": counts, "long_history": best, "writer_cpu": writer_cpu}


SECONDARY = """
SELECT i.relname, pg_get_indexdef(i.oid), c.conname, pg_get_constraintdef(c.oid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
"""


def drop_secondary_indexes(url: str) -> list[tuple[str, str]]:
    """Drop the pass's tables' indexes but their primary keys; return how to make each again
    (a unique constraint as a constraint), exactly as the migrations left it."""
    import psycopg

    remake = []
    with psycopg.connect(url) as conn:
        for table, _columns in TABLES.values():
            for index, definition, constraint, condef in conn.execute(
                SECONDARY, [table]
            ).fetchall():
                if constraint:
                    conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"')
                    remake.append(
                        (table, f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" {condef}')
                    )
                else:
                    conn.execute(f'DROP INDEX "{index}"')
                    remake.append((table, definition))
    return remake


def make_indexes(url: str, statements: list[tuple[str, str]]) -> None:
    """Build the dropped indexes again, two at a time (the machine's two cores), biggest tables
    first."""
    import threading

    import psycopg

    queue = sorted(statements, key=lambda s: s[0] not in ("documents_auditevent", "viewflow_task"))
    lock = threading.Lock()

    def work() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            while True:
                with lock:
                    if not queue:
                        return
                    _table, statement = queue.pop(0)
                conn.execute(statement)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def finish(url: str) -> None:
    """Sequences past the ids written, then fresh planner statistics."""
    import psycopg

    tables = [*(t for t, _c in TABLES.values()), *EXTRA.values()]
    with psycopg.connect(url, autocommit=True) as conn:
        for key, table in [*zip(TABLES, tables, strict=False), *EXTRA.items()]:
            column = ID_OF.get(key, "id")
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # nosec B608 - names from this module
                f"GREATEST((SELECT MAX({column}) FROM {table}), 1))",
                [table, column],
            )
        conn.execute("ANALYZE")


def table_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {
            table: scalar(conn, f"SELECT count(*) FROM {table}")  # nosec B608
            for table in sorted({*(t for t, _c in TABLES.values()), *EXTRA.values(),
                                 "documents_auditchain"})
        }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    base = server_url()
    shape = Shape.at(args.scale)
    url = database_url(args.scale, base, args.name)
    until_day = args.until or datetime.datetime.now(datetime.UTC).date()
    until = datetime.datetime.combine(until_day, datetime.time(), tzinfo=datetime.UTC)
    until_us = int((until - datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)).total_seconds())
    until_us *= 1_000_000
    phases: dict[str, tuple[float, int]] = {}
    print(
        f"province {args.name}: {shape.documents:,} documents over {YEARS} years to {until_day}, "
        f"{shape.committees} committees × {shape.wards_per_committee} wards, "
        f"{shape.people:,} people, seed {args.seed}",
        file=sys.stderr,
    )
    create_database(base, args.name, args.force)
    os.environ["DATABASE_URL"] = url
    try:
        import django
        from django.core.management import call_command

        t = time.time()
        django.setup()
        call_command("migrate", verbosity=0)
        phases["schema (migrate)"] = (time.time() - t, 0)
        from django.conf import settings

        from documents import demo

        # The demo's passwords and the generated people's, hashed by the standard hasher
        # with few rounds: they verify as ever and are rehashed in full at the first sign-in.
        settings.PASSWORD_HASHERS = ["province_trail.QuickHasher", *settings.PASSWORD_HASHERS]
        t = time.time()
        demo.load()
        phases["demo"] = (time.time() - t, 0)
        t = time.time()
        chart = load_chart(url, shape, random.Random(args.seed + 1), until)
        phases["org chart and people"] = (time.time() - t, chart["rows"])
        remake = drop_secondary_indexes(url)
        t, cpu_start = time.time(), time.process_time()
        made = province_pass(args, url, shape, chart["chart"], until_us)
        phases["documents, copies, flows, audit (one pass)"] = (
            time.time() - t, sum(made["counts"].values()),
        )  # fmt: skip
        cpu = {
            "main process": round(time.process_time() - cpu_start, 1),
            "audit chains' writer": round(made["writer_cpu"], 1),
        }
        t = time.time()
        make_indexes(url, remake)
        phases[f"indexes and unique constraints ({len(remake)})"] = (time.time() - t, 0)
        t = time.time()
        finish(url)
        phases["sequences, ANALYZE"] = (time.time() - t, 0)
    except BaseException:
        from django.db import connections

        connections.close_all()
        drop_database(base, args.name)
        raise
    events, doc_id = made["long_history"]
    if events < 20 or doc_id is None:
        sys.exit(f"no document of the demo committee has 20 audit events (best: {events})")
    counts = table_counts(url)
    report = {
        "database": args.name,
        "scale": args.scale,
        "seed": args.seed,
        "until": until_day.isoformat(),
        "documents_at_one": DOCUMENTS_AT_ONE,
        "counts": counts,
        "phases": {k: {"seconds": round(s, 1), "rows": r} for k, (s, r) in phases.items()},
        "pass_cpu_seconds": cpu,
        "document_with_long_history": doc_id,
        "long_history_events": events,
    }
    out = ROOT / "var" / "bench" / f"{args.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\n{'table':<36}{'rows':>14}")
    for table, count in counts.items():
        print(f"{table:<36}{count:>14,}")
    print(f"\n{'phase':<46}{'seconds':>9}{'rows/s':>12}")
    for phase, (seconds, rows) in phases.items():
        rate = f"{rows / seconds:,.0f}" if rows and seconds else ""
        print(f"{phase:<46}{seconds:>9.1f}{rate:>12}")
    total = sum(s for s, _r in phases.values())
    print(f"{'total':<46}{total:>9.1f}")
    print("CPU seconds of the pass: " + ", ".join(f"{k} {v}" for k, v in cpu.items()))
    print(f"\ndocument with a long history: {doc_id} ({events} events); wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
