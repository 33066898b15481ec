"""Đôn đốc of the organisations that still owe a plan or a report, in one click: who may,
which organisations, and once a day shared with the daily reminders (the same reminder row,
whichever comes first)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from documents import services
from documents.errors import Conflict, Forbidden, NotFound
from documents.models import AuditEvent, Document, DocumentStatus
from documents.obligations import ObligationItem
from tests.documents.test_obligation_reports import remind
from tests.documents.test_obligations import dispatched, reply  # noqa: F401  (a fixture)
from tests.factories import UserFactory
from tests.support import WARDS, receipt_for, user
from workflow.models import Notification, NotificationKind, Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(dispatched, django_capture_on_commit_callbacks, settings):  # noqa: F811
    """The wards' own plan was due yesterday: bacson answered it, quangtien refused the
    document; the nine others owe it."""
    settings.OBLIGATION_REMINDER_PAST_DAYS = 30
    plan = dispatched
    own_plan = plan.obligations.get(kind="plan")
    reply(plan, "bacson", own_plan, django_capture_on_commit_callbacks)
    services.refuse(
        actor=user("vt.quangtien"), receipt=receipt_for(plan, "quangtien"), reason="Không đúng"
    )
    own_plan.due = timezone.localdate() - datetime.timedelta(days=1)
    own_plan.save()
    return plan, own_plan


OWING = sorted(set(WARDS) - {"bacson", "quangtien"})


def codes(receipts) -> list[str]:
    return sorted(r.organization.code for r in receipts)


def test_the_chase_reminds_each_owing_ward_once_and_the_beat_then_adds_nothing(late):
    plan, own_plan = late
    result = services.chase_obligations(actor=user("vanthu"), document=plan, obligation=own_plan.pk)

    assert codes(result.chased) == OWING and result.already == []
    past = Notification.objects.filter(kind=NotificationKind.OBLIGATION_PAST)
    assert past.filter(user=user("ld.trungson")).count() == 1
    assert own_plan.title in past.get(user=user("ld.trungson")).text
    assert not past.filter(user__in=[user("ld.bacson"), user("ld.quangtien")]).exists()
    events = AuditEvent.objects.filter(action="chase", document=plan)
    assert sorted(e.receipt.organization.code for e in events) == OWING
    assert {e.data["obligation"] for e in events} == {own_plan.pk}
    assert {e.organization_id for e in events} == {plan.issuer_id}

    # The same day the daily reminders find the reminder written and send nothing more.
    reminders = Reminder.objects.count()
    assert remind(timezone.localdate()) == 0
    assert Reminder.objects.count() == reminders

    # A second chase that day reminds nobody, writes nothing and says so.
    again = services.chase_obligations(
        actor=user("soanthao"), document=plan, obligation=own_plan.pk
    )
    assert again.chased == [] and codes(again.already) == OWING
    assert AuditEvent.objects.filter(action="chase", document=plan).count() == len(OWING)
    assert past.filter(user=user("ld.trungson")).count() == 1


def test_after_the_beat_the_chase_counts_the_wards_reminded_already(late):
    plan, own_plan = late
    assert remind(timezone.localdate()) == len(OWING)
    result = services.chase_obligations(actor=user("vanthu"), document=plan, obligation=own_plan.pk)
    assert result.chased == [] and codes(result.already) == OWING
    assert not AuditEvent.objects.filter(action="chase", document=plan).exists()
    assert (
        Notification.objects.filter(user=user("ld.trungson"))
        .filter(kind=NotificationKind.OBLIGATION_PAST)
        .count()
        == 1
    )


def test_a_report_not_yet_due_is_chased_as_near(late):
    plan, _own_plan = late
    report = plan.obligations.get(kind="report")
    result = services.chase_obligations(actor=user("vanthu"), document=plan, obligation=report.pk)
    # Nobody answered the report; quangtien refused the document.
    assert codes(result.chased) == sorted(set(WARDS) - {"quangtien"})
    assert set(Reminder.objects.values_list("kind", flat=True)) == {
        NotificationKind.OBLIGATION_NEAR
    }


def test_who_may_chase(late):
    plan, own_plan = late
    with pytest.raises(Forbidden):  # a ward sees its copy, not the others'
        services.chase_obligations(actor=user("cb.bacson"), document=plan, obligation=own_plan.pk)
    with pytest.raises(Forbidden):  # the reviewer has no part in chasing
        services.chase_obligations(actor=user("truongban"), document=plan, obligation=own_plan.pk)
    with pytest.raises(NotFound):  # no part in it: the document does not exist for them
        services.chase_obligations(actor=UserFactory(), document=plan, obligation=own_plan.pk)
    with pytest.raises(NotFound):  # an obligation of no document, or of another one
        services.chase_obligations(actor=user("vanthu"), document=plan, obligation=999999)
    assert not Reminder.objects.exists()
    assert not AuditEvent.objects.filter(action="chase", document=plan).exists()


def test_a_draft_is_not_chased_nor_an_obligation_nobody_owes(late, world):
    plan, own_plan = late
    draft = services.create_draft(
        actor=user("soanthao"), issuer="mttq-samson", doc_type="CV", title="Việc khác"
    )
    with pytest.raises(Conflict):
        services.chase_obligations(actor=user("soanthao"), document=draft, obligation=own_plan.pk)
    answer = ObligationItem.objects.get(obligation=own_plan, organization__code="bacson")
    ObligationItem.objects.filter(obligation=own_plan, fulfilled_at__isnull=True).update(
        reply=answer.reply, fulfilled_at=answer.fulfilled_at
    )
    with pytest.raises(Conflict) as refused:
        services.chase_obligations(actor=user("vanthu"), document=plan, obligation=own_plan.pk)
    assert refused.value.code == "nothing_to_chase"


def test_a_completed_document_still_chases_what_is_owed(late):
    plan, own_plan = late
    # Every copy settled (the counter the last receipt decrements), the plans still owed.
    Document.objects.filter(pk=plan.pk).update(status=DocumentStatus.COMPLETED)
    result = services.chase_obligations(
        actor=user("pct.huy"), document=plan, obligation=own_plan.pk
    )
    assert codes(result.chased) == OWING


def api(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(user(username))
    return client


def test_the_api_chases(late):
    plan, own_plan = late
    url = f"/api/v1/documents/{plan.pk}/obligations/{own_plan.pk}/chase/"
    answer = api("vanthu").post(url)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["obligation"], sorted(body["chased"]), body["already"]) == (own_plan.pk, OWING, [])
    assert sorted(api("soanthao").post(url).json()["already"]) == OWING

    assert api("cb.bacson").post(url).status_code == 403
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())
    assert stranger.post(url).status_code == 404
    other = f"/api/v1/documents/{plan.pk}/obligations/999999/chase/"
    assert api("vanthu").post(other).status_code == 404
    assert (
        api("vanthu").post(f"/api/v1/documents/999999/obligations/{own_plan.pk}/chase/").status_code
        == 404
    )


def test_the_api_says_409_when_nobody_owes(late):
    plan, own_plan = late
    answer = ObligationItem.objects.get(obligation=own_plan, organization__code="bacson")
    ObligationItem.objects.filter(obligation=own_plan).update(
        reply=answer.reply, fulfilled_at=answer.fulfilled_at
    )
    url = f"/api/v1/documents/{plan.pk}/obligations/{own_plan.pk}/chase/"
    refused = api("vanthu").post(url)
    assert refused.status_code == 409 and refused.json()["code"] == "nothing_to_chase"


def test_the_chase_is_in_the_openapi_schema(world):
    schema = api("vanthu").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    operation = schema.json()["paths"]["/api/v1/documents/{id}/obligations/{obligation_id}/chase/"][
        "post"
    ]
    assert {"200", "403", "404", "409"} <= set(operation["responses"])
    assert "đôn đốc" in operation["summary"]
