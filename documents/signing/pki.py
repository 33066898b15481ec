"""The demo PKI: a self-signed root "MTTQ Demo CA" and one certificate per person who holds the
signer role and per organisation that has a văn thư, as PKCS#12 files in the key store.

For demonstration only: in production the certificates come from a real CA (for the MTTQ, the
Ban Cơ yếu Chính phủ's), and the keys live on tokens or at a signing service.

Idempotent: a file whose certificate still names the same person or organisation, was issued
by the current CA and is valid for another month is kept; anything else is issued again.
"""

from __future__ import annotations

import datetime
import secrets
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from orgchart.models import Organization, RoleCode
from orgchart.naming import full_name
from orgchart.selectors import holders_by_organization

from .keystore import ORGANISATIONS, PEOPLE, key_path, keystore_dir, passphrase_for

CA_NAME = "MTTQ Demo CA"
CA_FILE = "ca.pem"
CA_KEY_FILE = "ca.p12"
KEY_SIZE = 2048
CA_YEARS = 10
LEAF_YEARS = 3
RENEW_BEFORE = datetime.timedelta(days=30)

#: Reading such a name again (a certificate of the demo or of a real CA) warns each time.
warnings.filterwarnings("ignore", message="Attribute's length must be", category=UserWarning)


@dataclass
class Report:
    issued: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    ca_created: bool = False


def ca_path() -> Path:
    return keystore_dir() / CA_FILE


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write_secret(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(data)


def _new_passphrase(p12: Path) -> bytes:
    """A random passphrase in ``<file>.pass`` beside the key file."""
    phrase = secrets.token_urlsafe(24).encode()
    _write_secret(p12.with_name(p12.name + ".pass"), phrase)
    return phrase


def _name(common_name: str, organisation: str | None = None) -> x509.Name:
    """The subject. RFC 5280 bounds a common name at 64 characters; cryptography counts UTF-8
    bytes, which a Vietnamese organisation's full name exceeds: the name is kept whole."""
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation, _validate=False))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name, _validate=False))
    return x509.Name(attrs)


def _load_ca() -> tuple[x509.Certificate, rsa.RSAPrivateKey] | None:
    key_file = keystore_dir() / CA_KEY_FILE
    if not (key_file.exists() and ca_path().exists()):
        return None
    key, cert, _ = pkcs12.load_key_and_certificates(key_file.read_bytes(), passphrase_for(key_file))
    if cert is None or not isinstance(key, rsa.RSAPrivateKey):
        return None
    if cert.not_valid_after_utc - RENEW_BEFORE < _now():
        return None
    if cert != x509.load_pem_x509_certificate(ca_path().read_bytes()):
        return None
    return cert, key


def _make_ca() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    name = _name(CA_NAME, "Mặt trận Tổ quốc Việt Nam (demo)")
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    key_file = keystore_dir() / CA_KEY_FILE
    phrase = _new_passphrase(key_file)
    _write_secret(key_file, _p12(CA_NAME, key, cert, [], phrase))
    ca_path().write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert, key


def _p12(name: str, key, cert, cas: list[x509.Certificate], phrase: bytes) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        name.encode(),
        key,
        cert,
        cas,
        serialization.BestAvailableEncryption(phrase),
    )


def _issue(
    ca: tuple[x509.Certificate, rsa.RSAPrivateKey], subject: x509.Name
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    ca_cert, ca_key = ca
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365 * LEAF_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _current(path: Path, common_name: str, ca_cert: x509.Certificate) -> bool:
    """Is the file there, readable, for this name, from this CA and valid for a while?"""
    if not path.exists():
        return False
    try:
        _, cert, _ = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase_for(path))
    except ValueError:
        return False
    if cert is None:
        return False
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return (
        bool(names)
        and names[0].value == common_name
        and cert.issuer == ca_cert.subject
        and cert.not_valid_after_utc - RENEW_BEFORE > _now()
        and _signed_by(cert, ca_cert)
    )


def _signed_by(cert: x509.Certificate, ca_cert: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _ensure(
    ca: tuple[x509.Certificate, rsa.RSAPrivateKey],
    path: Path,
    subject: x509.Name,
    common_name: str,
    report: Report,
) -> None:
    label = f"{path.parent.name}/{path.stem}"
    if _current(path, common_name, ca[0]):
        report.kept.append(label)
        return
    cert, key = _issue(ca, subject)
    phrase = _new_passphrase(path)
    _write_secret(path, _p12(common_name, key, cert, [ca[0]], phrase))
    report.issued.append(label)


def init_demo_pki() -> Report:
    """Make or refresh the demo CA and the certificates of today's signers, leaders and
    organisations."""
    report = Report()
    keystore_dir().mkdir(parents=True, exist_ok=True)
    ca = _load_ca()
    if ca is None:
        ca = _make_ca()
        report.ca_created = True
    organisations = list(Organization.objects.active())
    ids = [org.pk for org in organisations]
    clerks = holders_by_organization(ids, RoleCode.CLERK)
    people: dict[int, tuple[Any, Organization]] = {}
    # The signers, and the leaders a signature may be delegated to: each signs with a key
    # of their own, never the principal's.
    for role in (RoleCode.SIGNER, RoleCode.REVIEWER, RoleCode.LEADER):
        holders = holders_by_organization(ids, role)
        for org in organisations:
            for user in holders[org.pk]:
                people.setdefault(user.pk, (user, org))
    for user, org in people.values():
        name = full_name(user)
        _ensure(ca, key_path(PEOPLE, user.username), _name(name, org.name), name, report)
    for org in organisations:
        if clerks[org.pk]:
            _ensure(
                ca, key_path(ORGANISATIONS, org.code), _name(org.name, org.name), org.name, report
            )
    return report
