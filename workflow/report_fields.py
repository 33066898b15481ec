"""The draft form's small parts for what a draft asks of its recipients: a form report's
fields from the lines the drafter typed, and the day fields (due date, last due date)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: The mark that makes a report field text instead of a number, typed at the end of its line.
TEXT_MARK = "(chữ)"


def form_fields(text: str) -> list[dict]:
    """A form report's fields from the lines the drafter typed; the service checks them."""
    fields = []
    for line in text.splitlines():
        label = " ".join(line.split())
        if not label:
            continue
        kind = "number"
        if label.lower().endswith(TEXT_MARK):
            label, kind = label[: -len(TEXT_MARK)].strip(), "text"
        fields.append({"label": label, "type": kind})
    return fields


def day_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("ngày/tháng/năm")}),
        **kwargs,
    )
