"""What every resource of the API shares: the error responses of the schema, and the caller's
grants computed once per request."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.response import Response

from documents import selectors, stepup
from documents.models import Obligation, Receipt
from orgchart.selectors import grants_of

from .. import serializers as s

# ---------------------------------------------------------------------------------------------
# Error responses for the schema


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    text = {
        400: "invalid input; `errors` maps each field to its messages",
        401: "no or bad credentials",
        403: "visible but not allowed",
        404: "not visible or absent (on lists: a page past the end)",
        409: "wrong state, or a concurrent change won",
        413: "upload too large (code too_large)",
        415: "unsupported file type (code unsupported_media_type)",
        429: "too many wrong one-time codes in a row (code otp_locked)",
    }
    # Any request may be refused as bad input (a NUL byte in a parameter or a header).
    return {
        code: OpenApiResponse(
            s.ValidationErrorSerializer if code == 400 else s.ErrorSerializer,
            description=text[code],
        )
        for code in sorted({400, *codes})
    }


READ = (401, 404)
LIST = (401, 404)

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
ATTACHMENT_ID = OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH)
OBLIGATION_ID = OpenApiParameter("obligation_id", OpenApiTypes.INT, OpenApiParameter.PATH)
INLINE = OpenApiParameter(
    "inline",
    OpenApiTypes.STR,
    enum=["1"],
    description="`1`: a PDF or an image is served `inline` (the page's preview)",
)
ACT = (400, 401, 403, 404, 409)

#: The routes of a viewset that name one object, besides its ``@action(detail=True)`` ones.
DETAIL_ROUTES = ("retrieve", "update", "partial_update", "destroy")


def id_on_detail_routes(viewset):
    """Declare ``{id}`` as an integer on the routes that name one object, and only there:
    the collection (list, create) has no path parameter, and a client generator drops an
    operation whose parameters do not match its path."""
    names = {name for name in DETAIL_ROUTES if hasattr(viewset, name)}
    names |= {act.__name__ for act in viewset.get_extra_actions() if act.detail}
    return extend_schema_view(**{name: extend_schema(parameters=[ID]) for name in names})(viewset)


class ActorMixin:
    # Grants are computed once per request and handed to every selector and serializer.

    def grants(self):
        request = self.request
        if not hasattr(request, "_vanban_grants"):
            request._vanban_grants = grants_of(request.user)
        return request._vanban_grants

    def authorize(self, action_name: str, obj) -> None:
        """404, 403 or 409 as the lifecycle says; then, for a step-up action, 403
        ``otp_required`` unless this token or session is fresh (``documents.stepup``)."""
        request = self.request  # type: ignore[attr-defined]  # the view's, mixed in
        selectors.authorize(request.user, action_name, obj, self.grants())
        stepup.require_fresh(request, action_name, obj, self.grants())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["grants"] = self.grants()
        return context

    def out(self, serializer_class, instance, status=200):
        return Response(
            serializer_class(instance, context=self.get_serializer_context()).data, status=status
        )


# ---------------------------------------------------------------------------------------------
# Auth, me, organisations


def receipt_rows(qs: QuerySet[Receipt]) -> QuerySet[Receipt]:
    return qs.select_related("document__issuer", "organization", "assignee").prefetch_related(
        Prefetch("document__obligations", queryset=Obligation.objects.prefetch_related("items")),
        *selectors.HANDLING_PREFETCH,
    )
