"""The auditor's trail answers the plain cases from each event's own row (an ordinary document
of the auditor's organisation, its copy arrived there) before it asks the whole visibility
filter: the events it returns must be exactly those whose document the auditor may read."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from documents import services
from documents.models import AuditEvent, Receipt
from documents.selectors import audit_log, visible_documents
from documents.services.receiving import mark_delivery_problem
from orgchart.models import Membership, Organization, Position, Role
from orgchart.selectors import grants_of
from tests.support import advance, new_draft, settle_all

pytestmark = pytest.mark.django_db


def reference(person) -> set[int]:
    grants = grants_of(person)
    orgs = audit_log.audited_organizations(person, grants)
    readable = visible_documents(person, grants).values("pk")
    return set(
        AuditEvent.objects.exclude(action__in=audit_log.SECURITY_VERBS)
        .filter(organization_id__in=orgs)
        .filter(Q(document__isnull=True) | Q(document__in=readable))
        .values_list("pk", flat=True)
    )


def test_the_trail_is_exactly_the_events_of_documents_the_auditor_reads(world):
    ward_auditor = get_user_model().objects.create(username="kt.bacson")
    position = Position.objects.create(name="Kiểm tra viên (thử)")
    position.roles.add(Role.objects.get(code="auditor"))
    Membership.objects.create(
        user=ward_auditor, organization=Organization.objects.get(code="bacson"), position=position
    )
    for secrecy in ("normal", "mat"):
        done = advance(new_draft(title=f"Kế hoạch {secrecy}", secrecy=secrecy), "dispatched")
        for receipt in Receipt.objects.filter(document=done, status="pending"):
            services.deliver(receipt=receipt)
        settle_all(done)
    waiting = advance(new_draft(title="Chưa đến"), "dispatched")
    for receipt in Receipt.objects.filter(document=waiting, status="pending"):
        # An event in the ward's chain on a copy that has not arrived: not the ward's to read.
        mark_delivery_problem(receipt=receipt, problem="Máy chủ không trả lời.")
    auditors = [get_user_model().objects.get(username="kiemtra"), ward_auditor]
    for person in auditors:
        expected = reference(person)
        found = set(
            audit_log.trail_events(person, audit_log.Filters()).values_list("pk", flat=True)
        )
        assert found == expected, person.username
        assert expected, person.username
    ward_documents = set(
        audit_log.trail_events(ward_auditor, audit_log.Filters()).values_list(
            "document__title", flat=True
        )
    )
    assert "Kế hoạch normal" in ward_documents
    assert "Kế hoạch mat" not in ward_documents and "Chưa đến" not in ward_documents
