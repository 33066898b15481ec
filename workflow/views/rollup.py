"""Theo dõi thực hiện: what a document asked of its recipients (``selectors.rollup``, the
issuer side only) as figures, a chart and each organisation's status and reply; the same rows
as a workbook; the chase of those that still owe (``services.chase_obligations``) and the
city's report compiled from the replies (``services.compile_report``). The filters are plain
links: the page is whole without its script, which only draws the charts."""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from documents import selectors, services, spreadsheets
from documents.downloads import file_response
from documents.errors import Conflict, InvalidInput
from documents.models import Document
from documents.obligations import ItemStatus
from documents.periods import is_key
from documents.selectors.obligations import Rollup
from orgchart.models import RoleCode

from ..middleware import request_grants
from .form_reports import answers_table, workbook_cells, workbook_columns, workbook_totals

S = ItemStatus
#: ``?loc=``: the statuses a page of the roll-up may be narrowed to, by their slug.
SHOWS = {
    "chua-nop": S.PENDING,
    "qua-han": S.OVERDUE,
    "da-nop": S.FULFILLED,
    "nop-muon": S.FULFILLED_LATE,
    "tu-choi": S.REFUSED,
}
#: The chart's slices, coloured by meaning as on Báo cáo (reports.js): on time, late, not yet
#: due, overdue, refused.
SLICES = (
    ("on_time", S.FULFILLED, "fulfilled"),
    ("late", S.FULFILLED_LATE, "late"),
    ("waiting", S.PENDING, "waiting"),
    ("overdue", S.OVERDUE, "overdue"),
    ("refused", S.REFUSED, "refused"),
)


def rollup_url(document: Document, show: str = "", periods: dict | None = None) -> str:
    """``periods``: the period chosen of each recurring obligation, ``{"ky-<id>": key}``."""
    params = {**({"loc": show} if show else {}), **(periods or {})}
    query = f"?{urlencode(params)}" if params else ""
    return f"{reverse('outgoing:rollup', args=[document.pk])}{query}"


def _chosen_periods(request) -> dict[str, str]:
    """``?ky-<obligation id>=<period key>``: the period shown of each recurring obligation
    (by default its current one)."""
    return {
        name: value
        for name, value in request.GET.items()
        if name.startswith("ky-") and name[3:].isdigit() and is_key(value)
    }


def _in_periods(rollups: list[Rollup], chosen: dict[str, str]) -> list[tuple[Rollup, list, int]]:
    """Each recurring obligation narrowed to the period chosen (else its current one), with
    the choices of its period chooser and how many organisations its chase reminds (those
    that owe the current period or an earlier one, as services.chase_obligations does); a
    one-off one as it is."""
    today = timezone.localdate()
    result: list[tuple[Rollup, list, int]] = []
    for row in rollups:
        if not row.periods:
            result.append((row, [], row.counts["pending"]))
            continue
        now = row.current(today).index
        owing = {
            r.item.organization_id
            for r in row.items
            if r.item.period <= now and r.status in (S.PENDING, S.OVERDUE)
        }
        period = row.obligation.period_by_key(chosen.get(f"ky-{row.obligation.pk}"))
        period = period or row.current(today)
        choices = [
            {"key": p.key, "label": p.label, "due": p.due, "active": p == period}
            for p in row.periods
        ]
        result.append((row.of_period(period), choices, len(owing)))
    return result


def _figures(row: Rollup) -> dict:
    """The selector's counts, with the overdue told apart from those not yet due."""
    overdue = sum(1 for r in row.items if r.status == S.OVERDUE)
    return {**row.counts, "overdue": overdue, "waiting": row.counts["pending"] - overdue}


def _shown(request) -> str:
    show = request.GET.get("loc", "")
    return show if show in SHOWS else ""


def _context(request, pk: int) -> dict:
    grants = request_grants(request)
    document, whole = selectors.rollup(request.user, pk, grants)
    chosen = _chosen_periods(request)
    narrowed = _in_periods(whole, chosen)
    rollups = [row for row, _choices, _owing in narrowed]
    show = _shown(request)
    replies = {r.item.reply_id for row in rollups for r in row.items if r.item.reply_id}
    # One query, whatever the number of replies: which of them this person may open.
    readable = set(
        selectors.visible_documents(request.user, grants)
        .filter(pk__in=replies)
        .values_list("pk", flat=True)
    )
    allowed = selectors.allowed_actions(request.user, document, grants)
    may_chase = "chase" in allowed
    # The same check as create_draft's: only the issuer's drafters draft its report.
    may_compile = grants.has(document.issuer_id, RoleCode.DRAFTER)
    obligations, charts = [], []
    for row, choices, owing in narrowed:
        figures = _figures(row)
        for r in row.items:
            r.label = S(r.status).label  # type: ignore[attr-defined]
            r.reply_url = (  # type: ignore[attr-defined]
                reverse("outgoing:detail", args=[r.item.reply_id])
                if r.item.reply_id in readable
                else ""
            )
        shown = [r for r in row.items if not show or r.status == SHOWS[show]]
        chart_id = f"chart-obligation-{row.obligation.pk}"
        if figures["total"]:
            charts.append(
                {
                    "id": chart_id,
                    "type": "doughnut",
                    "labels": [str(status.label) for _key, status, _figure in SLICES],
                    "keys": [key for key, _status, _figure in SLICES],
                    "datasets": [
                        {
                            "label": row.obligation.title,
                            "data": [figures[figure] for _key, _status, figure in SLICES],
                        }
                    ],
                }
            )
        obligations.append(
            {
                "row": row,
                "figures": figures,
                "items": shown,
                "chart_id": chart_id,
                "can_chase": may_chase and owing > 0,
                "answers": answers_table(row, shown),
                "owing": owing,
                "periods": choices,
                "period": next((c for c in choices if c["active"]), None),
                "period_param": f"ky-{row.obligation.pk}",
                # The other obligations' choices, kept when this one's period changes.
                "kept": {k: v for k, v in chosen.items() if k != f"ky-{row.obligation.pk}"},
            }
        )
    seen = Counter(r.status for row in rollups for r in row.items)
    shows = [
        {
            "key": "",
            "label": _("Tất cả"),
            "url": rollup_url(document, periods=chosen),
            "active": not show,
        }
    ]
    shows += [
        {
            "key": key,
            "label": status.label,
            "count": seen[status],
            "url": rollup_url(document, key, chosen),
            "active": key == show,
        }
        for key, status in SHOWS.items()
    ]
    export = reverse("outgoing:rollup-xlsx", args=[document.pk])
    query = urlencode({**({"loc": show} if show else {}), **chosen})
    return {
        "document": document,
        "obligations": obligations,
        "charts": charts,
        "shows": shows,
        "show": show,
        "may_compile": may_compile,
        "export_url": f"{export}?{query}" if query else export,
        "back_url": reverse("outgoing:detail", args=[document.pk]),
        "title": _("Theo dõi thực hiện"),
    }


class RollupView(LoginRequiredMixin, View):
    """Not visible → 404, a recipient → 403 (the selector decides; workflow.middleware
    renders it and puts the refusal on record)."""

    template_name = "workflow/rollup.html"

    def get(self, request, pk):
        return TemplateResponse(request, self.template_name, _context(request, pk))


def _said(request, error: InvalidInput | Conflict) -> None:
    for text in error.messages():
        messages.error(request, text)


class ChaseOwingView(LoginRequiredMixin, View):
    """Đôn đốc every organisation that still owes one obligation, in one click; the page
    says how many were reminded now and how many had been today already."""

    http_method_names = ["post"]

    def post(self, request, pk, obligation):
        document = selectors.get_visible_document(request.user, pk)
        try:
            result = services.chase_obligations(
                actor=request.user, document=document, obligation=obligation
            )
        except (InvalidInput, Conflict) as error:
            _said(request, error)
        else:
            done, already = len(result.chased), len(result.already)
            messages.success(
                request,
                ngettext(
                    "Đã đôn đốc %(count)d đơn vị; họ nhận được thông báo.",
                    "Đã đôn đốc %(count)d đơn vị; họ nhận được thông báo.",
                    done,
                )
                % {"count": done},
            )
            if already:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d đơn vị đã được nhắc hôm nay, không gửi lại: %(names)s.",
                        "%(count)d đơn vị đã được nhắc hôm nay, không gửi lại: %(names)s.",
                        already,
                    )
                    % {
                        "count": already,
                        "names": "; ".join(r.organization.name for r in result.already),
                    },
                )
        return redirect(rollup_url(document, request.POST.get("loc", "")))


class CompileView(LoginRequiredMixin, View):
    """Tổng hợp báo cáo: a draft Báo cáo from the replies, opened at once."""

    http_method_names = ["post"]

    def post(self, request, pk, obligation):
        document = selectors.get_visible_document(request.user, pk)
        try:
            report = services.compile_report(
                actor=request.user,
                document=document,
                obligation=obligation,
                period=request.POST.get("period") or None,
            )
        except (InvalidInput, Conflict) as error:
            _said(request, error)
            return redirect(rollup_url(document))
        messages.success(request, _("Đã tạo dự thảo báo cáo tổng hợp. Hãy xem lại và trình duyệt."))
        return redirect(reverse("outgoing:detail", args=[report.pk]))


# ---------------------------------------------------------------------------------------------
# The workbook


def _local(value: datetime.datetime | None):
    # Excel has no time zones: the clerk's local time, as the page shows it.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def workbook(context: dict) -> bytes:
    headers = [
        (_("STT"), 5),
        (_("Yêu cầu"), 40),
        (_("Hạn nộp"), 12),
        (_("Đơn vị"), 36),
        (_("Tình trạng"), 14),
        (_("Văn bản trả lời"), 22),
        (_("Ngày văn bản"), 14),
        (_("Ngày nộp"), 17),
    ]
    answer_columns = workbook_columns(context["obligations"])
    width = len(headers)
    headers += [(h, 16) for _pk, _f, h in answer_columns]
    rows: list[list] = []
    numbered = 0
    for block in context["obligations"]:
        for r in block["items"]:
            numbered += 1
            reply = r.item.reply
            issued = (
                timezone.localtime(reply.issued_at).date() if reply and reply.issued_at else None
            )
            rows.append(
                [
                    numbered,
                    r.item.title,
                    r.item.due,
                    r.item.organization.name,
                    str(S(r.status).label),
                    (reply.symbol or None) if reply else None,
                    issued,
                    _local(r.item.fulfilled_at),
                    *workbook_cells(answer_columns, block["row"].obligation.pk, r.answers),
                ]
            )
        summed = workbook_totals(answer_columns, block, width)
        if summed is not None:
            rows.append(summed)
    document = context["document"]
    return spreadsheets.workbook(
        sheet=str(_("Theo dõi thực hiện")),
        title_lines=[f"{document.symbol} — {document.title}"],
        headers=[str(h) for h, _w in headers],
        widths=[w for _h, w in headers],
        rows=rows,
    )


class RollupExportView(LoginRequiredMixin, View):
    """The page's rows under its active filter, as ``.xlsx``; whoever may read the page may
    download it (not visible → 404, a recipient → 403)."""

    def get(self, request, pk):
        context = _context(request, pk)
        show = context["show"]
        name = f"theo-doi-thuc-hien-{pk}{'-' + show if show else ''}.xlsx"
        return file_response(workbook(context), filename=name, content_type=spreadsheets.XLSX)
