"""documents.uploads.check, the one check of an uploaded file for the UI and the API: the type
from the bytes, the size, the name, and compressed bombs refused with bounded memory."""

from __future__ import annotations

import io
import os
import struct
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import uploads

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
MIB = 1024 * 1024
#: Peak memory allowed while checking one file, whatever it claims to unpack to.
MEMORY_BOUND = 5 * MIB


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook/>"})
ODT = _zip(
    {"mimetype": uploads.ODT.encode(), "content.xml": b"<office:document-content/>"},
    compression=zipfile.ZIP_STORED,
)


def _file(data: bytes, name: str = "tep.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def _refused(data: bytes, code: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        uploads.check(_file(data, **kwargs))
    assert caught.value.code == code, caught.value
    return caught.value


def _peak(data: bytes) -> tuple[int, object]:
    """Peak memory allocated while checking ``data`` (the file itself exists before)."""
    upload = _file(data)
    tracemalloc.start()
    try:
        try:
            outcome: object = uploads.check(upload)
        except ValidationError as error:
            outcome = error.code
        return tracemalloc.get_traced_memory()[1], outcome
    finally:
        tracemalloc.stop()


def _declare(data: bytes, name: str, uncompressed: int) -> bytes:
    """The archive with ``name`` claiming ``uncompressed`` bytes, in its local header and its
    central directory entry: a bomb without building one."""
    out = bytearray(data)
    encoded = name.encode()
    local = out.find(b"PK\x03\x04")
    while local >= 0:
        name_length = struct.unpack_from("<H", out, local + 26)[0]
        if out[local + 30 : local + 30 + name_length] == encoded:
            struct.pack_into("<L", out, local + 22, uncompressed)
            break
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + name_length] == encoded:
            struct.pack_into("<L", out, central + 24, uncompressed)
            return bytes(out)
        central = out.find(b"PK\x01\x02", central + 4)
    raise AssertionError(f"no member {name}")


# ---------------------------------------------------------------------------------------------
# What is accepted, from the bytes


@pytest.mark.parametrize(
    "data, expected",
    [
        (PDF, uploads.PDF),
        (PNG, uploads.PNG),
        (JPEG, uploads.JPEG),
        (DOCX, uploads.DOCX),
        (XLSX, uploads.XLSX),
        (ODT, uploads.ODT),
    ],
)
def test_accepted_types(data, expected):
    upload = _file(data, name="ten-khong-quyet-dinh.exe")
    assert uploads.check(upload) == expected
    assert upload.tell() == 0  # left ready for storing


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,  # a Windows program
        "Chỉ là văn bản thường".encode(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,  # old Word (.doc): not accepted
        _zip({"a.txt": b"x"}),  # a ZIP that merely starts with PK
        _zip({"word/document.xml": b"<w:document/>"}),  # no [Content_Types].xml
        _zip({"[Content_Types].xml": b"not xml", "word/document.xml": b"<w:document/>"}),
        _zip({"[Content_Types].xml": CONTENT_TYPES, "other/x.xml": b"<x/>"}),
        _zip({"mimetype": b"application/zip"}),
        _zip({"mimetype": uploads.ODT.encode() + b"-template"}),
        _zip(
            {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>"},
            compression=zipfile.ZIP_BZIP2,
        ),
        b"PK\x03\x04 not really a zip",
        DOCX[: len(DOCX) // 2],  # cut short: no central directory
    ],
)
def test_other_content_is_unsupported(data):
    error = _refused(data, uploads.UNSUPPORTED)
    assert "PDF, DOCX, XLSX, ODT, PNG" in str(error.messages[0])


def test_size_is_checked_against_the_limit_given_or_the_setting(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    assert uploads.check(_file(PDF + b"0" * (1000 - len(PDF)))) == uploads.PDF
    error = _refused(PDF + b"0" * 1000, uploads.TOO_LARGE)
    assert error.params == {"limit": f"{1000 / MIB:g}"}
    with pytest.raises(ValidationError):
        uploads.check(_file(PDF), limit=10)


def test_an_empty_file_is_invalid():
    _refused(b"", uploads.INVALID)


# ---------------------------------------------------------------------------------------------
# Compressed bombs: refused, never unpacked


def test_a_real_bomb_in_the_odt_mimetype_member_is_refused_with_bounded_memory():
    """The member the old check read whole: 300 MiB of zeros that deflate to some 300 KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            chunk = bytes(MIB)
            for _ in range(300):
                member.write(chunk)
        archive.writestr("content.xml", b"<x/>")
    data = buffer.getvalue()
    assert len(data) < 2 * MIB
    peak, outcome = _peak(data)
    assert outcome == uploads.INVALID
    assert peak < MEMORY_BOUND, f"{peak / MIB:.1f} MiB"


@pytest.mark.parametrize("member", ["mimetype", "[Content_Types].xml", "word/document.xml"])
def test_a_member_claiming_a_gigabyte_is_refused_with_bounded_memory(member):
    base = _zip(
        {
            "mimetype" if member == "mimetype" else "[Content_Types].xml": (
                uploads.ODT.encode() if member == "mimetype" else CONTENT_TYPES
            ),
            "word/document.xml": os.urandom(2 * MIB),
        }
    )
    data = _declare(base, member, 1024 * MIB)
    peak, outcome = _peak(data)
    assert outcome == uploads.INVALID
    assert peak < MEMORY_BOUND, f"{peak / MIB:.1f} MiB"


def test_a_declared_total_beyond_any_document_is_refused():
    members = {"[Content_Types].xml": CONTENT_TYPES}
    members |= {f"word/media/image{i}.png": os.urandom(MIB) for i in range(3)}
    data = _zip(members, compression=zipfile.ZIP_STORED)
    for i in range(3):  # each at the ratio bound, together beyond the total
        data = _declare(data, f"word/media/image{i}.png", uploads.MAX_RATIO * MIB)
    _refused(data, uploads.INVALID)


def test_too_many_members_are_refused_before_the_directory_is_read():
    members = {"[Content_Types].xml": CONTENT_TYPES}
    members |= {f"word/p{i}.xml": b"" for i in range(uploads.MAX_MEMBERS)}
    peak, outcome = _peak(_zip(members, compression=zipfile.ZIP_STORED))
    assert outcome == uploads.INVALID
    assert peak < MEMORY_BOUND


def test_an_end_record_claiming_a_huge_directory_is_refused():
    data = bytearray(DOCX)
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 0xFFFE, 0xFFFE)  # members on this disk and in all
    _refused(bytes(data), uploads.INVALID)
    data = bytearray(DOCX)
    struct.pack_into("<L", data, end + 12, 64 * MIB)  # size of the directory
    _refused(bytes(data), uploads.INVALID)


def test_members_sharing_their_compressed_bytes_are_refused():
    """An overlapping bomb: two directory entries for one stored member."""
    data = bytearray(
        _zip(
            {"[Content_Types].xml": CONTENT_TYPES + os.urandom(4096), "word/document.xml": b""},
            compression=zipfile.ZIP_STORED,
        )
    )
    start = data.find(b"PK\x01\x02")
    end = data.rfind(b"PK\x05\x06")
    name_length, extra, comment = struct.unpack_from("<3H", data, start + 28)
    first = bytes(data[start : start + 46 + name_length + extra + comment])
    count, size = struct.unpack_from("<HL", data, end + 10)
    directory = data[start:end] + first
    record = bytearray(data[end:])
    struct.pack_into("<HHL", record, 8, count + 1, count + 1, size + len(first))
    _refused(bytes(data[:start] + directory + record), uploads.INVALID)


def _with_zip64_end(data: bytes, members: int | None = None) -> bytes:
    """The archive with a ZIP64 end record (zipfile writes one only when it must), the classic
    end record pointing to it; ``members`` overrides the count the ZIP64 record gives."""
    end = data.rfind(b"PK\x05\x06")
    count, size, offset = struct.unpack_from("<HLL", data, end + 10)
    members = count if members is None else members
    zip64 = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, members, members, size, offset
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    record = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, size, 0xFFFFFFFF, 0)
    return data[:end] + zip64 + locator + record


def test_zip64_end_records_are_read():
    assert uploads.check(_file(_with_zip64_end(DOCX))) == uploads.DOCX
    peak, outcome = _peak(_with_zip64_end(DOCX, members=10**9))
    assert outcome == uploads.INVALID
    assert peak < MEMORY_BOUND
