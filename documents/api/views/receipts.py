"""The recipient side: receipts and their steps, and the inbox."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from documents import selectors, services
from documents.models import (
    Receipt,
    ReceiptStatus,
)

from .. import serializers as s

# ---------------------------------------------------------------------------------------------
# Error responses for the schema
from .common import ACT, LIST, READ, ActorMixin, errors, id_on_detail_routes, receipt_rows
from .interchange import (
    RECALL_ANSWER_SCHEMA,
    STATUS_SCHEMA,
    NegotiatesXML,
    RecallAnswerSerializer,
    recall_answered,
    status_of,
)


def _receipt_action_schema(request, summary: str):
    return extend_schema(
        request=request, responses={200: s.ReceiptSerializer, **errors(*ACT)}, summary=summary
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=ReceiptStatus.values)],
        responses={200: s.ReceiptSerializer(many=True), **errors(*LIST)},
        summary="Receipts addressed to the caller's organisations (and assigned to the caller)",
    ),
    retrieve=extend_schema(responses={200: s.ReceiptSerializer, **errors(*READ)}),
)
@id_on_detail_routes
class ReceiptViewSet(ActorMixin, NegotiatesXML, viewsets.GenericViewSet):
    serializer_class = s.ReceiptSerializer
    XML_ACTIONS = ("status_message",)
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return receipt_rows(selectors.incoming_receipts(self.request.user, self.grants()))

    def receipt(self) -> Receipt:
        return selectors.get_visible_receipt(
            self.request.user, self.kwargs["pk"], self.grants(), rows=receipt_rows
        )

    def acting_on(self, action_name: str) -> Receipt:
        receipt = self.receipt()
        self.authorize(action_name, receipt)
        return receipt

    def fresh(self, receipt: Receipt) -> Response:
        return self.out(s.ReceiptSerializer, receipt_rows(Receipt.objects).get(pk=receipt.pk))

    def valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def list(self, request):
        qs = self.get_queryset()
        if request.query_params.get("status"):
            qs = qs.filter(status=request.query_params["status"])
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.out(s.ReceiptSerializer, self.receipt())

    @STATUS_SCHEMA
    @action(detail=True, methods=["get"], url_path="status", url_name="status")
    def status_message(self, request, pk=None):
        return status_of(self.receipt())

    @_receipt_action_schema(
        s.AcknowledgeSerializer,
        "Acknowledge: the incoming number is taken (recipient clerk). A receipt whose "
        "signature_status is invalid answers 409 signature_invalid unless override_reason "
        "is given.",
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        receipt = self.acting_on("acknowledge")
        data = self.valid(s.AcknowledgeSerializer)
        return self.fresh(services.acknowledge(actor=request.user, receipt=receipt, **data))

    @_receipt_action_schema(s.ReasonSerializer, "Refuse with a reason (recipient clerk)")
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        receipt = self.acting_on("refuse")
        data = self.valid(s.ReasonSerializer)
        return self.fresh(services.refuse(actor=request.user, receipt=receipt, **data))

    @_receipt_action_schema(
        s.AssignSerializer,
        "Assign (recipient leader): the chủ trì handler (assignee) and deadline; optionally the "
        "phối hợp handlers (coordinators), the people để biết (informed) and the ý kiến chỉ đạo "
        "(instruction). All must be members of the receiving organisation, each named once; "
        "otherwise 400 on that field. Old clients sending assignee and deadline only are "
        "unaffected.",
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        receipt = self.acting_on("assign")
        data = self.valid(s.AssignSerializer)
        return self.fresh(services.assign(actor=request.user, receipt=receipt, **data))

    @_receipt_action_schema(None, "Start handling (the assignee)")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self.fresh(services.start_handling(actor=request.user, receipt=self.receipt()))

    @_receipt_action_schema(
        s.ProgressSerializer,
        "Post progress (cập nhật tiến độ) before the report: the chủ trì handler or a phối hợp "
        "handler whose part is open. The state stays as it is; 409 once completed.",
    )
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        receipt = self.acting_on("progress")
        data = self.valid(s.ProgressSerializer)
        return self.fresh(services.post_progress(actor=request.user, receipt=receipt, **data))

    @_receipt_action_schema(
        s.ContributionSerializer,
        "Send a phối hợp handler's contribution to the chủ trì; closes that handler's "
        "'coordinate' task (the receipt's state stays as it is).",
    )
    @action(detail=True, methods=["post"])
    def contribute(self, request, pk=None):
        receipt = self.acting_on("contribute")
        data = self.valid(s.ContributionSerializer)
        return self.fresh(services.contribute(actor=request.user, receipt=receipt, **data))

    @_receipt_action_schema(s.ReportSerializer, "Complete with a report (the assignee)")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        receipt = self.acting_on("complete")
        data = self.valid(s.ReportSerializer)
        return self.fresh(services.complete(actor=request.user, receipt=receipt, **data))

    @RECALL_ANSWER_SCHEMA
    @action(detail=True, methods=["post"], url_path="recall-answer", url_name="recall-answer")
    def recall_answer(self, request, pk=None):
        receipt = self.receipt()  # not visible: 404 before anything is read of the body
        data = self.valid(RecallAnswerSerializer)
        return recall_answered(request.user, receipt, **data)


# ---------------------------------------------------------------------------------------------
# Inbox


class InboxView(ActorMixin, viewsets.GenericViewSet):
    serializer_class = s.TaskSerializer

    @extend_schema(
        responses={200: s.TaskSerializer(many=True), **errors(*LIST)},
        summary="The caller's open tasks, newest first",
    )
    def list(self, request):
        page = self.paginate_queryset(selectors.open_tasks(request.user, self.grants()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
