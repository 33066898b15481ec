"""Báo cáo: an organisation's figures for a period (``selectors.reports``) as cards, charts
and, beneath each chart, the same figures as a table; the tables as a workbook. The filters
are a plain GET form: the page is whole without its script, which only draws the charts."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from documents import spreadsheets
from documents.downloads import file_response
from documents.errors import Forbidden
from documents.selectors.registers import readable_books
from documents.selectors.reports import TIMELINESS, Report, Table, report

from ..middleware import request_grants


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class ReportFilter(forms.Form):
    organization = forms.CharField(label=gettext_lazy("Đơn vị"), max_length=64, required=False)
    since = forms.DateField(label=gettext_lazy("Từ ngày"), required=False, widget=DateInput())
    until = forms.DateField(label=gettext_lazy("Đến ngày"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Ngày cuối kỳ phải sau ngày đầu kỳ."))
        return data


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From the first day of the year to today: the year's reports so far."""
    return today.replace(month=1, day=1), today


def _chosen(request) -> tuple[ReportFilter, list, dict]:
    """The form, the organisations the person may choose and the filters it settled on
    (empty when the form was bad). Forbidden for whom no organisation's reports are open."""
    organizations = readable_books(request.user, request_grants(request))
    if not organizations and not request.GET.get("organization"):
        raise Forbidden()
    form = ReportFilter(request.GET or None)
    since, until = default_period(timezone.localdate())
    first = organizations[0].code if organizations else ""
    chosen = {"organization": first, "since": since, "until": until}
    if request.GET and not form.is_valid():
        return form, organizations, {}
    if request.GET:
        chosen.update({key: value for key, value in form.cleaned_data.items() if value})
    return form, organizations, chosen


def _report(request, chosen: dict) -> Report:
    return report(
        request.user,
        organization=chosen["organization"],
        since=chosen["since"],
        until=chosen["until"],
        grants=request_grants(request),
    )


#: The recipients' chart: each one's copies split into done on time, done late, past the
#: deadline now, refused and the rest (``TIMELINESS``'s positions).
STACKED = ("on_time", "late", "overdue", "refused")


def charts(result: Report) -> list[dict]:
    """What the page's script draws, one entry per chart (``json_script``); ``keys`` name
    the lines or series, which the script colours by their meaning."""
    drawn = []
    for table in result.tables:
        lines = table.charted
        if not table.chart or not lines:
            continue
        if table.chart == "stacked":
            at = {key: TIMELINESS.index(key) for key in (*STACKED, "copies")}
            datasets = [
                {
                    "key": key,
                    "label": str(table.headers[at[key] + 1]),
                    "data": [line.values[at[key]] for line in lines],
                }
                for key in STACKED
            ]
            rest = [
                line.values[at["copies"]] - sum(line.values[at[key]] for key in STACKED)
                for line in lines
            ]
            datasets.append({"key": "rest", "label": _("Còn lại"), "data": rest})
        else:
            datasets = [{"label": str(table.headers[1]), "data": [ln.values[0] for ln in lines]}]
        drawn.append(
            {
                "id": f"chart-{table.key}",
                "type": table.chart,
                "labels": [str(line.label) for line in lines],
                "keys": [line.key for line in lines],
                "datasets": datasets,
            }
        )
    return drawn


class ReportView(LoginRequiredMixin, View):
    template_name = "workflow/reports.html"

    def get(self, request):
        form, organizations, chosen = _chosen(request)
        context = {"title": _("Báo cáo"), "form": form, "organizations": organizations}
        if not chosen:
            return TemplateResponse(request, self.template_name, context, status=400)
        result = _report(request, chosen)
        query = urlencode(
            {
                "organization": result.organization.code,
                "since": result.since.isoformat(),
                "until": result.until.isoformat(),
            }
        )
        context.update(
            report=result,
            chosen=chosen,
            charts=charts(result),
            export_url=f"{reverse('reports:export')}?{query}",
        )
        return TemplateResponse(request, self.template_name, context)


def workbook(result: Report) -> bytes:
    period = _("Từ ngày %(since)s đến ngày %(until)s") % {
        "since": f"{result.since:%d/%m/%Y}",
        "until": f"{result.until:%d/%m/%Y}",
    }
    return spreadsheets.workbook_of(
        [
            spreadsheets.Sheet(
                name=f"{index + 1}. {table.title}"[:31],
                title_lines=[f"{table.title} — {result.organization.name}", period],
                headers=[str(header) for header in table.headers],
                widths=[48, *(14 for _header in table.headers[1:])],
                rows=rows(table),
            )
            for index, table in enumerate(result.tables)
        ]
    )


def rows(table: Table) -> list[list]:
    """The table as the page shows it and the workbook holds it: label, then figures."""
    return [[str(line.label), *line.values] for line in table.lines]


class ReportExportView(LoginRequiredMixin, View):
    """The page's tables as ``.xlsx``, for the same filters and the same readers."""

    def get(self, request) -> HttpResponse:
        form, _organizations, chosen = _chosen(request)
        if not chosen:
            return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
        result = _report(request, chosen)
        name = (
            f"bao-cao-{result.organization.code}-{result.since:%Y%m%d}-{result.until:%Y%m%d}.xlsx"
        )
        return file_response(workbook(result), filename=name, content_type=spreadsheets.XLSX)
