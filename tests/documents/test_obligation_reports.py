"""After the plan's obligations are dispatched: the reminders around their due dates (once
per organisation and day) and the city's own report compiled from the replies that came."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from documents import services
from documents.errors import Forbidden, NotFound
from documents.models import Receipt
from documents.obligations import ObligationItem
from tests.documents.test_obligations import dispatched, reply  # noqa: F401  (a fixture)
from tests.support import WARDS, receipt_for, user
from workflow import tasks
from workflow.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def remind(on: datetime.date) -> int:
    return tasks.remind_obligations.apply(kwargs={"on": on.isoformat()}).get()


def test_the_wards_are_reminded_before_and_after_the_due_date_once_a_day(
    dispatched,  # noqa: F811
    django_capture_on_commit_callbacks,
    settings,
):
    plan = dispatched
    own_plan = plan.obligations.get(kind="plan")
    report = plan.obligations.get(kind="report")
    settings.REMINDER_DEADLINE_DAYS = 2
    settings.OBLIGATION_REMINDER_PAST_DAYS = 30
    due = own_plan.due
    report.due = due + datetime.timedelta(days=60)  # out of reach of these days
    report.save()

    assert remind(due - datetime.timedelta(days=3)) == 0  # not yet near
    assert remind(due - datetime.timedelta(days=2)) == len(WARDS)
    assert remind(due - datetime.timedelta(days=2)) == 0  # once a day, whoever asks again
    near = Notification.objects.filter(kind=NotificationKind.OBLIGATION_NEAR)
    ld_bacson = user("ld.bacson")
    assert near.filter(user=ld_bacson).count() == 1
    assert own_plan.title in near.get(user=ld_bacson).text

    # bacson answers; quangtien refuses the plan: neither is reminded again.
    reply(plan, "bacson", own_plan, django_capture_on_commit_callbacks)
    services.refuse(
        actor=user("vt.quangtien"), receipt=receipt_for(plan, "quangtien"), reason="Không đúng"
    )
    after = due + datetime.timedelta(days=1)
    assert remind(after) == len(WARDS) - 2
    past = Notification.objects.filter(kind=NotificationKind.OBLIGATION_PAST)
    assert not past.filter(user__in=[ld_bacson, user("ld.quangtien")]).exists()
    assert past.filter(user=user("ld.trungson")).count() == 1
    assert "quá hạn" in past.get(user=user("ld.trungson")).text

    # A month after the due date the roll-up shows it; the daily reminders have stopped.
    assert remind(due + datetime.timedelta(days=31)) == 0


def test_the_city_report_cites_exactly_the_fulfilled_replies(
    dispatched,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    plan = dispatched
    own_plan = plan.obligations.get(kind="plan")
    capture = django_capture_on_commit_callbacks
    answers = {code: reply(plan, code, own_plan, capture) for code in ("bacson", "truongson")}
    services.refuse(
        actor=user("vt.quangtien"), receipt=receipt_for(plan, "quangtien"), reason="Không đúng"
    )

    report = services.compile_report(actor=user("soanthao"), document=plan, obligation=own_plan.pk)

    assert (report.status, report.doc_type, report.issuer.code) == ("draft", "BC", "mttq-samson")
    assert [(r.organization.code, r.purpose) for r in report.recipients.all()] == [
        ("mttq-tinh", "report")
    ]
    city_copies = Receipt.objects.filter(
        document__in=answers.values(), organization__code="mttq-samson"
    )
    assert set(report.references.all()) == set(city_copies) and len(city_copies) == 2
    assert report.title == f"Kết quả thực hiện kế hoạch số {plan.symbol}"
    body = report.body
    for code, answer in answers.items():
        item = ObligationItem.objects.get(obligation=own_plan, organization__code=code)
        line = f"{item.organization.name}: văn bản số {answer.symbol}"
        assert line in body
    assert "Đến nay đã nhận 2 (đúng hạn 2, nộp muộn 0); chưa nộp 8; từ chối 1." in body
    missing = body.split("III. CÁC ĐƠN VỊ CHƯA NỘP")[1]
    assert "Bắc Sơn" not in missing and "Quảng Tiến" in missing
    assert report.signer == plan.signer and report.signer_title == plan.signer_title


def test_only_the_issuers_drafters_compile(dispatched):  # noqa: F811
    plan = dispatched
    own_plan = plan.obligations.get(kind="plan")
    with pytest.raises(Forbidden):  # a ward sees its copy, not the roll-up
        services.compile_report(actor=user("cb.bacson"), document=plan, obligation=own_plan.pk)
    with pytest.raises(Forbidden):  # the issuer's clerk reads the roll-up but does not draft
        services.compile_report(actor=user("vanthu"), document=plan, obligation=own_plan.pk)
    other = services.create_draft(
        actor=user("soanthao"), issuer="mttq-samson", doc_type="CV", title="Việc khác"
    )
    with pytest.raises(NotFound):
        services.compile_report(actor=user("soanthao"), document=other, obligation=own_plan.pk)


def test_the_api_compiles(dispatched, django_capture_on_commit_callbacks):  # noqa: F811
    plan = dispatched
    own_plan = plan.obligations.get(kind="plan")
    reply(plan, "bacson", own_plan, django_capture_on_commit_callbacks)
    client = APIClient()
    client.force_authenticate(user("soanthao"))
    url = f"/api/v1/documents/{plan.pk}/obligations/{own_plan.pk}/compile/"
    answer = client.post(url)
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "draft" and len(answer.json()["references"]) == 1
    client.force_authenticate(user("cb.bacson"))
    assert client.post(url).status_code == 403
    client.force_authenticate(user("cb.trungson"))
    assert client.post(url).status_code == 403
    client.force_authenticate(user("soanthao"))
    assert client.post(f"/api/v1/documents/{plan.pk}/obligations/99999/compile/").status_code == 404
    huge = f"/api/v1/documents/{plan.pk}/obligations/{'9' * 30}/compile/"
    assert client.post(huge).status_code == 404
