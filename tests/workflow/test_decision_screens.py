"""Deciding with the facts: the review, format-check, sign and revise screens show the body,
the attachments and the earlier comments (the return reason at the top of the revise
screen); no decision is chosen beforehand; a return asks for its comment on the field. The
document page offers the drafter's withdrawal and the signer's recall to whom may take them.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from viewflow.workflow import STATUS

from documents import services
from documents.models import DocumentStatus
from tests.support import advance, attach, new_draft, receipt_for, sign_in, user
from tests.workflow.screens import task_url, text_of
from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)
from workflow.bookkeeping import open_task

pytestmark = pytest.mark.any_engine

S = DocumentStatus
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
BODY = "Tuyên truyền sâu rộng trong toàn thành phố về Ngày hội Đại đoàn kết."
RETURN = "Bổ sung mục kinh phí và thời gian thực hiện."


def radios(html: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)


def field_errors(html: str, field: str) -> str:
    """The errors shown in the form field block of ``field``."""
    for block in html.split('<div class="vb-field')[1:]:
        if f'name="{field}"' in block.split("</label>", 1)[-1].split('class="vb-help"')[0]:
            return " ".join(re.findall(r'<div class="vb-error"[^>]*>(.*?)</div>', block))
    return ""


@pytest.fixture
def returned_once(world, committed):
    """A draft with a body and a PDF, returned by the head of unit with a reason, revised
    and submitted again: now in review a second time."""
    document = committed(new_draft, body=BODY, signer="pct.huy")
    attach(document, "de-cuong.pdf", PDF, "application/pdf")
    committed(services.submit, actor=user("soanthao"), document=document)
    committed(
        services.review,
        actor=user("truongban"),
        document=document,
        decision="return",
        comment=RETURN,
    )
    return document


# ---------------------------------------------------------------------------------------------
# Nothing chosen beforehand; a decision and a return's comment asked for on the field


@pytest.mark.parametrize(
    "to, username, name",
    [
        (S.IN_REVIEW, "truongban", "decision"),
        (S.FORMAT_CHECK, "vanthu", "decision"),
        (S.AWAITING_SIGNATURE, "pct.huy", "decision"),
        (S.DISPATCHED, "vt.bacson", "decision"),
    ],
)
def test_no_decision_is_chosen_beforehand(world, client, committed, to, username, name):
    document = committed(new_draft, signer="pct.huy")
    committed(advance, document, to)
    artifact = receipt_for(document, "bacson") if to == S.DISPATCHED else document
    if to == S.DISPATCHED:
        committed(services.deliver, receipt=artifact)
    url = task_url(artifact)
    before = open_task(artifact).status
    sign_in(client, username)
    html = client.get(url).content.decode()
    choices = radios(html, name)
    assert len(choices) >= 2
    assert not [c for c in choices if "checked" in c], choices

    # Sent without a decision: said on the field, in Vietnamese; nothing changes.
    response = committed(client.post, url, {"comment": "", "reason": ""})
    assert response.status_code == 200
    assert "Chọn một quyết định." in field_errors(response.content.decode(), "decision")
    artifact.refresh_from_db()
    assert artifact.status == (to if to != S.DISPATCHED else "delivered")
    assert open_task(artifact).status == before != STATUS.DONE


@pytest.mark.parametrize(
    "to, username",
    [(S.IN_REVIEW, "truongban"), (S.FORMAT_CHECK, "vanthu"), (S.AWAITING_SIGNATURE, "pct.huy")],
)
def test_a_return_asks_for_its_comment_in_place(world, client, committed, to, username):
    document = committed(new_draft, signer="pct.huy")
    committed(advance, document, to)
    url = task_url(document)
    sign_in(client, username)
    response = committed(client.post, url, {"decision": "return", "comment": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trả lại phải kèm ý kiến" in field_errors(html, "comment")
    # The chosen decision stays chosen for the second try.
    assert [c for c in radios(html, "decision") if "checked" in c] == [
        c for c in radios(html, "decision") if 'value="return"' in c
    ]
    document.refresh_from_db()
    assert document.status == to
    assert not document.audit_events.filter(data__decision="return").exists()

    response = committed(client.post, url, {"decision": "return", "comment": RETURN})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == S.RETURNED


def test_a_refusal_asks_for_its_reason_in_place(world, client, committed):
    document = committed(new_draft)
    committed(advance, document, S.DISPATCHED)
    receipt = receipt_for(document, "bacson")
    committed(services.deliver, receipt=receipt)
    sign_in(client, "vt.bacson")
    response = committed(client.post, task_url(receipt), {"decision": "refuse", "reason": ""})
    assert response.status_code == 200
    assert "Từ chối phải nêu lý do." in field_errors(response.content.decode(), "reason")
    receipt.refresh_from_db()
    assert receipt.status == "delivered"


# ---------------------------------------------------------------------------------------------
# The facts beside the decision


def test_the_revise_screen_puts_the_return_reason_first(returned_once, client):
    document = returned_once
    sign_in(client, "soanthao")
    response = client.get(task_url(document))
    assert response.status_code == 200
    html = response.content.decode()
    reason = html.split('data-testid="return-reason"')[1].split("</div>\n")[0]
    assert "Lý do trả lại" in reason and RETURN in reason
    assert html.index('data-testid="return-reason"') < html.index('data-testid="task-form"')
    page = text_of(response)
    assert BODY in page  # the body, in the sheet and in the form
    assert "de-cuong.pdf" in page
    comments = html.split('data-testid="comments"')[1]
    assert "Trả lại" in comments and RETURN in comments


@pytest.mark.parametrize(
    "to, username",
    [(S.IN_REVIEW, "truongban"), (S.FORMAT_CHECK, "vanthu"), (S.AWAITING_SIGNATURE, "pct.huy")],
)
def test_the_deciding_screens_show_body_attachments_and_earlier_comments(
    returned_once, client, committed, to, username
):
    document = returned_once
    committed(
        services.submit, actor=user("soanthao"), document=document, comment="Đã bổ sung kinh phí."
    )
    if to != S.IN_REVIEW:
        committed(services.review, actor=user("truongban"), document=document, decision="approve")
    if to == S.AWAITING_SIGNATURE:
        committed(services.review, actor=user("vanthu"), document=document, decision="approve")
    document.refresh_from_db()
    assert document.status == to
    sign_in(client, username)
    response = client.get(task_url(document))
    assert response.status_code == 200
    html = response.content.decode()
    assert BODY in text_of(response)
    links = html.split('data-testid="attachments"')[1].split("</section>")[0]
    assert f"/api/v1/documents/{document.pk}/attachments/" in links and "de-cuong.pdf" in links
    comments = text_of(response).split("Ý kiến trước đó")[1]
    assert "Trả lại" in comments and RETURN in comments
    assert "Đã bổ sung kinh phí." in comments
    assert 'data-testid="return-reason"' not in html  # the prominent reason is the reviser's


def test_other_task_screens_keep_the_short_card(world, client, committed):
    document = committed(new_draft, body=BODY, signer="pct.huy")
    committed(advance, document, S.SIGNED)
    sign_in(client, "vanthu")
    html = client.get(task_url(document)).content.decode()
    assert 'data-testid="decision-screen"' not in html
    assert 'data-testid="comments"' not in html


# ---------------------------------------------------------------------------------------------
# Withdraw (the drafter) and recall (the signer) on the document page


@pytest.mark.parametrize("to", [S.DRAFT, S.RETURNED])
def test_the_drafter_withdraws_a_draft_from_the_document_page(world, client, committed, to):
    document = committed(new_draft)
    committed(advance, document, to)
    sign_in(client, "soanthao")
    page = client.get(f"/outgoing/{document.pk}/").content.decode()
    assert 'data-testid="withdraw-form"' in page
    assert f'action="/outgoing/{document.pk}/huy-du-thao/"' in page
    response = committed(
        client.post, f"/outgoing/{document.pk}/huy-du-thao/", {"reason": "Trùng kế hoạch khác."}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == S.WITHDRAWN
    event = document.audit_events.order_by("-seq").first()
    assert (event.action, event.actor, event.comment) == (
        "withdraw",
        user("soanthao"),
        "Trùng kế hoạch khác.",
    )
    assert open_task(document) is None
    after = client.get(f"/outgoing/{document.pk}/", follow=True)
    assert "Đã hủy dự thảo." in text_of(after)
    assert 'data-testid="withdraw-form"' not in after.content.decode()


@pytest.mark.parametrize("username, status", [("truongban", 403), ("vt.quangminh", 404)])
def test_nobody_else_withdraws(world, client, committed, username, status):
    document = committed(new_draft)
    committed(advance, document, S.RETURNED)
    sign_in(client, username)
    page = client.get(f"/outgoing/{document.pk}/")
    assert 'data-testid="withdraw-form"' not in page.content.decode()
    response = committed(client.post, f"/outgoing/{document.pk}/huy-du-thao/", {"reason": "x"})
    assert response.status_code == status
    document.refresh_from_db()
    assert document.status == S.RETURNED


def test_no_withdrawal_once_submitted(world, client, committed):
    document = committed(new_draft)
    committed(advance, document, S.IN_REVIEW)
    sign_in(client, "soanthao")
    page = client.get(f"/outgoing/{document.pk}/").content.decode()
    assert 'data-testid="withdraw-form"' not in page
    response = committed(client.post, f"/outgoing/{document.pk}/huy-du-thao/", {}, follow=True)
    document.refresh_from_db()
    assert document.status == S.IN_REVIEW
    assert response.status_code in (200, 403, 409)


def test_the_signer_sees_the_recall_form_on_a_dispatched_document(world, client, committed):
    document = committed(new_draft, signer="pct.huy")
    committed(advance, document, S.DISPATCHED)
    signer = sign_in(Client(), "pct.huy")
    page = signer.get(f"/outgoing/{document.pk}/").content.decode()
    assert 'data-testid="recall-form"' in page
    assert f'action="/outgoing/{document.pk}/thu-hoi/"' in page
    assert 'data-testid="withdraw-form"' not in page
    drafter = sign_in(client, "soanthao")
    assert (
        'data-testid="recall-form"' not in drafter.get(f"/outgoing/{document.pk}/").content.decode()
    )
    response = committed(
        signer.post, f"/outgoing/{document.pk}/thu-hoi/", {"reason": "Ban hành nhầm số liệu."}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == S.RECALLED


def test_the_history_tells_a_return_from_an_approval(world, client, committed):
    document = committed(new_draft, signer="pct.huy")
    committed(advance, document, S.RETURNED)
    committed(services.submit, actor=user("soanthao"), document=document)
    committed(services.review, actor=user("truongban"), document=document, decision="approve")
    committed(services.review, actor=user("vanthu"), document=document, decision="approve")
    sign_in(client, "soanthao")
    response = client.get(f"/outgoing/{document.pk}/")
    history = text_of(response).split("Lịch sử xử lý")[1]
    labels = re.findall(r"— (Trả lại|Duyệt|Kiểm tra thể thức|Duyệt / kiểm tra) ", history)
    assert labels == ["Trả lại", "Duyệt", "Kiểm tra thể thức"]
