"""One search for the screens and the API: case-, accent- and Unicode-form-insensitive on any
database, because it compares folded words with the stored folded ``search_text`` (a
document's type, trích yếu, số, ký hiệu, issuer, body and attachments' text; an outside
document's sender, symbol, title and files: documents/searchtext.py). On PostgreSQL each
``LIKE '%word%'`` is answered by the column's trigram index (migration 0016); a word under
three letters has no trigram and is read from the rows the others left.

Results are what the caller may see, in SQL: the documents of the caller's side, and the
copies that arrived at the caller's organisations (a recipient finds its receipt, not the
issuer's document).

Ranked in SQL, the same on both databases: first what the số, ký hiệu starts with the query
(``01/KH``), then what has every word in its title (type, trích yếu, số, ký hiệu, issuer or
sender), then what matched only in the body or a file; the newest first within a rank.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from orgchart.selectors import Grants, grants_of

from ..models import Document, Receipt, fold
from ..paging import Merged
from .visibility import (
    incoming_receipt_parts,
    incoming_receipts,
    received_copies_q,
    visible_documents,
)

#: What a result is: one of the caller's documents or a copy that arrived.
RESULT_KINDS = (("document", "document"), ("receipt", "receipt"))

#: A query is cut to this many characters and words: no request costs unbounded time.
MAX_QUERY = 200
MAX_WORDS = 8


def _cleaned(q: str) -> str:
    # PostgreSQL refuses NUL in a text parameter.
    return (q or "").replace("\x00", "")[:MAX_QUERY]


def words(q: str) -> list[str]:
    return fold(_cleaned(q)).split()[:MAX_WORDS]


def matching_documents(documents: QuerySet[Document], q: str) -> QuerySet[Document]:
    for word in words(q):
        documents = documents.filter(search_text__contains=word)
    return documents


def matching_receipts(receipts: QuerySet[Receipt], q: str) -> QuerySet[Receipt]:
    """A system document's copy matches by its document's text, a copy from outside by its
    own (the sender's fields and files), tested on each row in hand: the copies come from
    their own indexes (``incoming_receipt_parts``), and an id subquery of the matching
    documents would read every one of them first."""
    for word in words(q):
        receipts = receipts.filter(
            Q(document__search_text__contains=word) | Q(search_text__contains=word)
        )
    return receipts


#: The ranks, best first (``search`` orders by them, then by the newest).
SYMBOL, TITLE, CONTENT = 0, 1, 2


def _rank(symbol: Q, title: Q) -> Case:
    return Case(
        When(symbol, then=Value(SYMBOL)),
        When(title, then=Value(TITLE)),
        default=Value(CONTENT),
        output_field=IntegerField(),
    )


#: What a result shows, the same for both kinds.
COLUMNS = ("kind", "pk", "shown_title", "shown_symbol", "status", "rank", "at", "shown_document")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _order(row: dict) -> tuple:
    """The order of results: by rank, the newest first, documents before copies, then the
    larger id first (``rank, -at, kind, -pk``, as ``search_union`` sorts)."""
    at = (row["at"] - _EPOCH) // timedelta(microseconds=1)
    return (row["rank"], -at, row["kind"], -row["pk"])


def search(user, q: str, grants: Grants | None = None) -> Merged | QuerySet:
    """Rows ``{kind, id, title, symbol, status, rank, at, document_id}`` for ``q``, best first
    (the module's ranks). Empty for an empty query.

    Read as parts merged in Python (``paging.Merged``): the documents rank by rank, and the
    copies of each of ``incoming_receipt_parts``, each cut to the page by the database. As one
    union sorted by rank, the copies' half was the one OR of ``incoming_receipts``, which read
    every copy there is, and the documents' half ranked every match before its LIMIT. The
    rows and their order are ``search_union``'s (a test holds the two together)."""
    found = words(q)
    if not found:
        return Document.objects.none().values("pk")
    g = grants if grants is not None else grants_of(user)
    documents_rows = _document_rows(user, q, g)
    receipt_parts = [_receipt_rows(part, q) for part in incoming_receipt_parts(user, g)]
    # The documents rank by rank, each newest first, so that a word in most titles is read
    # down the (created_at, id) index and stops at the page; the copies one query per part,
    # ranked and sorted by the database (a part is one organisation's copies or fewer).
    symbol, title = _symbol_q(q), _title_q(q)
    by_rank = [
        documents_rows.filter(symbol),
        documents_rows.exclude(symbol).filter(title),
        documents_rows.exclude(symbol).exclude(title),
    ]
    ranked: list[QuerySet] = [rows.order_by("-at", "-pk").values(*COLUMNS) for rows in by_rank]
    parts: list[QuerySet | list[QuerySet]] = [
        ranked,
        *(rows.order_by("rank", "-at", "-pk").values(*COLUMNS) for rows in receipt_parts),
    ]

    def count(limit: int) -> int:
        # Both halves always, so that the count's queries do not depend on how much matched.
        documents = documents_rows.order_by()[:limit].count()
        # The copies once each (a copy assigned to the caller at the caller's organisation
        # is in two parts): UNION, each part from its own index.
        first, *others = (part.order_by().values("pk") for part in receipt_parts)
        return documents + first.union(*others)[: max(limit - documents, 1)].count()

    return Merged(parts, key=_order, count=count)


def search_union(user, q: str, grants: Grants | None = None) -> QuerySet:
    """The same rows as ``search``, as one sorted query of ``incoming_receipts``."""
    if not words(q):
        return Document.objects.none().values("pk")
    g = grants if grants is not None else grants_of(user)
    receipts = _receipt_rows(incoming_receipts(user, g), q).values(*COLUMNS)
    return (
        _document_rows(user, q, g)
        .values(*COLUMNS)
        .union(receipts, all=True)
        .order_by("rank", "-at", "kind", "-pk")
    )


def _document_rows(user, q: str, g: Grants) -> QuerySet:
    # A document that reaches the caller only as a recipient is found as its receipt.
    documents = matching_documents(visible_documents(user, g), q).filter(
        Q(issuer_id__in=sorted(g.member_of)) | ~received_copies_q(user, g)
    )
    return documents.order_by().annotate(
        kind=Value("document", output_field=CharField()),
        rank=_rank(_symbol_q(q), _title_q(q)),
        shown_title=F("title"),
        shown_symbol=F("symbol"),
        at=F("created_at"),
        shown_document=F("pk"),
    )


def _receipt_rows(receipts: QuerySet[Receipt], q: str) -> QuerySet:
    typed = _typed(q)
    symbol = Coalesce(NullIf(F("document__symbol"), Value("")), F("sender_symbol"))
    return (
        matching_receipts(receipts, q)
        .order_by()
        .annotate(
            kind=Value("receipt", output_field=CharField()),
            shown_symbol=symbol,
            rank=_rank(
                Q(document__symbol__istartswith=typed) | Q(sender_symbol__istartswith=typed),
                Q(
                    *[
                        Q(document__title_text__contains=w) | Q(title_text__contains=w)
                        for w in words(q)
                    ]
                ),
            ),
            shown_title=Coalesce(F("document__title"), F("sender_title")),
            at=F("created_at"),
            shown_document=F("document_id"),
        )
    )


def _symbol_q(q: str) -> Q:
    return Q(symbol__istartswith=_typed(q))


def _title_q(q: str) -> Q:
    return Q(*[Q(title_text__contains=word) for word in words(q)])


def _typed(q: str) -> str:
    return _cleaned(q).strip()
