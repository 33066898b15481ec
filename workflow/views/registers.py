"""Sổ đăng ký văn bản đi / đến on screen (Decree 30 PL IV, design §15.6): the book chosen by
organisation, direction, year and (where allowed) the secret book, its rows in number order,
paginated, and the same book printed or as a workbook — read through the API's own query,
selector and layout, so the screen, the PDF and the XLSX cannot disagree."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from documents import registers
from documents.api.views.registers import RegisterQuery
from documents.choices import Direction
from documents.errors import Forbidden
from documents.selectors.registers import readable_books, reads_secret_books, register_book

from ..middleware import request_grants


class RegisterView(LoginRequiredMixin, generic.TemplateView):
    """Who may read which book is ``selectors.registers`` (403/404 as the API); a person
    who reads no book at all is refused the screen (403)."""

    template_name = "workflow/register.html"
    paginate_by = 50
    direction = Direction.OUTGOING

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, grants = self.request.user, request_grants(self.request)
        organizations = readable_books(user, grants)
        if not organizations:
            raise Forbidden()
        params = self.request.GET.copy()
        params.setdefault("organization", organizations[0].code)
        params.setdefault("direction", self.direction)
        params.setdefault("year", str(timezone.localdate().year))
        for empty in ("from", "to"):
            if not params.get(empty):
                params.pop(empty, None)
        query = RegisterQuery(data=params)
        context.update(
            title=_("Sổ đăng ký văn bản"),
            organizations=organizations,
            secret_orgs=reads_secret_books(grants),
            directions=Direction.choices,
            current=params,
        )
        if not query.is_valid():
            context["errors"] = query.errors
            return context
        q = query.validated_data
        book = register_book(
            user,
            organization=q["organization"],
            direction=q["direction"],
            year=q.get("year") or timezone.localdate().year,
            secret=q["secret"],
            grants=grants,
        )
        entries = registers.entries(book, since=q.get("from"), until=q.get("to"))
        page = Paginator(entries, self.paginate_by).get_page(self.request.GET.get("page"))
        chosen = {
            key: value
            for key, value in params.items()
            if key in ("organization", "direction", "year", "secret", "from", "to")
        }
        labels = [label for _key, label in registers.columns(book.direction)]
        export = reverse("api:registers") + "?" + urlencode(chosen)
        context.update(
            book=book,
            heading=registers.heading(book),
            columns=registers.columns(book.direction),
            rows=[_row(row, labels) for row in registers.rows(book, page.object_list)],
            page=page,
            query=urlencode(chosen),
            pdf_url=f"{export}&format=pdf",
            xlsx_url=f"{export}&format=xlsx",
        )
        return context


def _row(row: registers.Row, labels: list) -> dict:
    """A register line with where it leads: the document's page, or the copy's own."""
    if row.document is not None:
        url = reverse("outgoing:detail", args=[row.document])
    else:
        url = reverse("incoming:copy", args=[row.receipt])
    return {
        "number": row.number,
        "cells": list(zip(labels, map(registers.cell, row.values), strict=True)),
        "url": url,
    }
