"""What a Decree 30 sheet shows (PL I): every line of the layout worked out from the document,
its issuer, its recipients and its signer, once — for the PDF and for the document page alike.

The signature block's title is the signer's position on the day (``orgchart.selectors``); the
free-text ``signer_title`` of the draft is shown only while no signer is known.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import override

from orgchart.models import OrganizationKind, RoleCode
from orgchart.selectors import grants_of, position_title

from ..bases import punctuated
from ..choices import DocType, Secrecy, Urgency
from ..lifecycle import DocumentStatus, Purpose
from ..models import AuditEvent, Document, Recipient
from ..numbering import REGISTER_ZONE, date_line
from .duties import duty_lines

S = DocumentStatus

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
#: Party committees and their boards head a document with the Party's name (domain §2.2).
PARTY_NAME = "ĐẢNG CỘNG SẢN VIỆT NAM"
PARTY_KINDS = (OrganizationKind.PARTY_COMMITTEE, OrganizationKind.PARTY_BOARD)

#: The states from which the designated signer has signed; before them (and once withdrawn)
#: the document prints as a draft, with the ``DỰ THẢO`` watermark.
SIGNED_STATES = (S.SIGNED, S.ISSUED, S.DISPATCHED, S.COMPLETED, S.RECALLED)
#: The states from which the clerk has registered it: it carries its number and date.
NUMBERED_STATES = (S.ISSUED, S.DISPATCHED, S.COMPLETED, S.RECALLED)

#: Types whose recipients who must act are named under "Kính gửi:" (PL I §II.9): a công văn,
#: a tờ trình and a báo cáo sent upward. The others list everyone under "Nơi nhận:".
ADDRESSED_TYPES: dict[str, tuple[str, ...]] = {
    DocType.CV: (Purpose.EXECUTE, Purpose.COORDINATE),
    DocType.TTR: (Purpose.REPORT, Purpose.EXECUTE),
    DocType.BC: (Purpose.REPORT,),
}

#: A decision and a resolution name the authority that decides under their title (PL III,
#: Mẫu 1.1–1.2), then the bases and the ``QUYẾT ĐỊNH:`` line.
DECIDING_TYPES = (DocType.QD, DocType.NQ)

PURPOSE_TAGS: dict[str, str] = {
    Purpose.REPORT: "(b/c)",
    Purpose.EXECUTE: "(t/h)",
    Purpose.COORDINATE: "(p/h)",
    Purpose.INFORM: "(để biết)",
}

#: Decree 30 stamps (PL I §III.2): the words, in the mark's box.
URGENCY_MARKS: dict[str, str] = {
    Urgency.KHAN: "KHẨN",
    Urgency.THUONG_KHAN: "THƯỢNG KHẨN",
    Urgency.HOA_TOC: "HỎA TỐC",
}
SECRECY_MARKS: dict[str, str] = {
    Secrecy.MAT: "MẬT",
    Secrecy.TOI_MAT: "TỐI MẬT",
    Secrecy.TUYET_MAT: "TUYỆT MẬT",
}

#: The blank a draft leaves for the number (Decree 30 drafts: ``Số:      /KH-MTTQ-BTT``).
NUMBER_BLANK = "\u00a0" * 6


@dataclass(frozen=True)
class Block:
    """One block of the body: a heading of a part (``I. …``), of an item (``1. …``, ``a) …``),
    a legal basis (``Căn cứ …``, italic), the ``QUYẾT ĐỊNH:`` line of a decision, an article
    (``Điều 1.`` in bold, then its text) or a paragraph."""

    kind: str  # "part" | "item" | "basis" | "decides" | "article" | "paragraph"
    text: str
    lead: str = ""


@dataclass
class Sheet:
    """The lines of one document as Decree 30 lays them out."""

    heading_lines: list[str]  # superior bodies, upright
    issuer_line: str  # the issuer itself, bold, with the short rule under it
    national_name: str
    national_motto: str
    number_line: str  # "Số: 05/KH-MTTQ-BTT"
    date_line: str
    type_name: str  # "" for a công văn
    title: str
    vv_line: str  # "V/v …" under the number, a công văn only
    decider_line: str  # a decision's or resolution's issuing authority, under its title
    addressees: list[str]  # "Kính gửi:" lines
    bases: list[str]  # Căn cứ lines, punctuated, in italics above the body
    body: list[Block]
    recipients: list[str]  # "Nơi nhận:" lines, the "Lưu" line last
    authority_line: str  # "TM. BAN THƯỜNG TRỰC"
    signer_title: str  # "PHÓ CHỦ TỊCH"
    signer_name: str
    signed: bool
    draft: bool
    urgency_mark: str
    secrecy_mark: str
    document_id: int | None = None
    numbered: bool = False
    delegation_line: str = ""  # "TUQ. CHỦ TỊCH": signed under a delegation of that person
    filename: str = "du-thao"

    @property
    def is_letter(self) -> bool:
        return bool(self.vv_line)


def person_name(user) -> str:
    """Family name first: ``Trịnh Quang Huy``."""
    if user is None:
        return ""
    name = f"{user.last_name.strip()} {user.first_name.strip()}".strip()
    return name or user.get_username()


def _issued_on(document: Document) -> datetime.date | None:
    if document.issued_at is None:
        return None
    return timezone.localtime(document.issued_at, REGISTER_ZONE).date()


def signing_day(document: Document) -> datetime.date:
    """The day whose position titles the signature block: the day of signing once signed, the
    day of issue if no signing event is recorded, and today before that."""
    if document.status in SIGNED_STATES and document.pk:
        signed_at = (
            AuditEvent.objects.filter(document=document, action="sign", to_status=S.SIGNED)
            .order_by("-seq")
            .values_list("at", flat=True)
            .first()
        )
        if signed_at is not None:
            return timezone.localtime(signed_at, REGISTER_ZONE).date()
        issued_on = _issued_on(document)
        if issued_on is not None:
            return issued_on
    return timezone.localtime(timezone.now(), REGISTER_ZONE).date()


def signature_title(document: Document) -> str:
    """The signer's position in the issuer on the signing day; the draft's own words only
    while nobody is designated."""
    if document.signer_id is None:
        return document.signer_title.upper()
    return position_title(document.signer, document.issuer_id, on=signing_day(document)).upper()


def authority_line(document: Document) -> str:
    collective = document.collective_name.strip().upper()
    if document.authority_prefix:
        return f"{document.authority_prefix}. {collective}".strip()
    return collective


def delegation_line(document: Document) -> str:
    """``TUQ. CHỦ TỊCH`` when the signer signed by a delegation (ủy quyền) of the principal's
    signer role, titled by the principal's position on the signing day (domain §1: TUQ. is the
    delegated authority; KT. is a deputy signing in their own right, and is the draft's own
    ``authority_prefix``). The signing event names the principal; while it is being written
    (the signature is made inside the step) the signer's grants of the day do."""
    if document.status not in SIGNED_STATES or document.signer_id is None or not document.pk:
        return ""
    event = (
        AuditEvent.objects.filter(document=document, action="sign", to_status=S.SIGNED)
        .order_by("-seq")
        .values_list("on_behalf_of_id", flat=True)
    )
    recorded = list(event[:1])
    principal_id: int | None
    if recorded:
        principal_id = recorded[0]
    else:
        grants = grants_of(document.signer, on=signing_day(document))
        principal_id = grants.principal_for(document.issuer_id, RoleCode.SIGNER)
    if principal_id is None:
        return ""
    # position_title filters on the user's key: the id serves.
    title = position_title(principal_id, document.issuer_id, on=signing_day(document))
    return f"TUQ. {title.upper()}" if title else ""


def number_line(document: Document, *, numbered: bool) -> str:
    if numbered and document.symbol:
        return f"Số: {document.symbol}"
    symbol = document.issuer.symbol
    kind = "" if document.doc_type == DocType.CV else f"{document.doc_type}-"
    return f"Số: {NUMBER_BLANK}/{kind}{symbol}"


def dated_line(document: Document, *, numbered: bool) -> str:
    place = document.issuer.place_name
    issued_on = _issued_on(document)
    if numbered and issued_on is not None:
        return date_line(place, issued_on)
    year = timezone.localtime(timezone.now(), REGISTER_ZONE).year
    blank = "\u00a0" * 5
    text = f"ngày{blank}tháng{blank}năm {year}"
    return f"{place}, {text}" if place else text


def type_name(document: Document) -> str:
    if document.doc_type == DocType.CV or document.doc_type not in DocType.values:
        return ""
    with override("vi"):
        return str(DocType(document.doc_type).label).upper()


def recipient_line(recipient: Recipient, *, last: bool = False) -> str:
    tag = PURPOSE_TAGS.get(recipient.purpose, "")
    return f"- {recipient.display_name} {tag}".rstrip() + ("." if last else ";")


def luu_line(document: Document) -> str:
    """``- Lưu: VT, MTTQ thành phố.``: the clerk's copy (VT) first, then what the draft
    names."""
    luu = document.luu.strip().rstrip(".;")
    if not luu:
        return "- Lưu: VT."
    if luu.upper().startswith("VT"):
        return f"- Lưu: {luu}."
    return f"- Lưu: VT, {luu}."


def split_recipients(
    document: Document, recipients: list[Recipient]
) -> tuple[list[str], list[str]]:
    """(Kính gửi lines, Nơi nhận lines) of the document's recipients (PL I §II.9)."""
    purposes = ADDRESSED_TYPES.get(document.doc_type)
    addressed = [r for r in recipients if purposes and r.purpose in purposes]
    if document.doc_type == DocType.CV and not addressed:
        addressed = list(recipients)
    others = [r for r in recipients if r not in addressed]
    lines = []
    if addressed:
        if len(addressed) == 1:
            head = [addressed[0].display_name + "."]
        else:
            head = [
                f"- {r.display_name}" + ("." if i == len(addressed) - 1 else ";")
                for i, r in enumerate(addressed)
            ]
        lines.append("- Như trên;")
    else:
        head = []
    lines += [recipient_line(r) for r in others]
    lines.append(luu_line(document))
    return head, lines


PART = re.compile(r"^(?:[IVXLC]+\.|PHẦN\s+[IVXLC\d]+\b|Chương\s+[IVXLC\d]+\b)\s*\S", re.U)
ITEM = re.compile(r"^(?:\d+(?:\.\d+)*\.|[a-zđ]\))\s*\S", re.U)
ARTICLE = re.compile(r"^(Điều\s+\d+\.)\s*(.*)$", re.U)
DECIDES = re.compile(r"^(?:QUYẾT ĐỊNH|QUYẾT NGHỊ|CHỈ THỊ)\s*:$", re.U)
BASIS = re.compile(r"^Căn cứ\s", re.U)
#: A numbered line is a heading when it is short and does not end as a sentence does.
HEADING_MAX = 120


def body_blocks(body: str) -> list[Block]:
    """The body as parts, items and paragraphs: one block per non-empty line."""
    blocks = []
    for raw in body.replace("\r\n", "\n").split("\n"):
        line = " ".join(raw.split())
        if not line:
            continue
        short = len(line) <= HEADING_MAX and not line.endswith((".", ";", ":", ","))
        article = ARTICLE.match(line)
        if DECIDES.match(line):
            blocks.append(Block("decides", line))
        elif article:
            blocks.append(Block("article", article.group(2), lead=article.group(1)))
        elif BASIS.match(line):
            blocks.append(Block("basis", line))
        elif PART.match(line) and (line.upper() == line or short):
            blocks.append(Block("part", line))
        elif ITEM.match(line) and short:
            blocks.append(Block("item", line))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def header_lines(document: Document) -> tuple[list[str], str]:
    lines = [
        line.strip().upper()
        for line in (document.issuer.header_lines or document.issuer.name).splitlines()
        if line.strip()
    ]
    return lines[:-1], (lines[-1] if lines else "")


def filename(document: Document, *, numbered: bool) -> str:
    if not numbered or not document.symbol:
        return f"du-thao-{document.pk}" if document.pk else "du-thao"
    return re.sub(r"[^0-9A-Za-z-]+", "-", fold_ascii(document.symbol)).strip("-")


def fold_ascii(text: str) -> str:
    from ..models import fold

    return fold(text).upper()


#: The part a plan's execution is written under (Decree 30 plans: "IV. TỔ CHỨC THỰC HIỆN").
EXECUTION = "TỔ CHỨC THỰC HIỆN"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
#: The closing mark of the text ("./."), which stays after its last line.
CLOSING = re.compile(r"\s*/\.\s*$")


def with_duties(blocks: list[Block], lines: list[str]) -> list[Block]:
    """``blocks`` with the duty lines (``duties.duty_lines``) at the end of the "Tổ chức thực
    hiện" part, or in a part of that name added last; when they end the text, its closing
    mark moves after them."""
    if not lines:
        return blocks
    added = [Block("paragraph", line) for line in lines]
    parts = [i for i, b in enumerate(blocks) if b.kind == "part"]
    execution = next((i for i in parts if EXECUTION in blocks[i].text.upper()), None)
    if execution is None:
        numeral = ROMAN[len(parts)] if len(parts) < len(ROMAN) else str(len(parts) + 1)
        added.insert(0, Block("part", f"{numeral}. {EXECUTION}"))
        at = len(blocks)
    else:
        at = next((i for i in parts if i > execution), len(blocks))
    blocks = list(blocks)
    if at == len(blocks) and blocks and CLOSING.search(blocks[-1].text):
        last, tail = blocks[-1], added[-1]
        blocks[-1] = Block(last.kind, CLOSING.sub("", last.text), lead=last.lead)
        added[-1] = Block(tail.kind, tail.text + "/.")
    return [*blocks[:at], *added, *blocks[at:]]


def build_sheet(document: Document) -> Sheet:
    draft = document.status not in SIGNED_STATES
    numbered = document.status in NUMBERED_STATES
    recipients = list(document.recipients.select_related("organization"))
    addressees, recipient_lines = split_recipients(document, recipients)
    superior, issuer = header_lines(document)
    party = document.issuer.kind in PARTY_KINDS
    letter = document.doc_type == DocType.CV
    return Sheet(
        heading_lines=superior,
        issuer_line=issuer,
        national_name=PARTY_NAME if party else NATIONAL_NAME,
        national_motto="" if party else NATIONAL_MOTTO,
        number_line=number_line(document, numbered=numbered),
        date_line=dated_line(document, numbered=numbered),
        type_name=type_name(document),
        title=document.title,
        vv_line=f"V/v {document.title}" if letter else "",
        decider_line=document.issuer.name.upper() if document.doc_type in DECIDING_TYPES else "",
        addressees=addressees,
        bases=punctuated(document.can_cu),
        body=with_duties(body_blocks(document.body), duty_lines(document)),
        recipients=recipient_lines,
        authority_line=authority_line(document),
        delegation_line=delegation_line(document),
        signer_title=signature_title(document),
        signer_name=person_name(document.signer),
        signed=document.status in SIGNED_STATES,
        draft=draft,
        numbered=numbered,
        urgency_mark=URGENCY_MARKS.get(document.urgency, ""),
        secrecy_mark=SECRECY_MARKS.get(document.secrecy, ""),
        document_id=document.pk,
        filename=filename(document, numbered=numbered),
    )
