"""The catalogues: every message of the code is Vietnamese (its msgid) and has its English in
locale/en; none shows both languages at once. The code's messages are found as
``makemessages`` finds them, in a copy of the code, so a string added without its English fails
here rather than on an English reader's screen."""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

pytestmark = pytest.mark.any_engine

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
# What makemessages should read: the apps, the settings and the project's templates; not the
# tests, the benchmarks or the third-party catalogues kept apart in locale_viewflow/locale_drf.
CODE = ("accounts", "config", "documents", "orgchart", "templates", "workflow")
# A message the copy gets and the catalogue never has: proves the check sees a new string.
PROBE = "Câu mới chưa có bản tiếng Anh."

# "Tiếng Việt. / English." — an ASCII English sentence after a slash.
BILINGUAL = re.compile(r" / [A-Za-z][A-Za-z0-9'’,;:()%-]*( [A-Za-z0-9'’,;:()%.-]+)+")

Key = tuple[str | None, str]  # (msgctxt, msgid)


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)


def _statements(path: Path):
    """(keyword, string, flags) per msgctxt/msgid/msgstr… statement, its continuation lines
    joined; the flags (#, fuzzy) are those written above it."""
    keyword, value, flags = "", "", set[str]()
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith('"'):
            value += ast.literal_eval(line)
            continue
        if keyword:
            yield keyword, value, flags
            keyword, flags = "", set()
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
    if keyword:
        yield keyword, value, flags


def read_po(path: Path) -> dict[Key, Entry]:
    """The entries of a .po file, header and obsolete (#~) ones left out. polib is not a
    dependency; the subset of the format makemessages writes is small."""
    entries = [Entry()]
    for keyword, value, flags in _statements(path):
        entry = entries[-1]
        # An entry starts at its msgctxt, or at its msgid when it has no msgctxt.
        context_read = entry.msgctxt is not None and not entry.msgid
        if keyword == "msgctxt" or (keyword == "msgid" and not context_read):
            entry = Entry(flags=flags)
            entries.append(entry)
        if keyword == "msgctxt":
            entry.msgctxt = value
        elif keyword == "msgid":
            entry.msgid = value
        elif keyword == "msgid_plural":
            entry.msgid_plural = value
        elif keyword.startswith("msgstr"):
            entry.msgstrs.append(value)
    catalogue: dict[Key, Entry] = {}
    for e in entries:
        if e.msgid:
            assert e.key not in catalogue, f"{path.name}: {e.key} twice"
            catalogue[e.key] = e
    return catalogue


def _is_english(text: str) -> bool:
    """ASCII words only, at least two of them: what an English sentence looks like next to
    Vietnamese, whose words nearly all carry diacritics."""
    return text.isascii() and len(re.findall(r"[A-Za-z]{2,}", text)) >= 2


@pytest.fixture(scope="module")
def code_messages(tmp_path_factory) -> dict[Key, Entry]:
    """The messages makemessages extracts from a copy of the code (plus PROBE), into an empty
    locale folder so the committed catalogues neither help nor get rewritten."""
    copy = tmp_path_factory.mktemp("code")
    for name in CODE:
        shutil.copytree(
            ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale").mkdir()
    probe = f"from django.utils.translation import gettext as _\n\n_({PROBE!r})\n"
    (copy / "documents" / "locale_probe.py").write_text(probe, encoding="utf-8")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "-v", "0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return read_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")


@pytest.fixture(scope="module")
def english() -> dict[Key, Entry]:
    return read_po(LOCALE / "en" / "LC_MESSAGES" / "django.po")


@pytest.fixture(scope="module")
def vietnamese() -> dict[Key, Entry]:
    return read_po(LOCALE / "vi" / "LC_MESSAGES" / "django.po")


def test_the_code_has_no_bilingual_message(code_messages, english, vietnamese):
    for catalogue in (code_messages, english, vietnamese):
        bilingual = sorted(k[1] for k in catalogue if BILINGUAL.search(k[1]))
        assert not bilingual, bilingual
    assert len(code_messages) > 300


def test_the_check_sees_a_message_without_its_english(code_messages, english):
    """The probe stands for a string someone adds tomorrow: found, and found missing."""
    assert (None, PROBE) in code_messages
    assert (None, PROBE) not in english


def test_every_message_of_the_code_has_its_english(code_messages, english):
    missing = sorted(k[1] for k in code_messages if k not in english and k[1] != PROBE)
    assert not missing, f"add to locale/en/LC_MESSAGES/django.po: {missing}"
    untranslated = sorted(
        e.msgid for e in english.values() if not all(e.msgstrs) or "fuzzy" in e.flags
    )
    assert not untranslated, untranslated


def test_the_catalogues_hold_no_message_the_code_no_longer_says(code_messages, english, vietnamese):
    for name, catalogue in (("en", english), ("vi", vietnamese)):
        stale = sorted(k[1] for k in catalogue if k not in code_messages)
        assert not stale, f"locale/{name}: no longer in the code: {stale}"


def test_the_english_catalogue_is_english(english):
    half = sorted(s for e in english.values() for s in e.msgstrs if BILINGUAL.search(s))
    assert not half, half


def test_the_vietnamese_catalogue_carries_no_english(vietnamese):
    """The msgids are Vietnamese already, so an empty msgstr is right; one that is filled in
    must not be the English half of a former bilingual message."""
    english = sorted(
        s
        for e in vietnamese.values()
        for s in e.msgstrs
        if s and (BILINGUAL.search(s) or (_is_english(s) and not e.msgid.isascii()))
    )
    assert not english, english


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_compiled_catalogue_is_the_one_committed(language):
    """Django reads the .mo: compiled from the .po as it is (msgfmt -o …django.mo …django.po)."""
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    for e in read_po(folder / "django.po").values():
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        for n, msgstr in enumerate(e.msgstrs):
            if msgstr and "fuzzy" not in e.flags:
                got = compiled.get((msgid, n) if e.msgid_plural else msgid)
                assert got == msgstr, f"{language}: {e.msgid!r} is compiled as {got!r}"
