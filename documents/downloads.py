"""An attachment as the browser receives it: streamed from storage (bounded memory), under its
original name, and unable to act as a page of this site whatever its bytes."""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse

from .models import Attachment
from .originals import sealed_copy

#: What the browser may show in place (the document page's preview): the browser's own PDF
#: viewer and images. Everything else is always a download.
PREVIEWABLE = frozenset({"application/pdf", "image/png", "image/jpeg"})

#: The file is never a page of the site: no script, no plugin, no fetch, nothing loaded; it is
#: framed only by the site's own pages (the preview).
FILE_POLICY = "sandbox; default-src 'none'; frame-ancestors 'self'"


def is_previewable(attachment: Attachment) -> bool:
    return attachment.content_type in PREVIEWABLE


def attachment_response(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    """The stored file with its checked type. ``inline`` only for what ``is_previewable``;
    any other file is offered as a download whatever is asked."""
    inline = inline and is_previewable(attachment)
    # Once registered, a PDF attachment is the copy the organisation signed (Decree 30 PL I
    # §II.8.c): what the recipients are given and can verify.
    sealed = sealed_copy(attachment)
    source = sealed.file if sealed is not None else attachment.file
    response = FileResponse(source.open("rb"), content_type=attachment.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(attachment.original_name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # Set here, so the site-wide policy (django-csp) and DENY framing leave it as it is. The
    # browser's own PDF viewer still shows a sandboxed PDF (the page's preview).
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


def file_response(data: bytes, *, filename: str, content_type: str, inline: bool = False):
    """Bytes made on request (a register, a table) as a file of the same kind: never a page."""
    from django.http import HttpResponse

    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename, safe='')}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
