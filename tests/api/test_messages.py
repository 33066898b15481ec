"""DRF's own messages speak the API's language: Vietnamese by default, English with
``Accept-Language: en``. DRF's Vietnamese catalogue translates a fifth of them; the rest are in
``locale_drf/``, which LOCALE_PATHS puts before it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import rest_framework
from django.utils import translation
from rest_framework import exceptions

from documents.api.exceptions import exception_handler
from tests.support import advance, new_draft

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _said(response, status: int, code: str) -> str:
    assert response.status_code == status, (response.status_code, response.content)
    body = response.json()
    assert body["code"] == code, body
    return body["detail"]


def test_a_malformed_body_is_told_in_vietnamese_or_english(api):
    client = api.as_("soanthao")
    vi = client.post("/api/v1/documents/", "{oops", content_type="application/json")
    assert _said(vi, 400, "parse_error") == "Yêu cầu không đúng định dạng."
    en = client.post("/api/v1/documents/", "{oops", content_type="application/json", **EN)
    assert _said(en, 400, "parse_error") == "Malformed request."


def test_missing_or_bad_credentials_are_told_in_vietnamese_or_english(api):
    anonymous = api.anonymous()
    detail = _said(anonymous.get("/api/v1/me/"), 401, "not_authenticated")
    assert detail == "Chưa gửi thông tin xác thực (đăng nhập hoặc mã xác thực)."
    assert _said(anonymous.get("/api/v1/me/", **EN), 401, "not_authenticated") == (
        "Authentication credentials were not provided."
    )
    anonymous.credentials(HTTP_AUTHORIZATION="Token khong-phai-ma")
    assert _said(anonymous.get("/api/v1/inbox/"), 401, "authentication_failed") == (
        "Mã truy cập không hợp lệ hoặc đã hết hạn; hãy đăng nhập lại."
    )
    assert _said(anonymous.get("/api/v1/inbox/", **EN), 401, "authentication_failed") == (
        "The token is invalid or has expired; sign in again."
    )


def test_drf_not_found_invalid_page_and_wrong_method_in_vietnamese_or_english(api):
    client = api.as_("vt.bacson")
    # A notification of nobody's: the view raises DRF's own NotFound.
    absent = "/api/v1/notifications/987654321/read/"
    assert _said(client.post(absent), 404, "not_found") == "Không tìm thấy."
    assert _said(client.post(absent, **EN), 404, "not_found") == "Not found."
    past_the_end = "/api/v1/organizations/?page=999"
    assert _said(client.get(past_the_end), 404, "not_found") == "Trang không hợp lệ."
    assert _said(client.get(past_the_end, **EN), 404, "not_found") == "Invalid page."
    wrong = _said(client.delete("/api/v1/me/"), 405, "method_not_allowed")
    assert wrong == "Phương thức “DELETE” không được chấp nhận."
    assert _said(client.delete("/api/v1/me/", **EN), 405, "method_not_allowed") == (
        'Method "DELETE" not allowed.'
    )


def test_field_messages_of_drf_are_vietnamese_or_english(api):
    client = api.as_("soanthao")
    body = {"issuer": "mttq-samson", "doc_type": "KH", "title": "x", "references": ["a"]}
    vi = client.post("/api/v1/documents/", body, format="json")
    assert _said(vi, 400, "invalid")
    assert vi.json()["errors"]["references.0"] == ["Cần một số nguyên hợp lệ."]
    en = client.post("/api/v1/documents/", body, format="json", **EN)
    assert en.json()["errors"]["references.0"] == ["A valid integer is required."]


def test_the_services_own_messages_are_vietnamese_or_english(api):
    """Our messages (documents/errors.py and the services) are Vietnamese msgids with their
    English in locale/en: one language per answer, never both."""
    doc = advance(new_draft(), "in_review")
    client = api.as_("truongban")
    url = f"/api/v1/documents/{doc.pk}/review/"
    vi = client.post(url, {"decision": "return"}, format="json")
    assert _said(vi, 400, "invalid") == "Dữ liệu không hợp lệ."
    assert vi.json()["errors"] == {"comment": ["Trả lại phải kèm ý kiến."]}
    en = client.post(url, {"decision": "return"}, format="json", **EN)
    assert _said(en, 400, "invalid") == "Invalid input."
    assert en.json()["errors"] == {"comment": ["A return needs a comment."]}
    absent = "/api/v1/documents/987654321/"
    assert _said(client.get(absent), 404, "not_found") == "Không tìm thấy."
    assert _said(client.get(absent, **EN), 404, "not_found") == "Not found."


def test_a_throttled_request_says_how_long_to_wait():
    with translation.override("vi"):
        response = exception_handler(exceptions.Throttled(wait=3), {})
    assert response.status_code == 429 and response["Retry-After"] == "3"
    assert response.data == {
        "detail": "Yêu cầu bị tạm chặn vì gửi quá nhiều. Thử lại sau 3 giây.",
        "code": "throttled",
    }
    with translation.override("en"):
        response = exception_handler(exceptions.Throttled(wait=1), {})
    assert response.data["detail"] == "Request was throttled. Expected available in 1 second."


def _drf_messages() -> set[str]:
    """Every string DRF's Python code marks for translation (``_("…")``, ``gettext…``)."""
    names = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
    found: set[str] = set()
    for path in Path(rest_framework.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
            ):
                for arg in node.args[:2]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        found.add(arg.value)
    return found


def test_every_message_of_drf_has_a_vietnamese_translation():
    messages = _drf_messages()
    assert len(messages) > 100
    with translation.override("vi"):
        english = sorted(m for m in messages if translation.gettext(m) == m)
    assert not english, english
