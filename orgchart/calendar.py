"""Working days: Monday to Friday, less Vietnam's public holidays (Tết and its break, with
the substitute days off and the Saturdays worked in exchange that the ``holidays`` package
knows), corrected by the ``CalendarDay`` rows for every organisation and then for one.

A ``Calendar`` reads the rows of the years it is asked about once, so counting back a
number of working days costs one query per year touched, not one per day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from functools import lru_cache

import holidays
from django.db.models import Q

from .models import CalendarDay

DAY = datetime.timedelta(days=1)


@lru_cache(maxsize=64)
def _national(year: int) -> holidays.HolidayBase:
    return holidays.Vietnam(years=year, language="vi")


class Calendar:
    """The working days of one organisation (or, without one, of every organisation)."""

    def __init__(self, organization_id: int | None = None):
        self.organization_id = organization_id
        self._years: set[int] = set()
        # date → (working, name); the organisation's own row wins over the general one.
        self._days: dict[datetime.date, tuple[bool, str]] = {}

    def _load(self, year: int) -> None:
        if year in self._years:
            return
        self._years.add(year)
        scope = Q(organization__isnull=True)
        if self.organization_id is not None:
            scope |= Q(organization_id=self.organization_id)
        rows = CalendarDay.objects.filter(scope, date__year=year)
        general: dict[datetime.date, tuple[bool, str]] = {}
        own: dict[datetime.date, tuple[bool, str]] = {}
        for row in rows.values("date", "organization_id", "working", "name"):
            into = general if row["organization_id"] is None else own
            into[row["date"]] = (row["working"], row["name"])
        self._days.update(general)
        self._days.update(own)

    def is_working_day(self, day: datetime.date) -> bool:
        self._load(day.year)
        if day in self._days:
            return self._days[day][0]
        return _national(day.year).is_working_day(day)

    def day_off_name(self, day: datetime.date) -> str:
        """Why ``day`` is not worked ("" when it is): the holiday's or the row's name."""
        if self.is_working_day(day):
            return ""
        if day in self._days:
            return self._days[day][1]
        return _national(day.year).get(day) or ""

    def back(self, on: datetime.date, working_days: int) -> datetime.date:
        """The ``working_days``-th working day counting back from ``on``, ``on`` included when
        it is one; the day after ``on`` when nothing is to be counted."""
        if working_days <= 0:
            return on + DAY
        day, seen = on, 0
        while True:
            if self.is_working_day(day):
                seen += 1
                if seen == working_days:
                    return day
            day -= DAY

    def add(self, start: datetime.date, working_days: int) -> datetime.date:
        """The ``working_days``-th working day after ``start`` (a deadline "within N working
        days" of ``start``)."""
        day, seen = start, 0
        while seen < working_days:
            day += DAY
            if self.is_working_day(day):
                seen += 1
        return day


def organizations_with_own_days(years: Iterable[int]) -> list[int]:
    """The organisations that have days of their own in these years: the only ones whose
    working days differ from everyone's."""
    return list(
        CalendarDay.objects.filter(date__year__in=list(years), organization__isnull=False)
        .values_list("organization_id", flat=True)
        .distinct()
        .order_by("organization_id")
    )
