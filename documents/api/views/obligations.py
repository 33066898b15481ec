"""The roll-up of a document's obligations (design.md §15.5), for the issuer side, and the
chase of the organisations that still owe one."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import selectors, services

from .. import serializers as s
from .common import ACT, OBLIGATION_ID, READ, ActorMixin, errors

PERIOD = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    required=False,
    description="a period's key (2023-06, 2023-Q2, 2023-H1, 2023): only the recurring "
    "obligations that have it, each with that period's items and counts; 400 when none has",
)


class ObligationsView(ActorMixin, APIView):
    @extend_schema(
        parameters=[PERIOD],
        responses={200: s.ObligationSerializer(many=True), **errors(*READ, 400, 403)},
        summary="Each obligation with every organisation's status and reply",
        description=(
            "One item per organisation and period: a one-off obligation has one period "
            "(`period` null), a recurring one an item for each of its `periods`, with that "
            "period's due date; a later reply for the same period replaces the earlier one. "
            "Without `period` the counts cover every item."
        ),
    )
    def get(self, request, id: int):
        _document, rows = selectors.rollup(request.user, id, self.grants())
        key = request.query_params.get("period")
        if key is not None:
            rows = selectors.in_period(rows, key)
        return Response(s.ObligationSerializer(rows, many=True).data)


class ObligationChaseSerializer(serializers.Serializer):
    obligation = serializers.IntegerField()
    chased = serializers.ListField(
        child=serializers.CharField(), help_text="codes of the organisations reminded now"
    )
    already = serializers.ListField(
        child=serializers.CharField(),
        help_text="codes of those reminded of it today already (by the daily reminders or an "
        "earlier chase), not reminded again",
    )


def code(receipt) -> str:
    # Only organisations owe: every copy chased has one.
    return receipt.organization.code if receipt.organization else ""


class ObligationChaseView(ActorMixin, APIView):
    @extend_schema(
        request=None,
        parameters=[OBLIGATION_ID],
        responses={200: ObligationChaseSerializer, **errors(*ACT)},
        summary="Chase (đôn đốc) every organisation that still owes one obligation",
        description=(
            "The organisations whose item is `pending` or `overdue` (their copy not refused) "
            "are reminded, once a day each: the daily reminders and this chase share that "
            "reminder, so an organisation reminded today already is listed in `already`. "
            "Who may: whoever may `chase` the document (the issuer's clerks, the drafter, the "
            "signer), while it is dispatched or completed. 404 when the document is not "
            "visible or the obligation is not one of its own; 403 for a recipient or anyone "
            "else of the issuer; 409 in another state, or `nothing_to_chase` when nobody owes "
            "it any more."
        ),
    )
    def post(self, request, id: int, obligation_id: int):
        self.authorize("chase", selectors.get_visible_document(request.user, id, self.grants()))
        result = services.chase_obligations(
            actor=request.user, document=id, obligation=obligation_id
        )
        return Response(
            ObligationChaseSerializer(
                {
                    "obligation": result.obligation.pk,
                    "chased": [code(r) for r in result.chased],
                    "already": [code(r) for r in result.already],
                }
            ).data
        )
