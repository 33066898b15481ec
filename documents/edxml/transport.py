"""How an edXML message leaves the system and how one comes in: the transport seam.

A ``Transport`` has one duty, ``send(message)``: hand the message's bytes to the other side,
or raise. What happens around it (the outbox row, the retries with their growing pause, the
delivery problem shown to the clerk) is the same for every transport and lives in
``documents/services/exchange.py`` and ``workflow/exchange.py``. Which transport serves an
organisation is a setting: ``EDXML_TRANSPORTS["default"]``, overridden per mã định danh by
``EDXML_TRANSPORTS[<organ id>]``; each value is a dotted path to a class taking no arguments.

``FileDrop`` is the transport that needs nothing but a shared directory, for a partner on the
same network, a gateway that watches a folder, or the tests: under ``EDXML_DROP_ROOT`` each
partner organisation has a directory named by its mã định danh, with ``outbox/`` (what we send
it, written atomically: a hidden temporary file, then a rename, so a reader never sees half a
file), ``inbox/`` (what it sends us), and ``done/`` and ``failed/``, where the inbox reader
moves each file it has read, a failed one beside a ``.reason.txt`` that says why. A file's
name starts with the mã định danh of the organisation it is for and two underscores
(``000.01.41.H56__00000012-package-goi-tin.edxml``), as a transport's envelope says whom a
message is for; a package whose name does not goes to the first of ours among its To.

``Vdxp`` is where the adapter for the national axis (Trục liên thông văn bản quốc gia, VDXP /
the provincial LGSP) goes: its SDK's ``sendEdoc`` for ``send``, ``getReceivedEdocList`` /
``getEdoc`` / ``updateStatus`` for an inbox of its own. It is not built: choosing it raises."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from ..outbox import OutboxMessage

OUTBOX, INBOX, DONE, FAILED = "outbox", "inbox", "done", "failed"
#: A mã định danh as a directory name: letters, digits, dots, dashes; nothing that climbs.
_ORGAN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
#: What the inbox reader picks up (hidden files are another writer's temporary ones).
SUFFIXES = (".edxml", ".xml")


class Transport(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Hand the message to the other side; raise if it was not accepted."""


class UnsafeOrganId(ValueError):
    pass


def transport_for(organ_id: str) -> Transport:
    configured = settings.EDXML_TRANSPORTS
    path = configured.get(organ_id) or configured["default"]
    return import_string(path)()


def partner_dir(organ_id: str, box: str) -> Path:
    if not _ORGAN_ID.match(organ_id) or organ_id.strip(".") != organ_id:
        raise UnsafeOrganId(organ_id)
    return Path(settings.EDXML_DROP_ROOT) / organ_id / box


class FileDrop:
    """Writes the message into the partner's ``outbox/`` directory."""

    def send(self, message: OutboxMessage) -> None:
        folder = partner_dir(message.organ_id, OUTBOX)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / message.filename
        temporary = folder / f".{message.filename}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(bytes(message.payload))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, final)


class Vdxp:
    """The national axis (VDXP) or a provincial LGSP, through the operator's SDK: endpoint,
    systemId and secret from the settings, ``sendEdoc`` in ``send``, its own received list
    read by a beat job beside ``read_drop_inboxes``. Not built yet."""

    def send(self, message: OutboxMessage) -> None:
        raise NotImplementedError("the national axis adapter is not built")


def partners() -> list[str]:
    """The mã định danh of every partner directory that has an inbox, sorted."""
    root = Path(settings.EDXML_DROP_ROOT)
    if not root.is_dir():
        return []
    return sorted(
        entry.name
        for entry in root.iterdir()
        if entry.is_dir() and _ORGAN_ID.match(entry.name) and (entry / INBOX).is_dir()
    )


def waiting(organ_id: str, limit: int) -> Iterator[Path]:
    """The files waiting in a partner's inbox, oldest name first, at most ``limit``."""
    folder = partner_dir(organ_id, INBOX)
    names = sorted(
        entry.name
        for entry in folder.iterdir()
        if entry.is_file() and not entry.name.startswith(".") and entry.suffix in SUFFIXES
    )
    for name in names[:limit]:
        yield folder / name


def addressed_to(path: Path) -> str:
    """The mã định danh a dropped file's name says it is for, or ``""``."""
    organ_id, sep, _rest = path.name.partition("__")
    return organ_id if sep and _ORGAN_ID.match(organ_id) else ""


def file_away(path: Path, *, reason: str = "") -> Path:
    """Move a file read from an inbox to ``done/``, or to ``failed/`` with its reason."""
    box = FAILED if reason else DONE
    folder = path.parent.parent / box
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    os.replace(path, target)
    if reason:
        (folder / f"{path.name}.reason.txt").write_text(reason + "\n", encoding="utf-8")
    return target
