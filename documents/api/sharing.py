"""Shares and opinions: ``/documents/{id}/shares/`` (list, share), ``/documents/{id}/shares/
{person}/{purpose}/`` (take back) and ``/documents/{id}/opinion/``. The rules are
documents.lifecycle's ``DOCUMENT.shares``, applied by the services; 404 and 403 come before any
complaint about the body, as for every other action."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from documents import selectors, services
from documents.errors import Forbidden
from documents.lifecycle import SharePurpose
from documents.models import Document
from documents.services.sharing import OPINION_MAX_LENGTH
from orgchart.naming import full_name

from . import serializers as s
from .views.common import ID, ActorMixin, errors


class ShareSerializer(serializers.Serializer):
    person = serializers.CharField(source="person.username")
    full_name = serializers.SerializerMethodField()
    purpose = serializers.ChoiceField(choices=SharePurpose.choices)
    purpose_label = serializers.CharField()
    granted_at = serializers.DateTimeField(
        allow_null=True, help_text="from the trail's grant event"
    )
    granted_by = serializers.CharField(source="granted_by.username", allow_null=True, default=None)

    def get_full_name(self, row) -> str:
        return full_name(row.person)


class ShareInSerializer(serializers.Serializer):
    person = s.username_field(help_text="username of an active person of the org chart")
    purpose = serializers.ChoiceField(choices=SharePurpose.choices)


class OpinionSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=OPINION_MAX_LENGTH)


class _OnDocument(ActorMixin, generics.GenericAPIView):
    def document(self) -> Document:
        return selectors.get_visible_document(self.request.user, self.kwargs["id"], self.grants())

    def valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


def _share_row(document: Document, username: str, purpose: str):
    return next(
        r
        for r in selectors.shares_of(document)
        if r.person.username == username and r.purpose == purpose
    )


class SharesView(_OnDocument):
    serializer_class = ShareSerializer

    @extend_schema(
        parameters=[ID],
        responses={200: ShareSerializer(many=True), **errors(401, 403, 404)},
        summary="Whom the document is shared with (issuer side only; others get 403)",
    )
    def get(self, request, id=None):
        document = self.document()
        grants = self.grants()
        if not selectors.is_issuer_side(request.user, document, grants):
            raise Forbidden(subject=document)
        page = self.paginate_queryset(selectors.shares_of(document))
        return self.get_paginated_response(ShareSerializer(page, many=True).data)

    @extend_schema(
        parameters=[ID],
        request=ShareInSerializer,
        responses={
            201: ShareSerializer,
            200: OpenApiResponse(ShareSerializer, description="already shared so: no change"),
            **errors(400, 401, 403, 404, 409),
        },
        summary="Share the document with one person: comment (xin ý kiến), inform (để biết) "
        "or secret (xem văn bản mật)",
    )
    def post(self, request, id=None):
        document = self.document()
        if not selectors.share_purposes(request.user, document, self.grants(), giving=False):
            raise Forbidden(subject=document)
        data = self.valid(ShareInSerializer)
        created = services.share(actor=request.user, document=document, **data)
        row = _share_row(document, data["person"], data["purpose"])
        return Response(ShareSerializer(row).data, status=201 if created else 200)


class ShareView(_OnDocument):
    @extend_schema(
        parameters=[
            ID,
            OpenApiParameter("person", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter(
                "purpose", OpenApiTypes.STR, OpenApiParameter.PATH, enum=SharePurpose.values
            ),
        ],
        request=None,
        responses={
            204: OpenApiResponse(description="no longer shared so (also when it was not)"),
            **errors(400, 401, 403, 404),
        },
        summary="Take a share back, in any state (whoever may give that share)",
    )
    def delete(self, request, id=None, person=None, purpose=None):
        document = self.document()
        services.unshare(actor=request.user, document=document, person=person, purpose=purpose)
        return Response(status=204)


class OpinionView(_OnDocument):
    serializer_class = OpinionSerializer

    @extend_schema(
        parameters=[ID],
        request=OpinionSerializer,
        responses={201: s.AuditEventSerializer, **errors(400, 401, 403, 404, 409)},
        summary="Give an opinion (whom the document was shared with for comment, before it "
        "is signed); it goes into the history",
    )
    def post(self, request, id=None):
        document = self.document()
        selectors.authorize_opinion(request.user, document, self.grants())
        data = self.valid(OpinionSerializer)
        event = services.give_opinion(actor=request.user, document=document, **data)
        return Response(s.AuditEventSerializer(event).data, status=201)
