"""The periods of a recurring obligation (a report every month, quarter, half-year or year):
their due dates, a key for the API and a label in the words a report's title uses.

Period n falls due ``n`` steps after the first due date, counted from the first date each time
so that a month's end stays a month's end (31/1 monthly: 28/2, 31/3, 30/4, …) instead of
drifting to the 28th. A period is named by the calendar period its due date falls in: a
half-yearly report due 15/6 is "6 tháng đầu năm", the one due 15/12 "6 tháng cuối năm".
Pure arithmetic, no database.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Recurrence(models.TextChoices):
    ONCE = "", _("Một lần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half_yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")


#: Months between two due dates.
STEP = {
    Recurrence.MONTHLY: 1,
    Recurrence.QUARTERLY: 3,
    Recurrence.HALF_YEARLY: 6,
    Recurrence.YEARLY: 12,
}
#: How far the last due date may be from the first: a plan's horizon, and a bound on the rows
#: (at most 61 periods a organisation).
MAX_YEARS = 5
_ROMAN = ("I", "II", "III", "IV")
_KEY = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$")


@dataclass(frozen=True)
class Period:
    index: int
    due: datetime.date
    #: ``2023-06``, ``2023-Q2``, ``2023-H1``, ``2023``; None for a one-off obligation.
    key: str | None
    #: ``tháng 6/2023``, ``quý II/2023``, ``6 tháng đầu năm 2023``, ``năm 2023``; "" for a
    #: one-off obligation.
    label: str


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved ``months`` on, its day of the month clamped to the month's end."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def default_until(first: datetime.date) -> datetime.date:
    """When a recurring obligation names no end: the end of its first year."""
    return datetime.date(first.year, 12, 31)


def latest_until(first: datetime.date) -> datetime.date:
    return add_months(first, 12 * MAX_YEARS)


def key_of(recurrence: str, due: datetime.date) -> str | None:
    if recurrence == Recurrence.MONTHLY:
        return f"{due.year}-{due.month:02d}"
    if recurrence == Recurrence.QUARTERLY:
        return f"{due.year}-Q{(due.month - 1) // 3 + 1}"
    if recurrence == Recurrence.HALF_YEARLY:
        return f"{due.year}-H{1 if due.month <= 6 else 2}"
    if recurrence == Recurrence.YEARLY:
        return str(due.year)
    return None


def label_of(recurrence: str, due: datetime.date) -> str:
    """Vietnamese, as the title of a report says it: the report's language whatever the
    reader's."""
    if recurrence == Recurrence.MONTHLY:
        return f"tháng {due.month}/{due.year}"
    if recurrence == Recurrence.QUARTERLY:
        return f"quý {_ROMAN[(due.month - 1) // 3]}/{due.year}"
    if recurrence == Recurrence.HALF_YEARLY:
        half = "đầu" if due.month <= 6 else "cuối"
        return f"6 tháng {half} năm {due.year}"
    if recurrence == Recurrence.YEARLY:
        return f"năm {due.year}"
    return ""


def schedule(
    first: datetime.date, recurrence: str, until: datetime.date | None = None
) -> list[Period]:
    """Every period from the first due date to ``until`` (inclusive; the first always, and
    never more than ``MAX_YEARS`` on); a one-off obligation has one period, without key."""
    step = STEP.get(recurrence)  # type: ignore[call-overload]
    if step is None:
        return [Period(0, first, None, "")]
    last = min(until or default_until(first), latest_until(first))
    result = []
    due, n = first, 0
    while n == 0 or due <= last:
        result.append(Period(n, due, key_of(recurrence, due), label_of(recurrence, due)))
        n += 1
        due = add_months(first, n * step)
    return result


def is_key(value: object) -> bool:
    """Whether ``value`` is spelt like a period's key (any recurrence)."""
    return isinstance(value, str) and bool(_KEY.match(value))


def current(periods: list[Period], today: datetime.date) -> Period:
    """The period a clerk means by "now": the first not yet due, else the last."""
    return next((p for p in periods if p.due >= today), periods[-1])
