"""The electronic original inside the steps: the signer's signature when signing, the number,
date and organisation's signature when registering, the check when a receipt arrives. Each runs
inside its step's transaction (``core._step(after=...)``), so a document is never ``signed``
without its signed file, nor ``issued`` without its sealed one."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _

from .. import originals
from ..choices import SignatureStatus
from ..errors import Conflict
from ..models import Document
from ..originals import OriginalKind, SignedPdf
from ..signing import Box, verify_pdf
from ..signing.original import seal_attachment, seal_original, sign_original

logger = logging.getLogger(__name__)

PDF = "application/pdf"


def signed_by(actor) -> Callable[[Document], dict]:
    """The step's ``after``: the signer's signature on the approved version, stored."""

    def after(document: Document) -> dict:
        pdf, where = sign_original(actor=actor, document=document)
        row = originals.store(
            document=document,
            kind=OriginalKind.SIGNED,
            pdf=pdf,
            signature_page=where.page,
            signature_box=where.box,
        )
        return {"pdf_sha256": row.sha256}

    return after


def sealed(document: Document) -> dict:
    """The step's ``after`` for registration: the number and date drawn into the signed file,
    the organisation's signature over it, and over each PDF attachment, stored."""
    signed = SignedPdf.objects.filter(document=document, kind=OriginalKind.SIGNED).first()
    if signed is None or signed.signature_box is None:
        raise Conflict(
            _("Văn bản chưa có bản ký số của người ký, không thể đóng dấu số."),
            code="not_signed_electronically",
        )
    pdf = seal_original(
        document=document,
        signed_pdf=signed.read(),
        signer_box=Box(*signed.signature_box),
        page=signed.signature_page if signed.signature_page is not None else -1,
    )
    row = originals.store(document=document, kind=OriginalKind.ISSUED, pdf=pdf)
    made: dict = {"pdf_sha256": row.sha256}
    attachments, unsealed = {}, []
    for attachment in document.attachments.filter(content_type=PDF).order_by("pk"):
        try:
            with attachment.file.open("rb") as handle:
                sealed_pdf = seal_attachment(document=document, pdf=handle.read())
        except Exception as exc:  # noqa: BLE001 — a file pyHanko cannot read stays as it came
            logger.warning("attachment %s not sealed: %s", attachment.pk, exc)
            unsealed.append(attachment.original_name)
            continue
        kept = originals.store(
            document=document, kind=OriginalKind.ATTACHMENT, attachment=attachment, pdf=sealed_pdf
        )
        attachments[str(attachment.pk)] = kept.sha256
    if attachments:
        made["attachments_sha256"] = attachments
    if unsealed:
        made["attachments_unsealed"] = unsealed
    return made


def arrival_status(document: Document | None, cache: dict[int, str] | None = None) -> str:
    """What verification on arrival finds in the document's original (Art. 21): ``valid``,
    ``invalid`` or ``unsigned``. ``cache`` keeps one answer per document across a batch."""
    if document is None:
        return SignatureStatus.UNSIGNED
    if cache is not None and document.pk in cache:
        return cache[document.pk]
    stored = originals.latest(document)
    status: str
    if stored is None:
        status = SignatureStatus.UNSIGNED
    else:
        try:
            status = _verified(stored.read())
        except OSError as exc:
            logger.error("original %s of document %s unreadable: %s", stored.pk, document.pk, exc)
            status = SignatureStatus.INVALID
    if cache is not None:
        cache[document.pk] = status
    return status


#: How long one verification of the same bytes answers for every copy of a fan-out.
ARRIVAL_CHECK_SECONDS = 600


def _verified(pdf: bytes) -> str:
    """``verify_pdf(pdf).status``, remembered for a while by the bytes' digest and the trust
    settings: every chunk of a fan-out delivers the same original, and verifying it took
    0.85 s per chunk for 10,000 recipients (the Nơi nhận list makes it long). Keyed by what
    was read, not by the stored row, so a file changed on disk is verified again."""
    trust = f"{settings.SIGNING_TRUST_ROOTS}|{settings.SIGNING_KEYSTORE_DIR}"
    key = "arrival-status:" + hashlib.sha256(pdf + trust.encode()).hexdigest()
    status = caches["default"].get(key)
    if status is None:
        status = verify_pdf(pdf).status
        caches["default"].set(key, status, ARRIVAL_CHECK_SECONDS)
    return status
