"""The one check of an uploaded file, for the UI's draft form and the API alike (design §15.3):
its size and what it really is, from its bytes (a renamed .exe stays refused, a ZIP
that merely starts with ``PK`` is not a Word document) — with bounded memory.

An office document is a ZIP. Only its central directory is read (after checking, from the end
record, that the directory is small) and at most a few hundred bytes of one member, streamed;
nothing is unpacked. An archive whose members claim sizes no document has, or that compress
beyond any real document, or that share their compressed bytes, is refused as a compressed
bomb: whoever opens the file later (a viewer, an indexer, a converter) would unpack it."""

from __future__ import annotations

import struct
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

ACCEPTED = (PDF, DOCX, XLSX, ODT, PNG, JPEG)
#: For the file picker of the UI; the check itself never looks at the name.
EXTENSIONS = ".pdf,.docx,.xlsx,.odt,.png,.jpg,.jpeg"

MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
ZIP_MAGIC = b"PK\x03\x04"

# Bounds of a real office document (a 20 MiB DOCX or XLSX has at most a few hundred parts,
# a directory of some kilobytes, and XML that deflates at most some 20 to 1).
MAX_MEMBERS = 1000
MAX_DIRECTORY_BYTES = 256 * 1024
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200
#: Members smaller than this may have any ratio (a run of spaces in a tiny XML part).
RATIO_FLOOR = 1024 * 1024
#: How much of one member is read to recognise the package.
HEAD_BYTES = 512

# Codes, which the API turns into its answers (413 too_large, 415 unsupported_media_type,
# 400 invalid) and the UI shows as the field's error.
TOO_LARGE = "too_large"
UNSUPPORTED = "unsupported_media_type"
INVALID = "invalid"

TOO_LARGE_MESSAGE = _("Tệp quá lớn: tối đa %(limit)s MB.")
UNSUPPORTED_MESSAGE = _("Chỉ nhận tệp PDF, DOCX, XLSX, ODT, PNG hoặc JPEG (theo nội dung tệp).")
BOMB_MESSAGE = _(
    "Tệp nén có cấu trúc bất thường (quá nhiều thành phần hoặc nén quá mức); không nhận."
)
EMPTY_MESSAGE = _("Tệp trống.")


class Bomb(Exception):
    """An archive no real document looks like."""


def limit_in_mb(limit: int | None = None) -> str:
    limit = settings.ATTACHMENT_MAX_BYTES if limit is None else limit
    return f"{limit / 1024 / 1024:g}"


def check(uploaded_file, *, limit: int | None = None) -> str:
    """The accepted content type of ``uploaded_file``, or ValidationError with one of the codes
    above. Reads at most a few hundred kilobytes, whatever the file claims. (Its name needs no
    check: Django's uploaded files keep at most 255 characters of it, the column's length.)"""
    limit = settings.ATTACHMENT_MAX_BYTES if limit is None else limit
    size = uploaded_file.size
    if size is None or size > limit:
        raise ValidationError(
            TOO_LARGE_MESSAGE, code=TOO_LARGE, params={"limit": limit_in_mb(limit)}
        )
    if size == 0:
        raise ValidationError(EMPTY_MESSAGE, code=INVALID)
    try:
        content_type = sniff(uploaded_file, size)
    except Bomb:
        raise ValidationError(BOMB_MESSAGE, code=INVALID) from None
    if content_type is None:
        raise ValidationError(UNSUPPORTED_MESSAGE, code=UNSUPPORTED)
    return content_type


def sniff(uploaded_file, size: int) -> str | None:
    """The accepted content type of the file from its bytes, or None; Bomb for an archive that
    would unpack to far more than any document."""
    uploaded_file.seek(0)
    try:
        head = uploaded_file.read(8)
        for magic, content_type in MAGIC:
            if head.startswith(magic):
                return content_type
        if head.startswith(ZIP_MAGIC):
            return _package(uploaded_file, size)
        return None
    finally:
        uploaded_file.seek(0)


def _package(fp, size: int) -> str | None:
    directory = _directory_size(fp, size)
    if directory is None:
        return None
    members, directory_bytes = directory
    if members > MAX_MEMBERS or directory_bytes > MAX_DIRECTORY_BYTES:
        raise Bomb()
    fp.seek(0)
    try:
        with zipfile.ZipFile(fp) as archive:
            infos = archive.infolist()
            _refuse_bombs(infos, size)
            if any(_unreadable(info) for info in infos):
                return None
            names = {info.filename for info in infos}
            if "mimetype" in names:
                # ODF: the first member, stored, holding exactly the media type.
                return ODT if _head(archive, "mimetype") == ODT.encode() else None
            if "[Content_Types].xml" not in names:
                return None
            if b"<Types" not in _head(archive, "[Content_Types].xml"):
                return None
            if any(n.startswith("word/") for n in names):
                return DOCX
            if any(n.startswith("xl/") for n in names):
                return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError, ValueError):
        return None
    return None


def _refuse_bombs(infos: list[zipfile.ZipInfo], size: int) -> None:
    if len(infos) > MAX_MEMBERS:
        raise Bomb()
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise Bomb()
    # Members that share their compressed bytes (overlapping entries) add up to more than
    # the file holds.
    if sum(info.compress_size for info in infos) > size:
        raise Bomb()
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            raise Bomb()


def _unreadable(info: zipfile.ZipInfo) -> bool:
    """Encrypted, or compressed otherwise than office formats are (bzip2 and LZMA cannot be
    streamed with a bound on what a read returns)."""
    return bool(info.flag_bits & 0x1) or info.compress_type not in (
        zipfile.ZIP_STORED,
        zipfile.ZIP_DEFLATED,
    )


def _head(archive: zipfile.ZipFile, name: str) -> bytes:
    """The first bytes of one member, decompressed as a stream: ``read(n)`` inflates at most
    what it returns, where ``ZipFile.read(name)`` would inflate the whole member."""
    with archive.open(name) as member:
        return member.read(HEAD_BYTES).strip()


_END = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_ZIP64_END_SIGNATURE = b"PK\x06\x06"


def _directory_size(fp, size: int) -> tuple[int, int] | None:
    """(number of members, size of the central directory) from the end record (ZIP64's when
    there is one), read from the last 64 KiB; None if the file has no valid end record."""
    tail_length = min(size, _END.size + 0xFFFF)
    fp.seek(size - tail_length)
    tail = fp.read(tail_length)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END.size:
        return None
    fields = _END.unpack_from(tail, at)
    members, directory_bytes, directory_offset = fields[4], fields[5], fields[6]
    if 0xFFFF in fields[1:5] or 0xFFFFFFFF in (directory_bytes, directory_offset):
        locator_at = at - _ZIP64_LOCATOR.size
        if locator_at < 0:
            return None
        locator = _ZIP64_LOCATOR.unpack_from(tail, locator_at)
        if locator[0] != _ZIP64_LOCATOR_SIGNATURE or locator[2] > size - _ZIP64_END.size:
            return None
        fp.seek(locator[2])
        record = fp.read(_ZIP64_END.size)
        if len(record) < _ZIP64_END.size or not record.startswith(_ZIP64_END_SIGNATURE):
            return None
        zip64 = _ZIP64_END.unpack(record)
        members, directory_bytes = zip64[7], zip64[8]
    return members, directory_bytes
