"""One way to lay a table out as an Excel workbook (openpyxl): optional title lines, a bold
header row frozen under them, dates and times as real cells in the clerk's format, given
column widths, wrapped text; one table a sheet."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Sheet:
    """One table of a workbook, laid out as every other."""

    name: str
    headers: Sequence[str]
    widths: Sequence[int]
    rows: Iterable[Sequence]
    title_lines: Sequence[str] = ()


def workbook(
    *,
    sheet: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence],
    title_lines: Sequence[str] = (),
) -> bytes:
    return workbook_of([Sheet(sheet, headers, widths, rows, title_lines)])


def workbook_of(sheets: Sequence[Sheet]) -> bytes:
    """Several tables, one sheet each, in the order given."""
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    for index, sheet in enumerate(sheets):
        page = book.worksheets[0] if index == 0 else book.create_sheet()
        assert isinstance(page, Worksheet)
        _fill(page, sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(page, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    page.title = sheet.name[:31]
    for index, line in enumerate(sheet.title_lines):
        page.append([line])
        page.cell(row=index + 1, column=1).font = Font(
            bold=index == 0, size=13 if not index else 11
        )
    header_row = len(sheet.title_lines) + 1
    page.append(list(sheet.headers))
    for cell in page[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in sheet.rows:
        page.append(list(row))
    for number, width in enumerate(sheet.widths, start=1):
        page.column_dimensions[get_column_letter(number)].width = width
    for cells in page.iter_rows(min_row=header_row + 1):
        for cell in cells:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "dd/mm/yyyy"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    page.freeze_panes = f"A{header_row + 1}"
