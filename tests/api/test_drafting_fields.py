"""The API's draft accepts Căn cứ (``can_cu``, optional) on create and PATCH and returns it;
recipients may be a group of the org chart, with members left out, and an outside recipient
whose e-mail is checked; the schema's description says so."""

from __future__ import annotations

import pytest

from documents.models import Document

pytestmark = pytest.mark.django_db

BASES = "Căn cứ Điều lệ Mặt trận Tổ quốc Việt Nam\nCăn cứ Kế hoạch số 616/MTTQ-BTT"


def _create(client, **extra):
    payload = {
        "issuer": "mttq-samson",
        "doc_type": "KH",
        "title": "Kế hoạch có căn cứ",
        "recipients": [{"organization": "thanhuy", "purpose": "report"}],
        **extra,
    }
    return client.post("/api/v1/documents/", payload, format="json")


def test_can_cu_is_optional_and_empty_when_not_given(api):
    response = _create(api.as_("soanthao"))
    assert response.status_code == 201, response.content
    assert response.json()["can_cu"] == ""


def test_can_cu_is_created_patched_and_shown(api):
    client = api.as_("soanthao")
    response = _create(client, can_cu=BASES + ";\n")
    assert response.status_code == 201, response.content
    doc = response.json()
    assert doc["can_cu"] == BASES
    url = f"/api/v1/documents/{doc['id']}/"
    assert client.get(url).json()["can_cu"] == BASES

    response = client.patch(url, {"can_cu": "Căn cứ Nghị quyết số 07-NQ/TU."}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["can_cu"] == "Căn cứ Nghị quyết số 07-NQ/TU"
    assert Document.objects.get(pk=doc["id"]).can_cu == "Căn cứ Nghị quyết số 07-NQ/TU"
    assert client.patch(url, {"can_cu": 5}, format="json").json()["can_cu"] == "5"
    assert client.patch(url, {"can_cu": ["x"]}, format="json").status_code == 400


def test_recipients_by_group_and_outside_with_an_email(api):
    response = _create(
        api.as_("soanthao"),
        recipients=[
            {"name": "Báo Thanh Hóa", "email": "toasoan@baothanhhoa.vn", "purpose": "inform"},
            {"group": "members", "purpose": "execute", "exclude": ["hoiccb"]},
        ],
    )
    assert response.status_code == 201, response.content
    assert [(r["organization"], r["name"]) for r in response.json()["recipients"]][-2:] == [
        ("hoinongdan", "Hội Nông dân thành phố Sầm Sơn"),
        (None, "Báo Thanh Hóa"),
    ]
    assert len(response.json()["recipients"]) == 5


def test_a_bad_group_or_email_is_a_field_error_and_nothing_written(api):
    before = Document.objects.count()
    response = _create(api.as_("soanthao"), recipients=[{"group": "tinh", "purpose": "execute"}])
    assert response.status_code == 400 and "recipients" in str(response.json()["errors"])
    response = _create(
        api.as_("soanthao"),
        recipients=[{"name": "Báo Thanh Hóa", "email": "toasoan@", "purpose": "inform"}],
    )
    assert response.status_code == 400
    assert "Thư điện tử của Báo Thanh Hóa không hợp lệ" in str(response.json()["errors"])
    assert Document.objects.count() == before


def test_the_schema_describes_can_cu_and_groups(api):
    schema = api.as_("soanthao").get("/api/schema/?format=json").json()
    description = schema["info"]["description"]
    assert "`can_cu`" in description and "`{group, purpose, exclude}`" in description
    write = schema["components"]["schemas"]["DocumentWriteRequest"]["properties"]
    assert "can_cu" in write
