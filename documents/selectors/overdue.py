"""Đôn đốc: recipients that are late, for the sender's overdue list and the reminders."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from orgchart.selectors import Grants, grants_of

from ..models import Receipt, ReceiptStatus
from .visibility import visible_documents

R = ReceiptStatus


def working_day_cutoff(on: datetime.date, working_days: int) -> datetime.date:
    """The ``working_days``-th working day (Monday to Friday) counting back from ``on``, ``on``
    included when it is one: a receipt delivered before that day has waited that many working
    days. Public holidays are not known here and count as working days."""
    if working_days <= 0:
        return on + datetime.timedelta(days=1)
    day, seen = on, 0
    while True:
        if day.weekday() < 5:
            seen += 1
            if seen == working_days:
                return day
        day -= datetime.timedelta(days=1)


def past_deadline_q(on: datetime.date | None = None) -> Q:
    """Copies being handled past their handling deadline (quá hạn)."""
    today = on or timezone.localdate()
    return Q(status__in=[R.ASSIGNED, R.IN_PROGRESS], deadline__lt=today)


def late_q(on: datetime.date | None = None) -> Q:
    """Late recipients: delivered and not acknowledged for ``REMINDER_WORKING_DAYS`` working
    days, or assigned and past the handling deadline."""
    today = on or timezone.localdate()
    cutoff = working_day_cutoff(today, settings.REMINDER_WORKING_DAYS)
    start = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return Q(status=R.DELIVERED, delivered_at__lt=start) | past_deadline_q(today)


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
