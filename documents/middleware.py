"""NUL bytes are refused at the door (design §15.3): in the path, a header (cookies included),
a query parameter's name or value, or a form field of a page. No field needs one, PostgreSQL
cannot store or compare one, and letting one through turned list filters into 500s. The API
answers 400 in its error shape, with the parameter under ``errors``; a page answers the plain
400 page. JSON and multipart bodies of the API are checked by its parsers
(documents.api.parsers), so that an upload is not read before the API has decided who may
send it."""

from __future__ import annotations

from django.core.exceptions import TooManyFieldsSent
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.defaults import bad_request
from rest_framework.settings import api_settings

from documents.api.exceptions import INVALID_DETAIL

NUL = "\x00"
NUL_REFUSED = _("Không được chứa ký tự NUL.")


def _visible(name: str) -> str:
    return name.replace(NUL, "\\u0000")


def _in_query(query) -> list[str]:
    return [
        _visible(name)
        for name, values in query.lists()
        if NUL in name or any(NUL in value for value in values)
    ]


def _in_request(request) -> list[str]:
    """The names of the places holding a NUL byte, outside the body."""
    found = []
    if NUL in request.path:
        found.append("path")
    found += [
        key[5:].replace("_", "-").title()
        for key, value in request.META.items()
        if key.startswith("HTTP_") and NUL in str(value)
    ]
    return found + _in_query(request.GET)


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            found = _in_request(request)
        except TooManyFieldsSent as error:  # more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS
            return self.refuse(request, {api_settings.NON_FIELD_ERRORS_KEY: [str(error)]})
        if found:
            return self.refuse(request, {name: [str(NUL_REFUSED)] for name in found})
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        # A page's form fields; read here, once the person is known to be signed in, as the
        # CSRF check reads them anyway. The API's bodies are its parsers' business.
        if request.method == "POST" and not request.path.startswith("/api/"):
            found = _in_query(request.POST)
            if found:
                return self.refuse(request, {})
        return None

    def refuse(self, request, errors: dict[str, list[str]]):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": str(INVALID_DETAIL), "code": "invalid", "errors": errors},
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return bad_request(request, ValueError("bad input"))
