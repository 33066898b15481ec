"""Sổ đăng ký văn bản đi / đến (Decree 30, Art. 16.2.b and 22, PL IV): the rows of one register
book in number order, with the register's columns, and the book printed (PDF) or as a
workbook (XLSX). A register kept in the system must be printable with every register field.

Who may read a book is decided by ``selectors.registers``; this module only lays it out.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from . import spreadsheets
from .choices import DocType
from .models import (
    AuditEvent,
    Direction,
    Document,
    DocumentStatus,
    Receipt,
    ReceiptStatus,
    Recipient,
    RegisterBook,
)
from .numbering import REGISTER_ZONE
from .rendering.context import person_name


def _local_date(at: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(at, REGISTER_ZONE).date() if at else None


@dataclass
class Row:
    """One line of a register; ``values`` in the order of ``columns(direction)``."""

    number: int
    values: list = field(default_factory=list)
    document: int | None = None
    receipt: int | None = None


def columns(direction: str) -> list[tuple[str, str]]:
    """(key, heading) of the register's columns: the ten of PL IV for each direction."""
    if direction == Direction.OUTGOING:
        return [
            ("symbol", _("Số, ký hiệu văn bản")),
            ("date", _("Ngày tháng văn bản")),
            ("title", _("Tên loại và trích yếu nội dung")),
            ("signer", _("Người ký")),
            ("recipients", _("Nơi nhận văn bản")),
            ("luu", _("Đơn vị, người nhận bản lưu")),
            ("copies", _("Số lượng bản")),
            ("dispatched", _("Ngày chuyển")),
            ("signed_for", _("Ký nhận")),
            ("note", _("Ghi chú")),
        ]
    return [
        ("arrived", _("Ngày đến")),
        ("number", _("Số đến")),
        ("author", _("Tác giả")),
        ("symbol", _("Số, ký hiệu")),
        ("date", _("Ngày tháng văn bản")),
        ("title", _("Tên loại và trích yếu nội dung")),
        ("handler", _("Đơn vị hoặc người nhận")),
        ("handed_over", _("Ngày chuyển")),
        ("signed_for", _("Ký nhận")),
        ("note", _("Ghi chú")),
    ]


def entries(
    book: RegisterBook,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet:
    """The book's registered documents (outgoing) or copies (incoming), in number order,
    registered between ``since`` and ``until`` (both included) when given."""
    if book.pk is None:
        model = Document if book.direction == Direction.OUTGOING else Receipt
        return model.objects.none()
    if book.direction == Direction.OUTGOING:
        qs: QuerySet = Document.objects.filter(book=book, number__isnull=False).order_by("number")
        at = "issued_at"
    else:
        qs = Receipt.objects.filter(book=book, incoming_number__isnull=False).order_by(
            "incoming_number"
        )
        at = "received_at"
    if since:
        qs = qs.filter(**{f"{at}__date__gte": since})
    if until:
        qs = qs.filter(**{f"{at}__date__lte": until})
    return qs


def _titled(doc_type: str, title: str) -> str:
    name = str(DocType(doc_type).label) if doc_type in DocType.values else ""
    return f"{name}: {title}" if name else title


def _first_events(action: str, **which) -> dict[int, datetime.datetime]:
    """When each of the given documents or receipts first took ``action``: one query."""
    key = "document_id" if "document_id__in" in which else "receipt_id"
    found: dict[int, datetime.datetime] = {}
    for owner, at in (
        AuditEvent.objects.filter(action=action, **which).order_by("seq").values_list(key, "at")
    ):
        found.setdefault(owner, at)
    return found


def rows(book: RegisterBook, objects: Sequence | QuerySet) -> list[Row]:
    """The register's rows for these entries of ``book``, in a bounded number of queries."""
    if book.direction == Direction.OUTGOING:
        return _outgoing_rows(objects)
    return _incoming_rows(objects)


def _outgoing_rows(objects) -> list[Row]:
    documents = list(
        Document.objects.filter(pk__in=[d.pk for d in objects])
        .select_related("signer")
        .prefetch_related(
            Prefetch(
                "recipients",
                queryset=Recipient.objects.select_related("organization").order_by("order", "pk"),
            )
        )
        .order_by("number")
    )
    dispatched = _first_events("dispatch", document_id__in=[d.pk for d in documents])
    result = []
    for d in documents:
        names = [r.organization.name if r.organization else r.name for r in d.recipients.all()]
        note = _("Đã thu hồi") if d.status == DocumentStatus.RECALLED else ""
        result.append(
            Row(
                number=d.number or 0,
                document=d.pk,
                values=[
                    d.symbol,
                    _local_date(d.issued_at),
                    _titled(d.doc_type, d.title),
                    person_name(d.signer),
                    "; ".join(names),
                    d.luu,
                    len(names),
                    _local_date(dispatched.get(d.pk)),
                    "",
                    note,
                ],
            )
        )
    return result


def _incoming_rows(objects) -> list[Row]:
    receipts = list(
        Receipt.objects.filter(pk__in=[r.pk for r in objects])
        .select_related("document__issuer", "assignee")
        .order_by("incoming_number")
    )
    assigned = _first_events("assign", receipt_id__in=[r.pk for r in receipts])
    result = []
    for r in receipts:
        d = r.document
        note = {
            ReceiptStatus.REFUSED: _("Từ chối tiếp nhận"),
            ReceiptStatus.COMPLETED: _("Đã xử lý xong"),
        }.get(r.status, "")
        if d is not None and d.status == DocumentStatus.RECALLED:
            note = _("Đã thu hồi")
        result.append(
            Row(
                number=r.incoming_number or 0,
                receipt=r.pk,
                values=[
                    _local_date(r.delivered_at or r.received_at),
                    r.incoming_number,
                    d.issuer.name if d else r.sender_name,
                    d.symbol if d else r.sender_symbol,
                    _local_date(d.issued_at) if d else r.sender_date,
                    _titled(d.doc_type, d.title)
                    if d
                    else _titled(r.sender_doc_type, r.sender_title),
                    person_name(r.assignee),
                    _local_date(assigned.get(r.pk)),
                    "",
                    note,
                ],
            )
        )
    return result


def heading(book: RegisterBook) -> str:
    kind = _("SỔ ĐĂNG KÝ VĂN BẢN ĐI") if book.direction == Direction.OUTGOING else None
    kind = kind or _("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN")
    return f"{kind}{' (' + _('MẬT') + ')' if book.secret else ''}"


def export_limit() -> int:
    return int(settings.REGISTER_EXPORT_MAX_ROWS)


def cell(value) -> str:
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    return "" if value is None else str(value)


def to_pdf(book: RegisterBook, table: list[Row], *, period: str = "") -> bytes:
    """The book as printed and bound: A4 landscape, the register's columns, the shipped fonts."""
    from .rendering.pdf import STATIC, html_to_pdf

    html = render_to_string(
        "documents/print/register.html",
        {
            "book": book,
            "heading": heading(book),
            "period": period,
            "columns": columns(book.direction),
            "rows": [[cell(v) for v in row.values] for row in table],
            "stylesheet": (STATIC / "register.css").as_uri(),
        },
    )
    return html_to_pdf(html).pdf


def to_xlsx(book: RegisterBook, table: list[Row], *, period: str = "") -> bytes:
    """The book as a workbook: the heading, a frozen header row, dates as dates."""
    widths = {"title": 60, "recipients": 50, "author": 30, "signer": 28, "luu": 24}
    cols = columns(book.direction)
    return spreadsheets.workbook(
        sheet=str(book.year),
        title_lines=[f"{heading(book)} — {book.organization.name} — {book.year}", period],
        headers=[label for _key, label in cols],
        widths=[widths.get(key, 14) for key, _label in cols],
        rows=(row.values for row in table),
    )
