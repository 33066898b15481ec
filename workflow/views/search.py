"""Tìm kiếm: the results of the top bar's search box, the same ``selectors.search`` as
``GET /api/v1/search/`` (same rows, same order), shown with a link to each."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from documents import selectors
from documents.lifecycle import DocumentStatus, ReceiptStatus
from documents.paging import BoundedPaginator
from documents.selectors.search import MAX_QUERY, MAX_WORDS, words

from ..middleware import request_grants
from .card import format_date

KINDS = {"document": _("Văn bản đi"), "receipt": _("Văn bản đến")}


def _row(row: dict) -> dict:
    statuses = DocumentStatus if row["kind"] == "document" else ReceiptStatus
    if row["shown_document"] is not None:
        link = reverse("outgoing:detail", args=[row["shown_document"]])
    else:
        # A document from outside has no page of its own: its line in Văn bản đến.
        query = urlencode({"q": row["shown_symbol"] or row["shown_title"][:100]})
        link = f"{reverse('incoming:index')}?{query}"
    return {
        "kind": row["kind"],
        "kind_label": KINDS[row["kind"]],
        "title": row["shown_title"],
        "symbol": row["shown_symbol"],
        "status": row["status"],
        "status_label": statuses(row["status"]).label
        if row["status"] in statuses.values
        else row["status"],
        "date": format_date(row["at"]),
        "link": link,
    }


class SearchView(LoginRequiredMixin, generic.TemplateView):
    template_name = "workflow/search.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "")
        rows = selectors.search(self.request.user, q, request_grants(self.request))
        page = BoundedPaginator(rows, self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(
            title=_("Tìm kiếm"),
            q=q[:MAX_QUERY],
            current={"q": q[:MAX_QUERY]},
            searched=bool(words(q)),
            cut=len(q) > MAX_QUERY or len(q.split()) > MAX_WORDS,
            max_query=MAX_QUERY,
            max_words=MAX_WORDS,
            page=page,
            results=[_row(row) for row in page.object_list],
        )
        return context
