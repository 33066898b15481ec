"""Documents: drafting, the outgoing steps, attachments, receipts, trail and PDF."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from documents import downloads, rendering, selectors, services, uploads
from documents.errors import Forbidden, NotFound
from documents.models import (
    Attachment,
    DocType,
    Document,
    DocumentStatus,
    Receipt,
    Recipient,
)

from .. import serializers as s
from ..exceptions import TooLarge, UnsupportedFileType
from ..parsers import FormParser, MultiPartParser
from .common import (
    ACT,
    ATTACHMENT_ID,
    INLINE,
    LIST,
    OBLIGATION_ID,
    READ,
    ActorMixin,
    errors,
    id_on_detail_routes,
    receipt_rows,
)
from .interchange import PACKAGE_SCHEMA, NegotiatesXML, package_of


def _document_rows(qs: QuerySet[Document]) -> QuerySet[Document]:
    return qs.select_related("issuer", "signer", "drafter").prefetch_related(
        Prefetch("recipients", queryset=Recipient.objects.select_related("organization")),
        "references",
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
    )


DOCUMENT_FILTERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=DocumentStatus.values),
    OpenApiParameter("doc_type", OpenApiTypes.STR, enum=DocType.values),
    OpenApiParameter("issuer", OpenApiTypes.STR, description="organisation code"),
    OpenApiParameter(
        "q",
        OpenApiTypes.STR,
        description="words searched in type, title, symbol, issuer, body and attachments' text, "
        "ignoring case and accents",
    ),
]


def _action_schema(request, summary: str, codes=ACT):
    return extend_schema(
        request=request, responses={200: s.DocumentSerializer, **errors(*codes)}, summary=summary
    )


@extend_schema_view(
    list=extend_schema(
        parameters=DOCUMENT_FILTERS,
        responses={200: s.DocumentSerializer(many=True), **errors(*LIST)},
        summary="Documents visible to the caller",
    ),
    create=extend_schema(
        request=s.DocumentWriteSerializer,
        responses={201: s.DocumentSerializer, **errors(400, 401, 403)},
        summary="Create a draft (drafter of the issuer)",
    ),
    retrieve=extend_schema(responses={200: s.DocumentSerializer, **errors(*READ)}),
    partial_update=extend_schema(
        request=s.DocumentEditSerializer,
        responses={200: s.DocumentSerializer, **errors(*ACT)},
        summary="Edit a draft (its drafter, in draft or returned)",
    ),
)
@id_on_detail_routes
class DocumentViewSet(ActorMixin, NegotiatesXML, viewsets.GenericViewSet):
    serializer_class = s.DocumentSerializer
    XML_ACTIONS = ("edxml",)
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return _document_rows(selectors.visible_documents(self.request.user, self.grants()))

    def document(self) -> Document:
        return selectors.get_visible_document(
            self.request.user, self.kwargs["pk"], self.grants(), rows=_document_rows
        )

    def fresh(self, document: Document) -> Response:
        return self.out(s.DocumentSerializer, _document_rows(Document.objects).get(pk=document.pk))

    def list(self, request):
        qs = self.get_queryset()
        params = request.query_params
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        if params.get("doc_type"):
            qs = qs.filter(doc_type=params["doc_type"])
        if params.get("issuer"):
            qs = qs.filter(issuer__code=params["issuer"])
        qs = selectors.matching_documents(qs, params.get("q", ""))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        serializer = s.DocumentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.create_draft(actor=request.user, **serializer.service_arguments())
        return self.out(
            s.DocumentSerializer, _document_rows(Document.objects).get(pk=document.pk), 201
        )

    def retrieve(self, request, pk=None):
        return self.out(s.DocumentSerializer, self.document())

    def partial_update(self, request, pk=None):
        document = self.acting_on("edit")
        serializer = s.DocumentEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = serializer.service_arguments()
        document = services.edit_draft(actor=request.user, document=document, **changes)
        return self.fresh(document)

    @_action_schema(s.CommentSerializer, "Submit for review (drafter)")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        document = self.acting_on("submit")
        data = self.valid(s.CommentSerializer)
        return self.fresh(services.submit(actor=request.user, document=document, **data))

    @_action_schema(
        s.ReviewSerializer,
        "Approve or return: the reviewer at in_review, the clerk at format_check",
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        document = self.acting_on("review")
        data = self.valid(s.ReviewSerializer)
        return self.fresh(services.review(actor=request.user, document=document, **data))

    @_action_schema(s.SignSerializer, "Sign or return (signer)")
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        document = self.acting_on("sign")
        data = self.valid(s.SignSerializer)
        return self.fresh(services.sign(actor=request.user, document=document, **data))

    @_action_schema(
        s.HandOverSerializer,
        "Hand a document awaiting signature to another signer (the designated signer or the "
        "drafter); the signature block names the new signer",
    )
    @action(detail=True, methods=["post"], url_path="hand_over", url_name="hand-over")
    def hand_over(self, request, pk=None):
        document = self.acting_on("hand_over")
        data = self.valid(s.HandOverSerializer)
        return self.fresh(services.hand_over(actor=request.user, document=document, **data))

    @_action_schema(None, "Register: number and symbol (clerk of the issuer)")
    @action(detail=True, methods=["post"])
    def register(self, request, pk=None):
        document = self.acting_on("register")
        return self.fresh(services.register(actor=request.user, document=document))

    @_action_schema(None, "Dispatch to every recipient (clerk of the issuer)")
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_document(self, request, pk=None):
        document = self.acting_on("dispatch")
        return self.fresh(services.dispatch(actor=request.user, document=document))

    @_action_schema(s.ReasonSerializer, "Recall a dispatched document (signer); reason required")
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        document = self.acting_on("recall")
        data = self.valid(s.ReasonSerializer)
        return self.fresh(services.recall(actor=request.user, document=document, **data))

    @_action_schema(
        s.ChaseSerializer,
        "Chase (đôn đốc) recipients that lag (the issuer's clerk, the drafter, the signer)",
    )
    @action(detail=True, methods=["post"])
    def chase(self, request, pk=None):
        document = self.acting_on("chase")
        data = self.valid(s.ChaseSerializer)
        result = services.chase(actor=request.user, document=document, receipts=data["receipts"])
        return self.fresh(result.document)

    @_action_schema(s.ReasonSerializer, "Withdraw a draft (drafter)")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        document = self.acting_on("withdraw")
        data = self.valid(s.ReasonSerializer)
        return self.fresh(services.withdraw(actor=request.user, document=document, **data))

    def valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def acting_on(self, action_name: str) -> Document:
        """The document, once the caller may take the action on it now, so that 404, 403 and
        409 come before any complaint about the body. The service checks again under lock."""
        document = self.document()
        self.authorize(action_name, document)
        return document

    @extend_schema(
        responses={200: s.ReceiptSerializer(many=True), **errors(401, 403, 404)},
        summary="The recipients' progress (issuer side only; recipients get 403)",
    )
    @action(detail=True, methods=["get"], serializer_class=s.ReceiptSerializer)
    def receipts(self, request, pk=None):
        document = self.document()
        if not selectors.is_issuer_side(self.request.user, document, self.grants()):
            raise Forbidden(subject=document)
        qs = receipt_rows(Receipt.objects.filter(document=document)).order_by(
            "recipient__order", "pk"
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(
            s.ReceiptSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        responses={200: s.AuditEventSerializer(many=True), **errors(*READ)},
        summary="The document's audit events the caller may read, oldest first",
        description=(
            "The issuer side (the drafter and the issuing organisation's people) reads the "
            "whole trail. Anyone else who sees the document (a recipient, a person it was "
            "shared with) reads the issuer's public steps: `sign`, `register`, `dispatch` "
            "(their comments are empty) and `recall` (with its reason); the events of their "
            "own copy; and the shares that name them. Drafting, review, returns, versions "
            "and other recipients' copies are not listed."
        ),
    )
    @action(detail=True, methods=["get"], serializer_class=s.AuditEventSerializer)
    def audit(self, request, pk=None):
        document = self.document()
        qs = selectors.trail(request.user, document, self.grants()).select_related(
            "actor", "on_behalf_of"
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.AuditEventSerializer(page, many=True).data)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            **errors(*READ),
        },
        summary="The document as Decree 30 prints it (PDF, inline)",
        description=(
            "Every visible document: a draft with the watermark `DỰ THẢO` and no number; from "
            "`issued` on with its number and date. The title under the signature is the "
            "signer's position on the day of signing. Served `inline`, named after the "
            "symbol (`01-KH-MTTQ-BTT.pdf`) or `du-thao-<id>.pdf` before registration. From "
            "`signed` on this is the stored electronic original: the signer's PAdES "
            "signature (certificate common name = the signer's full name) with its image, "
            "number and date blank; from `issued` on the number and date are drawn in an "
            "incremental update and the organisation's signature (common name = the "
            "organisation's name) covers the whole file. Its SHA-256 is in the `sign` and "
            "`register` audit events (`data.pdf_sha256`)."
        ),
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        return rendering.pdf_response(self.document())

    @PACKAGE_SCHEMA
    @action(detail=True, methods=["get"])
    def edxml(self, request, pk=None):
        return package_of(request.user, self.document(), self.grants())

    @extend_schema(
        methods=["get"],
        operation_id="documents_attachments",
        responses={200: s.AttachmentSerializer(many=True), **errors(*READ)},
        summary="The document's attachments (whoever sees the document)",
        description=(
            "Each `{id, name, size, content_type, url}`: `url` is the absolute address of its "
            "download. A recipient sees them once the document has arrived: they are part of "
            "the issued document."
        ),
    )
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": s.UploadSerializer},
        responses={201: s.AttachmentSerializer, **errors(*ACT, 413, 415)},
        summary="Attach a file to a draft (drafter); at most ATTACHMENT_MAX_BYTES",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        serializer_class=s.AttachmentSerializer,
    )
    def attachments(self, request, pk=None):
        document = self.document()
        if request.method == "GET":
            qs = document.attachments.select_related("uploaded_by").order_by("pk")
            page = self.paginate_queryset(qs)
            return self.get_paginated_response(
                s.AttachmentSerializer(page, many=True, context={"request": request}).data
            )
        # Refuse before reading a large body: who may attach, then how big it says it is.
        selectors.authorize(request.user, "attach", document, self.grants())
        limit = settings.ATTACHMENT_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + 64 * 1024:
            raise TooLarge()
        serializer = s.UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        uploaded = serializer.validated_data["file"]
        try:
            content_type = uploads.check(uploaded, limit=limit)
        except DjangoValidationError as error:
            if error.code == uploads.TOO_LARGE:
                raise TooLarge() from None
            if error.code == uploads.UNSUPPORTED:
                raise UnsupportedFileType() from None
            raise ValidationError({"file": error.messages}) from None
        attachment = services.add_attachment(
            actor=request.user,
            document=document,
            uploaded_file=uploaded,
            content_type=content_type,
            original_name=uploaded.name,
        )
        return Response(
            s.AttachmentSerializer(attachment, context={"request": request}).data, status=201
        )

    @extend_schema(
        request=None,
        parameters=[
            OBLIGATION_ID,
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                description="a recurring obligation's period to compile, by its key "
                "(2023-H1, …); by default the current one (the first not yet due, else the "
                "last); 400 for a period the obligation does not have",
            ),
        ],
        responses={201: s.DocumentSerializer, **errors(400, 401, 403, 404)},
        summary="Compile the replies to one obligation into a draft report (issuer's drafter)",
        description=(
            "Tổng hợp kết quả chung: a new draft Báo cáo of the document's issuer, addressed to "
            "its parent organisation (purpose `report`), listing every organisation's status "
            "under the obligation and citing, as `references`, the issuer's copies of exactly "
            "the replies that fulfilled it. The draft then goes through its own review and "
            "signing. 403 for a recipient or someone who may not draft for the issuer; 404 for "
            "an obligation of another document; 400 when the issuer has no parent."
        ),
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"obligations/(?P<obligation_id>\d+)/compile",
        url_name="compile",
    )
    def compile(self, request, pk=None, obligation_id=None):
        document = self.document()
        # The id is compared with the document's own obligations in Python: any digits do.
        report = services.compile_report(
            actor=request.user,
            document=document,
            obligation=int(obligation_id or 0),
            period=request.query_params.get("period") or None,
        )
        return self.out(
            s.DocumentSerializer, _document_rows(Document.objects).get(pk=report.pk), 201
        )

    @extend_schema(
        operation_id="documents_attachment_download",
        parameters=[ATTACHMENT_ID, INLINE],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the stored file, with its own content type"
            ),
            **errors(*READ),
        },
        summary="Download one attachment under its original name (whoever sees the document)",
        description=(
            "Streamed with its checked content type, `Content-Disposition: attachment` (or "
            "`inline` for a PDF or a PNG/JPEG image with `?inline=1`) and "
            "`filename*=UTF-8''<name>`, `X-Content-Type-Options: nosniff`, "
            "`Cache-Control: private, no-store` and a Content-Security-Policy under which the "
            "file cannot run script. An attachment of another document is 404."
        ),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>\d+)",
        url_name="attachment",
    )
    def attachment(self, request, pk=None, attachment_id=None):
        document = self.document()
        attachment = document.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound()
        inline = request.query_params.get("inline") == "1"
        return downloads.attachment_response(attachment, inline=inline)


# ---------------------------------------------------------------------------------------------
# Receipts
