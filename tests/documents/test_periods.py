"""The periods of a recurring obligation: due dates from the first one (a month's end stays a
month's end, February and leap years), keys and Vietnamese labels by the calendar period the
due date falls in, the end and its bound."""

from __future__ import annotations

import datetime

from documents.periods import (
    Recurrence,
    add_months,
    current,
    is_key,
    schedule,
)

D = datetime.date


def dues(first, recurrence, until=None) -> list[datetime.date]:
    return [p.due for p in schedule(first, recurrence, until)]


def test_a_one_off_obligation_has_one_period_without_key():
    (period,) = schedule(D(2023, 12, 15), Recurrence.ONCE, D(2025, 1, 1))
    assert (period.index, period.due, period.key, period.label) == (0, D(2023, 12, 15), None, "")


def test_half_yearly_by_15_6_falls_due_on_15_6_and_15_12():
    periods = schedule(D(2023, 6, 15), Recurrence.HALF_YEARLY)
    assert [(p.due, p.key, p.label) for p in periods] == [
        (D(2023, 6, 15), "2023-H1", "6 tháng đầu năm 2023"),
        (D(2023, 12, 15), "2023-H2", "6 tháng cuối năm 2023"),
    ]


def test_the_31st_stays_the_months_end_through_february_and_a_leap_year():
    assert dues(D(2023, 1, 31), Recurrence.MONTHLY, D(2023, 5, 31)) == [
        D(2023, 1, 31),
        D(2023, 2, 28),
        D(2023, 3, 31),  # counted from the first date, not from 28/2
        D(2023, 4, 30),
        D(2023, 5, 31),
    ]
    assert dues(D(2024, 1, 31), Recurrence.MONTHLY, D(2024, 2, 29))[-1] == D(2024, 2, 29)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)


def test_a_period_crosses_the_year_end_with_the_years_key():
    periods = schedule(D(2023, 11, 25), Recurrence.MONTHLY, D(2024, 2, 1))
    assert [p.key for p in periods] == ["2023-11", "2023-12", "2024-01"]
    assert [p.label for p in periods] == ["tháng 11/2023", "tháng 12/2023", "tháng 1/2024"]


def test_quarters_and_years_are_labelled_as_a_report_title_says_them():
    quarters = schedule(D(2023, 3, 20), Recurrence.QUARTERLY)
    assert [(p.key, p.label) for p in quarters] == [
        ("2023-Q1", "quý I/2023"),
        ("2023-Q2", "quý II/2023"),
        ("2023-Q3", "quý III/2023"),
        ("2023-Q4", "quý IV/2023"),
    ]
    years = schedule(D(2023, 12, 15), Recurrence.YEARLY, D(2025, 12, 15))
    assert [(p.key, p.label) for p in years] == [
        ("2023", "năm 2023"),
        ("2024", "năm 2024"),
        ("2025", "năm 2025"),
    ]


def test_without_an_end_it_runs_to_the_end_of_its_first_year_and_never_past_five_years():
    assert dues(D(2023, 6, 15), Recurrence.HALF_YEARLY) == [D(2023, 6, 15), D(2023, 12, 15)]
    assert len(schedule(D(2023, 1, 10), Recurrence.MONTHLY, D(2040, 1, 1))) == 61
    # An end before the first due date still leaves the first.
    assert dues(D(2023, 6, 15), Recurrence.YEARLY, D(2023, 1, 1)) == [D(2023, 6, 15)]


def test_the_current_period_is_the_first_not_yet_due_else_the_last():
    periods = schedule(D(2023, 6, 15), Recurrence.HALF_YEARLY)
    assert current(periods, D(2023, 1, 1)).key == "2023-H1"
    assert current(periods, D(2023, 6, 15)).key == "2023-H1"  # due today is still current
    assert current(periods, D(2023, 6, 16)).key == "2023-H2"
    assert current(periods, D(2024, 3, 1)).key == "2023-H2"


def test_keys_are_recognised_by_their_spelling():
    for key in ("2023", "2023-06", "2023-Q4", "2023-H2"):
        assert is_key(key)
    for bad in ("", "2023-13", "2023-Q5", "2023-H3", "23-06", "2023-6", None, 2023):
        assert not is_key(bad)
