"""Working days: weekends, Vietnam's public holidays with Tết and its break, substitute days
off and Saturdays worked in exchange, then the days everyone or one organisation adds."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from documents import selectors, services
from documents.models import Receipt
from orgchart.calendar import Calendar
from orgchart.models import CalendarDay, Organization
from tests.support import advance, new_draft

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    "day, working",
    [
        (D(2026, 2, 13), True),  # the Friday before Tết
        (D(2026, 2, 16), False),  # Giao thừa
        (D(2026, 2, 20), False),  # mùng bốn
        (D(2026, 2, 23), True),  # back at work
        (D(2024, 4, 29), False),  # a substitute day off …
        (D(2024, 5, 4), True),  # … for this Saturday, worked in exchange
        (D(2026, 9, 2), False),  # Quốc khánh
        (D(2026, 12, 5), False),  # a plain Saturday
    ],
)
def test_the_national_calendar(day, working):
    assert Calendar().is_working_day(day) is working


def test_counting_back_over_tet():
    # From the Monday after Tết 2026, two working days back is the Friday before it.
    assert Calendar().back(D(2026, 2, 23), 2) == D(2026, 2, 13)
    # A deadline of three working days from that Friday falls after the break.
    assert Calendar().add(D(2026, 2, 13), 3) == D(2026, 2, 25)
    assert Calendar().day_off_name(D(2026, 2, 17)) == "Tết Nguyên Đán"
    assert Calendar().day_off_name(D(2026, 2, 23)) == ""


def test_days_for_everyone_and_for_one_organisation(world):
    ward = Organization.objects.get(code="bacson")
    CalendarDay.objects.create(date=D(2026, 2, 23), name="Nghỉ bù Tết theo quyết định")
    CalendarDay.objects.create(date=D(2026, 2, 24), organization=ward, name="Lễ hội phường")
    CalendarDay.objects.create(date=D(2026, 2, 23), organization=ward, working=True, name="Trực")
    assert not Calendar().is_working_day(D(2026, 2, 23))
    assert Calendar().is_working_day(D(2026, 2, 24))
    # The organisation's own row wins over everyone's.
    assert Calendar(ward.pk).is_working_day(D(2026, 2, 23))
    assert not Calendar(ward.pk).is_working_day(D(2026, 2, 24))
    assert Calendar(ward.pk).day_off_name(D(2026, 2, 24)) == "Lễ hội phường"
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(date=D(2026, 2, 23), name="again")


def test_a_calendar_reads_each_year_once(django_assert_num_queries):
    calendar = Calendar()
    with django_assert_num_queries(2):  # 2026 and, across new year, 2025
        calendar.back(D(2026, 1, 5), 5)
        calendar.back(D(2026, 12, 31), 30)


@override_settings(REMINDER_WORKING_DAYS=2)
def test_a_receipt_delivered_before_tet_is_not_late_after_it(world, dispatched_receipts):
    friday = datetime.datetime(2026, 2, 13, 10, 0, tzinfo=timezone.get_current_timezone())
    dispatched_receipts.update(delivered_at=friday)
    monday = D(2026, 2, 23)
    assert not Receipt.objects.filter(selectors.late_q(monday)).exists()
    # Without the holidays it would have waited five working days already; it is late the
    # day after, and for a ward with its own day off one day later again.
    late = Receipt.objects.filter(selectors.late_q(D(2026, 2, 24)))
    assert late.count() == dispatched_receipts.count()
    ward = Organization.objects.get(code="bacson")
    CalendarDay.objects.create(date=D(2026, 2, 23), organization=ward, name="Nghỉ riêng")
    late = Receipt.objects.filter(selectors.late_q(D(2026, 2, 24)))
    assert "bacson" not in set(late.values_list("organization__code", flat=True))
    assert late.count() == dispatched_receipts.count() - 1


@pytest.fixture
def dispatched_receipts(world, django_capture_on_commit_callbacks):
    doc = advance(new_draft(), "issued")
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.dispatch(actor=world.user("vanthu"), document=doc)
    receipts = Receipt.objects.filter(document=doc, status="delivered")
    assert receipts.filter(organization__code="bacson").exists()
    return receipts
