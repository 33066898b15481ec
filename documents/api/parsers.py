"""Request bodies read with bounded memory and bounded recursion: at most
``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes (413 beyond), JSON nested at most ``JSON_MAX_DEPTH`` deep
(checked by a flat scan of the bytes before the recursive parser runs), UTF-8 only. Anything
else is a 400 with ``errors`` (design §15.3), never a 500."""

from __future__ import annotations

import codecs
import re

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, status
from rest_framework.settings import api_settings
from rest_framework.utils import json

#: Deepest nesting of arrays and objects a body may have (the body object itself is level 1).
JSON_MAX_DEPTH = 50

# A JSON string: a quote, then anything but a quote or backslash, or a backslash and the
# character it escapes. Possessive, so the engine keeps no backtracking state.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_OPENING = frozenset(b"[{")

NUL_REFUSED = _("Không được chứa ký tự NUL.")
NOT_JSON = _("Nội dung gửi lên không phải JSON hợp lệ: %(error)s")
NOT_UTF8 = _("Nội dung gửi lên phải được mã hóa UTF-8.")
TOO_DEEP = _("Dữ liệu lồng nhau quá %(depth)s cấp.")


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = _("Nội dung gửi lên quá lớn.")


def too_deep(raw: bytes, limit: int = JSON_MAX_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than ``limit`` in ``raw``, counting brackets
    outside strings only: one flat pass, no recursion whatever the input, stopping as soon as
    the limit is passed. For a body that is not JSON the count is an upper bound of what the
    parser would recurse into, which is all that matters here."""
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKET)
    if len(brackets) <= limit:
        return False
    depth = 0
    for byte in brackets:
        depth += 1 if byte in _OPENING else -1
        if depth > limit:
            return True
    return False


def read_bounded(stream) -> bytes:
    """The whole body, or 413 once it is longer than Django's own limit for bodies held in
    memory. DRF reads the stream itself, so Django's check on ``request.body`` never runs."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if stream is None:
        return b""
    raw = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(raw) > limit:
        raise BodyTooLarge()
    return raw


def _nul_errors(data) -> dict[str, list[str]]:
    """Every place in a parsed body where a string (a value or a key) holds a NUL byte, by its
    path (``recipients.0.name``): PostgreSQL cannot store one, and no field needs one."""
    found: dict[str, list[str]] = {}
    todo = [("", data)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, str):
            if "\x00" in value:
                found[path or api_settings.NON_FIELD_ERRORS_KEY] = [str(NUL_REFUSED)]
        elif isinstance(value, dict):
            for key, item in value.items():
                name = str(key).replace("\x00", "\\u0000")
                todo.append((f"{path}.{name}" if path else name, item))
                if "\x00" in str(key):
                    found[f"{path}.{name}" if path else name] = [str(NUL_REFUSED)]
        elif isinstance(value, list | tuple):
            todo.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return found


def refuse_nul(data):
    errors = _nul_errors(data)
    if errors:
        raise exceptions.ValidationError(errors)
    return data


def _fields(data: QueryDict) -> dict[str, str]:
    """A form's fields for the NUL check: each name with all its values run together."""
    return {name: "".join(str(v) for v in values) for name, values in data.lists()}


def parse_failure(message) -> exceptions.ParseError:
    """A malformed body: 400 ``parse_error`` with the reason under ``non_field_errors``."""
    error = exceptions.ParseError(detail=message)
    error.field_errors = {api_settings.NON_FIELD_ERRORS_KEY: [str(message)]}  # type: ignore[attr-defined]
    return error


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        if codecs.lookup(encoding).name != "utf-8":
            raise parse_failure(NOT_UTF8)
        raw = read_bounded(stream)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise parse_failure(NOT_UTF8) from None
        if too_deep(raw):
            raise exceptions.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [TOO_DEEP % {"depth": JSON_MAX_DEPTH}]}
            )
        parse_constant = json.strict_constant if self.strict else None
        try:
            data = json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as error:
            raise parse_failure(NOT_JSON % {"error": error}) from None
        return refuse_nul(data)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        data = QueryDict(read_bounded(stream), encoding=encoding)
        refuse_nul(_fields(data))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_nul(_fields(parsed.data))
        return parsed


class XMLParser(parsers.BaseParser):
    """An edXML package: the raw bytes, bounded like any body, handed to the reader
    (``documents.edxml.reader``), which parses them with entities and the network off."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None):
        return read_bounded(stream)


class TextXMLParser(XMLParser):
    media_type = "text/xml"
