"""The sender's receipt table on the document page (bảng theo dõi): its filters, the chase
(đôn đốc) of the copies that lag, and the same rows as an Excel workbook. The rows come from
``selectors.receipt_table`` (issuer side only), the chase from ``services.chase``."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from documents import selectors, services, spreadsheets
from documents.downloads import file_response
from documents.errors import Conflict, InvalidInput
from documents.models import Document, ReceiptStatus
from documents.selectors.receipts import Row, Table
from documents.templatetags.vanban import ho_ten

from ..middleware import request_grants

#: The anchor of the table on the document page.
ANCHOR = "theo-doi"
#: ``?chon=``: which lagging rows come ticked (the convenience links, without JavaScript).
PRESELECT = {
    "chua-tiep-nhan": lambda row: row.receipt.status == ReceiptStatus.DELIVERED,
    "tat-ca": lambda row: True,
}


def table_url(document: Document, show: str = "", **extra: str) -> str:
    params = {k: v for k, v in {"loc": show, **extra}.items() if v}
    query = f"?{urlencode(params)}" if params else ""
    return f"{reverse('outgoing:detail', args=[document.pk])}{query}#{ANCHOR}"


def receipt_table_context(request, document: Document, allowed_actions: list[str]) -> dict:
    """What ``_receipt_table.html`` shows; nothing for anyone but the issuer side."""
    grants = request_grants(request)
    if not selectors.is_issuer_side(request.user, document, grants):
        return {}
    table = selectors.receipt_table(request.user, document, grants, show=request.GET.get("loc", ""))
    if not table.total:
        return {}
    can_chase = "chase" in allowed_actions
    tick = PRESELECT.get(request.GET.get("chon", ""))
    for row in table.rows:
        row.ticked = bool(can_chase and tick and row.chaseable and tick(row))  # type: ignore[attr-defined]
    for show in table.shows:
        show["url"] = table_url(document, show["key"])
    export = reverse("outgoing:receipts-xlsx", args=[document.pk])
    return {
        "receipt_table": table,
        # The column of ticks shows who was chased today even once nobody is left to chase.
        "may_chase": can_chase,
        "can_chase": can_chase and any(row.chaseable for row in table.rows),
        "select_waiting_url": table_url(document, table.show, chon="chua-tiep-nhan"),
        "select_all_url": table_url(document, table.show, chon="tat-ca"),
        "clear_url": table_url(document, table.show),
        "export_url": f"{export}?{urlencode({'loc': table.show})}" if table.show else export,
    }


class ChaseView(LoginRequiredMixin, View):
    """Chase the ticked copies. Not visible → 404, not allowed → 403 (workflow.middleware,
    which puts the refusal on record); a copy that no longer lags, or one chase too many
    today, is a message on the page and nothing is written."""

    http_method_names = ["post"]

    def post(self, request, pk):
        document = selectors.get_visible_document(request.user, pk)
        show = request.POST.get("loc", "")
        try:
            ids = [int(value) for value in request.POST.getlist("receipts")]
        except ValueError:
            ids = []
        try:
            result = services.chase(actor=request.user, document=document, receipts=ids)
        except (InvalidInput, Conflict) as error:
            for text in error.messages():
                messages.error(request, text)
        else:
            done = len(result.chased)
            messages.success(
                request,
                ngettext(
                    "Đã đôn đốc %(count)d nơi nhận; họ nhận được thông báo.",
                    "Đã đôn đốc %(count)d nơi nhận; họ nhận được thông báo.",
                    done,
                )
                % {"count": done},
            )
            if result.skipped:
                messages.info(
                    request,
                    _("Đã đôn đốc hôm nay, không gửi lại: %(names)s.")
                    % {"names": "; ".join(r.organization.name for r in result.skipped)},
                )
        return redirect(table_url(document, show))


# ---------------------------------------------------------------------------------------------
# The workbook


def _local(value: datetime.datetime | None):
    # Excel has no time zones: the clerk's local time, as the page shows it.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _columns() -> list[tuple[str, int, object]]:
    """(header, width in characters, the cell of a row)."""
    return [
        (_("STT"), 5, None),
        (_("Nơi nhận"), 34, lambda row: row.receipt.organization.name),
        (_("Mục đích"), 18, lambda row: row.receipt.get_purpose_display()),
        (_("Trạng thái"), 18, lambda row: row.receipt.get_status_display()),
        (_("Ngày đến"), 17, lambda row: _local(row.delivered_at)),
        (_("Tiếp nhận"), 17, lambda row: _local(row.acknowledged_at)),
        (_("Số đến"), 8, lambda row: row.receipt.incoming_number),
        (_("Phân công"), 17, lambda row: _local(row.assigned_at)),
        (_("Chủ trì"), 24, lambda row: ho_ten(row.receipt.assignee)),
        (_("Hạn xử lý"), 12, lambda row: row.receipt.deadline),
        (_("Quá hạn"), 9, lambda row: _("Quá hạn") if row.overdue else ""),
        (_("Hoàn thành"), 17, lambda row: _local(row.completed_at)),
        (_("Báo cáo kết quả"), 50, lambda row: row.receipt.report),
        (_("Từ chối"), 17, lambda row: _local(row.refused_at)),
        (_("Lý do từ chối"), 40, lambda row: row.receipt.reason),
        (_("Đôn đốc gần nhất"), 17, lambda row: _local(row.chased_at)),
    ]


def workbook(table: Table) -> bytes:
    columns = _columns()
    return spreadsheets.workbook(
        sheet=str(_("Theo dõi")),
        headers=[str(header) for header, _width, _cell in columns],
        widths=[width for _header, width, _cell in columns],
        rows=(
            [index, *(_value(cell, row) for _h, _w, cell in columns[1:])]
            for index, row in enumerate(table.rows, start=1)
        ),
    )


def _value(cell, row: Row):
    value = cell(row)
    return value if value not in ("", None) else None


class ReceiptExportView(LoginRequiredMixin, View):
    """The table's rows under its active filter, as ``.xlsx``: who may read the table may
    download it (not visible → 404, a recipient → 403)."""

    def get(self, request, pk):
        document = selectors.get_visible_document(request.user, pk)
        table = selectors.receipt_table(
            request.user, document, request_grants(request), show=request.GET.get("loc", "")
        )
        name = f"theo-doi-van-ban-{document.pk}{'-' + table.show if table.show else ''}.xlsx"
        return file_response(workbook(table), filename=name, content_type=spreadsheets.XLSX)
