"""API of the delivery side: the caller's notifications and the sender's overdue list.

Authentication, pagination and the error shape come from ``REST_FRAMEWORK`` settings, the
same as the rest of ``/api/v1/``.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from documents.api.views import LIST, READ, errors
from documents.models import Purpose, ReceiptStatus
from documents.selectors import overdue_receipts

from .models import Notification, NotificationKind
from .notifications import mark_read, own_notifications


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    document = serializers.IntegerField(source="document_id", allow_null=True)
    receipt = serializers.IntegerField(source="receipt_id", allow_null=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "document", "receipt", "created_at", "read_at"]


@extend_schema(
    parameters=[OpenApiParameter("unread", bool, description="only the unread ones")],
    responses={200: NotificationSerializer(many=True), **errors(*LIST)},
)
class NotificationList(generics.ListAPIView):
    """The caller's notifications, newest first; ``?unread=1`` for the unread ones only."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        unread = self.request.query_params.get("unread") in ("1", "true")
        return own_notifications(self.request.user, unread=unread)


class NotificationRead(APIView):
    """Mark one of the caller's notifications read; someone else's is 404, as if absent."""

    serializer_class = NotificationSerializer

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, **errors(*READ)},
        operation_id="notifications_read",
    )
    def post(self, request, pk: int):
        notification = own_notifications(request.user).filter(pk=pk).first()
        if notification is None:
            raise NotFound()
        if notification.read_at is None:
            mark_read(user=request.user, pk=notification.pk)
            notification.refresh_from_db(fields=["read_at"])
        return Response(NotificationSerializer(notification).data)


class OverdueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id")
    symbol = serializers.CharField(source="document.symbol")
    title = serializers.CharField(source="document.title")
    organization = serializers.CharField(source="organization.code", allow_null=True, default=None)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    status = serializers.ChoiceField(choices=ReceiptStatus.choices)
    code = serializers.CharField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    deadline = serializers.DateField(allow_null=True)
    late = serializers.SerializerMethodField(
        help_text="not_acknowledged (delivered, not acknowledged in time) or past_deadline"
    )
    updated_at = serializers.DateTimeField()

    def get_late(self, obj) -> str:
        return "not_acknowledged" if obj.status == ReceiptStatus.DELIVERED else "past_deadline"


@extend_schema(responses={200: OverdueSerializer(many=True), **errors(*LIST)})
class OverdueList(generics.ListAPIView):
    """The sender's chase list: recipients of the caller's organisations' documents that have
    not acknowledged in time or are past their handling deadline."""

    serializer_class = OverdueSerializer

    def get_queryset(self):
        return (
            overdue_receipts(self.request.user)
            .select_related("document", "organization", "assignee")
            .order_by("delivered_at", "pk")
        )


notification_urls = [
    path("", NotificationList.as_view(), name="notification-list"),
    path("<int:pk>/read/", NotificationRead.as_view(), name="notification-read"),
]
overdue_urls = [path("", OverdueList.as_view(), name="overdue-list")]
