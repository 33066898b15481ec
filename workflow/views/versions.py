"""A submitted version of a document on its own page, compared with the one before it. The
versions are the issuer's deliberation (design §15.1): anyone else gets 404, as for a document
they cannot see."""

from __future__ import annotations

import difflib
import re

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views import generic

from documents import selectors
from documents.errors import NotFound
from documents.models import Document, DocumentVersion

from ..middleware import request_grants

#: A version number a column holds; a longer number in the URL names nothing.
MAX_NUMBER = 2**31 - 1

#: Words and the white space between them, so that a changed word is marked alone and the
#: line breaks of the body stay where they were.
_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> SafeString:
    """``new`` against ``old`` word by word: removed words in ``<del>``, added ones in
    ``<ins>``, every piece of text escaped."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    # Every piece of text above is escaped; only the <del>/<ins> marks are markup.
    return mark_safe("".join(out))  # nosec B308, B703


def compared(document: Document, number: int | None = None) -> dict:
    """Version ``number`` of ``document`` (its latest when None) and what changed since the
    version before: the version page's and the decision screens' one comparison. Empty when
    there is no such version."""
    rows = DocumentVersion.objects.filter(document=document).select_related("created_by")
    if number is None:
        latest = rows.order_by("-number").values_list("number", flat=True).first()
        if latest is None:
            return {}
        number = latest
    versions = {v.number: v for v in rows.filter(number__in=[number - 1, number])}
    version = versions.get(number)
    if version is None:
        return {}
    previous = versions.get(number - 1)
    return {
        "version": version,
        "previous": previous,
        "title_diff": word_diff(previous.title, version.title) if previous else None,
        "body_diff": word_diff(previous.body, version.body) if previous else None,
    }


class VersionView(LoginRequiredMixin, generic.TemplateView):
    """One version's trích yếu and body, and what changed since the version before."""

    template_name = "workflow/version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pk, number = self.kwargs["pk"], self.kwargs["number"]
        grants = request_grants(self.request)
        document = (
            selectors.issuer_side_documents(self.request.user, grants)
            .select_related("issuer")
            .filter(pk=pk)
            .first()
        )
        if document is None:
            # Not the issuer's side (a recipient included): as if there were nothing here.
            raise selectors.not_visible(Document, pk)
        if number > MAX_NUMBER:
            raise NotFound()
        comparison = compared(document, number)
        if not comparison:
            raise NotFound()
        context.update(
            document=document,
            **comparison,
            versions=list(document.versions.order_by("number").values_list("number", flat=True)),
            title=_("Phiên bản %(number)s") % {"number": number},
        )
        return context
