"""What a person is offered and how it reads: the decision screens show what changed since
the version before; the menu offers drafting only to a drafter; the admin speaks Vietnamese,
with the history's words for the audit verbs; the states a clerk reads."""

from __future__ import annotations

import pytest

from documents import services
from documents.lifecycle import DocumentStatus
from tests.support import advance, new_draft, sign_in, user
from tests.workflow.screens import task_url, text_of
from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)

pytestmark = pytest.mark.any_engine

S = DocumentStatus
FIRST = "Tuyên truyền trong toàn thành phố."
ADDED = "Bổ sung kinh phí cho từng phường."


@pytest.fixture
def revised(world, committed):
    """A draft returned once and submitted again with a sentence added to its body."""
    document = committed(new_draft, body=FIRST, signer="pct.huy")
    committed(services.submit, actor=user("soanthao"), document=document)
    committed(
        services.review,
        actor=user("truongban"),
        document=document,
        decision="return",
        comment="Bổ sung kinh phí.",
    )
    committed(
        services.edit_draft,
        actor=user("soanthao"),
        document=document,
        body=f"{FIRST}\n{ADDED}",
    )
    committed(services.submit, actor=user("soanthao"), document=document)
    return document


@pytest.mark.parametrize(
    "reached, username",
    [(S.IN_REVIEW, "truongban"), (S.FORMAT_CHECK, "vanthu"), (S.AWAITING_SIGNATURE, "pct.huy")],
)
def test_the_decision_screens_show_what_changed_since_the_version_before(
    revised, client, committed, reached, username
):
    if reached != S.IN_REVIEW:
        committed(services.review, actor=user("truongban"), document=revised, decision="approve")
    if reached == S.AWAITING_SIGNATURE:
        committed(services.review, actor=user("vanthu"), document=revised, decision="approve")
    sign_in(client, username)
    html = client.get(task_url(revised)).content.decode()
    diff = html.split('data-testid="task-version-diff"')[1].split("</section>")[0]
    assert f"<ins>{ADDED}</ins>" in diff.replace("\n", "")
    assert "Thay đổi so với phiên bản 1" in diff


def test_a_first_version_is_judged_without_a_comparison(world, client, committed):
    document = committed(new_draft, body=FIRST)
    committed(services.submit, actor=user("soanthao"), document=document)
    sign_in(client, "truongban")
    response = client.get(task_url(document))
    assert response.status_code == 200
    assert 'data-testid="task-version-diff"' not in response.content.decode()


def test_drafting_is_offered_only_to_whom_may_draft(world, client):
    sign_in(client, "soanthao")
    page = client.get("/outgoing/").content.decode()
    assert 'data-testid="menu-draft"' in page and "/outgoing/soan-thao/" in page
    sign_in(client, "vt.bacson")
    page = client.get("/outgoing/").content.decode()
    assert "/outgoing/soan-thao/" not in page  # neither in the menu nor as a button
    assert client.get("/outgoing/soan-thao/").status_code == 403


def test_the_issued_state_is_not_confused_with_dispatch():
    assert S.ISSUED.label == "Đã cấp số, chờ phát hành"
    assert S.DISPATCHED.label == "Đã phát hành"
    labels = [str(label) for label in S.labels]
    assert len(labels) == len(set(labels))
    assert not [label for label in labels if "ban hành" in label]


def test_the_admin_speaks_vietnamese_with_the_historys_words(world, client, committed):
    document = committed(new_draft)
    committed(advance, document, S.ISSUED)
    client.force_login(user("admin"))
    index = text_of(client.get("/admin/"))
    assert "Quản trị hệ thống văn bản MTTQ" in index
    assert "Django" not in index
    for raw in ("Auth tokens", "TOTP devices", "Access attempts", "AXES", "KNOX"):
        assert raw not in index, raw
    trail = text_of(client.get("/admin/documents/auditevent/"))
    for words in ("Tạo dự thảo", "Trình duyệt", "Ký", "Vào sổ, cấp số", "Đã cấp số, chờ phát hành"):
        assert words in trail, words
    for raw in (" submit ", " register ", " issued ", " awaiting_signature "):
        assert raw not in trail, raw
    listing = text_of(client.get("/admin/documents/document/"))
    assert "Đã cấp số, chờ phát hành" in listing
