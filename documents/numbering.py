"""Register numbers (docs/ARCHITECTURE.md §3, Decree 30 Art. 15 and 22).

A number is taken inside the registering transaction by locking the book row, never from a
database sequence: a sequence does not roll back, and a rolled-back registration must leave
no gap.
"""

from __future__ import annotations

import datetime
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import Direction, DocType, Document, RegisterBook

#: Registers follow the calendar of Vietnam, not the zone a request or a worker has activated.
REGISTER_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def registration_year(at: datetime.datetime | None = None) -> int:
    """Numbers restart on 1 January in Vietnam, whatever the server's clock zone."""
    return timezone.localtime(at or timezone.now(), REGISTER_ZONE).year


class BookKey(TypedDict):
    """What names one register book: its series."""

    organization_id: int
    direction: str
    year: int
    secret: bool


def take_number(
    *, organization_id: int, direction: str, year: int, secret: bool
) -> tuple[RegisterBook, int]:
    """Take the next number of the series' book (creating the book on first use).

    Must run inside the caller's transaction: the number is only taken if that commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the registering transaction")
    key: BookKey = {
        "organization_id": organization_id,
        "direction": direction,
        "year": year,
        "secret": secret,
    }
    taken = _increment(**key)
    if taken is None:
        try:
            with transaction.atomic():
                RegisterBook.objects.create(**key)
        except IntegrityError:
            pass  # another registration created the book first; take from theirs
        taken = _increment(**key)
        if taken is None:  # pragma: no cover - the book exists by now
            raise RuntimeError("register book vanished")
    book_id, number = taken
    book = RegisterBook(pk=book_id, last_number=number, **key)
    book._state.adding = False
    return book, number


def _increment(
    *, organization_id: int, direction: str, year: int, secret: bool
) -> tuple[int, int] | None:
    """One statement: the book's row is locked by the UPDATE until the caller commits, and
    the number taken comes back with it (RETURNING, on PostgreSQL and SQLite alike)."""
    table = connection.ops.quote_name(RegisterBook._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 "  # nosec B608 # table from the model, values bound
            "WHERE organization_id = %s AND direction = %s AND year = %s AND secret = %s "
            "RETURNING id, last_number",
            [organization_id, direction, year, secret],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def format_number(number: int) -> str:
    return f"{number:02d}"


def symbol_for(*, number: int, doc_type: str, issuer_symbol: str) -> str:
    """``05/KH-MTTQ-BTT``; a công văn carries no type: ``05/MTTQ-BTT``."""
    if doc_type == DocType.CV:
        return f"{format_number(number)}/{issuer_symbol}"
    return f"{format_number(number)}/{doc_type}-{issuer_symbol}"


def take_outgoing(document: Document, at: datetime.datetime) -> tuple[RegisterBook, int, str]:
    book, number = take_number(
        organization_id=document.issuer_id,
        direction=Direction.OUTGOING,
        year=registration_year(at),
        secret=document.is_secret,
    )
    symbol = symbol_for(
        number=number, doc_type=document.doc_type, issuer_symbol=document.issuer.symbol
    )
    return book, number, symbol


def take_incoming(
    *, organization_id: int, secret: bool, at: datetime.datetime
) -> tuple[RegisterBook, int]:
    return take_number(
        organization_id=organization_id,
        direction=Direction.INCOMING,
        year=registration_year(at),
        secret=secret,
    )


MONTHS_WITH_ZERO = (1, 2)


def date_line(place: str, day: datetime.date) -> str:
    """Decree 30 PL I §II.4: ``Sầm Sơn, ngày 05 tháng 6 năm 2023``; days below 10 and the
    months 1 and 2 take a leading zero."""
    month = f"{day.month:02d}" if day.month in MONTHS_WITH_ZERO else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {text}" if place else text
