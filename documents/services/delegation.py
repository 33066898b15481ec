"""Ủy quyền: a person lends some of their roles in one organisation to a deputy for a few
days (Decree 30 Art. 13: in writing, limited in time and content, not re-delegable).

- Only the principal lends, and only what they hold in their own right there on every day
  of the span (``orgchart.selectors.lendable_roles``): a role held by delegation is not lent
  on, and the clerk's and auditor's duties are not lent at all (``LENDABLE_ROLES``).
- The deputy is one of the organisation's people on the first day, not the principal.
- It starts today or later and covers at most ``DELEGATION_MAX_DAYS`` days; the note (what
  it is for) is required: it is the written content the decree asks for.
- One role is in one pair of hands at a time: a principal does not lend the same role twice
  for overlapping days.
- Ending it early stops it at once (``ended_at``); a step taken under it before stays
  recorded on the principal's behalf.

Both write their event in the organisation's chain, in the transaction of the change.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgchart.models import Delegation, Organization, Role, RoleCode
from orgchart.selectors import lendable_roles, people_of

from .. import audit
from ..errors import Conflict, Forbidden, InvalidInput, NotFound

DELEGATE = "delegate"
END_DELEGATION = "end_delegation"


def delegate(
    *,
    actor,
    deputy,
    organization: Organization,
    roles: list[str],
    valid_from: datetime.date,
    valid_to: datetime.date,
    note: str,
) -> Delegation:
    errors = _check_input(actor, deputy, organization, roles, valid_from, valid_to, note)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        # One delegation of a principal at a time: the overlap check reads what the lock keeps.
        get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
        overlapping = (
            Delegation.objects.filter(
                principal=actor,
                organization=organization,
                ended_at__isnull=True,
                valid_from__lte=valid_to,
                valid_to__gte=valid_from,
                roles__code__in=roles,
            )
            .values_list("roles__code", flat=True)
            .distinct()
        )
        taken = sorted(set(overlapping) & set(roles))
        if taken:
            raise InvalidInput(
                {
                    "roles": [
                        _("Vai trò %(roles)s đã được ủy quyền trong những ngày này.")
                        % {"roles": ", ".join(_role_names(taken))}
                    ]
                }
            )
        delegation = Delegation.objects.create(
            principal=actor,
            deputy=deputy,
            organization=organization,
            valid_from=valid_from,
            valid_to=valid_to,
            note=note.strip(),
        )
        delegation.roles.set(Role.objects.filter(code__in=roles))
        audit.record(
            actor=actor,
            action=DELEGATE,
            organization_id=organization.pk,
            comment=delegation.note,
            data=_data(delegation, sorted(roles)),
        )
    return delegation


def end_delegation(*, actor, delegation: Delegation) -> Delegation:
    """The principal ends a delegation before its last day (or before it began)."""
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().filter(pk=delegation.pk).first()
        if locked is None or actor.pk not in (locked.principal_id, locked.deputy_id):
            raise NotFound()
        if actor.pk != locked.principal_id:
            raise Forbidden(_("Chỉ người ủy quyền mới kết thúc được ủy quyền."))
        today = timezone.localdate()
        if locked.ended_at is not None or locked.valid_to < today:
            raise Conflict(_("Ủy quyền này đã hết hiệu lực."), code="delegation_over")
        locked.ended_at = timezone.now()
        locked.valid_to = max(today, locked.valid_from)
        locked.save(update_fields=["ended_at", "valid_to"])
        audit.record(
            actor=actor,
            action=END_DELEGATION,
            organization_id=locked.organization_id,
            data=_data(locked, sorted(locked.roles.values_list("code", flat=True))),
        )
    return locked


def max_days() -> int:
    return int(getattr(settings, "DELEGATION_MAX_DAYS", 90))


def _check_input(actor, deputy, organization, roles, valid_from, valid_to, note):
    errors = _check_note_and_dates(note, valid_from, valid_to)
    if deputy is None or getattr(deputy, "pk", None) is None:
        errors["deputy"] = [_("Chọn người được ủy quyền.")]
    elif deputy.pk == actor.pk:
        errors["deputy"] = [_("Không thể tự ủy quyền cho mình.")]
    elif "valid_from" not in errors and not (
        people_of(organization.pk, valid_from).filter(pk=deputy.pk).exists()
    ):
        errors["deputy"] = [_("Người được ủy quyền phải là cán bộ của cơ quan.")]
    if not roles:
        errors["roles"] = [_("Chọn ít nhất một vai trò.")]
    elif "valid_from" not in errors and "valid_to" not in errors:
        missing = sorted(set(roles) - lendable_roles(actor, organization.pk, valid_from, valid_to))
        if missing:
            errors["roles"] = [
                _(
                    "Bạn không tự giữ vai trò %(roles)s ở cơ quan này trong suốt thời gian "
                    "ủy quyền (vai trò được ủy quyền không thể ủy quyền tiếp)."
                )
                % {"roles": ", ".join(_role_names(missing))}
            ]
    return errors


def _check_note_and_dates(note, valid_from, valid_to) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors["note"] = [_("Ghi nội dung ủy quyền: việc gì, trong phạm vi nào.")]
    elif len(note.strip()) > (Delegation._meta.get_field("note").max_length or 0):
        errors["note"] = [_("Nội dung ủy quyền quá dài.")]
    if not (isinstance(valid_from, datetime.date) and isinstance(valid_to, datetime.date)):
        errors["valid_from"] = [_("Nhập ngày bắt đầu và ngày kết thúc.")]
    elif valid_from < timezone.localdate():
        errors["valid_from"] = [_("Ủy quyền không thể bắt đầu trước hôm nay.")]
    elif valid_to < valid_from:
        errors["valid_to"] = [_("Ngày kết thúc phải sau ngày bắt đầu.")]
    elif (valid_to - valid_from).days + 1 > max_days():
        errors["valid_to"] = [_("Ủy quyền dài nhất %(days)s ngày.") % {"days": max_days()}]
    return errors


def _role_names(codes) -> list[str]:
    return [str(RoleCode(c).label) if c in RoleCode.values else str(c) for c in codes]


def _data(delegation: Delegation, roles: list[str]) -> dict:
    return {
        "delegation": delegation.pk,
        "person": delegation.deputy.get_username(),
        "roles": roles,
        "valid_from": delegation.valid_from.isoformat(),
        "valid_to": delegation.valid_to.isoformat(),
    }
