"""A ward answers a recurring report from its copy and says which period: the draft form
lists the obligation's periods with where each stands, opens on the one still owed (or the
one the link names), and a report sent again for a period already fulfilled is recorded for
that period, replacing the earlier one in the roll-up; a period it does not owe is refused
on the field with nothing written."""

from __future__ import annotations

import pytest

from documents.models import Document
from documents.obligations import Reply
from tests.documents.test_obligation_periods import answer, dispatched  # noqa: F401
from tests.support import receipt_for, user
from tests.workflow.screens import text_of

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

DRAFT = "/outgoing/soan-thao/"


def _opened(client, copy, obligation, period=""):
    query = f"?tra-loi={copy.pk}&yeu-cau={obligation.pk}" + (f"&ky={period}" if period else "")
    response = client.get(DRAFT + query)
    assert response.status_code == 200
    form = response.context["form"]
    data = {n: form[n].value() for n in form.fields if form[n].value() not in (None, "", [])}
    return response, data


def test_the_form_lists_the_periods_and_a_second_report_replaces_the_first(
    client,
    dispatched,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    (report,) = dispatched.obligations.all()
    h1, h2 = report.periods()
    first = answer(dispatched, "bacson", report, django_capture_on_commit_callbacks)
    copy = receipt_for(dispatched, "bacson")
    client.force_login(user("cb.bacson"))

    response, data = _opened(client, copy, report)
    chooser = response.context["form"].fields["reply_period"].choices
    assert [key for key, _label in chooser] == [h1.key, h2.key]
    assert "đã nộp" in chooser[0][1] and "chưa nộp" in chooser[1][1]
    assert data["reply_period"] == h2.key  # the one still owed
    assert 'data-testid="reply-period"' in response.content.decode()

    # Sent again for the first half-year, named in the link from the copy.
    _response, data = _opened(client, copy, report, period=h1.key)
    assert data["reply_period"] == h1.key
    assert data["title"].endswith(h1.label)
    saved = client.post(DRAFT, data)
    assert saved.status_code == 302, text_of(saved)[:800]
    again = Document.objects.filter(issuer__code="bacson").exclude(pk=first.pk).latest("pk")
    assert Reply.objects.get(document=again).period_for(report.pk) == h1.index


def test_a_period_not_owed_is_refused_on_its_field_and_nothing_is_written(
    client,
    dispatched,  # noqa: F811
):
    (report,) = dispatched.obligations.all()
    copy = receipt_for(dispatched, "bacson")
    client.force_login(user("cb.bacson"))
    _response, data = _opened(client, copy, report)
    before = Document.objects.count()
    refused = client.post(DRAFT, {**data, "reply_period": "2031-H1"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["reply_period"]
    assert Document.objects.count() == before
    # Another ward's periods are not offered to this one's copy.
    other = receipt_for(dispatched, "trungson")
    refused = client.post(DRAFT, {**data, "reply_to": other.pk})
    assert Document.objects.count() == before
