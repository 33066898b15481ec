"""One error shape for the whole API: ``{"detail": "...", "code": "..."}``, plus ``errors``
(field → list of messages) on 400s. Service errors and DRF's own errors both end up here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from documents.errors import InvalidInput, NotFound, ServiceError
from documents.refusals import record_refusal

from .parsers import BodyTooLarge

INVALID_DETAIL = _("Dữ liệu không hợp lệ.")


class BadCredentials(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_credentials"
    default_detail = _("Sai tên đăng nhập hoặc mật khẩu.")


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = _("Tệp quá lớn.")


class UnsupportedFileType(exceptions.APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_media_type"
    default_detail = _("Chỉ nhận PDF, DOCX, XLSX, ODT, PNG, JPEG.")


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF nests errors (``recipients`` → list of dicts); clients get one flat map whose keys
    are paths such as ``recipients.1.purpose``."""
    out: dict[str, list[str]] = {}
    key = prefix or "non_field_errors"
    if isinstance(detail, dict):
        for name, value in detail.items():
            for k, messages in flatten_errors(
                value, f"{prefix}.{name}" if prefix else str(name)
            ).items():
                out.setdefault(k, []).extend(messages)
    elif isinstance(detail, list | tuple):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list | tuple):
                sub = f"{prefix}.{index}" if prefix else str(index)
                for k, messages in flatten_errors(item, sub).items():
                    out.setdefault(k, []).extend(messages)
            else:
                out.setdefault(key, []).append(str(item))
    else:
        out.setdefault(key, []).append(str(detail))
    return out


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def _detail(exc: exceptions.APIException) -> str:
    """The message in the request's language. DRF's catalogue (and ours beside it, in
    locale_drf/) translates its defaults; two of its messages are built so that no catalogue
    can match them: a parser's complaint (``JSON parse error - …`` and Python's words, never
    marked for translation) and the wait of a throttled request (formatted before it is looked
    up). Those two say the default instead."""
    if isinstance(exc, exceptions.ParseError):
        return str(exceptions.ParseError.default_detail)
    if isinstance(exc, exceptions.Throttled):
        detail = str(exceptions.Throttled.default_detail)
        seconds = getattr(exc, "wait", None)
        if seconds is not None:
            wait = exceptions.Throttled.extra_detail_singular
            if seconds != 1:
                wait = exceptions.Throttled.extra_detail_plural
            detail = f"{detail} {gettext(str(wait)).format(wait=seconds)}"
        return detail
    return str(exc.detail)


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        record_refusal(context.get("request"), exc)
        body = {"detail": str(exc.detail), "code": exc.code}
        if isinstance(exc, InvalidInput):
            body["errors"] = exc.errors
        set_rollback()
        return Response(body, status=exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge()
    elif isinstance(exc, SuspiciousOperation):
        # Django's own refusals of a request body (too many fields or files, a bad boundary).
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc)]})
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "detail": str(INVALID_DETAIL),
            "code": "invalid",
            "errors": flatten_errors(exc.detail),
        }
    else:
        body = {"detail": _detail(exc), "code": _code(exc)}
        if getattr(exc, "field_errors", None):
            body["errors"] = exc.field_errors
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other path under /api/v1/ answers in the API's shape, not with an HTML page."""
    return JsonResponse(
        {"detail": str(NotFound.default_detail), "code": "not_found"},
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )
