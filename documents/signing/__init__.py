"""The electronic original's signatures (Decree 30, Art. 5 and PL I §II.7–8): the signer's and
the organisation's PAdES signatures with their visible images, and their verification.

    signer = signer_for_person(user)          # refuses without the signer role or a key
    pdf = signer.sign(pdf, appearance=person_appearance(...), reason=..., field_name="signer")
    seal = signer_for_organisation(org)
    pdf = seal.sign(pdf, appearance=seal_appearance(...), reason=..., field_name="organisation")
    verify_pdf(pdf).status                    # "valid" / "invalid" / "unsigned"

Profile: PAdES baseline B-B (ETSI EN 319 142-1), signed offline without a timestamp authority;
a TSA (B-T) is one argument to pyHanko's signer when the organisation has one.

How the services use it (the wiring, once the renderer gives ``render_pdf(document) -> bytes``
and the signature block's page and box):

1. ``services.outgoing.sign`` (signer, state ``awaiting_signature`` → ``signed``): render the
   approved version, ``signer_for_person(actor).sign(..., person_appearance(name=full_name,
   title=<the signer's position on the day>, box=<signature block box>))``; a
   ``SigningUnavailable`` becomes a 409/403 with its ``code`` before any state changes.
2. ``services.outgoing.register`` (clerk, numbered): render the numbered PDF, re-apply the
   signer's signature to it (the number changes the page, so the signer's signature is made on
   the numbered rendering when the number is known at signing, else the clerk's step signs the
   signer's PDF incrementally: the number goes in a form field the renderer reserves), then
   ``signer_for_organisation(issuer).sign(..., seal_appearance(number=symbol, signer_box=...))``
   as an incremental update; attachments in their own files get
   ``attachment_appearance(number=symbol)`` with the organisation's signer.
3. Each signed PDF is stored once in a ``SignedPdf`` row (document, version, kind
   ``signed``/``issued``/``attachment``, file, ``sha256``, created_at; never updated or deleted,
   the file written under a name derived from the hash), and the step's audit event carries
   ``{"pdf_sha256": ...}``. ``GET /api/v1/documents/{id}/pdf/`` serves the latest one for the
   document's state (a draft is rendered on request, not stored).
4. ``services.receiving.deliver`` / ``deliver_many``: ``verify_pdf(stored.read())`` and set
   ``Receipt.signature_status`` in the same transaction; acknowledging an ``invalid`` receipt
   answers 409 unless the clerk gives ``override_reason`` (audited).
"""

from .appearance import (
    Appearance,
    Box,
    attachment_appearance,
    person_appearance,
    seal_appearance,
    seal_box,
)
from .keystore import (
    Pkcs12Signer,
    Signer,
    SigningUnavailable,
    signature_image_for,
    signer_for_organisation,
    signer_for_person,
)
from .verify import INVALID, UNSIGNED, VALID, SignatureCheck, Verification, verify_pdf

__all__ = [
    "INVALID",
    "UNSIGNED",
    "VALID",
    "Appearance",
    "Box",
    "Pkcs12Signer",
    "SignatureCheck",
    "Signer",
    "SigningUnavailable",
    "Verification",
    "attachment_appearance",
    "person_appearance",
    "seal_appearance",
    "seal_box",
    "signature_image_for",
    "signer_for_organisation",
    "signer_for_person",
    "verify_pdf",
]
