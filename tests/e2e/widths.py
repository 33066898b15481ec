"""The two widths every journey is looked at, and the measure of a page at a phone's."""

from __future__ import annotations

import contextlib

from playwright.sync_api import TimeoutError as PlaywrightTimeout

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def width_on_a_phone(page) -> int:
    """``scrollWidth`` once the page is at the phone's width. viewflow's drawer turns from
    a side column (256 px) into a modal one in a resize handler, a moment after the resize:
    until it has, any page measures the column's width too. A real overflow stays and is
    returned after the wait."""
    page.set_viewport_size(PHONE)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"document.documentElement.scrollWidth <= {PHONE['width']}", timeout=3_000
        )
    return page.evaluate("document.documentElement.scrollWidth")
