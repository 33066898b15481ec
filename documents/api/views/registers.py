"""Sổ đăng ký văn bản đi / đến (design.md §15.6): rows in number order, or the printable book."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.negotiation import DefaultContentNegotiation

from documents import registers, spreadsheets
from documents.choices import Direction
from documents.downloads import file_response
from documents.errors import InvalidInput
from documents.selectors.registers import register_book

from .common import LIST, ActorMixin, errors


class FormatIsOurs(DefaultContentNegotiation):
    """``?format=xlsx|pdf`` names the register's file, not one of DRF's renderers."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class RegisterQuery(serializers.Serializer):
    organization = serializers.CharField(max_length=64)
    direction = serializers.ChoiceField(choices=Direction.choices)
    year = serializers.IntegerField(min_value=1945, max_value=9999, required=False)
    secret = serializers.BooleanField(required=False, default=False)
    format = serializers.ChoiceField(choices=["json", "xlsx", "pdf"], required=False)
    # ``from`` is a Python keyword: declared below.
    to = serializers.DateField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateField(required=False)
        return fields

    def validate(self, attrs):
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": [_("Ngày cuối phải sau ngày đầu.")]})
        return attrs


class RegisterRowSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="số (outgoing) or số đến (incoming)")
    document = serializers.IntegerField(allow_null=True)
    receipt = serializers.IntegerField(allow_null=True)
    columns = serializers.DictField(help_text="the register's columns, keyed as in the schema")


class RegisterView(ActorMixin, viewsets.GenericViewSet):
    content_negotiation_class = FormatIsOurs
    serializer_class = RegisterRowSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("organization", OpenApiTypes.STR, required=True),
            OpenApiParameter("direction", OpenApiTypes.STR, enum=["outgoing", "incoming"]),
            OpenApiParameter("year", OpenApiTypes.INT, description="default: this year"),
            OpenApiParameter("secret", OpenApiTypes.BOOL, description="the secret book"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="registered on or after"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="registered on or before"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "xlsx", "pdf"]),
        ],
        responses={200: RegisterRowSerializer(many=True), **errors(*LIST, 400, 403, 404)},
        summary="A register book's rows in number order, or the book as XLSX or PDF",
    )
    def list(self, request):
        query = RegisterQuery(data=request.query_params)
        if not query.is_valid():
            raise InvalidInput(query.errors)
        q = query.validated_data
        year = q.get("year") or timezone.localdate().year
        book = register_book(
            request.user,
            organization=q["organization"],
            direction=q["direction"],
            year=year,
            secret=q["secret"],
            grants=self.grants(),
        )
        entries = registers.entries(book, since=q.get("from"), until=q.get("to"))
        kind = q.get("format") or "json"
        if kind == "json":
            page = self.paginate_queryset(entries)
            keys = [key for key, _label in registers.columns(book.direction)]
            data = [
                {
                    "number": row.number,
                    "document": row.document,
                    "receipt": row.receipt,
                    "columns": dict(zip(keys, row.values, strict=True)),
                }
                for row in registers.rows(book, page)
            ]
            return self.get_paginated_response(data)
        limit = registers.export_limit()
        chosen = list(entries[: limit + 1])
        if len(chosen) > limit:
            raise InvalidInput(
                {"from": [_("Sổ quá dài để in một lần; hãy chọn khoảng ngày ngắn hơn.")]}
            )
        table = registers.rows(book, chosen)
        period = _period(q.get("from"), q.get("to"))
        name = f"so-{book.direction}-{book.organization.code}-{year}"
        if kind == "xlsx":
            data = registers.to_xlsx(book, table, period=period)
            return file_response(data, filename=f"{name}.xlsx", content_type=spreadsheets.XLSX)
        data = registers.to_pdf(book, table, period=period)
        return file_response(
            data, filename=f"{name}.pdf", content_type="application/pdf", inline=True
        )


def _period(since: datetime.date | None, until: datetime.date | None) -> str:
    if since and until:
        return _("Từ ngày %(a)s đến ngày %(b)s") % {
            "a": f"{since:%d/%m/%Y}",
            "b": f"{until:%d/%m/%Y}",
        }
    if since:
        return _("Từ ngày %(a)s") % {"a": f"{since:%d/%m/%Y}"}
    if until:
        return _("Đến ngày %(b)s") % {"b": f"{until:%d/%m/%Y}"}
    return ""
