"""The text of an attachment, for search, with bounded time and memory whatever the file.

PDF: poppler's ``pdftotext`` (installed with the rendering packages), else pdfminer where it
is installed; either runs as a child process without a shell, with a timeout and limits on
memory, CPU time and output, so a malformed or hostile PDF costs at most ``TIMEOUT`` seconds and
loses only its own text. DOCX, ODT, XLSX: the one XML member holding the text, inflated as a
stream up to ``MAX_XML_BYTES`` after the same bomb checks as at upload (``uploads.sniff``);
nothing else is unpacked. Images have no text here (no OCR).

Text is extracted when the file is stored, inside its service, rather than in a Celery task
after commit: the bound below is a few seconds for the largest accepted file, the file is then
found as soon as the form returns, and no second write can race a later edit of the draft."""

from __future__ import annotations

import html
import importlib.util
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

from . import uploads
from .searchtext import MAX_FILE_CHARS, fold

logger = logging.getLogger(__name__)

#: Seconds one PDF may take; pages read of it.
TIMEOUT = 10
MAX_PAGES = 100
#: Bytes of output and of address space the extracting process may use.
MAX_OUTPUT_BYTES = 4 * MAX_FILE_CHARS
MAX_MEMORY_BYTES = 1024 * 1024 * 1024
#: Of an office document's text member, at most this much is inflated.
MAX_XML_BYTES = 4 * 1024 * 1024

TEXT_MEMBERS = {
    uploads.DOCX: "word/document.xml",
    uploads.ODT: "content.xml",
    uploads.XLSX: "xl/sharedStrings.xml",
}

_PDFMINER = (
    "import sys\n"
    "from pdfminer.high_level import extract_text\n"
    "sys.stdout.write(extract_text(sys.argv[1], maxpages=int(sys.argv[2])))\n"
)
# A paragraph, cell or tab ends a word; any other tag (a run of formatting) does not.
_BREAKS = re.compile(
    r"<(?:/w:p|w:tab|w:br|w:cr|/text:p|/text:h|text:s|text:tab|text:line-break|/si)\b[^>]*>"
)
_TAGS = re.compile(r"<[^>]*>?")


def extract(fp, content_type: str) -> str:
    """Folded text of the file, at most ``MAX_FILE_CHARS``; empty when none can be had."""
    try:
        if content_type == uploads.PDF:
            raw = _pdf(fp)
        elif content_type in TEXT_MEMBERS:
            raw = _office(fp, TEXT_MEMBERS[content_type])
        else:
            return ""
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, uploads.Bomb):
        logger.info("no text extracted from an attachment", exc_info=True)
        return ""
    finally:
        fp.seek(0)
    return fold(" ".join(raw[: 2 * MAX_FILE_CHARS].split()))[:MAX_FILE_CHARS]


def _office(fp, member: str) -> str:
    fp.seek(0, 2)
    size = fp.tell()
    if uploads.sniff(fp, size) is None:
        return ""
    fp.seek(0)
    with zipfile.ZipFile(fp) as archive:
        if member not in archive.namelist():
            return ""
        with archive.open(member) as stream:
            xml = stream.read(MAX_XML_BYTES).decode("utf-8", "ignore")
    return html.unescape(_TAGS.sub("", _BREAKS.sub(" ", xml)))


def pdf_command(path: str) -> list[str] | None:
    """How this machine reads a PDF's text, or None if it cannot."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        return [pdftotext, "-q", "-l", str(MAX_PAGES), "-enc", "UTF-8", path, "-"]
    if importlib.util.find_spec("pdfminer") is not None:
        return [sys.executable, "-I", "-B", "-c", _PDFMINER, path, str(MAX_PAGES)]
    return None


# Sets the child's limits, then becomes the reader: a launcher rather than ``preexec_fn``,
# which is unsafe in a threaded server.
_LAUNCH = (
    "import os, resource, sys\n"
    "memory, cpu, output = (int(v) for v in sys.argv[1:4])\n"
    "resource.setrlimit(resource.RLIMIT_AS, (memory, memory))\n"
    "resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))\n"
    "os.execv(sys.argv[4], sys.argv[4:])\n"
)


def _limited(command: list[str]) -> list[str]:
    limits = (MAX_MEMORY_BYTES, TIMEOUT, MAX_OUTPUT_BYTES)
    return [sys.executable, "-I", "-B", "-c", _LAUNCH, *map(str, limits), *command]


def _pdf(fp) -> str:
    with (
        tempfile.NamedTemporaryFile(suffix=".pdf") as source,
        tempfile.TemporaryFile() as output,
    ):
        fp.seek(0)
        shutil.copyfileobj(fp, source)
        source.flush()
        command = pdf_command(source.name)
        if command is None:
            return ""
        try:
            # The output goes to a file the child may not grow past MAX_OUTPUT_BYTES.
            subprocess.run(
                _limited(command),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.DEVNULL,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            logger.info("a PDF's text took longer than %s s; the part read is kept", TIMEOUT)
        output.seek(0)
        return output.read(MAX_OUTPUT_BYTES).decode("utf-8", "ignore")
