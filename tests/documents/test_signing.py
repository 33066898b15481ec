"""The electronic original's signatures (documents/signing/): the signer's and the
organisation's PAdES signatures on a PDF, valid and intact; any changed byte makes them
invalid; who may not sign cannot; poppler's pdfsig reads both; the demo PKI is idempotent."""

from __future__ import annotations

import datetime
import hashlib
import io
import subprocess

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils import timezone, translation
from PIL import Image

from documents.signing import (
    Box,
    SigningUnavailable,
    attachment_appearance,
    person_appearance,
    seal_appearance,
    signer_for_organisation,
    signer_for_person,
    verify_pdf,
)
from documents.signing.keystore import key_path, passphrase_for
from documents.signing.pki import CA_NAME, init_demo_pki
from tests.support import system_tool

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

#: Where a renderer would report the signature image: between the title and the name.
SIGNER_BOX = Box(330, 560, 530, 630)
SIGNED_AT = datetime.datetime(2023, 3, 14, 9, 5, 7, tzinfo=datetime.UTC)


def one_page_pdf(text: str = "KẾ HOẠCH thông tin, tuyên truyền") -> bytes:
    """A one-page A4 PDF with a line of text, written by hand: no renderer needed."""
    line = text.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + line + b") Tj ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def signed_and_sealed(world) -> bytes:
    huy = world.user("pct.huy")
    signer = signer_for_person(huy)
    pdf = signer.sign(
        one_page_pdf(),
        appearance=person_appearance(
            name="Trịnh Quang Huy", title="PHÓ CHỦ TỊCH", signed_at=SIGNED_AT, box=SIGNER_BOX
        ),
        reason="Ký ban hành",
        field_name="signer",
    )
    seal = signer_for_organisation(world.org("mttq-samson"))
    return seal.sign(
        pdf,
        appearance=seal_appearance(
            organisation="Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Sầm Sơn",
            number="01/KH-MTTQ-BTT",
            signed_at=SIGNED_AT,
            signer_box=SIGNER_BOX,
        ),
        reason="Ban hành",
        field_name="organisation",
    )


@pytest.fixture
def issued_pdf(world, demo_pki) -> bytes:
    return signed_and_sealed(world)


def test_the_signer_and_the_organisation_sign_and_both_signatures_are_valid(world, issued_pdf):
    result = verify_pdf(issued_pdf)
    assert result.status == "valid", result
    assert result.signers == [
        "Trịnh Quang Huy",
        world.org("mttq-samson").name,
    ]
    assert result.intact and result.trusted
    first, second = result.signatures
    assert (first.field_name, second.field_name) == ("signer", "organisation")
    assert not first.covers_document and second.covers_document  # incremental update


def test_the_signer_alone_is_valid_and_the_first_signature_survives_the_seal(world, demo_pki):
    signer = signer_for_person(world.user("pct.huy"))
    once = signer.sign(one_page_pdf(), appearance=None, reason="", field_name="signer")
    assert verify_pdf(once).status == "valid"
    assert verify_pdf(once).signers == ["Trịnh Quang Huy"]
    sealed = signer_for_organisation(world.org("mttq-samson")).sign(
        once, appearance=None, reason="", field_name="organisation"
    )
    assert sealed.startswith(once)  # the seal is appended, the signer's bytes are untouched
    assert verify_pdf(sealed).status == "valid"


@pytest.mark.parametrize("where", ["content", "first_signature", "last_signature", "spread"])
def test_changing_one_byte_makes_the_pdf_invalid(issued_pdf, where):
    data = issued_pdf
    if where == "content":
        positions = [data.index(b") Tj")]  # the page's text, under both signatures
    elif where == "first_signature":
        positions = [data.index(b"/Contents <") + 200]
    elif where == "last_signature":
        last = data.rindex(b"/Contents <")
        positions = [last + 200, data.index(b">", last) - 3]  # the DER, then the zero padding
    else:
        positions = list(range(300, len(data) - 300, len(data) // 25))
    for position in positions:
        tampered = bytearray(data)
        tampered[position] = tampered[position] ^ 0x01 if tampered[position] != 0x30 else 0x31
        result = verify_pdf(bytes(tampered))
        assert result.status == "invalid", (where, position, result)


def test_a_pdf_without_signatures_is_unsigned_and_garbage_is_invalid():
    assert verify_pdf(one_page_pdf()).status == "unsigned"
    assert verify_pdf(one_page_pdf()).signers == []
    assert verify_pdf(b"not a pdf at all").status == "invalid"


def test_a_signature_from_another_ca_is_not_trusted(world, demo_pki, settings, tmp_path):
    demo_ca = settings.SIGNING_KEYSTORE_DIR / "ca.pem"
    settings.SIGNING_KEYSTORE_DIR = tmp_path
    init_demo_pki()  # a second CA, not the trust root below
    foreign = signer_for_person(world.user("pct.huy")).sign(
        one_page_pdf(), appearance=None, reason="", field_name="signer"
    )
    settings.SIGNING_TRUST_ROOTS = [str(demo_ca)]
    result = verify_pdf(foreign)
    assert result.status == "invalid"
    assert result.intact and not result.trusted


def test_a_person_without_the_signer_role_cannot_sign(world, demo_pki):
    with translation.override("en"), pytest.raises(SigningUnavailable) as refused:
        signer_for_person(world.user("soanthao"))
    assert (refused.value.code, refused.value.status_code) == ("not_signer", 403)
    assert str(refused.value.detail) == "soanthao does not hold the signer role."


def test_a_signer_or_an_organisation_without_a_key_cannot_sign(world, settings, tmp_path):
    settings.SIGNING_KEYSTORE_DIR = tmp_path
    with pytest.raises(SigningUnavailable) as refused:
        signer_for_person(world.user("pct.huy"))
    assert (refused.value.code, refused.value.status_code) == ("no_key", 409)
    assert "pct.huy.p12" in str(refused.value)
    with pytest.raises(SigningUnavailable) as refused:
        signer_for_organisation(world.org("bacson"))
    assert refused.value.code == "no_key"


def test_an_attachment_gets_the_organisations_signature_without_an_image(world, demo_pki):
    pdf = signer_for_organisation(world.org("mttq-samson")).sign(
        one_page_pdf("Phu luc"),
        appearance=attachment_appearance(number="01/KH-MTTQ-BTT", signed_at=SIGNED_AT),
        reason="Ban hành kèm theo văn bản",
        field_name="organisation",
    )
    result = verify_pdf(pdf)
    assert result.status == "valid" and result.signers == [world.org("mttq-samson").name]


def test_a_persons_own_signature_image_is_used(world, demo_pki):
    picture = Image.new("RGBA", (400, 140), (0, 0, 0, 0))
    for x in range(20, 380):
        picture.putpixel((x, 70 + (x % 40) - 20), (20, 50, 170, 255))
    png = io.BytesIO()
    picture.save(png, format="PNG")
    appearance = person_appearance(
        name="Trịnh Quang Huy",
        title="PHÓ CHỦ TỊCH",
        signed_at=timezone.now(),
        box=SIGNER_BOX,
        image=png.getvalue(),
    )
    shown = Image.open(io.BytesIO(appearance.image))
    assert shown.mode == "RGBA" and shown.getpixel((0, 0))[3] == 0  # transparent background
    pdf = signer_for_person(world.user("pct.huy")).sign(
        one_page_pdf(), appearance=appearance, reason="", field_name="signer"
    )
    assert verify_pdf(pdf).status == "valid"


def test_pdfsig_lists_both_signatures_as_valid(issued_pdf, tmp_path):
    pdfsig = system_tool("pdfsig")
    path = tmp_path / "issued.pdf"
    path.write_bytes(issued_pdf)
    out = subprocess.run(
        [pdfsig, "-nocert", str(path)], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature #1" in out and "Signature #2" in out and "Signature #3" not in out, out
    assert out.count("Signature Validation: Signature is Valid.") == 2, out
    assert "Trịnh Quang Huy" in out, out
    assert "Sầm Sơn" in out, out


def test_the_signed_page_renders_with_both_images(issued_pdf, tmp_path):
    pdftoppm = system_tool("pdftoppm")
    path = tmp_path / "issued.pdf"
    path.write_bytes(issued_pdf)
    subprocess.run([pdftoppm, "-png", "-r", "72", str(path), str(tmp_path / "page")], check=True)
    page = Image.open(tmp_path / "page-1.png").convert("RGB")
    # Red (the seal) left of the signer's box, blue (the signer's stamp) inside it.
    height = page.height
    seal_pixels = blue_pixels = 0
    for x in range(int(SIGNER_BOX.x0) - 60, int(SIGNER_BOX.x1)):
        for y in range(height - int(SIGNER_BOX.y1) - 30, height - int(SIGNER_BOX.y0) + 30):
            r, g, b = page.getpixel((x, y))
            seal_pixels += r > 180 and g < 110 and b < 110
            blue_pixels += b > 120 and r < 90
    assert seal_pixels > 150 and blue_pixels > 150, (seal_pixels, blue_pixels)


def _files(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_init_demo_pki_is_idempotent(world, settings, tmp_path):
    from django.core.management import call_command

    settings.SIGNING_KEYSTORE_DIR = tmp_path
    out = io.StringIO()
    call_command("init_demo_pki", stdout=out)
    assert "new CA" in out.getvalue()
    first = _files(tmp_path)
    assert "ca.pem" in first and "people/pct.huy.p12" in first
    assert "organisations/mttq-samson.p12" in first and "organisations/bacson.p12" in first
    assert "people/soanthao.p12" not in first  # a drafter gets no signing key
    huy = key_path("people", "pct.huy")
    _, cert, chain = pkcs12.load_key_and_certificates(huy.read_bytes(), passphrase_for(huy))
    assert cert is not None
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Trịnh Quang Huy"
    assert [c.subject.rfc4514_string() for c in chain] == [cert.issuer.rfc4514_string()]
    assert CA_NAME in cert.issuer.rfc4514_string()
    assert oct(huy.stat().st_mode & 0o777) == "0o600"

    again = init_demo_pki()
    assert again.issued == [] and not again.ca_created
    assert _files(tmp_path) == first

    huy.unlink()
    third = init_demo_pki()
    assert third.issued == ["people/pct.huy"]
    assert {k: v for k, v in _files(tmp_path).items() if "pct.huy" not in k} == {
        k: v for k, v in first.items() if "pct.huy" not in k
    }


def test_a_receipt_shows_its_signature_status_read_only(world):
    from rest_framework.test import APIClient

    from documents.models import Receipt

    client = APIClient()
    client.force_authenticate(world.user("vanthu"))
    rows = client.get("/api/v1/receipts/").json()["results"]
    assert rows and {row["signature_status"] for row in rows} == {"unsigned"}
    receipt = Receipt.objects.get(pk=rows[0]["id"])
    receipt.signature_status = "invalid"
    receipt.save(update_fields=["signature_status"])
    assert client.get(f"/api/v1/receipts/{receipt.pk}/").json()["signature_status"] == "invalid"
