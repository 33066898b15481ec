"""Register numbers (design.md section 6, Decree 30 Art. 15 and 22).

A number is taken inside the registering transaction by locking the book row, never from a
database sequence: a sequence does not roll back, and a rolled-back registration must leave
no gap.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Direction, DocType, Document, RegisterBook

#: Registers follow the calendar of Vietnam, not the zone a request or a worker has activated.
REGISTER_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def registration_year(at: datetime.datetime | None = None) -> int:
    """Numbers restart on 1 January in Vietnam, whatever the server's clock zone."""
    return timezone.localtime(at or timezone.now(), REGISTER_ZONE).year


def take_number(
    *, organization_id: int, direction: str, year: int, secret: bool
) -> tuple[RegisterBook, int]:
    """Lock the book of the series (creating it on first use) and take its next number.

    Must run inside the caller's transaction: the number is only taken if that commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the registering transaction")
    key = {
        "organization_id": organization_id,
        "direction": direction,
        "year": year,
        "secret": secret,
    }
    book = RegisterBook.objects.select_for_update().filter(**key).first()
    if book is None:
        try:
            with transaction.atomic():
                RegisterBook.objects.create(**key)
        except IntegrityError:
            pass  # another registration created the book first; lock theirs
        book = RegisterBook.objects.select_for_update().get(**key)
    book.last_number += 1
    RegisterBook.objects.filter(pk=book.pk).update(last_number=book.last_number)
    return book, book.last_number


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
