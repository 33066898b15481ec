"""Verification on arrival (Art. 21: check authenticity and integrity): every signature of a PDF
against the configured trust roots, offline (no OCSP, no CRL fetched; revocation soft-fail).

``valid``: at least one signature, every one intact (the bytes it covers are those signed),
cryptographically sound, chained to a trust root, and whatever was added after it is what
pyHanko's difference analysis allows (more signatures, form filling) or the registration update
that draws the number and date (``registration``), with the last one covering the whole file.
``invalid``: anything else, including a file that no longer parses.
``unsigned``: a readable PDF without signatures.
"""

from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from .pki import ca_path
from .registration import POLICY

logger = logging.getLogger(__name__)

#: Either usage marks a signing certificate (demo ones carry both).
KEY_USAGE = KeyUsageConstraints(key_usage={"non_repudiation", "digital_signature"})

VALID = "valid"
INVALID = "invalid"
UNSIGNED = "unsigned"


@dataclass(frozen=True)
class SignatureCheck:
    field_name: str
    common_name: str
    intact: bool
    valid: bool
    trusted: bool
    covers_document: bool
    signing_time: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.problem


@dataclass(frozen=True)
class Verification:
    status: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    problem: str = ""

    @property
    def signers(self) -> list[str]:
        """The certificates' common names, in signing order."""
        return [s.common_name for s in self.signatures]

    @property
    def intact(self) -> bool:
        return bool(self.signatures) and all(s.intact for s in self.signatures)

    @property
    def trusted(self) -> bool:
        return bool(self.signatures) and all(s.trusted for s in self.signatures)


def trust_roots() -> list[Path]:
    """``SIGNING_TRUST_ROOTS`` (PEM files), or the demo CA of the key store when empty."""
    configured = [Path(p) for p in settings.SIGNING_TRUST_ROOTS]
    return configured or ([ca_path()] if ca_path().exists() else [])


def load_cert_from_pemder_bytes(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _roots() -> list[x509.Certificate]:
    return [x509.load_pem_x509_certificate(p.read_bytes()) for p in trust_roots()]


def _context(roots: list[x509.Certificate]) -> ValidationContext:
    """Offline: nothing fetched; a certificate without revocation information is accepted."""
    trusted = [load_cert_from_pemder_bytes(r) for r in roots]
    return ValidationContext(trust_roots=trusted, allow_fetching=False, revocation_mode="soft-fail")


def _cms_untouched(embedded, roots: list[x509.Certificate]) -> str:
    """The parts of a signature's /Contents that its own signature does not cover (nothing
    covers the last one's): the zero padding after the CMS, the version fields, the digest
    algorithm list and the certificates carried, each of which must verify against its issuer
    (carried or a trust root). An empty answer means untouched."""
    raw = bytes(embedded.sig_object["/Contents"])
    info = cms.ContentInfo.load(raw)
    if raw[len(info.dump()) :].strip(b"\x00"):
        return "the signature's padding was changed"
    signed = info["content"]
    signer_infos = list(signed["signer_infos"])
    digests = {a["algorithm"].native for a in signed["digest_algorithms"]}
    if signed["version"].native != "v1" or any(i["version"].native != "v1" for i in signer_infos):
        return "unexpected CMS version"
    if digests != {i["digest_algorithm"]["algorithm"].native for i in signer_infos}:
        return "the digest algorithms listed were changed"
    carried = [x509.load_der_x509_certificate(c.chosen.dump()) for c in signed["certificates"]]
    known = carried + roots
    for cert in carried:
        issuers = [c for c in known if c.subject == cert.issuer]
        if not any(_issued_by(cert, issuer) for issuer in issuers):
            return f"a carried certificate does not verify: {cert.subject.rfc4514_string()}"
    return ""


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _check(
    embedded, context: ValidationContext, roots: list[x509.Certificate], is_last: bool
) -> SignatureCheck:
    name = embedded.field_name or ""
    cn = ""
    try:
        cn = str(embedded.signer_cert.subject.native.get("common_name", ""))
        status = validate_pdf_signature(
            embedded,
            signer_validation_context=context,
            key_usage_settings=KEY_USAGE,
            diff_policy=POLICY,
        )
        untouched = _cms_untouched(embedded, roots)
    except Exception as exc:  # noqa: BLE001 — a broken signature is an invalid one, not a 500
        logger.info("signature %s does not validate: %s", name, exc)
        return SignatureCheck(name, cn, False, False, False, False, problem=str(exc)[:200])
    covers = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    if untouched:
        problem = untouched
    elif is_last and not covers:
        problem = "the file was changed after its last signature"
    elif not status.bottom_line:
        problem = "signature, certificate chain or later changes not accepted"
    else:
        problem = ""
    when = status.signer_reported_dt.isoformat() if status.signer_reported_dt else ""
    return SignatureCheck(
        field_name=name,
        common_name=cn,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        covers_document=covers,
        signing_time=when,
        problem=problem,
    )


def verify_pdf(pdf: bytes) -> Verification:
    """Validate every signature of ``pdf``; see the module docstring for the three outcomes.
    pyHanko runs its own event loop, which a thread already running one cannot: there the
    check runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _verify(pdf)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_verify, pdf).result()


def _verify(pdf: bytes) -> Verification:
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:  # noqa: BLE001 — an unreadable file cannot be trusted
        return Verification(INVALID, problem=f"unreadable PDF: {str(exc)[:200]}")
    if not embedded:
        return Verification(UNSIGNED)
    roots = _roots()
    context = _context(roots)
    last = len(embedded) - 1
    checks = [_check(sig, context, roots, i == last) for i, sig in enumerate(embedded)]
    status = VALID if all(c.ok for c in checks) else INVALID
    return Verification(status, checks)
