"""One way to lay a table out as an Excel workbook (openpyxl): optional title lines, a bold
header row frozen under them, dates and times as real cells in the clerk's format, given
column widths, wrapped text."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(
    *,
    sheet: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence],
    title_lines: Sequence[str] = (),
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook()
    page = book.worksheets[0]
    assert isinstance(page, Worksheet)
    page.title = sheet[:31]
    for index, line in enumerate(title_lines):
        page.append([line])
        page.cell(row=index + 1, column=1).font = Font(
            bold=index == 0, size=13 if not index else 11
        )
    header_row = len(title_lines) + 1
    page.append(list(headers))
    for cell in page[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        page.append(list(row))
    for number, width in enumerate(widths, start=1):
        page.column_dimensions[get_column_letter(number)].width = width
    for cells in page.iter_rows(min_row=header_row + 1):
        for cell in cells:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(cell.value, datetime.date):
                cell.number_format = "dd/mm/yyyy"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    page.freeze_panes = f"A{header_row + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
