"""One search box for everything the caller may see (design.md §15.6)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets

from documents import selectors

from .. import serializers as s
from .common import LIST, ActorMixin, errors


class SearchView(ActorMixin, viewsets.GenericViewSet):
    serializer_class = s.SearchResultSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="words of the trích yếu, the type, the số, ký hiệu (`01/KH`), "
                "the issuer, the body or an attachment's text, or an outside sender; case, "
                "diacritics and Unicode form do not matter",
            )
        ],
        responses={200: s.SearchResultSerializer(many=True), **errors(*LIST)},
        summary="Documents and arrived copies the caller may see that match every word",
        description="Ordered by relevance: a số, ký hiệu that starts with `q` first, then every "
        "word in the title (type, trích yếu, số, ký hiệu, issuer or sender), then a match only "
        "in the body or an attachment; newest first within each.",
    )
    def list(self, request):
        rows = selectors.search(request.user, request.query_params.get("q", ""), self.grants())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
