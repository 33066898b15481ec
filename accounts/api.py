"""Signing in and out of the API, and a person's own tokens: ``/api/v1/auth/``."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from knox.models import AuthToken
from rest_framework import exceptions, generics, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import audit
from documents.api import serializers as s
from documents.api.exceptions import BadCredentials
from documents.api.views.common import errors

from .auth import public_id
from .lockout import client_address, locked_message, minutes_left, refused

TOKEN_ID = re.compile(r"^[0-9a-f]{16}$")


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"
    default_detail = _("Đăng nhập sai quá nhiều lần; vui lòng thử lại sau.")

    def __init__(self, request):
        super().__init__(locked_message(request))
        self.wait = minutes_left(request) * 60


LOCKED = OpenApiResponse(
    s.ErrorSerializer,
    description="too many failed sign-ins of this username from this address (code "
    "locked_out); Retry-After gives the seconds to wait",
)


# "Credentials" in the schema: a request body is named "<component>Request" there already.
@extend_schema_serializer(component_name="Credentials")
class TokenRequestSerializer(serializers.Serializer):
    # The lengths the sign-in form allows too: longer input is a 400, never a database error.
    username = s.username_field(trim_whitespace=False)
    password = serializers.CharField(
        trim_whitespace=False, max_length=1024, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(help_text="when the token stops working (ISO 8601)")


class OwnTokenSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="a short name of the token, not the token")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    current = serializers.BooleanField(help_text="the token of this request")


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **errors(400), 429: LOCKED},
        auth=[],
        summary="Exchange a username and password for an API token",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request: the lock-out backend reads and marks it.
        django_request = request._request
        user = authenticate(
            django_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None and refused(django_request):
            raise LockedOut(django_request)
        if user is None or not user.is_active:
            raise BadCredentials()
        now = timezone.now()
        AuthToken.objects.filter(user=user, expiry__lte=now).delete()
        token, secret = AuthToken.objects.create(
            user=user, expiry=timedelta(hours=settings.TOKEN_TTL_HOURS)
        )
        user_logged_in.send(sender=user.__class__, request=django_request, user=user, token=token)
        return Response(TokenSerializer({"token": secret, "expiry": token.expiry}).data)


class LogoutView(APIView):
    @extend_schema(
        operation_id="auth_logout",
        request=None,
        responses={204: None, **errors(401)},
        summary="Sign out: the token of this request stops working (a browser: its session)",
    )
    def post(self, request):
        user = request.user
        if isinstance(request.auth, AuthToken):
            data = {"token": public_id(request.auth)}
            request.auth.delete()
            user_logged_out.send(
                sender=user.__class__, request=request._request, user=user, data=data
            )
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


def own_tokens(request):
    return AuthToken.objects.filter(user=request.user, expiry__gt=timezone.now())


class TokenListView(generics.GenericAPIView):
    serializer_class = OwnTokenSerializer

    @extend_schema(
        operation_id="auth_tokens_list",
        responses={200: OwnTokenSerializer(many=True), **errors(401, 404)},
        summary="The caller's own tokens that have not expired, newest first",
    )
    def get(self, request):
        current = request.auth.digest if isinstance(request.auth, AuthToken) else None
        rows = [
            {
                "id": public_id(t),
                "created": t.created,
                "expiry": t.expiry,
                "current": t.digest == current,
            }
            for t in own_tokens(request).order_by("-created")
        ]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class TokenDetailView(APIView):
    @extend_schema(
        operation_id="auth_tokens_revoke",
        parameters=[OpenApiParameter("id", OpenApiTypes.STR, OpenApiParameter.PATH)],
        request=None,
        responses={204: None, **errors(401, 404)},
        summary="Revoke one of the caller's own tokens (another person's: 404)",
    )
    def delete(self, request, id: str):
        token = revoke_token(request, id)
        if token is None:
            raise exceptions.NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


def revoke_token(request, token_id: str) -> AuthToken | None:
    """Delete the caller's own token named ``token_id`` (the API's and the account page's
    revoke), audited as a sign-out of it. None when the caller has no such token."""
    if not TOKEN_ID.match(token_id):
        return None
    token = own_tokens(request).filter(digest__startswith=token_id).first()
    if token is None:
        return None
    token.delete()
    audit.record(
        actor=request.user,
        action="logout",
        data={"token": token_id},
        ip=client_address(getattr(request, "_request", request)),
    )
    return token
