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

from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from orgchart.selectors import Grants, grants_of

from ..models import Document, Receipt, fold
from .visibility import incoming_receipts, received_copies_q, visible_documents

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
    for word in words(q):
        receipts = receipts.filter(
            Q(document__search_text__contains=word) | Q(search_text__contains=word)
        )
    return receipts


#: The ranks, best first (``search`` orders by them, then by the newest).
SYMBOL, TITLE, CONTENT = 0, 1, 2


def _rank(symbol: Q, title_words: list[Q]) -> Case:
    return Case(
        When(symbol, then=Value(SYMBOL)),
        When(Q(*title_words), then=Value(TITLE)),
        default=Value(CONTENT),
        output_field=IntegerField(),
    )


def search(user, q: str, grants: Grants | None = None):
    """Rows ``{kind, id, title, symbol, status, rank, at, document_id}`` for ``q``, best first
    (the module's ranks). Empty for an empty query."""
    found = words(q)
    if not found:
        return Document.objects.none().values("pk")
    g = grants if grants is not None else grants_of(user)
    arrived = incoming_receipts(user, g)
    # A document that reaches the caller only as a recipient is found as its receipt.
    documents = matching_documents(visible_documents(user, g), q).filter(
        Q(issuer_id__in=sorted(g.member_of)) | ~received_copies_q(user, g)
    )
    typed = _cleaned(q).strip()
    documents_rows = documents.order_by().annotate(
        kind=Value("document", output_field=CharField()),
        rank=_rank(Q(symbol__istartswith=typed), [Q(title_text__contains=w) for w in found]),
        shown_title=F("title"),
        shown_symbol=F("symbol"),
        at=F("created_at"),
        shown_document=F("pk"),
    )
    symbol = Coalesce(NullIf(F("document__symbol"), Value("")), F("sender_symbol"))
    receipt_rows = (
        matching_receipts(arrived, q)
        .order_by()
        .annotate(
            kind=Value("receipt", output_field=CharField()),
            shown_symbol=symbol,
            rank=_rank(
                Q(document__symbol__istartswith=typed) | Q(sender_symbol__istartswith=typed),
                [Q(document__title_text__contains=w) | Q(title_text__contains=w) for w in found],
            ),
            shown_title=Coalesce(F("document__title"), F("sender_title")),
            at=F("created_at"),
            shown_document=F("document_id"),
        )
    )
    columns = (
        "kind",
        "pk",
        "shown_title",
        "shown_symbol",
        "status",
        "rank",
        "at",
        "shown_document",
    )
    return (
        documents_rows.values(*columns)
        .union(receipt_rows.values(*columns), all=True)
        .order_by("rank", "-at", "kind", "-pk")
    )
