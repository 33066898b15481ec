"""The document card every page shows (the document page, a task screen): pure reads of the
document through documents.selectors, nothing of the flows."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from documents import downloads, originals, rendering, selectors, uploads
from documents.choices import SignatureStatus
from documents.history import history_label
from documents.models import Document, Obligation
from documents.numbering import date_line
from documents.selectors.originals import checked

from ..middleware import request_grants
from .sharing import share_details


def document_url(artifact) -> str:
    document = artifact if isinstance(artifact, Document) else artifact.document
    if document is None:
        # A copy registered from outside has a page of its own.
        return reverse("incoming:copy", args=[artifact.pk])
    return reverse("outgoing:detail", args=[document.pk])


def format_date(value) -> str:
    """``ngày 05 tháng 6 năm 2023`` (Decree 30 style)."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return date_line("", value)


def document_context(request, document: Document | None, full: bool = True) -> dict:
    """Everything the document card shows; ``full`` adds versions, trail and receipts."""
    if document is None:
        return {"document": None}
    grants = request_grants(request)
    issued_on = timezone.localtime(document.issued_at).date() if document.issued_at else None
    place = document.issuer.place_name
    context = {
        "document": document,
        "date_line": date_line(place, issued_on) if issued_on else "",
        "place_line": f"{place}, ngày … tháng … năm …" if place else "",
        "recipients": list(document.recipients.select_related("organization")),
        # The page shows the document from the same sheet and template fragment as its PDF.
        "sheet": rendering.build_sheet(document),
        "pdf_url": reverse("outgoing:pdf", args=[document.pk]),
    }
    if not full:
        return context
    issuer_side = selectors.is_issuer_side(request.user, document, grants)
    context["issuer_side"] = issuer_side
    # The drafts are the issuer's deliberation (design §15.1).
    context["versions"] = (
        list(document.versions.select_related("created_by")) if issuer_side else []
    )
    context["attachments"] = attachment_rows(document)
    stored = originals.latest(document)
    if stored is not None:
        check = checked(stored)
        context["original"] = {
            "row": stored,
            "check": check,
            "label": SignatureStatus(check.status).label,
        }
    history = history_rows(request, document)
    context["events"] = history
    # Bounded: the latest refusals, for the issuer's auditors only.
    context["refusals"] = list(
        selectors.refusals_about(request.user, document, grants).select_related("actor")[:50]
    )
    share_details(history)
    context["allowed_actions"] = selectors.allowed_actions(request.user, document, grants)
    # The issuer side's receipt table is the document page's own (views.receipts).
    if not issuer_side:
        context["my_receipts"] = list(
            selectors.incoming_receipts(request.user, grants)
            .filter(document=document)
            .select_related("organization", "assignee", "document")
            # What the copy owes (selectors.owed) reads them without a query of its own.
            .prefetch_related(
                Prefetch(
                    "document__obligations",
                    queryset=Obligation.objects.prefetch_related("items"),
                )
            )
        )
    return context


def history_rows(request, document: Document) -> list[dict]:
    """The document's trail as this person may read it (``selectors.trail``: need to know),
    each event with the words its history line shows."""
    events = selectors.trail(request.user, document, request_grants(request)).select_related(
        "actor", "on_behalf_of", "receipt__organization"
    )
    return [
        {
            "event": e,
            "label": history_label(
                e.action,
                receipt=e.receipt_id is not None,
                data=e.data,
                from_status=e.from_status,
            ),
            "at": timezone.localtime(e.at),
            "returned": e.receipt_id is None and (e.data or {}).get("decision") == "return",
        }
        for e in events
    ]


def decision_context(request, document: Document) -> dict:
    """What a person deciding on a draft reads beside the form: the attachments, the earlier
    comments of the trail and, once it was returned, the latest return and its reason."""
    comments = [row for row in history_rows(request, document) if row["event"].shown_comment]
    returns = [row for row in comments if row["returned"]]
    return {
        "attachments": attachment_rows(document),
        "comments": comments,
        "last_return": returns[-1] if returns else None,
    }


def attachment_rows(document: Document) -> list[dict]:
    """The attachments (part of the issued document: whoever sees it sees them), each with its
    download address and, for a PDF or an image, how the page previews it."""
    return file_rows(
        document.attachments.order_by("pk"),
        lambda a: reverse(
            "api:document-attachment", kwargs={"pk": document.pk, "attachment_id": a.pk}
        ),
    )


def file_rows(attachments, url_of) -> list[dict]:
    """Stored files as the pages list them: each with its address (``url_of``), the address
    that opens it in place, and, for a PDF or an image, how the page previews it."""
    rows = []
    for attachment in attachments:
        url = url_of(attachment)
        preview = ""
        if downloads.is_previewable(attachment):
            preview = "pdf" if attachment.content_type == uploads.PDF else "image"
        rows.append(
            {
                "attachment": attachment,
                "url": url,
                "inline_url": f"{url}?inline=1",
                "preview": preview,
            }
        )
    return rows
