"""The top bar's bell: the person's unread notifications, counted once per page."""

from __future__ import annotations

from django import template

from ..notifications import unread_count

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    return unread_count(user)
