"""edXML (QCVN 102:2016): a document's package, importing a package, a receipt's status
message. The answers are XML; errors stay JSON like everywhere else."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import rendering, selectors
from documents.edxml import reader, writer
from documents.errors import Conflict, Forbidden
from documents.models import Document, DocumentStatus, Receipt
from documents.services.exchange import answer_recall
from documents.services.exchange_status import import_status
from documents.services.interchange import clerk_organization, import_package

from ..parsers import TextXMLParser, XMLParser
from .common import ActorMixin, errors

S = DocumentStatus
XML = "application/xml"
#: The states in which a document is issued and its original sealed.
EXPORTABLE = (S.ISSUED, S.DISPATCHED, S.COMPLETED)


def xml_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=f"{XML}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class NegotiatesXML:
    """These operations answer XML, which the JSON renderer does not announce: a client that
    asks for ``application/xml`` gets it rather than a 406 (errors are still JSON)."""

    XML_ACTIONS: tuple[str, ...] = ()

    def perform_content_negotiation(self, request, force=False):
        if getattr(self, "action", None) in self.XML_ACTIONS or not self.XML_ACTIONS:
            force = True
        return super().perform_content_negotiation(request, force=force)


def package_of(user, document: Document, grants) -> HttpResponse:
    """``GET /documents/{id}/edxml/``: the issuer side's, once the document is issued."""
    if not selectors.is_issuer_side(user, document, grants):
        raise Forbidden(subject=document)
    if document.status not in EXPORTABLE:
        raise Conflict()
    # Named like its PDF (``01-KH-MTTQ-BTT``): ASCII, so the header needs no encoding.
    name = rendering.build_sheet(document).filename
    return xml_response(writer.package(document), f"{name}.edxml")


def status_of(receipt: Receipt) -> HttpResponse:
    """``GET /receipts/{id}/status/``: a copy not arrived yet has nothing to report."""
    if writer.status_code(receipt) is None:
        raise Conflict(code="not_arrived")
    return xml_response(writer.status_message(receipt), f"status-{receipt.pk}.xml")


PACKAGE_SCHEMA = extend_schema(
    operation_id="documents_edxml",
    responses={
        (200, XML): OpenApiResponse(OpenApiTypes.BINARY, description="the edXML package"),
        **errors(401, 403, 404, 409),
    },
    summary="The document as an edXML package (QCVN 102:2016), issuer side, once issued",
    description=(
        "An `edXML` root in the namespace `http://www.mic.gov.vn/TBT/QCVN_102_2016`: "
        "`edXMLEnvelope/edXMLHeader/MessageHeader` (From and one To per recipient with their "
        "`OrganId`, `DocumentId` = `<organ id>,<yyyy/mm/dd>,<number/symbol>`, Code, "
        "PromulgationInfo, DocumentType, Subject, Content, SignerInfo, DueDate, OtherInfo, "
        "SteeringType, ToPlaces), `TraceHeaderList`, the manifest, and `AttachmentEncoded` "
        "with the files in base64: the signed and sealed PDF first, then the attachments "
        "(PDFs as sealed). A document not issued (draft, in review, signed, recalled…) is "
        "409; a recipient gets 403."
    ),
)

STATUS_SCHEMA = extend_schema(
    operation_id="receipts_status",
    responses={
        (200, XML): OpenApiResponse(OpenApiTypes.BINARY, description="the status message"),
        **errors(401, 404, 409),
    },
    summary="The receipt's edXML status message (QCVN 102:2016)",
    description=(
        "`edXMLEnvelope/edXMLHeader/Status`: ResponseFor (OrganId, Code, PromulgationDate, "
        "DocumentId of the document answered), From (the receiving organisation), To (the "
        "sender), StatusCode, Description, Timestamp (`yyyy/MM/dd HH:mm:ss`), StaffInfo. "
        "Codes: 01 delivered, 02 refused, 03 acknowledged, 04 assigned, 05 in_progress, "
        "06 completed, 13 the document was recalled. For the sender's side and the "
        "recipient's; a copy still pending has no status (409 `not_arrived`)."
    ),
)


class RecallAnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true: 15 đồng ý lấy lại; false: 16 từ chối")
    answer = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="the reason, required to refuse"
    )


class RecallAnsweredSerializer(serializers.Serializer):
    receipt = serializers.IntegerField()
    recall = serializers.CharField(help_text="accepted or refused")


RECALL_ANSWER_SCHEMA = extend_schema(
    operation_id="receipts_recall_answer",
    request=RecallAnswerSerializer,
    responses={200: RecallAnsweredSerializer, **errors(400, 401, 403, 404, 409)},
    summary="Answer a sender's request to take back a document that came by edXML (a clerk)",
    description=(
        "The sender asked for the document back (status 13); the receiving organisation's "
        "clerk agrees (15) or refuses with a reason (16), and the answer is sent to the "
        "sender through the outbox. 409 `not_asked` when no request waits."
    ),
)


def recall_answered(user, receipt: Receipt, *, accept: bool, answer: str) -> Response:
    recall = answer_recall(actor=user, receipt=receipt, accept=accept, answer=answer)
    data = {"receipt": recall.receipt_id, "recall": recall.state}
    return Response(RecallAnsweredSerializer(data).data)


class ImportedSerializer(serializers.Serializer):
    receipt = serializers.IntegerField()


class StatusImportedSerializer(serializers.Serializer):
    receipt = serializers.IntegerField(help_text="our copy for the organisation reporting")
    status = serializers.CharField(help_text="the copy's status now")
    changed = serializers.BooleanField(help_text="false when the copy was there already")


class EdxmlImportView(ActorMixin, NegotiatesXML, APIView):
    parser_classes = [XMLParser, TextXMLParser]

    @extend_schema(
        operation_id="edxml_import",
        request={XML: OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(
                "organization",
                OpenApiTypes.STR,
                description="the receiving organisation's code, for a clerk of several",
            )
        ],
        responses={
            201: ImportedSerializer,
            200: StatusImportedSerializer,
            **errors(401, 403, 404, 409, 413, 415),
        },
        summary="Register an edXML package as an incoming document (a clerk)",
        description=(
            "The body is the package (`Content-Type: application/xml`). It is read with "
            "entities, DTDs and the network off; a DOCTYPE or entity declaration is refused "
            "(400 `doctype_refused`), so is XML that does not parse (400 `malformed`) or "
            "nests deeper than 32. Required: MessageHeader with DocumentId, Code, Subject and "
            "From; each missing one is named under `errors` (400 `invalid`). Dates may be "
            "`yyyy/MM/dd` or `yyyy-MM-dd`. Each attachment is at most ATTACHMENT_MAX_BYTES "
            "decoded (413) and checked like an upload (415 for an unsupported type). The "
            "document is registered in the clerk's organisation like any document from "
            "outside (số đến taken, waiting for the leader's assignment) with the package's "
            "metadata kept; the same DocumentId twice is 409 `duplicate`. A status message "
            "(edXMLEnvelope with edXMLHeader/Status, codes 01–06) about one of our documents, "
            "sent by an outside recipient, moves our copy for that organisation (found by "
            "From/OrganId) through the steps up to the code, for the issuer's clerk: 200 with "
            "`changed` false when it was there already; 404 for a DocumentId not ours, 409 "
            "`inside_recipient` for a recipient inside the system, 409 `unsupported_status` "
            "for another code."
        ),
    )
    def post(self, request):
        # Who may import, before the body is read at all.
        organization = clerk_organization(request.user, request.query_params.get("organization"))
        raw = request.data
        if not isinstance(raw, bytes):
            raw = b""
        root = reader.parse(raw)
        if reader.is_status(root):
            message = reader.read_status_root(root)
            receipt, changed = import_status(actor=request.user, message=message)
            answer = {"receipt": receipt.pk, "status": receipt.status, "changed": changed}
            return Response(StatusImportedSerializer(answer).data, status=200)
        package = reader.read(raw)
        receipt = import_package(actor=request.user, package=package, organization=organization)
        return Response(ImportedSerializer({"receipt": receipt.pk}).data, status=201)
