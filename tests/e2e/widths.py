"""The two widths every journey is looked at, and the measure of a page at a phone's."""

from __future__ import annotations

import time

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SCROLL_WIDTH = "document.documentElement.scrollWidth"


def width_on_a_phone(page, settle_seconds: float = 3.0) -> int:
    """``scrollWidth`` once the page is at the phone's width. viewflow's drawer turns from
    a side column (256 px) into a modal one in a resize handler, a moment after the resize:
    until it has, any page measures the column's width too. A real overflow stays and is
    returned after the wait. (Polled from here: the site's CSP forbids the string
    evaluation ``wait_for_function`` would do in the page.)"""
    page.set_viewport_size(PHONE)
    deadline = time.monotonic() + settle_seconds
    width = page.evaluate(SCROLL_WIDTH)
    while width > PHONE["width"] and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        width = page.evaluate(SCROLL_WIDTH)
    return width
