"""What the document asks of its recipients (its obligations), printed under "Tổ chức thực
hiện" where the text does not already say it: a line per obligation with who, what and by
when, so the sheet that is signed carries the deadlines the system holds them to."""

from __future__ import annotations

import datetime

from ..models import Document


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
        orgs = sorted((item.organization for item in obligation.items.all()), key=_order)
        key = tuple(o.pk for o in orgs)
        owed = f"{obligation.title} trước ngày {obligation.due:%d/%m/%Y}"
        groups.setdefault(key, (orgs, []))[1].append(owed)
    return [
        f"{_names(orgs)} gửi về {document.issuer.name}: {'; '.join(owed)}."
        for orgs, owed in groups.values()
    ]


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
