"""The Django admin may look at documents, receipts and the audit trail but never change them
(every change goes through the services); the org chart is back-office data it edits."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from documents.models import AuditEvent, Document, Receipt, RegisterBook
from orgchart.models import Organization
from tests.support import advance, new_draft

pytestmark = pytest.mark.django_db

READ_ONLY = [Document, Receipt, AuditEvent, RegisterBook]


@pytest.fixture
def admin_client_demo(client, world):
    client.force_login(world.user("admin"))
    return client


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_the_admin_lists_but_cannot_add_change_or_delete(world, model):
    request = RequestFactory().get("/admin/")
    request.user = world.user("admin")
    assert request.user.is_superuser
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.parametrize("model", [Document, Receipt, AuditEvent], ids=lambda m: m.__name__)
def test_changelists_open(admin_client_demo, world, model):
    response = admin_client_demo.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1
    # No "add" button for a read-only model.
    assert _url(model, "add") not in response.content.decode()
    assert admin_client_demo.get(_url(model, "add")).status_code == 403


def test_the_changelist_shows_the_seed_plan(admin_client_demo, world):
    response = admin_client_demo.get(_url(Document, "changelist"))
    assert world.seed_plan().title[:40] in response.content.decode()


def test_posting_to_a_document_changes_nothing(admin_client_demo, world):
    doc = advance(new_draft(), "in_review")
    url = _url(Document, "change", doc.pk)
    assert admin_client_demo.get(url).status_code == 200  # view only
    response = admin_client_demo.post(
        url,
        {
            "issuer": doc.issuer_id,
            "doc_type": "KH",
            "title": "Sửa qua trang quản trị",
            "status": "signed",
            "drafter": doc.drafter_id,
            "urgency": "normal",
            "secrecy": "normal",
        },
    )
    assert response.status_code == 403
    doc.refresh_from_db()
    assert (doc.title, doc.status) == ("Kế hoạch thử nghiệm", "in_review")

    assert admin_client_demo.post(
        _url(Document, "delete", doc.pk), {"post": "yes"}
    ).status_code == (403)
    assert Document.objects.filter(pk=doc.pk).exists()


def test_posting_to_an_audit_event_changes_nothing(admin_client_demo, world):
    event = AuditEvent.objects.filter(document=world.seed_plan()).first()
    response = admin_client_demo.post(
        _url(AuditEvent, "change", event.pk), {"action": "sign", "comment": "sửa"}
    )
    assert response.status_code == 403
    assert admin_client_demo.post(
        _url(AuditEvent, "delete", event.pk), {"post": "yes"}
    ).status_code == (403)
    event.refresh_from_db()
    assert (event.action, event.comment) == ("create", "")


def test_bulk_delete_of_receipts_is_not_offered(admin_client_demo, world):
    receipt = Receipt.objects.first()
    response = admin_client_demo.post(
        _url(Receipt, "changelist"),
        {"action": "delete_selected", "_selected_action": [receipt.pk], "post": "yes"},
    )
    assert Receipt.objects.filter(pk=receipt.pk).exists()
    assert response.status_code in (200, 302, 403)


# ---------------------------------------------------------------------------------------------
# The org chart is edited here


def _form_data(form) -> dict:
    """What a browser would post back for an unchanged form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None:
            data[key] = ""
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[key] = value.isoformat()
        else:
            data[key] = str(value)
    return data


def test_an_organisation_is_edited_in_the_admin(admin_client_demo, world):
    org = world.org("bacson")
    url = _url(Organization, "change", org.pk)
    page = admin_client_demo.get(url)
    assert page.status_code == 200

    data = _form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    data["name"] = "Ban Thường trực Ủy ban MTTQ phường Bắc Sơn (sửa)"
    data["email"] = "mttq.bacson@example.vn"

    response = admin_client_demo.post(url, data)
    assert response.status_code == 302, response.context and [
        f.errors for f in [response.context["adminform"].form]
    ]
    org.refresh_from_db()
    assert org.name.endswith("(sửa)")
    assert org.email == "mttq.bacson@example.vn"
    assert org.memberships.count() == 3  # the inline kept its people


def test_the_org_chart_can_be_added_to(admin_client_demo, world):
    request = RequestFactory().get("/admin/")
    request.user = world.user("admin")
    assert admin.site._registry[Organization].has_add_permission(request)
    assert admin_client_demo.get(_url(Organization, "add")).status_code == 200
