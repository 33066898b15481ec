"""A form report's answers on Theo dõi thực hiện (views.rollup): one row per organisation shown,
the answers of its latest fulfilling reply (``selectors.rollup`` reads them), one column per
field, the number fields totalled; and the same as columns of the workbook. Pure reads of the
roll-up: no query of their own."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from documents.report_forms import totals, vietnamese_number
from documents.selectors.obligations import ItemRow, Rollup


@dataclass(frozen=True)
class AnswersRow:
    row: ItemRow
    #: One per field with its value as the page writes it; "" where nothing was answered.
    cells: list[tuple[dict, str]]


@dataclass(frozen=True)
class AnswersTable:
    fields: list[dict]
    rows: list[AnswersRow]
    #: One per field: the number fields' totals as the page writes them, None for a text.
    totals: list[tuple[dict, str | None]]
    #: The same totals as numbers, for the workbook.
    sums: dict


def _cell(field: dict, value) -> str:
    if value is None or value == "":
        return ""
    return vietnamese_number(value) if field["type"] == "number" else str(value)


def answers_table(rollup: Rollup, shown: list[ItemRow]) -> AnswersTable | None:
    """The table of ``shown`` (the rows the page's filter leaves), totalled over them; None
    for an obligation without a form."""
    form = rollup.obligation.form
    if not form:
        return None
    rows = [
        AnswersRow(r, [(f, _cell(f, (r.answers or {}).get(f["key"]))) for f in form]) for r in shown
    ]
    sums = totals(form, [r.answers for r in shown if r.answers])
    shown_totals = [
        (f, vietnamese_number(sums[f["key"]]) if f["type"] == "number" else None) for f in form
    ]
    return AnswersTable(form, rows, shown_totals, sums)


def workbook_columns(blocks: list[dict]) -> list[tuple[int, dict, str]]:
    """The answers' columns of the workbook: every field of every form shown, as
    ``(obligation id, field, header)``; the obligation's title is named only when several
    forms share the sheet."""
    tables = [(b["row"].obligation, b["answers"]) for b in blocks if b.get("answers")]
    several = len(tables) > 1
    return [
        (o.pk, f, f"{f['label']} ({o.title})" if several else f["label"])
        for o, table in tables
        for f in table.fields
    ]


def workbook_cells(columns: list[tuple[int, dict, str]], obligation_id: int, answers) -> list:
    """One row's answers under the columns (numbers as numbers); its own form's only."""
    given = answers or {}
    return [given.get(f["key"]) if pk == obligation_id else None for pk, f, _h in columns]


def workbook_totals(columns: list[tuple[int, dict, str]], block: dict, width: int) -> list | None:
    """The totals row under a form's rows: "Tổng cộng" in the requirement's column and each
    number field's total in its own; ``width`` is the number of columns before the answers."""
    table: AnswersTable | None = block.get("answers")
    if table is None:
        return None
    obligation = block["row"].obligation
    cells = [table.sums.get(f["key"]) if pk == obligation.pk else None for pk, f, _h in columns]
    return [None, _("Tổng cộng"), *([None] * (width - 2)), *cells]
