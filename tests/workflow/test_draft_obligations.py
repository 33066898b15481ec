"""The draft form's obligations (design §15.5): what the draft asks of its recipients that
act, from every one of them unless some are chosen, refused in the form's own part when
incomplete or addressed to a recipient that does not execute, with nothing written."""

from __future__ import annotations

import datetime

import pytest

from documents.models import Document
from documents.obligations import Obligation
from orgchart.models import Organization
from tests.support import WARDS, user
from tests.workflow.screens import text_of
from tests.workflow.test_draft_form import URL, _counts, _form, _saved

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]


@pytest.fixture
def drafter(world, client):
    client.force_login(user("soanthao"))
    return client


def _with_wards(**fields) -> dict:
    return _form(members_wards=list(WARDS), purpose_wards="execute", **fields)


def test_the_form_offers_two_obligations(drafter):
    html = drafter.get(URL).content.decode()
    assert 'data-testid="obligations"' in html
    assert html.count('name="obl_kind_') == 2 and 'name="obl_due_2"' in html
    assert 'name="obl_form_1"' in html


def test_an_obligation_without_organisations_is_owed_by_every_executing_recipient(
    drafter, committed
):
    form = _with_wards(
        org_1="thanhuy",
        org_purpose_1="report",
        obl_kind_1="plan",
        obl_title_1="Kế hoạch của phường, xã",
        obl_due_1="31/12/2026",
        obl_kind_2="report",
        obl_title_2="Báo cáo kết quả",
        obl_due_2="15/01/2027",
        obl_orgs_2=["bacson", "trungson"],
        obl_form_2="Số buổi tuyên truyền\n\n  Khó khăn, kiến nghị (chữ) ",
    )
    response = committed(drafter.post, URL, form)
    assert response.status_code == 302, text_of(response)[:800]
    plan, report = Obligation.objects.filter(document=_saved()).order_by("order")
    assert (plan.kind, plan.title, plan.due) == (
        "plan",
        "Kế hoạch của phường, xã",
        datetime.date(2026, 12, 31),
    )
    assert sorted(plan.items.values_list("organization__code", flat=True)) == sorted(WARDS)
    assert sorted(report.items.values_list("organization__code", flat=True)) == [
        "bacson",
        "trungson",
    ]
    assert plan.form == [] and report.form == [
        {"key": "c1", "label": "Số buổi tuyên truyền", "type": "number"},
        {"key": "c2", "label": "Khó khăn, kiến nghị", "type": "text"},
    ]


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"obl_kind_1": "plan", "obl_due_1": "31/12/2026"}, "obl_title_1"),
        ({"obl_kind_1": "report", "obl_title_1": "Báo cáo"}, "obl_due_1"),
        (
            {"obl_kind_1": "report", "obl_title_1": "Báo cáo", "obl_due_1": "31/13/2026"},
            "obl_due_1",
        ),
    ],
)
def test_an_incomplete_obligation_is_said_on_its_field_and_nothing_is_written(
    drafter, fields, field
):
    before, owed = _counts(), Obligation.objects.count()
    response = drafter.post(URL, _with_wards(**fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert _counts() == before and Obligation.objects.count() == owed


def test_an_organisation_that_does_not_execute_is_refused_in_the_obligations_part(drafter):
    before = _counts()
    thanhuy = Organization.objects.get(code="thanhuy")
    response = drafter.post(
        URL,
        _with_wards(
            org_1="thanhuy",
            org_purpose_1="report",
            obl_kind_1="report",
            obl_title_1="Báo cáo",
            obl_due_1="31/12/2026",
            obl_orgs_1=["bacson", thanhuy.code],
        ),
    )
    assert response.status_code == 200
    messages = response.context["form"].obligation_messages
    assert messages and "thanhuy" in messages[0]
    assert messages[0] in text_of(response)
    assert _counts() == before and not Document.objects.filter(title=_form()["title"]).exists()


def test_a_recurring_report_is_chosen_on_the_form_and_owed_every_period(drafter, committed):
    html = drafter.get(URL).content.decode()
    assert 'name="obl_recur_1"' in html and 'name="obl_until_1"' in html
    assert "Hằng quý" in html and "6 tháng" in html
    form = _with_wards(
        obl_kind_1="report",
        obl_title_1="Báo cáo kết quả",
        obl_due_1="15/06/2027",
        obl_recur_1="half_yearly",
        obl_until_1="15/12/2028",
        obl_orgs_1=["bacson", "trungson"],
    )
    response = committed(drafter.post, URL, form)
    assert response.status_code == 302, text_of(response)[:800]
    (report,) = Obligation.objects.filter(document=_saved())
    assert (report.recurrence, report.due, report.until) == (
        "half_yearly",
        datetime.date(2027, 6, 15),
        datetime.date(2028, 12, 15),
    )
    assert [p.key for p in report.periods()] == ["2027-H1", "2027-H2", "2028-H1", "2028-H2"]
    assert report.items.filter(organization__code="bacson").count() == 4


def test_a_bad_end_is_said_in_the_obligations_part_and_the_choices_stay(drafter):
    before = _counts()
    response = drafter.post(
        URL,
        _with_wards(
            obl_kind_1="report",
            obl_title_1="Báo cáo kết quả",
            obl_due_1="15/06/2027",
            obl_recur_1="quarterly",
            obl_until_1="01/01/2027",
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].obligation_messages
    html = response.content.decode()
    assert '<option value="quarterly" selected>' in html
    assert 'value="01/01/2027"' in html
    assert _counts() == before
