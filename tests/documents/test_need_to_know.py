"""Need to know (design §15.1): the issuer side reads the whole trail; a recipient reads the
issuer's public steps and its own copy's events; a person it was shared with, the shares that
name them. The matrix below is the rule, written out for one document that went through
every kind of event; the API's ``/audit/`` and the document page read the same rows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from documents import selectors, services
from documents.models import Document
from tests.support import new_draft, receipt_for, user

pytestmark = pytest.mark.django_db

SIGN_NOTE = "Ký, lưu ý phần kinh phí"
RETURN_NOTE = "Bổ sung mục II, phần kinh phí"
SIGNER_RETURN = "Người ký trả lại: sửa câu đầu"
REFUSAL = "Không đúng thẩm quyền của phường"
REPORT = "Đã xây dựng kế hoạch của phường"
RECALL = "Ban hành nhầm đối tượng"
SHARED = "cb.quangdai"

#: Every event of the document below, in order, and who reads it. Columns: the drafter, the
#: issuer's auditor, the issuer's clerk, Bắc Sơn's clerk, Bắc Sơn's handler, Trung Sơn's
#: clerk (who refused), the person the draft was shared with (outside both sides).
VIEWERS = ("soanthao", "kiemtra", "vanthu", "vt.bacson", "cb.bacson", "vt.trungson", SHARED)
MATRIX = """
create                  Y Y Y . . . .
edit                    Y Y Y . . . .
grant                   Y Y Y . . . Y
submit                  Y Y Y . . . .
review>returned         Y Y Y . . . .
submit                  Y Y Y . . . .
review>format_check     Y Y Y . . . .
review>awaiting_signature Y Y Y . . . .
sign>returned           Y Y Y . . . .
submit                  Y Y Y . . . .
review>format_check     Y Y Y . . . .
review>awaiting_signature Y Y Y . . . .
hand_over               Y Y Y . . . .
sign>signed             Y Y Y Y Y Y Y
register>issued         Y Y Y Y Y Y Y
dispatch>dispatched     Y Y Y Y Y Y Y
deliver@bacson          Y Y Y Y Y . .
deliver@trungson        Y Y Y . . Y .
acknowledge@bacson      Y Y Y Y Y . .
refuse@trungson         Y Y Y . . Y .
assign@bacson           Y Y Y Y Y . .
start@bacson            Y Y Y Y Y . .
complete@bacson         Y Y Y Y Y . .
complete>completed      Y Y Y . . . .
recall>recalled         Y Y Y Y Y Y Y
"""


def _expected() -> dict[str, list[str]]:
    rows = [line.rsplit(maxsplit=len(VIEWERS)) for line in MATRIX.strip().splitlines()]
    return {
        viewer: [row[0] for row in rows if row[1 + column] == "Y"]
        for column, viewer in enumerate(VIEWERS)
    }


def _key(event) -> str:
    if event.receipt_id:
        return f"{event.action}@{event.receipt.organization.code}"
    if event.action in {"create", "edit", "grant", "submit", "hand_over"}:
        return event.action
    return f"{event.action}>{event.to_status}"


def _review_to_signature(doc: Document) -> Document:
    doc = services.submit(actor=user("soanthao"), document=doc)
    doc = services.review(actor=user("truongban"), document=doc, decision="approve")
    return services.review(actor=user("vanthu"), document=doc, decision="approve")


def every_kind_of_event() -> Document:
    recipients = [
        {"organization": "bacson", "purpose": "execute"},
        {"organization": "trungson", "purpose": "execute"},
    ]
    doc = new_draft(recipients=recipients)
    doc = services.edit_draft(actor=user("soanthao"), document=doc, body="Nội dung đã sửa.")
    services.share(actor=user("soanthao"), document=doc, person=SHARED, purpose="inform")
    doc = services.submit(actor=user("soanthao"), document=doc)
    doc = services.review(
        actor=user("truongban"), document=doc, decision="return", comment=RETURN_NOTE
    )
    doc = _review_to_signature(doc)
    doc = services.sign(
        actor=user("pct.huy"), document=doc, decision="return", comment=SIGNER_RETURN
    )
    doc = _review_to_signature(doc)
    doc = services.hand_over(actor=user("soanthao"), document=doc, signer=user("chutich"))
    doc = services.sign(actor=user("chutich"), document=doc, decision="sign", comment=SIGN_NOTE)
    doc = services.register(actor=user("vanthu"), document=doc)
    doc = services.dispatch(actor=user("vanthu"), document=doc)
    for code in ("bacson", "trungson"):
        services.deliver(receipt=receipt_for(doc, code))
    bacson = services.acknowledge(actor=user("vt.bacson"), receipt=receipt_for(doc, "bacson"))
    services.refuse(actor=user("vt.trungson"), receipt=receipt_for(doc, "trungson"), reason=REFUSAL)
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    bacson = services.assign(
        actor=user("ld.bacson"), receipt=bacson, assignee=user("cb.bacson"), deadline=deadline
    )
    bacson = services.start_handling(actor=user("cb.bacson"), receipt=bacson)
    services.complete(actor=user("cb.bacson"), receipt=bacson, report=REPORT)
    doc.refresh_from_db()
    return services.recall(actor=user("pct.huy"), document=doc, reason=RECALL)


@pytest.fixture
def doc(world) -> Document:
    return every_kind_of_event()


def test_the_matrix_is_every_event_of_the_document(doc):
    everything = [_key(e) for e in selectors.trail(user("soanthao"), doc)]
    assert everything == [line.split()[0] for line in MATRIX.strip().splitlines()]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_viewer_reads_the_events_the_matrix_gives(doc, viewer):
    events = selectors.trail(user(viewer), doc).select_related("receipt__organization")
    assert [_key(e) for e in events] == _expected()[viewer]


@pytest.mark.parametrize("viewer", ["vt.bacson", "cb.bacson", "vt.trungson", SHARED])
def test_outside_the_issuer_a_signature_comes_without_its_comment_a_recall_with_its_reason(
    doc, viewer
):
    shown = {_key(e): e.shown_comment for e in selectors.trail(user(viewer), doc)}
    assert shown["sign>signed"] == ""
    assert shown["recall>recalled"] == RECALL
    assert RETURN_NOTE not in shown.values() and SIGNER_RETURN not in shown.values()


def test_the_issuer_side_reads_every_comment(doc):
    comments = {e.shown_comment for e in selectors.trail(user("kiemtra"), doc)}
    assert {SIGN_NOTE, RETURN_NOTE, SIGNER_RETURN, REFUSAL, RECALL} <= comments


def test_a_secret_document_follows_the_same_rule(world):
    doc = new_draft(secrecy="mat", recipients=[{"organization": "bacson", "purpose": "execute"}])
    doc = services.submit(actor=user("soanthao"), document=doc)
    doc = services.review(
        actor=user("truongban"), document=doc, decision="return", comment=RETURN_NOTE
    )
    doc = _review_to_signature(doc)
    doc = services.sign(actor=user("pct.huy"), document=doc, decision="sign")
    doc = services.register(actor=user("vanthu"), document=doc)
    doc = services.dispatch(actor=user("vanthu"), document=doc)
    services.deliver(receipt=receipt_for(doc, "bacson"))
    keys = [_key(e) for e in selectors.trail(user("vt.bacson"), doc)]
    assert keys == ["sign>signed", "register>issued", "dispatch>dispatched", "deliver@bacson"]
