"""The electronic original (Decree 30, Art. 5 and 15–17): the signer signs it, then the clerk
gives it its number and date and applies the organisation's signature.

Decree 30 numbers a document after its signature, so the signer cannot sign the numbered page.
The page is drawn in three layers (``rendering`` with ``layer=``; the style sheet says which
part of the sheet each draws), which line up exactly because hidden text keeps its place:

1. At signing, page 1 is the **header** (issuer and nation columns) followed by the **rest**
   (everything else, the number and date lines left blank); the signer's PAdES signature with
   its image covers that file.
2. At registration the **slots** layer (the number and date lines only, now known) is drawn
   between the two as an incremental update, and the organisation's signature with its seal
   covers the whole file. A reader of the text meets the number and date after the issuer
   lines, where a fresh rendering has them.

Before signing, page 1's content array and resource dictionaries become objects of their own;
the registration update adds one content stream to that array and the fonts it needs to those
dictionaries, and leaves the page object and everything else the signer signed as they were.
``registration`` explains exactly that change after an earlier signature; ``verify`` asks
besides that a later signature cover the whole file.
"""

from __future__ import annotations

import io
import re

from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from ..models import Document
from ..rendering.pdf import SignatureBox
from .appearance import Box, attachment_appearance, person_appearance, seal_appearance
from .keystore import signature_image_for, signer_for_organisation, signer_for_person

#: Field names of the two signatures, in the order they are made.
SIGNER_FIELD = "signer"
ORGANISATION_FIELD = "organisation"
#: The prefixes of the resources each layer brings to page 1.
HEADER_LAYER = "/VbH"
SLOTS_LAYER = "/VbS"
SIGN_REASON = "Ký ban hành"
SEAL_REASON = "Ban hành"


#: Resource kinds a layer brings: its fonts, graphics states and colour spaces.
LAYER_RESOURCES = ("/Font", "/ExtGState", "/ColorSpace")


def _entries(dictionary) -> dict:
    return {key: dictionary.raw_get(key) for key in dictionary} if dictionary else {}


def _layer(writer, layer_pdf: bytes, prefix: str):
    """Page 1 of ``layer_pdf`` as one content stream of the writer's file, drawn inline (a
    text extractor reads it as the page's own text) and wrapped so it leaves the graphics
    state as it found it, its resources renamed with ``prefix`` so they cannot clash with
    the page's: the stream, and per kind the resources it needs."""
    layer = PdfFileReader(io.BytesIO(layer_pdf))
    layer_ref, _ = layer.find_page_for_modification(0)
    layer_page = layer_ref.get_object()
    data = b"".join(part.get_object().data for part in _streams(layer_page))
    layer_resources = _get(layer_page, "/Resources") or generic.DictionaryObject()
    brought: dict[str, dict] = {}
    for kind in LAYER_RESOURCES:
        for name, value in _entries(_get(layer_resources, kind)).items():
            renamed = prefix + name[1:]
            data = re.sub(
                rb"/" + re.escape(name[1:].encode()) + rb"(?=[\s/\[\]<>()%{}]|$)",
                b"/" + renamed[1:].encode(),
                data,
            )
            brought.setdefault(kind, {})[pdf_name(renamed)] = writer.import_object(value)
    stream = generic.StreamObject(stream_data=b"q\n" + data + b"\nQ\n")
    stream.compress()
    return writer.add_object(stream), brought


def _with_header(writer, header_pdf: bytes) -> None:
    """Before signing: page 1 drawn as the header, then the rest. Its content array and its
    resources become objects of its own (the renderer shares one resource dictionary between
    pages), so that registration later changes those and not the page: the page the signer
    signed stays the same object, with the same entries."""
    stream, brought = _layer(writer, header_pdf, HEADER_LAYER)
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    old = _get(page, "/Resources") or generic.DictionaryObject()
    resources = generic.DictionaryObject(_entries(old))
    for kind in LAYER_RESOURCES:
        merged = {**_entries(_get(old, kind)), **brought.get(kind, {})}
        resources[pdf_name(kind)] = writer.add_object(generic.DictionaryObject(merged))
    page[pdf_name("/Resources")] = writer.add_object(resources)
    page[pdf_name("/Contents")] = writer.add_object(generic.ArrayObject([stream, *_streams(page)]))
    writer.mark_update(page_ref)


def _with_slots(writer, slots_pdf: bytes) -> None:
    """At registration: the number and date lines drawn between the header and the rest.
    Changes page 1's content array and resource dictionaries, never the page object."""
    stream, brought = _layer(writer, slots_pdf, SLOTS_LAYER)
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    contents_ref = page.raw_get("/Contents")
    contents = contents_ref.get_object()
    items = [contents.raw_get(i) for i in range(len(contents))]
    contents.clear()
    contents.extend([items[0], stream, *items[1:]])
    resources = page["/Resources"]
    for kind, entries in brought.items():
        kind_ref = resources.raw_get(kind)
        target = kind_ref.get_object()
        target.update(entries)
        writer.mark_update(kind_ref)
    writer.mark_update(contents_ref)


def _streams(page) -> list:
    """The page's content streams, as indirect objects, in order."""
    contents = page.raw_get("/Contents")
    target = contents.get_object()
    if isinstance(target, generic.ArrayObject):
        return [target.raw_get(i) for i in range(len(target))]
    return [contents]


def _get(dictionary, key):
    """The value under ``key``, followed if indirect; None when absent."""
    return dictionary[key] if key in dictionary else None  # noqa: SIM401 — [] follows refs


def _updated(pdf: bytes, change) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def to_be_signed(document: Document) -> tuple[bytes, SignatureBox]:
    """The signer's file: the header drawn before the rest, the number and date blank; and
    where the signature image goes."""
    from ..rendering import render

    rest = render(document, layer="rest")
    header = render(document, layer="header").pdf
    pdf = _updated(rest.pdf, lambda w: _with_header(w, header))
    return pdf, rest.boxes["signer"]


def sign_original(*, actor, document: Document) -> tuple[bytes, SignatureBox]:
    """The signer's signature on the approved version (the document in ``signed``, signer and
    title set), and where its image is. Refused (``SigningUnavailable``) to whoever cannot
    sign, before anything is rendered."""
    signer = signer_for_person(actor)
    pdf, where = to_be_signed(document)
    from ..rendering import signature_title
    from ..rendering.context import person_name

    appearance = person_appearance(
        name=person_name(document.signer),
        title=signature_title(document),
        signed_at=timezone.now(),
        box=Box(*where.box),
        page=where.page,
        image=signature_image_for(actor),
    )
    signed = signer.sign(pdf, appearance=appearance, reason=SIGN_REASON, field_name=SIGNER_FIELD)
    return signed, where


def seal_original(*, document: Document, signed_pdf: bytes, signer_box: Box, page: int) -> bytes:
    """The number and date drawn into the signer's file, then the organisation's signature
    with its seal over the left third of the signer's image (the document numbered)."""
    from ..rendering import render

    seal = signer_for_organisation(document.issuer)
    slots = render(document, layer="slots").pdf
    pdf = _updated(signed_pdf, lambda w: _with_slots(w, slots))
    appearance = seal_appearance(
        organisation=document.issuer.name,
        number=document.symbol,
        signed_at=document.issued_at or timezone.now(),
        signer_box=signer_box,
        page=page,
    )
    return seal.sign(pdf, appearance=appearance, reason=SEAL_REASON, field_name=ORGANISATION_FIELD)


def seal_attachment(*, document: Document, pdf: bytes) -> bytes:
    """An attachment in its own file: the organisation's signature, no image, the number
    and signing time top right of page 1 (PL I §II.8.c)."""
    seal = signer_for_organisation(document.issuer)
    appearance = attachment_appearance(
        number=document.symbol, signed_at=document.issued_at or timezone.now()
    )
    return seal.sign(pdf, appearance=appearance, reason=SEAL_REASON, field_name=ORGANISATION_FIELD)
