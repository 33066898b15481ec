#!/usr/bin/env python
"""Search latency as the documents grow: the same searches for the city's clerk and for a
ward's clerk at ``--small`` and then ``--large`` documents, p50/p95 and queries per search,
and the ratio between the two sizes.

It runs on a throwaway database of the configured engine (bench/lifecycle.py's
``throwaway_database``), never on the developer's data; on PostgreSQL the search reads the
trigram indexes of migration 0016. The documents are bulk-written dispatched plans and letters
of the city, folded as a save folds them (``documents.searchtext.compose``), each with a copy at
one of the wards, so both the issuer's and the recipients' searches grow. The sizes are
measured one after the other (the large set contains the small one), not interleaved; the
province-scale measurement of every page is bench/pages.py's (see bench/README.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban python bench/search.py \\
        [--small 1000] [--large 100000] [--repeat 15]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from lifecycle import throwaway_database  # also sets up the settings module and DEBUG

#: Each query with the share of documents whose text holds it: a number that names one, a
#: phrase that is rare, one that is common, and a type every plan carries.
QUERIES = {
    "01/KH": "one document",
    "hoi nghi dai bieu": "0.5%",
    "phuong bac son": "2%",
    "tuyen truyen": "10%",
    "KẾ HOẠCH": "every plan",
}
PHRASES = (("hội nghị đại biểu", 0.005), ("phường Bắc Sơn", 0.02), ("tuyên truyền", 0.10))
#: Syllables for the other words: a vocabulary of thousands, as real text has.
ONSETS = [
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
]
RHYMES = [
    "a",
    "ai",
    "am",
    "an",
    "ang",
    "anh",
    "ao",
    "at",
    "au",
    "ay",
    "e",
    "em",
    "en",
    "eo",
    "et",
    "i",
    "ia",
    "im",
    "in",
    "inh",
    "it",
    "o",
    "oa",
    "oc",
    "oi",
    "om",
    "on",
    "ong",
    "ot",
    "u",
    "ua",
    "uc",
    "ui",
    "um",
    "un",
    "ung",
    "ut",
    "uy",
]


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(ONSETS) + rng.choice(RHYMES) for _ in range(n))


def _text(rng: random.Random, n: int) -> str:
    """``n`` words, with each phrase put in at its share of the documents."""
    words = _words(rng, n).split()
    for phrase, share in PHRASES:
        if rng.random() < share:
            words.insert(rng.randrange(len(words) + 1), phrase)
    return " ".join(words)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15, help="runs of each search per size")
    args = parser.parse_args(argv)
    if not 0 < args.small < args.large:
        parser.error("0 < --small < --large")
    return args


def grow(to: int, rng: random.Random) -> None:
    """Add dispatched documents of the city, with a ward's copy each, up to ``to``."""
    from django.db import transaction
    from django.utils import timezone

    from documents.models import Document, Receipt
    from documents.searchtext import compose
    from orgchart.models import Organization

    city = Organization.objects.get(code="mttq-samson")
    wards = list(Organization.objects.filter(kind__in=["ward", "commune"]).order_by("pk"))
    from django.contrib.auth import get_user_model

    drafter = get_user_model().objects.get(username="soanthao")
    have = Document.objects.filter(issuer=city).count()
    batch = 5_000
    while have < to:
        n = min(batch, to - have)
        documents = []
        for i in range(have, have + n):
            title = _words(rng, rng.randint(6, 14)).capitalize()
            body = _text(rng, rng.randint(80, 240))
            symbol = f"{i + 2}/KH-MTTQ-BTT"
            head = ("Kế hoạch", title, symbol, city.name)
            title_text, search_text = compose(head, body, ())
            documents.append(
                Document(
                    issuer=city,
                    drafter=drafter,
                    doc_type="KH",
                    title=title,
                    body=body,
                    symbol=symbol,
                    status="dispatched",
                    issued_at=timezone.now(),
                    title_text=title_text,
                    search_text=search_text,
                )
            )
        with transaction.atomic():
            created = Document.objects.bulk_create(documents, batch_size=1_000)
            Receipt.objects.bulk_create(
                (
                    Receipt(
                        document=d,
                        organization=wards[(d.pk or 0) % len(wards)],
                        status="delivered",
                        delivered_at=timezone.now(),
                    )
                    for d in created
                ),
                batch_size=1_000,
            )
        have += n
        print(f"  {have:>9,} documents", flush=True)


def measure(people: dict, repeat: int) -> dict[tuple[str, str], tuple[float, float, float]]:
    """Per person and query: p50 and p95 in ms over ``repeat`` runs, and queries per search."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from documents import selectors

    figures = {}
    for label, user in people.items():
        for q in QUERIES:
            timings, counts = [], []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    list(selectors.search(user, q)[:25])
                    timings.append((time.perf_counter() - started) * 1000)
                counts.append(len(captured.captured_queries))
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            figures[label, q] = (statistics.median(timings), p95, statistics.mean(counts))
    return figures


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    import django
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from documents import demo

    rng = random.Random(20231)
    with throwaway_database() as name:
        demo.load()
        settings.DEBUG = False
        users = get_user_model().objects
        people = {
            "city clerk": users.get(username="vanthu"),
            "ward clerk": users.get(username="vt.bacson"),
        }
        results = {}
        for size in (args.small, args.large):
            print(f"growing to {size:,} documents …", flush=True)
            grow(size, rng)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE documents_document; ANALYZE documents_receipt")
            results[size] = measure(people, args.repeat)
        print(f"\nsearch on {connection.vendor} ({name}), each query × {args.repeat}")
        print(
            f"{'person':<11} {'query':<18} {'found in':<12} {'size':>8} {'p50 ms':>8} {'p95 ms':>8}"
        )
        for label in people:
            for q, share in QUERIES.items():
                for size in (args.small, args.large):
                    p50, p95, _queries = results[size][label, q]
                    print(f"{label:<11} {q:<18} {share:<12} {size:>8,} {p50:>8.1f} {p95:>8.1f}")
                ratio = results[args.large][label, q][1] / max(
                    results[args.small][label, q][1], 0.001
                )
                print(f"{'':<11} {'':<18} {'p95 ratio':<12} {ratio:>8.1f}×")
        queries = {round(v[2], 1) for r in results.values() for v in r.values()}
        print(f"queries per search: {sorted(queries)}")


if __name__ == "__main__":
    main()
