"""Reading the screens in tests: a page's text as a person reads it, and a task's address."""

from __future__ import annotations

import re

from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)
from workflow.bookkeeping import open_task


def text_of(response) -> str:
    """The page's words, whitespace folded; no markup, scripts or styles."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def task_url(artifact) -> str:
    """The screen of the artifact's open task."""
    task = open_task(artifact)
    return task.flow_task.reverse("execute", args=[task.process_id, task.pk])
