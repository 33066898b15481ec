"""The document as Decree 30/2020/NĐ-CP prints it (PL I): one sheet worked out from the
document (``context``), one template set (``documents/templates/documents/print``), and the
PDF laid out from it (``pdf``). The document page includes the same template fragment."""

from .context import Sheet, build_sheet, signature_title
from .pdf import (
    Rendered,
    SignatureBox,
    document_pdf,
    pdf_response,
    render,
    render_html,
    render_pdf,
    stored_pdf,
)

__all__ = [
    "Rendered",
    "Sheet",
    "SignatureBox",
    "build_sheet",
    "document_pdf",
    "pdf_response",
    "render",
    "render_html",
    "render_pdf",
    "signature_title",
    "stored_pdf",
]
