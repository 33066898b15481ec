"""Đôn đốc: recipients that are late, for the sender's overdue list and the reminders."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from orgchart.calendar import Calendar, organizations_with_own_days
from orgchart.selectors import Grants, grants_of

from ..models import Receipt, ReceiptStatus
from .visibility import visible_documents

R = ReceiptStatus


def working_day_cutoff(
    on: datetime.date, working_days: int, organization_id: int | None = None
) -> datetime.date:
    """The ``working_days``-th working day counting back from ``on``, ``on`` included when
    it is one: a receipt delivered before that day has waited that many working days, Tết,
    public holidays and the organisation's own days off not counted."""
    return Calendar(organization_id).back(on, working_days)


def past_deadline_q(on: datetime.date | None = None) -> Q:
    """Copies being handled past their handling deadline (quá hạn)."""
    today = on or timezone.localdate()
    return Q(status__in=[R.ASSIGNED, R.IN_PROGRESS], deadline__lt=today)


def late_q(on: datetime.date | None = None) -> Q:
    """Late recipients: delivered and not acknowledged for ``REMINDER_WORKING_DAYS`` working
    days of the receiving organisation, or assigned and past the handling deadline."""
    today = on or timezone.localdate()
    n = settings.REMINDER_WORKING_DAYS

    def before(day: datetime.date) -> Q:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return Q(status=R.DELIVERED, delivered_at__lt=start)

    # Counting back n working days can reach into the year before.
    own = organizations_with_own_days({today.year, today.year - 1})
    waited = before(working_day_cutoff(today, n)) & ~Q(organization_id__in=own)
    for organization_id in own:
        cutoff = working_day_cutoff(today, n, organization_id)
        waited |= before(cutoff) & Q(organization_id=organization_id)
    return waited | past_deadline_q(today)


def overdue_receipts(
    user, grants: Grants | None = None, on: datetime.date | None = None
) -> QuerySet[Receipt]:
    """The sender's list to chase: late receipts of documents issued by the caller's
    organisations that the caller sees."""
    if user is None or not user.is_authenticated:
        return Receipt.objects.none()
    g = grants if grants is not None else grants_of(user)
    issuer_side = visible_documents(user, g).filter(issuer_id__in=list(g.member_of))
    return Receipt.objects.filter(document_id__in=issuer_side.values("pk")).filter(late_q(on))
