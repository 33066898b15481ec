"""Filters of the printed sheet (documents/print)."""

import re

from django import template
from django.utils.html import format_html

register = template.Library()

#: The purpose tag at the end of a Nơi nhận line: ``(b/c);``.
TAG = re.compile(r"^(.*?)\s(\([^()]*\)[;.])$")


@register.filter
def keep_tag(line: str):
    """Keep ``(t/h);`` on one line: a line break is allowed after its slash otherwise."""
    match = TAG.match(line)
    if not match:
        return line
    return format_html('{} <span class="vb-sheet__nowrap">{}</span>', match[1], match[2])
