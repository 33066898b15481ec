"""Template filters for Vietnamese administrative dates (Decree 30/2020/NĐ-CP)."""

from django import template
from django.utils import timezone

from documents.numbering import date_line

register = template.Library()

#: Accounts that stand for a role in an organisation rather than a named person.
ROLE_ACCOUNT_PREFIXES = ("vt", "ld", "cb")


@register.filter
def ngay(value) -> str:
    """``ngày 05 tháng 6 năm 2023``; a date-time is taken in Asia/Ho_Chi_Minh first."""
    if not value:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return date_line("", value)


@register.filter
def gio_ngay(value) -> str:
    """``14:05, ngày 05 tháng 6 năm 2023``."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local:%H:%M}, {date_line('', local.date())}"


@register.filter
def ho_ten(user) -> str:
    """Vietnamese order, family name first: ``Trịnh Quang Huy``. Role accounts of an
    organisation (``vt.bacson``) read as ``Văn thư – <organisation>``."""
    if not user:
        return ""
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first or last):
        return user.get_username()
    if user.get_username().split(".", 1)[0] in ROLE_ACCOUNT_PREFIXES:
        return f"{first} – {last}" if first and last else first or last
    return f"{last} {first}".strip()


@register.filter
def days_late(due) -> int:
    """How many days past its handling deadline a date is, in the local calendar (0 when it
    is not past)."""
    if not due:
        return 0
    if hasattr(due, "hour"):
        due = timezone.localtime(due).date()
    return max((timezone.localdate() - due).days, 0)


@register.filter
def so(value) -> str:
    """A figure of a form report as a Vietnamese page writes it: ``1.234,5``."""
    from documents.report_forms import vietnamese_number

    return vietnamese_number(value)
