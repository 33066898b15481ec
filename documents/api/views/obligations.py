"""The roll-up of a document's obligations (design.md §15.5), for the issuer side."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import selectors

from .. import serializers as s
from .common import READ, ActorMixin, errors


class ObligationsView(ActorMixin, APIView):
    @extend_schema(
        responses={200: s.ObligationSerializer(many=True), **errors(*READ, 403)},
        summary="Each obligation with every organisation's status and reply",
    )
    def get(self, request, id: int):
        _document, rows = selectors.rollup(request.user, id, self.grants())
        return Response(s.ObligationSerializer(rows, many=True).data)
