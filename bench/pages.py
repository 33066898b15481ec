#!/usr/bin/env python
"""Every page and API list endpoint at two sizes of the province, interleaved: p50/p95 latency
and queries per request, the ratio of the p95s, and a verdict against issue 14's target (at
the large size the same number of queries, and a p95 at most 1.5 × the small size's).

The two databases are the province's (bench/province.py names them after the scale; made by
``bench/generate.py --scale S``), or any two named with ``--small-db``/``--large-db``. Both
are opened side by side in this one process, each with its own connection; a request runs
with its database's connection as the default one, so the middleware, the session, the
selectors and the views all read the same data. The city's clerk, its signer, a ward's clerk
and the auditor are signed in once per database; each page is then asked of the small and
the large database in turn (which goes first alternates), ``--repeat`` times after one
warm-up request each. Requests go through Django's test client in process (no HTTP, no
connection opened per request), with DEBUG off. See bench/README.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban python bench/pages.py \\
        --small 0.001 --large 1.0 [--repeat 20] [--only NAME ...] [--json out.json]

It exits non-zero when a page answers anything but 200, never for a missed target.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from lifecycle import ROOT  # also puts the project on the path and sets the settings module

#: Who asks, by the part they play: the demo's people, present at every scale.
PERSONAS = {
    "clerk": "vanthu",
    "signer": "pct.huy",
    "ward clerk": "vt.bacson",
    "auditor": "kiemtra",
}
#: The organisation whose registers each clerk reads.
PERSONA_ORGANIZATION = {"clerk": "mttq-samson", "ward clerk": "bacson"}
TASK_HOLDERS = ("clerk", "signer", "ward clerk")
CLERKS = ("clerk", "ward clerk")
#: Words every province has in many documents: a search that finds a lot.
SEARCH = "kế hoạch"
TARGET_RATIO = 1.5


@dataclass(frozen=True)
class Page:
    name: str
    persona: str
    path: str  # ``{document}`` stands for the document with a long history
    params: tuple[tuple[str, str], ...] = ()
    #: The schema's path of an API list endpoint, for checking that none is left out.
    endpoint: str = ""

    @property
    def label(self) -> str:
        shown = "&".join(f"{key}={value}" for key, value in self.params)
        return self.name + (f" ?{shown}" if shown else "")


@dataclass
class Database:
    label: str
    name: str
    wrapper: Any
    owned: bool  # opened here, so closed here
    document: int = 0
    documents: int = 0
    clients: dict[str, Any] = field(default_factory=dict)


@dataclass
class Result:
    page: Page
    timings: dict[str, list[float]] = field(default_factory=lambda: {"small": [], "large": []})
    queries: dict[str, Counter[int]] = field(
        default_factory=lambda: {"small": Counter(), "large": Counter()}
    )

    def p(self, size: str, share: float) -> float:
        timings = sorted(self.timings[size])
        return timings[max(0, math.ceil(share * len(timings)) - 1)] if timings else 0.0

    def p50(self, size: str) -> float:
        return statistics.median(self.timings[size]) if self.timings[size] else 0.0

    def query_count(self, size: str) -> int:
        counts = self.queries[size].most_common(1)
        return counts[0][0] if counts else 0

    @property
    def ratio(self) -> float:
        return self.p("large", 0.95) / max(self.p("small", 0.95), 0.001)

    @property
    def same_queries(self) -> bool:
        return self.query_count("small") == self.query_count("large")

    @property
    def verdict(self) -> str:
        missed = []
        if not self.same_queries:
            missed.append("queries differ")
        if self.ratio > TARGET_RATIO:
            missed.append(f"p95 ×{self.ratio:.2f} > ×{TARGET_RATIO}")
        return "missed: " + ", ".join(missed) if missed else "met"

    def as_dict(self) -> dict[str, Any]:
        return {
            "page": self.page.label,
            "persona": self.page.persona,
            "path": self.page.path,
            "params": dict(self.page.params),
            "endpoint": self.page.endpoint,
            **{
                f"{key}_{size}": value
                for size in ("small", "large")
                for key, value in (
                    ("queries", self.query_count(size)),
                    ("p50_ms", round(self.p50(size), 1)),
                    ("p95_ms", round(self.p(size, 0.95), 1)),
                )
            },
            "ratio_p95": round(self.ratio, 2),
            "verdict": self.verdict,
        }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=float, default=0.001, help="scale (1.0 = 1M documents)")
    parser.add_argument("--large", type=float, default=1.0, help="scale (1.0 = 1M documents)")
    parser.add_argument("--small-db", help="the small database by name instead of by scale")
    parser.add_argument("--large-db", help="the large database by name instead of by scale")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page and size")
    parser.add_argument(
        "--warmup", type=int, default=1, help="untimed requests per page and size first"
    )
    parser.add_argument(
        "--only", nargs="+", metavar="NAME", help="only pages whose label contains a NAME"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1, --warmup at least 0")
    return args


def database_name(scale: float) -> str:
    """The province's database at ``scale``, as bench/generate.py names it."""
    try:
        province = importlib.import_module("province")
    except ImportError:
        sys.exit("bench/province.py is not there: name the databases with --small-db/--large-db")
    return province.database_name(scale)


def api_list_endpoints() -> list[tuple[str, str]]:
    """Every list the API answers a GET with, from the OpenAPI schema: (path, operation id).

    A list is a JSON array or a page of one; it is reached without path parameters, or under
    one document. New endpoints join the benchmark by being in the schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        content = operation["responses"].get("200", {}).get("content", {})
        body = content.get("application/json", {}).get("schema", {})
        listed = body.get("type") == "array" or body.get("$ref", "").rsplit("/", 1)[-1].startswith(
            "Paginated"
        )
        in_path = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        under_document = in_path == ["id"] and path.startswith("/api/v1/documents/{id}/")
        if listed and (not in_path or under_document):
            found.append((path, operation["operationId"]))
    return sorted(found)


#: Queries an API list is also asked with (its search and filters, what it needs to answer).
API_QUERIES: dict[str, list[dict[str, str]]] = {
    "documents_list": [{}, {"q": SEARCH}, {"status": "dispatched", "doc_type": "KH"}],
    "receipts_list": [{}, {"status": "delivered"}],
    "search_list": [{"q": SEARCH}],
    "registers_list": [
        {"organization": "{organization}", "direction": "outgoing"},
        {"organization": "{organization}", "direction": "incoming"},
    ],
}


def api_pages() -> list[Page]:
    pages = []
    for path, operation in api_list_endpoints():
        under_document = "{id}" in path
        personas = ("clerk",) if under_document else CLERKS
        url = path.replace("{id}", "{document}")
        for persona in personas:
            for query in API_QUERIES.get(operation, [{}]):
                params = tuple(
                    (key, value.format(organization=PERSONA_ORGANIZATION.get(persona, "")))
                    for key, value in query.items()
                )
                pages.append(Page(f"GET {path}", persona, url, params, endpoint=path))
    # The document itself, beside its lists.
    pages.append(Page("GET /api/v1/documents/{id}/", "clerk", "/api/v1/documents/{document}/"))
    return pages


def ui_pages() -> list[Page]:
    pages = []
    for persona in TASK_HOLDERS:
        pages += [
            Page("Hộp việc: việc cần xử lý", persona, "/workflow/inbox/"),
            Page("Hộp việc: việc chờ nhận", persona, "/workflow/queue/"),
            Page("Hộp việc: việc đã xử lý", persona, "/workflow/archive/"),
            Page("Văn bản đi", persona, "/outgoing/"),
        ]
    search = (("q", SEARCH),)
    pages += [
        Page("Hộp việc: việc cần xử lý", "clerk", "/workflow/inbox/", search),
        Page("Văn bản đi", "clerk", "/outgoing/", search),
        Page("Văn bản đi", "signer", "/outgoing/", search),
        Page("Văn bản đi", "clerk", "/outgoing/", (("status", "dispatched"), ("doc_type", "KH"))),
        Page("Văn bản đi", "clerk", "/outgoing/", (("doc_type", "KH"), *search)),
        Page("document page", "clerk", "/outgoing/{document}/"),
        Page("document page", "signer", "/outgoing/{document}/"),
        Page("Văn bản đi: quá hạn", "clerk", "/outgoing/qua-han/"),
        Page("Sổ đăng ký: đi", "clerk", "/outgoing/so-dang-ky/"),
        Page("Báo cáo", "clerk", "/reports/"),
        Page("Thông báo", "clerk", "/account/thong-bao/"),
        Page("Nhật ký", "auditor", "/audit/"),
        Page("Nhật ký: an ninh", "auditor", "/audit/an-ninh/"),
    ]
    for persona in CLERKS:
        pages += [
            Page("Văn bản đến", persona, "/incoming/"),
            Page("Văn bản đến", persona, "/incoming/", search),
            Page("Sổ đăng ký: đến", persona, "/incoming/so-dang-ky/"),
            Page("Tìm kiếm", persona, "/search/", search),
        ]
    return pages


def all_pages(only: list[str] | None = None) -> list[Page]:
    pages = ui_pages() + api_pages()
    if only:
        pages = [p for p in pages if any(n.lower() in p.label.lower() for n in only)]
    return pages


def open_database(label: str, name: str) -> Database:
    """A connection of its own to ``name`` on the configured server; the configured database
    itself (a test's) keeps its connection, and with it the test's transaction."""
    from django.db import connections

    current = connections["default"]
    if name == current.settings_dict["NAME"]:
        return Database(label, name, current, owned=False)
    wrapper = type(current)({**current.settings_dict, "NAME": name}, alias="default")
    return Database(label, name, wrapper, owned=True)


@contextmanager
def using(database: Database) -> Iterator[None]:
    """``database``'s connection as the default one: everything the request reads, its own."""
    from django.db import connections

    previous = connections["default"]
    connections["default"] = database.wrapper
    try:
        yield
    finally:
        connections["default"] = previous


def long_history_document(database: Database) -> int:
    """The generator's document with a long history (its JSON), else the demo's seed plan."""
    from django.contrib.auth import get_user_model

    from documents.models import Document
    from orgchart import demo

    facts = ROOT / "var" / "bench" / f"{database.name}.json"
    if facts.exists():
        return int(json.loads(facts.read_text(encoding="utf-8"))["document_with_long_history"])
    plan = demo.read_fixture()["seed_plan"]
    drafter = get_user_model().objects.get(username=plan["drafter"])
    return Document.objects.filter(drafter=drafter, title=plan["title"]).values_list(
        "pk", flat=True
    )[0]


def prepare(database: Database) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from documents.models import Document

    with using(database):
        users = get_user_model().objects
        for persona, username in PERSONAS.items():
            person = users.filter(username=username).first()
            if person is None:
                sys.exit(f"{database.name} has no {username} ({persona}): is the demo loaded?")
            client = Client(raise_request_exception=False)
            client.force_login(person)
            database.clients[persona] = client
        database.document = long_history_document(database)
        database.documents = Document.objects.count()


def ask(database: Database, page: Page) -> tuple[float, int, int, str]:
    """One request: milliseconds, queries, status, and the exception of a server error."""
    path = page.path.format(document=database.document)
    client = database.clients[page.persona]
    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    # Counted as they are sent (not from the debug log, which keeps only the last 9,000).
    with using(database), database.wrapper.execute_wrapper(count):
        started = time.perf_counter()
        response = client.get(path, dict(page.params))
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
    failure = ""
    if getattr(response, "exc_info", None):
        failure = repr(response.exc_info[1])
    return elapsed, statements, response.status_code, failure


def measure(
    databases: list[Database], pages: list[Page], repeat: int, warmup: int
) -> tuple[list, list]:
    results, errors = [], []
    for number, page in enumerate(pages, 1):
        result = Result(page)
        failed = False
        # Warm-up (caches, plans, the first query of each kind), then interleaved, with
        # which size goes first alternating: neither is always the warmer.
        rounds = [(i, False) for i in range(warmup)] + [(i, True) for i in range(repeat)]
        for i, timed in rounds:
            for database in databases if i % 2 == 0 else databases[::-1]:
                ms, queries, status, failure = ask(database, page)
                if status != 200:
                    errors.append(f"{page.label} ({page.persona}) on {database.name}: {status}")
                    if failure:
                        errors[-1] += f" {failure}"
                    failed = True
                    break
                if timed:
                    result.timings[database.label].append(ms)
                    result.queries[database.label][queries] += 1
            if failed:
                break
        if not failed:
            results.append(result)
        print(f"  {number:>3}/{len(pages)} {page.label} ({page.persona})", flush=True)
    return results, errors


def table(results: list[Result]) -> str:
    width = max([len("page"), *(len(r.page.label) for r in results)])
    head = (
        f"{'page':<{width}} {'persona':<10} {'queries S/L':>12} {'p50 S':>7} {'p50 L':>7} "
        f"{'p95 S':>7} {'p95 L':>7} {'ratio':>6}  verdict"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        queries = f"{r.query_count('small')}/{r.query_count('large')}"
        if not r.same_queries:
            queries += " ≠"
        lines.append(
            f"{r.page.label:<{width}} {r.page.persona:<10} {queries:>12} "
            f"{r.p50('small'):>7.1f} {r.p50('large'):>7.1f} "
            f"{r.p('small', 0.95):>7.1f} {r.p('large', 0.95):>7.1f} {r.ratio:>5.1f}×  {r.verdict}"
        )
    met = sum(r.verdict == "met" for r in results)
    lines.append(f"target met by {met} of {len(results)} (ms; S = small, L = large)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    # The static files are served by WhiteNoise from collectstatic's output, which a bench
    # checkout has no need of.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    names = {
        "small": args.small_db or database_name(args.small),
        "large": args.large_db or database_name(args.large),
    }
    databases = [open_database(label, name) for label, name in names.items()]
    pages = all_pages(args.only)
    try:
        for database in databases:
            prepare(database)
        load = os.getloadavg()
        print(
            f"pages: {len(pages)}, {args.repeat} timed requests each per size; "
            + "; ".join(
                f"{d.label} {d.name} ({d.documents:,} documents, document {d.document})"
                for d in databases
            )
        )
        results, errors = measure(databases, pages, args.repeat, args.warmup)
        print(f"\nload average {load[0]:.2f} before, {os.getloadavg()[0]:.2f} after\n")
        print(table(results))
        if args.json:
            with open(args.json, "w", encoding="utf-8") as out:
                json.dump(
                    {
                        "databases": {d.label: d.name for d in databases},
                        "documents": {d.label: d.documents for d in databases},
                        "repeat": args.repeat,
                        "pages": [r.as_dict() for r in results],
                        "errors": errors,
                    },
                    out,
                    ensure_ascii=False,
                    indent=1,
                )
        for error in errors:
            print(f"ERROR {error}", file=sys.stderr)
        return 1 if errors else 0
    finally:
        for database in databases:
            with using(database):
                for client in database.clients.values():
                    client.logout()  # the sessions signed in here are not left behind
            if database.owned:
                database.wrapper.close()


if __name__ == "__main__":
    # The configured server holds the province's databases; only the database name is replaced.
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vanban")
    sys.exit(main())
