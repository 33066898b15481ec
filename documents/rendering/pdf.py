"""The PDF of a document: its sheet (``context.build_sheet``) through the print template,
laid out by WeasyPrint with the fonts and style sheets shipped in ``documents/static``.

Nothing is fetched from anywhere else: the only URLs a sheet can name are those two style
sheets and their fonts, and every value of the document is escaped by the template.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string

from ..downloads import FILE_POLICY
from ..models import Document
from .context import Block, Sheet, build_sheet

STATIC = Path(__file__).resolve().parent.parent / "static" / "documents"
STYLESHEET = STATIC / "sheet.css"
PAGE_STYLESHEET = STATIC / "print.css"
DRAFT_STYLESHEET = STATIC / "print-draft.css"
TEMPLATE = "documents/print/document.html"
#: Rendered bytes are kept this long per (document, version, status, last change).
CACHE_SECONDS = 600
CACHE_MAX_BYTES = 5 * 1024 * 1024
TRUNCATED_NOTE = "(Phần còn lại của nội dung vượt quá giới hạn trình bày; xem bản điện tử.)"


def _max_body_chars() -> int:
    return int(settings.RENDER_MAX_BODY_CHARS)


def _bounded(sheet: Sheet) -> Sheet:
    """Rendering time and memory grow with the text: past the bound the rest of the body is
    left out, and the sheet says so."""
    limit, used, kept = _max_body_chars(), 0, []
    for block in sheet.body:
        used += len(block.text)
        if used > limit:
            kept.append(Block("paragraph", TRUNCATED_NOTE))
            break
        kept.append(block)
    sheet.body = kept
    return sheet


#: The layers of the electronic original (see print.css): the issuer and nation columns, the
#: number and date lines, and everything else.
LAYERS = ("header", "slots", "rest")


def render_html(document: Document, *, layer: str = "") -> str:
    """The standalone HTML the PDF is laid out from; ``layer`` draws one layer of it."""
    if layer and layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}")
    sheet = _bounded(build_sheet(document))
    return render_to_string(
        TEMPLATE,
        {
            "sheet": sheet,
            "stylesheet": STYLESHEET.as_uri(),
            "page_stylesheet": PAGE_STYLESHEET.as_uri(),
            "draft_stylesheet": DRAFT_STYLESHEET.as_uri(),
            "layer": layer,
        },
    )


def _shipped_fetcher():
    """A fetcher that loads only the style sheets and fonts shipped with the application:
    no network, no other file."""
    from weasyprint.urls import URLFetcher

    root = STATIC.as_uri() + "/"

    class ShippedOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(root) or ".." in url[len(root) :]:
                raise ValueError(f"refusing to load {url!r} into a document")
            return super().fetch(url, headers)

    return ShippedOnly(allowed_protocols=("file",), fail_on_errors=False)


#: CSS pixels per PDF point.
PX_TO_PT = 0.75


@dataclass(frozen=True)
class SignatureBox:
    """Where the signature image goes: the page (from 0) and the rectangle between the
    signer's title and name, in PDF points from the lower left corner (pyHanko's
    ``SigFieldSpec(on_page=page, box=box)``)."""

    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    #: ``"signer"`` → the signer's box (the seal overlaps its left third, PL I §II.8.a).
    boxes: dict[str, SignatureBox]


def _signature_boxes(layout) -> dict[str, SignatureBox]:
    boxes = {}
    for index, page in enumerate(layout.pages):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            name = element.get("data-signature-box") if element is not None else None
            if not name or name in boxes:
                continue
            x, top = box.content_box_x(), box.content_box_y()
            height = page.height
            boxes[name] = SignatureBox(
                page=index,
                box=(
                    round(x * PX_TO_PT, 2),
                    round((height - top - box.height) * PX_TO_PT, 2),
                    round((x + box.width) * PX_TO_PT, 2),
                    round((height - top) * PX_TO_PT, 2),
                ),
            )
    return boxes


def html_to_pdf(html: str) -> Rendered:
    from weasyprint import HTML

    page = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_shipped_fetcher())
    layout = page.render()
    return Rendered(pdf=layout.write_pdf(), boxes=_signature_boxes(layout))


def _cache_key(document: Document) -> str:
    stamp = document.updated_at.isoformat() if document.updated_at else ""
    raw = f"{document.pk}:{document.version}:{document.status}:{stamp}"
    return "vb-pdf:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def render(document: Document, *, layer: str = "") -> Rendered:
    """The PDF of the document as it stands, with where its signature goes; ``layer``: one
    layer of it only (never cached: it is made once, for a signature)."""
    if layer:
        return html_to_pdf(render_html(document, layer=layer))
    key = _cache_key(document) if document.pk else None
    if key:
        cached = cache.get(key)
        if isinstance(cached, Rendered):
            return cached
    rendered = html_to_pdf(render_html(document))
    if key and len(rendered.pdf) <= CACHE_MAX_BYTES:
        cache.set(key, rendered, CACHE_SECONDS)
    return rendered


def render_pdf(document: Document) -> bytes:
    """The PDF of the document as it stands: a draft with the ``DỰ THẢO`` watermark and no
    number, a registered document with its number and date. Not signed; see
    ``document_pdf`` for the copy to serve."""
    return render(document).pdf


def stored_pdf(document: Document) -> bytes | None:
    """The signed original stored for the document (issued once sealed, else as signed);
    ``None`` before the signer signs."""
    from ..originals import latest

    stored = latest(document) if document.pk else None
    return stored.read() if stored is not None else None


def document_pdf(document: Document) -> bytes:
    """What a reader is given: the stored, signed original when there is one, else the PDF
    rendered from the document as it stands."""
    stored = stored_pdf(document)
    return stored if stored is not None else render_pdf(document)


def pdf_response(document: Document, *, download: bool = False) -> HttpResponse:
    """The PDF shown in the browser's own viewer (``inline``), or offered as a download,
    named after the symbol (``01-KH-MTTQ-BTT.pdf``) or, before registration,
    ``du-thao-<id>.pdf``."""
    data = document_pdf(document)
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    name = build_sheet(document).filename
    response["Content-Disposition"] = f'{disposition}; filename="{name}.pdf"'
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # The document page shows it in the browser's own viewer, framed by the site only.
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
