"""Recurring obligations: a half-yearly report owed by three wards is an item per ward and
period; each reply answers one period (by default the earliest the ward still owes, or the
one it names); the roll-up, its API filter, the reminders, the chase and the compiled report
each work on one period's items and due date."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from documents import rendering, services
from documents.errors import InvalidInput
from documents.models import Document, Receipt
from documents.obligations import ObligationItem
from documents.periods import add_months
from documents.rendering.duties import duty_lines
from tests.documents.test_obligation_reports import remind
from tests.support import (
    advance,
    new_draft,
    receipt_for,
    user,
    ward_dispatch,
    ward_draft,
)
from workflow.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

THREE = ["bacson", "trungson", "truongson"]


def half_yearly_plan(first: datetime.date, orgs=THREE, until=None):
    return new_draft(
        recipients=[{"organization": code, "purpose": "execute"} for code in orgs],
        obligations=[
            {
                "kind": "report",
                "title": "Báo cáo kết quả thực hiện",
                "due": first,
                "recurrence": "half_yearly",
                "until": until,
                "organizations": list(orgs),
            }
        ],
    )


@pytest.fixture
def dispatched(world, django_capture_on_commit_callbacks):
    """Dispatched with its first period due in five days (the replies below come on time) and
    its second six months later."""
    first = timezone.localdate() + datetime.timedelta(days=5)
    plan = advance(half_yearly_plan(first, until=add_months(first, 6)), "issued")
    with django_capture_on_commit_callbacks(execute=True):
        return services.dispatch(actor=user("vanthu"), document=plan)


def answer(plan, code: str, obligation, capture, periods: dict | None = None) -> Document:
    """The ward's report through its own lifecycle, delivered to the city."""
    draft = ward_draft(
        plan, code, [obligation], doc_type="BC", title="Báo cáo kết quả", fulfils_periods=periods
    )
    return ward_dispatch(draft, code, capture)


def rollup(plan, query: str = ""):
    client = APIClient()
    client.force_authenticate(user("vanthu"))
    return client.get(f"/api/v1/documents/{plan.pk}/obligations/{query}")


def statuses(body: dict) -> dict[str, str]:
    return {i["organization"]: i["status"] for i in body["items"]}


def test_each_ward_owes_an_item_a_period_due_on_its_own_date(dispatched):
    (report,) = dispatched.obligations.all()
    first, second = report.periods()
    assert second.due == add_months(report.due, 6)
    for code in THREE:
        items = ObligationItem.objects.filter(obligation=report, organization__code=code)
        assert sorted(items.values_list("period", "due")) == [(0, first.due), (1, second.due)]
    owed = receipt_for(dispatched, "bacson")
    client = APIClient()
    client.force_authenticate(user("vt.bacson"))
    (mine,) = client.get(f"/api/v1/receipts/{owed.pk}/").json()["obligations"]
    assert (mine["period"], mine["period_label"], mine["due"]) == (
        first.key,
        first.label,
        first.due.isoformat(),
    )


def test_replies_answer_their_period_and_the_rollup_counts_each_period(
    dispatched, django_capture_on_commit_callbacks
):
    plan, capture = dispatched, django_capture_on_commit_callbacks
    (report,) = plan.obligations.all()
    h1, h2 = report.periods()

    on_time = answer(plan, "bacson", report, capture)  # the earliest still owed: H1
    item = ObligationItem.objects.get(obligation=report, organization__code="bacson", period=0)
    assert item.reply_id == on_time.pk
    # bacson's came three days ago; H1 was due yesterday; the others report today, late.
    ObligationItem.objects.filter(pk=item.pk).update(
        fulfilled_at=timezone.now() - datetime.timedelta(days=3)
    )
    report.due = timezone.localdate() - datetime.timedelta(days=1)
    report.save()  # the items follow their period's due date
    h1, h2 = report.periods()
    assert set(report.items.filter(period=0).values_list("due", flat=True)) == {h1.due}
    assert set(report.items.filter(period=1).values_list("due", flat=True)) == {h2.due}

    answer(plan, "trungson", report, capture)
    first = answer(plan, "truongson", report, capture)
    # A second report for H1 names its period (the default would now be H2) and replaces
    # the first in the roll-up; both stay documents of the ward.
    again = answer(plan, "truongson", report, capture, {str(report.pk): h1.key})
    for_h2 = answer(plan, "bacson", report, capture)  # its H1 is in: the default is H2
    assert Document.objects.filter(pk__in=[first.pk, again.pk]).count() == 2

    whole = rollup(plan).json()[0]
    assert whole["recurrence"] == "half_yearly"
    assert [p["key"] for p in whole["periods"]] == [h1.key, h2.key]
    assert whole["counts"]["total"] == 6
    assert {(i["organization"], i["period"]) for i in whole["items"]} == {
        (code, key) for code in ["bacson", "trungson", "truongson"] for key in (h1.key, h2.key)
    }

    (one,) = rollup(plan, f"?period={h1.key}").json()
    assert {i["period"] for i in one["items"]} == {h1.key}
    assert {i["period_label"] for i in one["items"]} == {h1.label}
    assert {i["due"] for i in one["items"]} == {h1.due.isoformat()}
    assert statuses(one) == {
        "bacson": "fulfilled",
        "trungson": "fulfilled_late",
        "truongson": "fulfilled_late",
    }
    assert {i["organization"]: i["document"] for i in one["items"]}["truongson"] == again.pk
    assert one["counts"] == {"total": 3, "fulfilled": 1, "late": 2, "pending": 0, "refused": 0}

    (two,) = rollup(plan, f"?period={h2.key}").json()
    assert statuses(two) == {"bacson": "fulfilled", "trungson": "pending", "truongson": "pending"}
    assert {i["organization"]: i["document"] for i in two["items"]}["bacson"] == for_h2.pk
    assert two["counts"] == {"total": 3, "fulfilled": 1, "late": 0, "pending": 2, "refused": 0}

    for bad in ("2023-H3", "1999-H1", "abc"):
        answer_ = rollup(plan, f"?period={bad}")
        assert answer_.status_code == 400 and "period" in answer_.json()["errors"], bad

    # The city's report of H1 cites exactly H1's fulfilling replies (truongson's later one).
    compiled = services.compile_report(
        actor=user("soanthao"), document=plan, obligation=report.pk, period=h1.key
    )
    h1_replies = [on_time.pk, again.pk] + [
        i.reply_id for i in report.items.filter(period=0, organization__code="trungson")
    ]
    copies = Receipt.objects.filter(document__in=h1_replies, organization__code="mttq-samson")
    assert set(compiled.references.all()) == set(copies) and len(copies) == 3
    assert h1.label in compiled.title and h1.label in compiled.body
    assert f"(hạn {h1.due:%d/%m/%Y})" in compiled.body
    # By default the current period: H2, not due yet, with bacson's one reply.
    current = services.compile_report(actor=user("soanthao"), document=plan, obligation=report.pk)
    assert set(current.references.all()) == set(
        Receipt.objects.filter(document=for_h2, organization__code="mttq-samson")
    )
    assert h2.label in current.body
    with pytest.raises(InvalidInput):
        services.compile_report(
            actor=user("soanthao"), document=plan, obligation=report.pk, period="1999-H1"
        )


def test_a_bad_period_named_by_a_reply_is_refused_and_nothing_is_written(dispatched):
    (report,) = dispatched.obligations.all()
    receipt = receipt_for(dispatched, "bacson")
    client = APIClient()
    client.force_authenticate(user("cb.bacson"))
    before = Document.objects.count()
    base = {
        "issuer": "bacson",
        "doc_type": "BC",
        "title": "Báo cáo",
        "recipients": [{"organization": "mttq-samson", "purpose": "report"}],
        "replies_to": receipt.pk,
        "fulfils": [report.pk],
    }
    for periods in (
        {str(report.pk): "1999-H1"},  # not one of its periods
        {str(report.pk): "2023-13"},  # not a period at all
        {"999999": report.periods()[0].key},  # an obligation it does not answer
    ):
        response = client.post("/api/v1/documents/", {**base, "fulfils_periods": periods}, "json")
        assert response.status_code == 400, response.content
        assert "fulfils_periods" in response.json()["errors"]
    assert Document.objects.count() == before
    good = {str(report.pk): report.periods()[1].key}
    response = client.post("/api/v1/documents/", {**base, "fulfils_periods": good}, "json")
    assert response.status_code == 201, response.content
    assert Document.objects.get(pk=response.json()["id"]).reply.periods == {str(report.pk): 1}


def test_reminders_use_each_periods_due_date_once_per_organisation_and_day(
    dispatched, django_capture_on_commit_callbacks, settings
):
    settings.REMINDER_DEADLINE_DAYS = 2
    settings.OBLIGATION_REMINDER_PAST_DAYS = 30
    (report,) = dispatched.obligations.all()
    h1, h2 = report.periods()
    answer(dispatched, "bacson", report, django_capture_on_commit_callbacks)  # H1 only

    assert remind(h1.due - datetime.timedelta(days=2)) == 2  # trungson, truongson
    assert remind(h1.due - datetime.timedelta(days=2)) == 0  # once a day
    assert remind(h1.due + datetime.timedelta(days=40)) == 0  # H1 out of reach, H2 not near
    assert remind(h2.due - datetime.timedelta(days=1)) == 3  # H2 is owed by all three
    near = Notification.objects.filter(kind=NotificationKind.OBLIGATION_NEAR)
    texts = [n.text for n in near.filter(user=user("ld.bacson"))]
    assert len(texts) == 1 and h2.label in texts[0] and f"{h2.due:%d/%m/%Y}" in texts[0]
    assert any(h1.label in n.text for n in near.filter(user=user("ld.trungson")))


def test_the_chase_reminds_of_the_periods_owed_up_to_now(
    dispatched, django_capture_on_commit_callbacks
):
    (report,) = dispatched.obligations.all()
    answer(dispatched, "bacson", report, django_capture_on_commit_callbacks)
    result = services.chase_obligations(
        actor=user("vanthu"), document=dispatched, obligation=report.pk
    )
    # H1 is current: bacson has sent it; H2 (to come) is not chased.
    assert sorted(r.organization.code for r in result.chased) == ["trungson", "truongson"]
    h1 = report.periods()[0]
    text = Notification.objects.filter(user=user("ld.trungson")).latest("pk").text
    assert h1.label in text


def test_the_plan_prints_the_recurrence_under_to_chuc_thuc_hien(world):
    document = half_yearly_plan(datetime.date(2027, 6, 15))
    (line,) = duty_lines(document)
    assert "Báo cáo kết quả thực hiện định kỳ 6 tháng (trước ngày 15/6 và 15/12, năm 2027)" in line
    monthly = new_draft(
        recipients=[{"organization": "bacson", "purpose": "execute"}],
        obligations=[
            {
                "kind": "report",
                "title": "Báo cáo tháng",
                "due": datetime.date(2027, 1, 25),
                "recurrence": "monthly",
                "until": datetime.date(2028, 12, 31),
                "organizations": ["bacson"],
            }
        ],
    )
    (line,) = duty_lines(monthly)
    assert "Báo cáo tháng hằng tháng trước ngày 25 (từ năm 2027 đến năm 2028)" in line
    sheet = rendering.build_sheet(monthly)
    assert any("hằng tháng trước ngày 25" in b.text for b in sheet.body)


def test_a_recurrence_is_checked_and_kept_by_each_version(world):
    first = datetime.date(2027, 6, 15)
    with pytest.raises(InvalidInput) as refused:
        half_yearly_plan(first, until=first - datetime.timedelta(days=1))
    assert "obligations" in refused.value.errors
    with pytest.raises(InvalidInput):
        half_yearly_plan(first, until=datetime.date(2033, 1, 1))  # more than five years
    client = APIClient()
    client.force_authenticate(user("soanthao"))
    bad = client.post(
        "/api/v1/documents/",
        {
            "issuer": "mttq-samson",
            "doc_type": "KH",
            "title": "Kế hoạch",
            "recipients": [{"organization": "bacson", "purpose": "execute"}],
            "obligations": [
                {
                    "kind": "report",
                    "title": "Báo cáo",
                    "due": "2027-06-15",
                    "recurrence": "weekly",
                    "organizations": ["bacson"],
                }
            ],
        },
        "json",
    )
    assert bad.status_code == 400
    assert any(k.startswith("obligations") for k in bad.json()["errors"]), bad.json()

    plan = half_yearly_plan(first)
    (report,) = plan.obligations.all()
    assert (report.recurrence, report.until) == ("half_yearly", datetime.date(2027, 12, 31))
    submitted = services.submit(actor=user("soanthao"), document=plan)
    (kept,) = submitted.versions.latest("pk").snapshot["obligations"]
    assert (kept["recurrence"], kept["until"]) == ("half_yearly", "2027-12-31")
    assert kept["organizations"] == sorted(THREE)


def test_the_rollup_takes_the_same_queries_for_one_or_many_organisations_and_periods(world):
    counts = []
    today = timezone.localdate()
    for orgs, years in ((["bacson"], 0), (THREE, 4)):
        until = add_months(today, 12 * years)
        plan = advance(half_yearly_plan(today, orgs, until), "issued")
        plan = services.dispatch(actor=user("vanthu"), document=plan)
        with CaptureQueriesContext(connection) as queries:
            assert rollup(plan).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_wards_copy_offers_the_next_period_and_the_answer_names_it(dispatched, client):
    (report,) = dispatched.obligations.all()
    h1 = report.periods()[0]
    receipt = receipt_for(dispatched, "bacson")
    client.force_login(user("cb.bacson"))
    html = client.get(f"/outgoing/{dispatched.pk}/").content.decode()
    assert f'data-testid="owed-period">{h1.label}<' in html
    response = client.get(f"{reverse('outgoing:create')}?tra-loi={receipt.pk}&yeu-cau={report.pk}")
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == f"Báo cáo kết quả thực hiện {h1.label}"


def test_the_rollup_page_shows_the_period_chosen_the_current_one_by_default(
    dispatched, client, django_capture_on_commit_callbacks
):
    (report,) = dispatched.obligations.all()
    h1, h2 = report.periods()
    answer(dispatched, "bacson", report, django_capture_on_commit_callbacks)
    client.force_login(user("vanthu"))
    url = f"/outgoing/{dispatched.pk}/theo-doi-thuc-hien/"
    html = client.get(url).content.decode()
    assert 'data-testid="period-chooser"' in html
    assert f'<option value="{h1.key}" selected>' in html  # not due yet: the current one
    assert 'data-org="bacson" data-status="fulfilled"' in html
    later = client.get(f"{url}?ky-{report.pk}={h2.key}").content.decode()
    assert f'<option value="{h2.key}" selected>' in later
    assert 'data-org="bacson" data-status="pending"' in later
    assert 'data-status="fulfilled"' not in later
    # The chase reminds whoever owes the current period or an earlier one: not bacson.
    assert "Đôn đốc 2 đơn vị chưa nộp" in later
    export = client.get(
        f"/outgoing/{dispatched.pk}/theo-doi-thuc-hien.xlsx?ky-{report.pk}={h2.key}"
    )
    assert export.status_code == 200
