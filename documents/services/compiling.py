"""Tổng hợp kết quả chung: from the replies that fulfilled one of a document's obligations,
the issuer drafts its own Báo cáo to the body above it (the city's report to the province),
which then goes through its own review and signing like any draft."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from ..choices import DocType
from ..errors import InvalidInput, NotFound
from ..models import Document, Receipt
from ..obligations import ItemStatus
from ..periods import Period
from ..selectors import rollup
from .drafting import create_draft

#: What a fulfilled item says in the report, and what an open one does.
_DONE = {ItemStatus.FULFILLED: "đúng hạn", ItemStatus.FULFILLED_LATE: "nộp muộn"}


def compile_report(
    *, actor, document: Document | int, obligation: int, period: str | None = None
) -> Document:
    """A draft Báo cáo of the document's issuer, addressed to its parent organisation, that
    lists every organisation's result under ``obligation`` (the roll-up's statuses) and cites
    exactly the replies that fulfilled it (the issuer's own copies of them, as Căn cứ). A
    recurring obligation is compiled for one period: ``period`` by its key, else the current
    one (the first not yet due, else the last). Only the issuer side reads the roll-up
    (404/403 as there); only its drafters draft (403); an obligation of another document is
    not found; a period it does not have is a field error."""
    document_id: int = document if isinstance(document, int) else document.pk
    asked, rollups = rollup(actor, document_id)
    whole = next((r for r in rollups if r.obligation.pk == obligation), None)
    if whole is None:
        raise NotFound()
    chosen = whole.obligation.period_by_key(period) if period else whole.current()
    if chosen is None:
        raise InvalidInput({"period": [_("Yêu cầu không có kỳ báo cáo này.")]})
    row = whole.of_period(chosen)
    issuer = asked.issuer
    parent = issuer.parent
    if parent is None:
        raise InvalidInput({"obligation": [_("Cơ quan ban hành không có cấp trên để báo cáo.")]})
    done = [r for r in row.items if r.status in _DONE]
    replies = {r.item.reply_id for r in done}
    copies = Receipt.objects.filter(document_id__in=replies, organization=issuer).values_list(
        "pk", flat=True
    )
    return create_draft(
        actor=actor,
        issuer=issuer,
        doc_type=DocType.BC,
        title=" ".join(
            filter(None, [f"Kết quả thực hiện {_kind_and_number(asked)}", chosen.label])
        ),
        body=_body(asked, row, chosen, done, Document.objects.in_bulk(replies)),
        authority_prefix=asked.authority_prefix,
        collective_name=asked.collective_name,
        signer_title=asked.signer_title,
        signer=asked.signer.username if asked.signer else None,
        recipients=[{"organization": parent.code, "purpose": "report"}],
        references=list(copies),
        luu=asked.luu,
    )


def _kind_and_number(document: Document) -> str:
    with override("vi"):
        kind = str(DocType(document.doc_type).label).lower()
    return f"{kind} số {document.symbol}"


def _body(document: Document, row, period: Period, done, replies: dict[int, Document]) -> str:
    """The report's text in the sheet's own structure: parts (I., II., III.) and one
    sentence per organisation, so each prints as a line of its own."""
    counts = row.counts
    owed = " ".join(filter(None, [row.obligation.title, period.label]))
    issued = timezone.localtime(document.issued_at) if document.issued_at else None
    on = f" ngày {issued:%d/%m/%Y}" if issued else ""
    summary = (
        f"Thực hiện {_kind_and_number(document)}{on} của {document.issuer.name} "
        f"về {document.title}, {counts['total']} đơn vị phải nộp {owed} "
        f"(hạn {period.due:%d/%m/%Y}). Đến nay đã nhận {len(done)} "
        f"(đúng hạn {counts['fulfilled']}, nộp muộn {counts['late']}); "
        f"chưa nộp {counts['pending']}; từ chối {counts['refused']}."
    )
    lines = ["I. TÌNH HÌNH THỰC HIỆN", summary, "II. KẾT QUẢ CỦA CÁC ĐƠN VỊ"]
    for n, r in enumerate(done, start=1):
        reply = replies[r.item.reply_id]
        dated = timezone.localtime(reply.issued_at or r.item.fulfilled_at)
        lines.append(
            f"{n}. {r.item.organization.name}: văn bản số {reply.symbol} ngày "
            f"{dated:%d/%m/%Y} ({_DONE[r.status]})."
        )
    if not done:
        lines.append("Chưa có đơn vị nào nộp.")
    missing = [r.item.organization.name for r in row.items if r.status not in _DONE]
    if missing:
        lines += ["III. CÁC ĐƠN VỊ CHƯA NỘP", "; ".join(missing) + "."]
    return "\n".join(lines)
