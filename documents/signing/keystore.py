"""Where the keys are, and the one interface the services sign through.

A ``Signer`` signs a PDF and returns the signed PDF; it knows its certificate's common name.
Today's implementation reads PKCS#12 files from ``SIGNING_KEYSTORE_DIR``:

    <dir>/people/<username>.p12            the person's key and certificate (+ the CA)
    <dir>/organisations/<code>.p12         the organisation's (the seal token of the văn thư)
    <dir>/<kind>/<name>.p12.pass           its passphrase (else SIGNING_KEYSTORE_PASSPHRASE)
    <dir>/people/<username>.png            optional: the person's handwritten signature image

A USB token (PKCS#11, pyHanko's ``pyhanko.sign.pkcs11.PKCS11Signer``) or a remote signing
service (VNPT SmartCA and the like: the document's digest goes out, a CMS signature comes back,
pyHanko's ``ExternalSigner``) is another class with the same ``sign`` and ``common_name``,
returned by ``signer_for_person`` / ``signer_for_organisation``; the callers do not change.

Private keys are read from those files when signing and never written to the database or the
repository (``var/`` is git-ignored; production points the setting outside the checkout).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.stamp import StaticStampStyle

from documents.errors import ServiceError
from orgchart.models import Organization, RoleCode
from orgchart.selectors import grants_of

from .appearance import Appearance

PEOPLE = "people"
ORGANISATIONS = "organisations"


class SigningUnavailable(ServiceError):
    """This person or organisation cannot sign here. ``code`` says why: ``not_signer`` (403,
    the person holds the signer role nowhere today) or ``no_key`` (409, nothing in the key
    store for them yet). A service lets it through: the API answers ``{"detail", "code"}``."""

    def __init__(self, detail, *, code: str, status_code: int = 409):
        # Said on the signing screen itself: the person cannot sign here, whatever they type.
        super().__init__(detail, code=code, field="")
        self.status_code = status_code


@runtime_checkable
class Signer(Protocol):
    """Signs PDFs with one key. PAdES baseline B-B (no timestamp authority): the signature
    carries the signing certificate and the signing time as signed attributes."""

    @property
    def common_name(self) -> str: ...

    def sign(
        self, pdf: bytes, *, appearance: Appearance | None, reason: str, field_name: str
    ) -> bytes:
        """The PDF with one more signature, appended as an incremental update so the
        signatures already there stay valid. ``appearance`` None: an invisible signature."""
        ...


def keystore_dir() -> Path:
    return Path(settings.SIGNING_KEYSTORE_DIR)


def key_path(kind: str, name: str) -> Path:
    return keystore_dir() / kind / f"{name}.p12"


def passphrase_for(path: Path) -> bytes | None:
    secret = path.with_name(path.name + ".pass")
    if secret.exists():
        return secret.read_bytes().strip()
    return settings.SIGNING_KEYSTORE_PASSPHRASE.encode() or None


class Pkcs12Signer:
    """A key and certificate chain read from a PKCS#12 file when signing."""

    def __init__(self, path: Path, passphrase: bytes | None = None):
        self.path = path
        self._passphrase = passphrase
        self._signer: signers.SimpleSigner | None = None

    def _load(self) -> signers.SimpleSigner:
        if self._signer is None:
            signer = signers.SimpleSigner.load_pkcs12(str(self.path), passphrase=self._passphrase)
            if signer is None:
                raise SigningUnavailable(
                    _("Không mở được khóa ký số %(file)s.") % {"file": self.path.name},
                    code="key_unreadable",
                )
            self._signer = signer
        return self._signer

    @property
    def common_name(self) -> str:
        cert = self._load().signing_cert
        return str(cert.subject.native.get("common_name", "")) if cert is not None else ""

    def sign(
        self, pdf: bytes, *, appearance: Appearance | None, reason: str, field_name: str
    ) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        meta = PdfSignatureMetadata(
            field_name=field_name,
            reason=reason or None,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            embed_validation_info=False,
        )
        if appearance is None:
            spec = fields.SigFieldSpec(sig_field_name=field_name)
            style = None
        else:
            page = appearance.page
            if page < 0:
                page += int(writer.root["/Pages"]["/Count"])
            spec = fields.SigFieldSpec(
                sig_field_name=field_name, on_page=page, box=appearance.box.as_tuple()
            )
            style = _image_style(appearance.image)
        pdf_signer = PdfSigner(meta, signer=self._load(), stamp_style=style, new_field_spec=spec)
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, output=out)
        return out.getvalue()


def _image_style(png: bytes) -> StaticStampStyle:
    from PIL import Image
    from pyhanko.pdf_utils.images import PdfImage

    return StaticStampStyle(
        background=PdfImage(Image.open(io.BytesIO(png))), background_opacity=1.0, border_width=0
    )


def _open(kind: str, name: str, whose: str) -> Pkcs12Signer:
    path = key_path(kind, name)
    if not path.exists():
        raise SigningUnavailable(
            _("%(who)s chưa có khóa ký số trong kho khóa (thiếu %(file)s).")
            % {"who": whose, "file": path.name},
            code="no_key",
        )
    return Pkcs12Signer(path, passphrase_for(path))


def signer_for_person(user) -> Signer:
    """The person's own signer. Refused (``SigningUnavailable``) to a person who holds the
    signer role nowhere today (own position, extra role or delegation) or has no key."""
    if not grants_of(user).orgs_with(RoleCode.SIGNER):
        raise SigningUnavailable(
            _("%(who)s không giữ vai trò người ký.") % {"who": user.username},
            code="not_signer",
            status_code=403,
        )
    return _open(PEOPLE, user.username, user.username)


def signer_for_organisation(organization: Organization) -> Signer:
    """The organisation's signer (its seal), used by its văn thư."""
    return _open(ORGANISATIONS, organization.code, organization.code)


def signature_image_for(user) -> bytes | None:
    """The person's handwritten signature image (PNG, transparent), when one is configured."""
    path = keystore_dir() / PEOPLE / f"{user.username}.png"
    return path.read_bytes() if path.exists() else None
