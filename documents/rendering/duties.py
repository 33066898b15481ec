"""What the document asks of its recipients (its obligations), printed under "Tổ chức thực
hiện" where the text does not already say it: a line per obligation with who, what and by
when, so the sheet that is signed carries the deadlines the system holds them to."""

from __future__ import annotations

import datetime

from ..models import Document
from ..periods import Recurrence


def duty_lines(document: Document) -> list[str]:
    """One sentence per group of organisations owing the same obligations, for those whose
    due date the body does not state already."""
    obligations = [
        o
        for o in document.obligations.prefetch_related("items__organization")
        if not any(spelling in document.body for spelling in _spellings(o.due))
    ]
    groups: dict[tuple[int, ...], tuple[list, list[str]]] = {}
    for obligation in obligations:
        # A recurring obligation has an item a period: each organisation once.
        owing = {item.organization_id: item.organization for item in obligation.items.all()}
        orgs = sorted(owing.values(), key=_order)
        key = tuple(o.pk for o in orgs)
        owed = f"{obligation.title} {_when(obligation)}"
        groups.setdefault(key, (orgs, []))[1].append(owed)
    return [
        f"{_names(orgs)} gửi về {document.issuer.name}: {'; '.join(owed)}."
        for orgs, owed in groups.values()
    ]


def _when(obligation) -> str:
    """By when, in the words a plan uses: "trước ngày 15/12/2023" once; "hằng tháng trước
    ngày 25", "hằng quý (trước ngày 15/3, 15/6, 15/9 và 15/12)", "định kỳ 6 tháng (trước
    ngày 15/6 và 15/12)", "hằng năm trước ngày 15/12", with the years they run over."""
    first = obligation.due
    if not obligation.recurrence:
        return f"trước ngày {first:%d/%m/%Y}"
    periods = obligation.periods()
    last = periods[-1].due
    years = (
        f"năm {first.year}"
        if last.year == first.year
        else f"từ năm {first.year} đến năm {last.year}"
    )
    if obligation.recurrence == Recurrence.MONTHLY:
        return f"hằng tháng trước ngày {first.day} ({years})"
    if obligation.recurrence == Recurrence.YEARLY:
        return f"hằng năm trước ngày {first.day}/{first.month} ({years})"
    per_year = 4 if obligation.recurrence == Recurrence.QUARTERLY else 2
    days = sorted({(p.due.month, p.due.day) for p in periods[:per_year]})
    spelt = [f"{d}/{m}" for m, d in days]
    listed = spelt[0] if len(spelt) == 1 else f"{', '.join(spelt[:-1])} và {spelt[-1]}"
    how = "hằng quý" if per_year == 4 else "định kỳ 6 tháng"
    return f"{how} (trước ngày {listed}, {years})"


def _spellings(day: datetime.date) -> set[str]:
    """The ways a text writes the date: 05/07/2023, 5/7/2023, and Decree 30's 05/7/2023."""
    return {
        f"{d}/{m}/{day.year}"
        for d in (str(day.day), f"{day.day:02d}")
        for m in (str(day.month), f"{day.month:02d}")
    }


def _order(organization) -> tuple:
    return (organization.order, organization.code)


def _names(organizations: list) -> str:
    """The organisations' names with the words they all begin with said once: "Ban Thường
    trực Ủy ban MTTQ Việt Nam phường Bắc Sơn, phường Trung Sơn, xã Quảng Minh"."""
    names = [o.name.split() for o in organizations]
    if len(names) < 2:
        return " ".join(names[0]) if names else ""
    common = 0
    while all(len(n) > common + 1 and n[common] == names[0][common] for n in names):
        common += 1
    head = " ".join(names[0][:common])
    rest = ", ".join(" ".join(n[common:]) for n in names)
    return f"{head} {rest}" if head else rest
