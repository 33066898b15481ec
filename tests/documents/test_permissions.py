"""The permission matrix (design.md sections 5 and 9): every action × every person × every state,
and the exact outcome the service gives.

    ok   the service performs the transition and writes an audit event
    404  NotFound: the person may not see the object at all
    403  Forbidden: the person sees it but has no role for this action
    409  Conflict: the person may take this action, but not in this state

The tables are written out by hand from the design, not derived from the code under test. The
states are built once for the module inside one outer transaction; every cell runs in its own
savepoint (pytest-django's per-test transaction), so an allowed action in one cell never leaks
into the next and the whole table runs in seconds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone

from documents import services
from documents.errors import Conflict, Forbidden, NotFound
from documents.models import AuditEvent, Document, DocumentStatus, Receipt, ReceiptStatus
from documents.obligations import Obligation, ObligationItem
from documents.selectors import allowed_actions, get_visible_receipt, open_tasks
from tests.factories import UserFactory
from tests.support import advance, new_draft, receipt_for, settle_all, user

pytestmark = pytest.mark.django_db

DOCUMENT_STATES = {
    "draft": "draft",
    "review": "in_review",
    "format": "format_check",
    "return": "returned",
    "await": "awaiting_signature",
    "signed": "signed",
    "issued": "issued",
    "disp": "dispatched",
    "done": "completed",
    "wdrawn": "withdrawn",
    "recall": "recalled",
}

# Roles: the issuer's drafter, reviewer, clerk, two signers (chutich is also its leader) and
# auditor; the bacson ward's clerk, leader and staff member (bacson is a recipient with purpose
# "execute"); quangdai's clerk (quangdai is not a recipient) and a person with no membership.
#
# Recipients see an ordinary document from the moment their copy arrives (dispatched on), never
# before, and never a withdrawn draft.
DOCUMENT_MATRIX = """
action          role          draft review format return await signed issued disp done wdrawn recall
edit            soanthao      ok    409    409    ok     409   409    409    409  409  409    409
edit            truongban     403   403    403    403    403   403    403    403  403  403    403
edit            vanthu        403   403    403    403    403   403    403    403  403  403    403
edit            pct.huy       403   403    403    403    403   403    403    403  403  403    403
edit            chutich       403   403    403    403    403   403    403    403  403  403    403
edit            kiemtra       403   403    403    403    403   403    403    403  403  403    403
edit            vt.bacson     404   404    404    404    404   404    404    403  403  404    403
edit            ld.bacson     404   404    404    404    404   404    404    403  403  404    403
edit            cb.bacson     404   404    404    404    404   404    404    403  403  404    403
edit            vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
edit            nobody        404   404    404    404    404   404    404    404  404  404    404

submit          soanthao      ok    409    409    ok     409   409    409    409  409  409    409
submit          truongban     403   403    403    403    403   403    403    403  403  403    403
submit          vanthu        403   403    403    403    403   403    403    403  403  403    403
submit          pct.huy       403   403    403    403    403   403    403    403  403  403    403
submit          chutich       403   403    403    403    403   403    403    403  403  403    403
submit          kiemtra       403   403    403    403    403   403    403    403  403  403    403
submit          vt.bacson     404   404    404    404    404   404    404    403  403  404    403
submit          ld.bacson     404   404    404    404    404   404    404    403  403  404    403
submit          cb.bacson     404   404    404    404    404   404    404    403  403  404    403
submit          vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
submit          nobody        404   404    404    404    404   404    404    404  404  404    404

withdraw        soanthao      ok    409    409    ok     409   409    409    409  409  409    409
withdraw        truongban     403   403    403    403    403   403    403    403  403  403    403
withdraw        vanthu        403   403    403    403    403   403    403    403  403  403    403
withdraw        pct.huy       403   403    403    403    403   403    403    403  403  403    403
withdraw        chutich       403   403    403    403    403   403    403    403  403  403    403
withdraw        kiemtra       403   403    403    403    403   403    403    403  403  403    403
withdraw        vt.bacson     404   404    404    404    404   404    404    403  403  404    403
withdraw        ld.bacson     404   404    404    404    404   404    404    403  403  404    403
withdraw        cb.bacson     404   404    404    404    404   404    404    403  403  404    403
withdraw        vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
withdraw        nobody        404   404    404    404    404   404    404    404  404  404    404

review_approve  soanthao      403   403    403    403    403   403    403    403  403  403    403
review_approve  truongban     409   ok     409    409    409   409    409    409  409  409    409
review_approve  vanthu        409   409    ok     409    409   409    409    409  409  409    409
review_approve  pct.huy       403   403    403    403    403   403    403    403  403  403    403
review_approve  chutich       403   403    403    403    403   403    403    403  403  403    403
review_approve  kiemtra       403   403    403    403    403   403    403    403  403  403    403
review_approve  vt.bacson     404   404    404    404    404   404    404    403  403  404    403
review_approve  ld.bacson     404   404    404    404    404   404    404    403  403  404    403
review_approve  cb.bacson     404   404    404    404    404   404    404    403  403  404    403
review_approve  vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
review_approve  nobody        404   404    404    404    404   404    404    404  404  404    404

review_return   soanthao      403   403    403    403    403   403    403    403  403  403    403
review_return   truongban     409   ok     409    409    409   409    409    409  409  409    409
review_return   vanthu        409   409    ok     409    409   409    409    409  409  409    409
review_return   pct.huy       403   403    403    403    403   403    403    403  403  403    403
review_return   chutich       403   403    403    403    403   403    403    403  403  403    403
review_return   kiemtra       403   403    403    403    403   403    403    403  403  403    403
review_return   vt.bacson     404   404    404    404    404   404    404    403  403  404    403
review_return   ld.bacson     404   404    404    404    404   404    404    403  403  404    403
review_return   cb.bacson     404   404    404    404    404   404    404    403  403  404    403
review_return   vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
review_return   nobody        404   404    404    404    404   404    404    404  404  404    404

sign            soanthao      403   403    403    403    403   403    403    403  403  403    403
sign            truongban     403   403    403    403    403   403    403    403  403  403    403
sign            vanthu        403   403    403    403    403   403    403    403  403  403    403
sign            pct.huy       409   409    409    409    ok    409    409    409  409  409    409
sign            chutich       409   409    409    409    ok    409    409    409  409  409    409
sign            kiemtra       403   403    403    403    403   403    403    403  403  403    403
sign            vt.bacson     404   404    404    404    404   404    404    403  403  404    403
sign            ld.bacson     404   404    404    404    404   404    404    403  403  404    403
sign            cb.bacson     404   404    404    404    404   404    404    403  403  404    403
sign            vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
sign            nobody        404   404    404    404    404   404    404    404  404  404    404

sign_return     soanthao      403   403    403    403    403   403    403    403  403  403    403
sign_return     truongban     403   403    403    403    403   403    403    403  403  403    403
sign_return     vanthu        403   403    403    403    403   403    403    403  403  403    403
sign_return     pct.huy       409   409    409    409    ok    409    409    409  409  409    409
sign_return     chutich       409   409    409    409    ok    409    409    409  409  409    409
sign_return     kiemtra       403   403    403    403    403   403    403    403  403  403    403
sign_return     vt.bacson     404   404    404    404    404   404    404    403  403  404    403
sign_return     ld.bacson     404   404    404    404    404   404    404    403  403  404    403
sign_return     cb.bacson     404   404    404    404    404   404    404    403  403  404    403
sign_return     vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
sign_return     nobody        404   404    404    404    404   404    404    404  404  404    404

hand_over       soanthao      409   409    409    409    ok    409    409    409  409  409    409
hand_over       truongban     403   403    403    403    403   403    403    403  403  403    403
hand_over       vanthu        403   403    403    403    403   403    403    403  403  403    403
hand_over       pct.huy       409   409    409    409    ok    409    409    409  409  409    409
hand_over       chutich       409   409    409    409    ok    409    409    409  409  409    409
hand_over       kiemtra       403   403    403    403    403   403    403    403  403  403    403
hand_over       vt.bacson     404   404    404    404    404   404    404    403  403  404    403
hand_over       ld.bacson     404   404    404    404    404   404    404    403  403  404    403
hand_over       cb.bacson     404   404    404    404    404   404    404    403  403  404    403
hand_over       vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
hand_over       nobody        404   404    404    404    404   404    404    404  404  404    404

register        soanthao      403   403    403    403    403   403    403    403  403  403    403
register        truongban     403   403    403    403    403   403    403    403  403  403    403
register        vanthu        409   409    409    409    409   ok     409    409  409  409    409
register        pct.huy       403   403    403    403    403   403    403    403  403  403    403
register        chutich       403   403    403    403    403   403    403    403  403  403    403
register        kiemtra       403   403    403    403    403   403    403    403  403  403    403
register        vt.bacson     404   404    404    404    404   404    404    403  403  404    403
register        ld.bacson     404   404    404    404    404   404    404    403  403  404    403
register        cb.bacson     404   404    404    404    404   404    404    403  403  404    403
register        vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
register        nobody        404   404    404    404    404   404    404    404  404  404    404

dispatch        soanthao      403   403    403    403    403   403    403    403  403  403    403
dispatch        truongban     403   403    403    403    403   403    403    403  403  403    403
dispatch        vanthu        409   409    409    409    409   409    ok     409  409  409    409
dispatch        pct.huy       403   403    403    403    403   403    403    403  403  403    403
dispatch        chutich       403   403    403    403    403   403    403    403  403  403    403
dispatch        kiemtra       403   403    403    403    403   403    403    403  403  403    403
dispatch        vt.bacson     404   404    404    404    404   404    404    403  403  404    403
dispatch        ld.bacson     404   404    404    404    404   404    404    403  403  404    403
dispatch        cb.bacson     404   404    404    404    404   404    404    403  403  404    403
dispatch        vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
dispatch        nobody        404   404    404    404    404   404    404    404  404  404    404

recall          soanthao      403   403    403    403    403   403    403    403  403  403    403
recall          truongban     403   403    403    403    403   403    403    403  403  403    403
recall          vanthu        403   403    403    403    403   403    403    403  403  403    403
recall          pct.huy       409   409    409    409    409   409    409    ok   ok   409    409
recall          chutich       409   409    409    409    409   409    409    ok   ok   409    409
recall          kiemtra       403   403    403    403    403   403    403    403  403  403    403
recall          vt.bacson     404   404    404    404    404   404    404    403  403  404    403
recall          ld.bacson     404   404    404    404    404   404    404    403  403  404    403
recall          cb.bacson     404   404    404    404    404   404    404    403  403  404    403
recall          vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
recall          nobody        404   404    404    404    404   404    404    404  404  404    404
chase           soanthao      409   409    409    409    409   409    409    ok   ok   409    409
chase           truongban     403   403    403    403    403   403    403    403  403  403    403
chase           vanthu        409   409    409    409    409   409    409    ok   ok   409    409
chase           pct.huy       403   403    403    403    403   409    409    ok   ok   403    409
chase           chutich       403   403    403    403    403   403    403    403  403  403    403
chase           kiemtra       403   403    403    403    403   403    403    403  403  403    403
chase           vt.bacson     404   404    404    404    404   404    404    403  403  404    403
chase           ld.bacson     404   404    404    404    404   404    404    403  403  404    403
chase           cb.bacson     404   404    404    404    404   404    404    403  403  404    403
chase           vt.quangdai   404   404    404    404    404   404    404    404  404  404    404
chase           nobody        404   404    404    404    404   404    404    404  404  404    404
"""

RECEIPT_STATES = {
    "pending": "pending",
    "deliv": "delivered",
    "refused": "refused",
    "ack": "acknowledged",
    "ack_bc": "acknowledged",  # the same, for a recipient that only reports (b/c)
    "assigned": "assigned",
    "in_prog": "in_progress",
    "done": "completed",
}

# The bacson ward's copy of a document. A pending copy has not arrived: the recipient side does
# not know it exists. The issuer side follows every copy but acts on none. cb.bacson is the
# handler the leader assigns; before that he has no part in it.
RECEIPT_MATRIX = """
action       role          pending deliv refused ack  ack_bc assigned in_prog done
acknowledge  soanthao      403     403   403     403  403    403      403     403
acknowledge  truongban     403     403   403     403  403    403      403     403
acknowledge  vanthu        403     403   403     403  403    403      403     403
acknowledge  pct.huy       403     403   403     403  403    403      403     403
acknowledge  chutich       403     403   403     403  403    403      403     403
acknowledge  kiemtra       403     403   403     403  403    403      403     403
acknowledge  vt.bacson     404     ok    409     409  409    409      409     409
acknowledge  ld.bacson     404     403   403     403  403    403      403     403
acknowledge  cb.bacson     404     403   403     403  403    403      403     403
acknowledge  vt.quangdai   404     404   404     404  404    404      404     404
acknowledge  nobody        404     404   404     404  404    404      404     404

refuse       soanthao      403     403   403     403  403    403      403     403
refuse       truongban     403     403   403     403  403    403      403     403
refuse       vanthu        403     403   403     403  403    403      403     403
refuse       pct.huy       403     403   403     403  403    403      403     403
refuse       chutich       403     403   403     403  403    403      403     403
refuse       kiemtra       403     403   403     403  403    403      403     403
refuse       vt.bacson     404     ok    409     409  409    409      409     409
refuse       ld.bacson     404     403   403     403  403    403      403     403
refuse       cb.bacson     404     403   403     403  403    403      403     403
refuse       vt.quangdai   404     404   404     404  404    404      404     404
refuse       nobody        404     404   404     404  404    404      404     404

assign       soanthao      403     403   403     403  403    403      403     403
assign       truongban     403     403   403     403  403    403      403     403
assign       vanthu        403     403   403     403  403    403      403     403
assign       pct.huy       403     403   403     403  403    403      403     403
assign       chutich       403     403   403     403  403    403      403     403
assign       kiemtra       403     403   403     403  403    403      403     403
assign       vt.bacson     404     403   403     403  403    403      403     403
assign       ld.bacson     404     409   409     ok   409    409      409     409
assign       cb.bacson     404     403   403     403  403    403      403     403
assign       vt.quangdai   404     404   404     404  404    404      404     404
assign       nobody        404     404   404     404  404    404      404     404

complete     soanthao      403     403   403     403  403    403      403     403
complete     truongban     403     403   403     403  403    403      403     403
complete     vanthu        403     403   403     403  403    403      403     403
complete     pct.huy       403     403   403     403  403    403      403     403
complete     chutich       403     403   403     403  403    403      403     403
complete     kiemtra       403     403   403     403  403    403      403     403
complete     vt.bacson     404     403   403     403  403    403      403     403
complete     ld.bacson     404     403   403     403  403    403      403     403
complete     cb.bacson     404     403   403     403  403    ok       ok      409
complete     vt.quangdai   404     404   404     404  404    404      404     404
complete     nobody        404     404   404     404  404    404      404     404

progress     soanthao      403     403   403     403  403    403      403     403
progress     truongban     403     403   403     403  403    403      403     403
progress     vanthu        403     403   403     403  403    403      403     403
progress     pct.huy       403     403   403     403  403    403      403     403
progress     chutich       403     403   403     403  403    403      403     403
progress     kiemtra       403     403   403     403  403    403      403     403
progress     vt.bacson     404     403   403     403  403    403      403     403
progress     ld.bacson     404     403   403     403  403    403      403     403
progress     cb.bacson     404     403   403     403  403    ok       ok      409
progress     vt.quangdai   404     404   404     404  404    404      404     404
progress     nobody        404     404   404     404  404    404      404     404

contribute   soanthao      403     403   403     403  403    403      403     403
contribute   truongban     403     403   403     403  403    403      403     403
contribute   vanthu        403     403   403     403  403    403      403     403
contribute   pct.huy       403     403   403     403  403    403      403     403
contribute   chutich       403     403   403     403  403    403      403     403
contribute   kiemtra       403     403   403     403  403    403      403     403
contribute   vt.bacson     404     403   403     403  403    403      403     403
contribute   ld.bacson     404     403   403     403  403    403      403     403
contribute   cb.bacson     404     403   403     403  403    403      403     403
contribute   vt.quangdai   404     404   404     404  404    404      404     404
contribute   nobody        404     404   404     404  404    404      404     404
"""

ERRORS = {"404": NotFound, "403": Forbidden, "409": Conflict}


def parse(table: str, states: dict[str, str]) -> list[tuple[str, str, str, str]]:
    lines = [line.split() for line in table.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    assert header[:2] == ["action", "role"] and header[2:] == list(states), header
    cells = []
    for action, role, *outcomes in rows:
        assert len(outcomes) == len(states), (action, role)
        for column, outcome in zip(states, outcomes, strict=True):
            assert outcome in ("ok", *ERRORS), (action, role, column, outcome)
            cells.append((action, role, column, outcome))
    return cells


DOCUMENT_CELLS = parse(DOCUMENT_MATRIX, DOCUMENT_STATES)
RECEIPT_CELLS = parse(RECEIPT_MATRIX, RECEIPT_STATES)
ROLES = sorted({role for _, role, _, _ in DOCUMENT_CELLS})


def test_the_tables_cover_every_action_role_and_state():
    document_actions = {a for a, _, _, _ in DOCUMENT_CELLS}
    receipt_actions = {a for a, _, _, _ in RECEIPT_CELLS}
    assert document_actions == set(DOCUMENT_ACTIONS)
    assert receipt_actions == set(RECEIPT_ACTIONS)
    assert len(DOCUMENT_CELLS) == len(DOCUMENT_ACTIONS) * len(ROLES) * len(DOCUMENT_STATES)
    assert len(RECEIPT_CELLS) == len(RECEIPT_ACTIONS) * len(ROLES) * len(RECEIPT_STATES)
    assert set(DOCUMENT_STATES.values()) == {s.value for s in DocumentStatus}
    assert set(RECEIPT_STATES.values()) == {s.value for s in ReceiptStatus}


# ---------------------------------------------------------------------------------------------
# What each action does when it is allowed: (call, the audit verb, the state it leads to).


def _deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=10)


DOCUMENT_ACTIONS = {
    "edit": (
        lambda actor, doc: services.edit_draft(actor=actor, document=doc, title="Trích yếu mới"),
        "edit",
        lambda state: state,
    ),
    "submit": (
        lambda actor, doc: services.submit(actor=actor, document=doc),
        "submit",
        lambda state: "in_review",
    ),
    "withdraw": (
        lambda actor, doc: services.withdraw(actor=actor, document=doc, reason="Không cần nữa"),
        "withdraw",
        lambda state: "withdrawn",
    ),
    "review_approve": (
        lambda actor, doc: services.review(actor=actor, document=doc, decision="approve"),
        "review",
        lambda state: {"in_review": "format_check", "format_check": "awaiting_signature"}[state],
    ),
    "review_return": (
        lambda actor, doc: services.review(
            actor=actor, document=doc, decision="return", comment="Sửa mục II."
        ),
        "review",
        lambda state: "returned",
    ),
    "sign": (
        lambda actor, doc: services.sign(actor=actor, document=doc, decision="sign"),
        "sign",
        lambda state: "signed",
    ),
    "sign_return": (
        lambda actor, doc: services.sign(
            actor=actor, document=doc, decision="return", comment="Chưa ký, xem lại số liệu."
        ),
        "sign",
        lambda state: "returned",
    ),
    "hand_over": (
        lambda actor, doc: services.hand_over(
            actor=actor,
            document=doc,
            signer=user("pct.huy" if actor.username == "chutich" else "chutich"),
            comment="Đồng chí Phó Chủ tịch đi công tác.",
        ),
        "hand_over",
        lambda state: state,
    ),
    "register": (
        lambda actor, doc: services.register(actor=actor, document=doc),
        "register",
        lambda state: "issued",
    ),
    "dispatch": (
        lambda actor, doc: services.dispatch(actor=actor, document=doc),
        "dispatch",
        lambda state: "dispatched",
    ),
    "recall": (
        lambda actor, doc: services.recall(actor=actor, document=doc, reason="Ban hành nhầm"),
        "recall",
        lambda state: "recalled",
    ),
    # Every copy of the document: all of them still wait on their recipients while it is
    # dispatched; once completed, what is still owed under an obligation is chased.
    "chase": (
        lambda actor, doc: _chase(actor, doc),
        "chase",
        lambda state: state,
    ),
}


def _chase(actor, doc: Document) -> Document:
    if doc.status != DocumentStatus.COMPLETED:
        return services.chase(actor=actor, document=doc, receipts=list(doc.receipts.all())).document
    # Every copy settled, every organisation still owing the report, past its due date.
    owed = Obligation.objects.create(
        document=doc, kind="report", title="Báo cáo kết quả", due=timezone.localdate()
    )
    ObligationItem.objects.bulk_create(
        ObligationItem(obligation=owed, organization=r.organization, due=owed.due)
        for r in doc.receipts.select_related("organization")
    )
    return services.chase_obligations(actor=actor, document=doc, obligation=owed.pk).document


RECEIPT_ACTIONS = {
    "acknowledge": (
        lambda actor, receipt: services.acknowledge(actor=actor, receipt=receipt),
        "acknowledged",
    ),
    "refuse": (
        lambda actor, receipt: services.refuse(
            actor=actor, receipt=receipt, reason="Không đúng thẩm quyền"
        ),
        "refused",
    ),
    "assign": (
        lambda actor, receipt: services.assign(
            actor=actor, receipt=receipt, assignee=user("cb.bacson"), deadline=_deadline()
        ),
        "assigned",
    ),
    "complete": (
        lambda actor, receipt: services.complete(
            actor=actor, receipt=receipt, report="Đã xây dựng kế hoạch của phường."
        ),
        "completed",
    ),
    # A progress note or a phối hợp contribution leaves the copy where it is.
    "progress": (
        lambda actor, receipt: services.post_progress(
            actor=actor, receipt=receipt, note="Đã họp triển khai."
        ),
        lambda state: state,
    ),
    "contribute": (
        lambda actor, receipt: services.contribute(
            actor=actor, receipt=receipt, contribution="Đã rà soát số liệu."
        ),
        lambda state: state,
    ),
}

#: Rule names of documents.selectors for the matrix's actions.
RULE_OF = {
    "edit": "edit",
    "submit": "submit",
    "withdraw": "withdraw",
    "review_approve": "review",
    "review_return": "review",
    "sign": "sign",
    "sign_return": "sign",
    "hand_over": "hand_over",
    "register": "register",
    "dispatch": "dispatch",
    "recall": "recall",
    "chase": "chase",
    "acknowledge": "acknowledge",
    "refuse": "refuse",
    "assign": "assign",
    "complete": "complete",
    "progress": "progress",
    "contribute": "contribute",
}


# ---------------------------------------------------------------------------------------------
# The states, built once per module.


@dataclass
class Built:
    documents: dict[str, int]
    receipts: dict[str, int]
    users: dict[str, object]


def _deliver_all(document: Document) -> None:
    for receipt in document.receipts.order_by("pk"):
        services.deliver(receipt=receipt)


def _document_at(state: str) -> Document:
    doc = new_draft(title=f"Kế hoạch ma trận quyền: {state}")
    if state in ("dispatched", "completed", "recalled"):
        doc = advance(doc, "dispatched")
        _deliver_all(doc)
        if state == "completed":
            settle_all(doc)
        elif state == "recalled":
            services.recall(actor=user("pct.huy"), document=doc, reason="Ban hành nhầm")
        doc.refresh_from_db()
    else:
        doc = advance(doc, state)
    assert doc.status == state
    return doc


def _receipt_at(column: str) -> Receipt:
    purpose = "report" if column == "ack_bc" else "execute"
    doc = new_draft(
        title=f"Văn bản ma trận nơi nhận: {column}",
        recipients=[{"organization": "bacson", "purpose": purpose}],
    )
    doc = advance(doc, "dispatched")
    receipt = receipt_for(doc, "bacson")
    state = RECEIPT_STATES[column]
    if state != "pending":
        services.deliver(receipt=receipt)
    if state == "refused":
        services.refuse(actor=user("vt.bacson"), receipt=receipt, reason="Gửi nhầm")
    if state in ("acknowledged", "assigned", "in_progress", "completed"):
        services.acknowledge(actor=user("vt.bacson"), receipt=receipt)
    if state in ("assigned", "in_progress", "completed"):
        services.assign(
            actor=user("ld.bacson"),
            receipt=receipt,
            assignee=user("cb.bacson"),
            deadline=_deadline(),
        )
    if state == "in_progress":
        services.start_handling(actor=user("cb.bacson"), receipt=receipt)
    if state == "completed":
        services.complete(actor=user("cb.bacson"), receipt=receipt, report="Xong")
    receipt.refresh_from_db()
    assert receipt.status == state
    return receipt


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """Every state once, inside a transaction that is rolled back after the module; each test's
    own transaction nests inside it as a savepoint."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            users = {name: user(name) for name in ROLES if name != "nobody"}
            users["nobody"] = UserFactory(username="khongthuoc")
            result = Built(
                documents={col: _document_at(s).pk for col, s in DOCUMENT_STATES.items()},
                receipts={col: _receipt_at(col).pk for col in RECEIPT_STATES},
                users=users,
            )
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield result
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _ids(cells):
    return [f"{action}-{role}-{column}" for action, role, column, _ in cells]


@pytest.mark.parametrize("action, role, column, outcome", DOCUMENT_CELLS, ids=_ids(DOCUMENT_CELLS))
def test_document_permission_matrix(built, action, role, column, outcome):
    state = DOCUMENT_STATES[column]
    actor = built.users[role]
    doc = Document.objects.get(pk=built.documents[column])
    call, verb, target = DOCUMENT_ACTIONS[action]
    events_before = AuditEvent.objects.count()
    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()

    if outcome == "ok":
        result = call(actor, doc)
        doc.refresh_from_db()
        assert result.status == doc.status == target(state)
        new = list(AuditEvent.objects.filter(seq__gt=last_seq, document=doc))
        expected = [(verb, actor.pk, state, target(state))]
        if action == "chase":
            # One event per copy chased, none on the document itself.
            expected = [(verb, actor.pk, "", "")] * doc.receipts.count()
        assert [(e.action, e.actor_id, e.from_status, e.to_status) for e in new] == expected
        if action == "register":
            assert doc.number and doc.symbol.endswith("/KH-MTTQ-BTT")
        if action == "dispatch":
            assert doc.receipts.count() == doc.recipients.count() == 3
    else:
        with pytest.raises(ERRORS[outcome]) as raised:
            call(actor, doc)
        assert type(raised.value) is ERRORS[outcome]
        assert AuditEvent.objects.count() == events_before
        doc.refresh_from_db()
        assert doc.status == state


@pytest.mark.parametrize("action, role, column, outcome", RECEIPT_CELLS, ids=_ids(RECEIPT_CELLS))
def test_receipt_permission_matrix(built, action, role, column, outcome):
    state = RECEIPT_STATES[column]
    actor = built.users[role]
    receipt = Receipt.objects.get(pk=built.receipts[column])
    call, target = RECEIPT_ACTIONS[action]
    target = target(state) if callable(target) else target
    events_before = AuditEvent.objects.count()
    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()

    if outcome == "ok":
        result = call(actor, receipt)
        receipt.refresh_from_db()
        assert result.status == receipt.status == target
        own = AuditEvent.objects.filter(seq__gt=last_seq, receipt=receipt)
        assert [(e.action, e.actor_id, e.from_status, e.to_status) for e in own] == [
            (action, actor.pk, state, target)
        ]
        if action == "acknowledge":
            assert receipt.incoming_number is not None
    else:
        with pytest.raises(ERRORS[outcome]) as raised:
            call(actor, receipt)
        assert type(raised.value) is ERRORS[outcome]
        assert AuditEvent.objects.count() == events_before
        receipt.refresh_from_db()
        assert receipt.status == state


# ---------------------------------------------------------------------------------------------
# The selector that drives the UI's buttons and the API's available_actions agrees with the
# tables, cell for cell.


def _expected_rules(cells, role, column) -> set[str]:
    return {
        RULE_OF[a] for a, r, c, outcome in cells if r == role and c == column and outcome == "ok"
    }


@pytest.mark.parametrize("column", list(DOCUMENT_STATES))
def test_allowed_actions_on_documents_agree_with_the_matrix(built, column):
    doc = Document.objects.get(pk=built.documents[column])
    for role in ROLES:
        expected = _expected_rules(DOCUMENT_CELLS, role, column)
        if "edit" in expected:
            expected.add("attach")  # attaching a file is editing the draft
        got = set(allowed_actions(built.users[role], doc))
        assert got == expected, (role, column)


@pytest.mark.parametrize("column", list(RECEIPT_STATES))
def test_allowed_actions_on_receipts_agree_with_the_matrix(built, column):
    receipt = Receipt.objects.get(pk=built.receipts[column])
    for role in ROLES:
        expected = _expected_rules(RECEIPT_CELLS, role, column)
        if column == "assigned" and role == "cb.bacson":
            expected.add("start")  # the handler may also mark it in progress first
        got = set(allowed_actions(built.users[role], receipt))
        assert got == expected, (role, column)


def test_a_report_only_recipient_is_not_assigned_but_an_executing_one_is(built):
    report = Receipt.objects.get(pk=built.receipts["ack_bc"])
    execute = Receipt.objects.get(pk=built.receipts["ack"])
    leader = built.users["ld.bacson"]
    assert report.purpose == "report" and execute.purpose == "execute"
    assert "assign" not in allowed_actions(leader, report)
    assert allowed_actions(leader, execute) == ["assign"]


# ---------------------------------------------------------------------------------------------
# Beyond the table


def test_without_a_format_check_the_reviewer_sends_it_straight_to_signature(world):
    issuer = world.org("mttq-samson")
    issuer.requires_format_check = False
    issuer.save()
    doc = advance(new_draft(), "in_review")
    with pytest.raises(Conflict):
        services.review(actor=user("vanthu"), document=doc, decision="approve")
    doc = services.review(actor=user("truongban"), document=doc, decision="approve")
    assert doc.status == "awaiting_signature"
    assert allowed_actions(user("pct.huy"), doc) == ["sign", "hand_over"]


def test_nobody_acts_on_the_copies_of_a_recalled_document(world):
    doc = advance(new_draft(), "dispatched")
    for receipt in doc.receipts.all():
        services.deliver(receipt=receipt)
    trungson = receipt_for(doc, "trungson")
    services.acknowledge(actor=user("vt.trungson"), receipt=trungson)
    services.assign(
        actor=user("ld.trungson"),
        receipt=trungson,
        assignee=user("cb.trungson"),
        deadline=_deadline(),
    )
    thanhuy = receipt_for(doc, "thanhuy")
    services.acknowledge(actor=user("vt.thanhuy"), receipt=thanhuy)
    services.recall(actor=user("pct.huy"), document=doc, reason="Ban hành nhầm")

    bacson = receipt_for(doc, "bacson")
    attempts = [
        ("vt.bacson", bacson, RECEIPT_ACTIONS["acknowledge"][0]),
        ("vt.bacson", bacson, RECEIPT_ACTIONS["refuse"][0]),
        ("cb.trungson", trungson, RECEIPT_ACTIONS["complete"][0]),
    ]
    events = AuditEvent.objects.count()
    for username, receipt, call in attempts:
        with pytest.raises(Conflict):
            call(user(username), receipt)
        assert allowed_actions(user(username), receipt) == []
    assert AuditEvent.objects.count() == events
    assert receipt_for(doc, "bacson").status == "delivered"
    assert receipt_for(doc, "trungson").status == "assigned"
    # Nor are they anyone's task any more.
    for username in ("vt.bacson", "cb.trungson"):
        assert not [t for t in open_tasks(user(username)) if t["t_document"] == doc.pk]
    # The copies stay readable: the recipients must know it was recalled.
    assert get_visible_receipt(user("vt.bacson"), bacson.pk) == bacson
