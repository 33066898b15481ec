"""Step-up: a one-time code makes the caller's token (or browser session) fresh for the
signing, registering, dispatching and recalling of signers and clerks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from documents import stepup

from .. import serializers as s
from .common import errors


class OtpView(APIView):
    @extend_schema(
        operation_id="auth_otp",
        request=s.OtpSerializer,
        responses={200: s.FreshUntilSerializer, **errors(400, 401)},
        summary="Give a one-time code: this token or session is fresh until `fresh_until`",
        description=(
            "`sign`, `register`, `dispatch` and `recall` by a person holding the signer or "
            "clerk role answer 403 with code `otp_required` unless the credential is fresh: "
            "a TOTP code (RFC 6238, 6 digits, 30 s) or one backup code was given here within "
            "the last OTP_FRESH_SECONDS (default 900). A wrong code, or one already used, "
            "answers 400 with code `otp_invalid`; too many wrong codes in a row answer 429 "
            "with code `otp_locked` for a while."
        ),
    )
    def post(self, request):
        serializer = s.OtpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        until = stepup.step_up(request, serializer.validated_data["otp"])
        return Response(s.FreshUntilSerializer({"fresh_until": until}).data)
