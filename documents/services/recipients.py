"""Who a draft goes to: organisations of the chart (one by one or by group), and outside
recipients by name and e-mail; checked all at once, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from orgchart.models import Organization
from orgchart.selectors import recipient_groups

from ..models import Purpose


@dataclass(frozen=True)
class RecipientInput:
    organization: Organization | None
    name: str
    email: str
    purpose: str


#: Marks an item that came from a group: an organisation also named on its own keeps the
#: purpose given to it by name.
GROUPED = "_grouped"


def _code(ref) -> str:
    return ref.code if isinstance(ref, Organization) else str(ref)


def _expand_group(item: dict, *, groups: dict, messages: list[str]) -> list[dict]:
    """A group item (``{"group": "wards", "purpose": "execute", "exclude": ["bacson"]}``) as
    one item per member organisation, the ones named in ``exclude`` left out."""
    group = groups.get(str(item.get("group")))
    if group is None:
        messages.append(_("Không có nhóm nơi nhận %(code)s.") % {"code": item.get("group")})
        return []
    left_out = item.get("exclude") or []
    if not isinstance(left_out, list | tuple | set):
        left_out = [left_out]
    left_out = {_code(o) for o in left_out}
    messages.extend(
        _("Cơ quan %(code)s không thuộc nhóm %(group)s.") % {"code": code, "group": group.label}
        for code in sorted(left_out - {o.code for o in group.members})
    )
    return [
        {"organization": o, "purpose": item.get("purpose") or "", GROUPED: True}
        for o in group.members
        if o.code not in left_out
    ]


def _expand_groups(items: list, *, issuer: Organization, messages: list[str]) -> list:
    groups = {g.code: g for g in recipient_groups(issuer)}
    expanded: list = []
    for item in items:
        if isinstance(item, dict) and item.get("group"):
            expanded.extend(_expand_group(item, groups=groups, messages=messages))
        else:
            expanded.append(item)
    named = {
        _code(item["organization"])
        for item in expanded
        if isinstance(item, dict) and not item.get(GROUPED) and item.get("organization")
    }
    return [
        item
        for item in expanded
        if not (isinstance(item, dict) and item.get(GROUPED))
        or item["organization"].code not in named
    ]


def _outside(item: dict, messages: list[str]) -> RecipientInput | None:
    """A recipient outside the chart: a name is required, an e-mail (its way of delivery)
    must be one."""
    name = (item.get("name") or "").strip()
    email = (item.get("email") or "").strip()
    if not name:
        if email:
            messages.append(_("Nơi nhận %(email)s cần có tên.") % {"email": email})
        else:
            messages.append(_("Nơi nhận cần mã cơ quan hoặc tên."))
        return None
    if email:
        try:
            validate_email(email)
        except ValidationError:
            messages.append(
                _("Thư điện tử của %(name)s không hợp lệ: %(email)s.")
                % {"name": name, "email": email}
            )
    return RecipientInput(None, name, email, item.get("purpose") or "")


def _in_chart_order(result: list[RecipientInput]) -> list[RecipientInput]:
    """The order of Nơi nhận: the organisations as the chart orders them (superiors, member
    organisations, wards and communes), then the outside recipients as given."""
    chart = [r for r in result if r.organization is not None]
    chart.sort(key=lambda r: (r.organization.order, r.organization.code))  # type: ignore[union-attr]
    return chart + [r for r in result if r.organization is None]


def clean_recipients(items, *, issuer: Organization, errors) -> list[RecipientInput]:
    """Recipients by organisation code, by name (an outside recipient, with an optional
    e-mail) or by group of the chart. When a group is among them, the list takes the order of
    Nơi nhận."""
    messages: list[str] = []
    items = list(items)
    grouped = any(isinstance(item, dict) and item.get("group") for item in items)
    if grouped:
        items = _expand_groups(items, issuer=issuer, messages=messages)
    codes = [
        _code(item["organization"])
        for item in items
        if isinstance(item, dict) and item.get("organization") is not None
    ]
    orgs = {o.code: o for o in Organization.objects.active().filter(code__in=codes)}
    result: list[RecipientInput] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            messages.append(_("Nơi nhận %(n)d không hợp lệ.") % {"n": index + 1})
            continue
        purpose = item.get("purpose") or ""
        if purpose not in Purpose.values:
            messages.append(_("Mục đích không hợp lệ: %(value)s.") % {"value": purpose})
        if item.get("organization") is not None:
            code = _code(item["organization"])
            org = orgs.get(code)
            if org is None:
                messages.append(_("Không có cơ quan mã %(code)s.") % {"code": code})
                continue
            if org.pk == issuer.pk:
                messages.append(_("Cơ quan ban hành không tự gửi cho mình."))
                continue
            key, shown = f"org:{org.pk}", org.code
            result.append(RecipientInput(org, "", org.email, purpose))
        else:
            outside = _outside(item, messages)
            if outside is None:
                continue
            key, shown = f"name:{outside.name.casefold()}", outside.name
            result.append(outside)
        if key in seen:
            messages.append(_("Nơi nhận bị trùng: %(name)s.") % {"name": shown})
        seen.add(key)
    if messages:
        errors.setdefault("recipients", []).extend(messages)
    return _in_chart_order(result) if grouped else result
