"""One search for the screens and the API: case-, accent- and Unicode-form-insensitive on any
database, because it compares folded words with the stored folded ``search_text`` (a
document's type, trích yếu and số, ký hiệu; an outside document's sender, symbol and title).

Results are what the caller may see, in SQL: the documents of the caller's side, and the
copies that arrived at the caller's organisations (a recipient finds its receipt, not the
issuer's document).
"""

from __future__ import annotations

from django.db.models import Case, CharField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, NullIf

from orgchart.selectors import Grants, grants_of

from ..models import Document, Receipt, fold
from .visibility import incoming_receipts, visible_documents

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


def search(user, q: str, grants: Grants | None = None):
    """Rows ``{kind, id, title, symbol, status}`` for ``q``, best first: those whose số, ký
    hiệu starts with what was typed, then the newest. Empty for an empty query."""
    if not words(q):
        return Document.objects.none().values("pk")
    g = grants if grants is not None else grants_of(user)
    arrived = incoming_receipts(user, g)
    # A document that reaches the caller only as a recipient is found as its receipt.
    only_received = arrived.filter(document__isnull=False).values("document_id")
    documents = matching_documents(visible_documents(user, g), q).filter(
        Q(issuer_id__in=sorted(g.member_of)) | ~Q(pk__in=only_received)
    )
    typed = _cleaned(q).strip()
    documents_rows = documents.order_by().annotate(
        kind=Value("document", output_field=CharField()),
        rank=Case(When(symbol__istartswith=typed, then=0), default=1, output_field=IntegerField()),
        shown_title=F("title"),
        shown_symbol=F("symbol"),
        at=F("created_at"),
    )
    symbol = Coalesce(NullIf(F("document__symbol"), Value("")), F("sender_symbol"))
    receipt_rows = (
        matching_receipts(arrived, q)
        .order_by()
        .annotate(
            kind=Value("receipt", output_field=CharField()),
            shown_symbol=symbol,
            rank=Case(
                When(
                    Q(document__symbol__istartswith=typed) | Q(sender_symbol__istartswith=typed),
                    then=0,
                ),
                default=1,
                output_field=IntegerField(),
            ),
            shown_title=Coalesce(F("document__title"), F("sender_title")),
            at=F("created_at"),
        )
    )
    columns = ("kind", "pk", "shown_title", "shown_symbol", "status", "rank", "at")
    return (
        documents_rows.values(*columns)
        .union(receipt_rows.values(*columns), all=True)
        .order_by("rank", "-at", "kind", "-pk")
    )
