"""Nhật ký: the auditor reads their organisation's trail (filters, keyset pages), its
security events and whether its chains are intact; nobody else reaches it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from documents import audit
from documents.models import AuditEvent
from documents.selectors import audit_log
from tests.documents.test_audit import bypassing_the_trigger
from tests.support import advance, new_draft, user

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

TRAIL = "/audit/"
SECURITY = "/audit/an-ninh/"
VERIFY = "/audit/kiem-tra/"


def _as(client, username: str):
    client.force_login(user(username))
    return client


def _seqs(response) -> set[int]:
    return {row["event"].seq for row in response.context["rows"]}


@pytest.mark.parametrize(
    "username, status",
    [("kiemtra", 200), ("admin", 200), ("vanthu", 403), ("soanthao", 403), ("vt.bacson", 403)],
)
def test_only_auditors_and_administrators_reach_the_log(world, client, username, status):
    """The page is no object whose existence is hidden: anyone else may not read it (403)."""
    _as(client, username)
    assert client.get(TRAIL).status_code == status
    assert client.get(SECURITY).status_code == status
    assert client.post(VERIFY).status_code == (302 if status == 200 else 403)


def test_the_menu_offers_it_to_the_auditor_only(world, client):
    assert 'href="/audit/"' in _as(client, "kiemtra").get("/outgoing/").content.decode()
    client.logout()
    assert 'href="/audit/"' not in _as(client, "vanthu").get("/outgoing/").content.decode()


def test_the_trail_is_the_organisations_newest_first_and_filters(world, client):
    doc = advance(new_draft(title="Kế hoạch tổng kết Xuân Quý Mão"), "awaiting_signature")
    other = new_draft(title="Thông báo lịch họp")
    _as(client, "kiemtra")

    rows = client.get(TRAIL).context["rows"]
    seqs = [row["event"].seq for row in rows]
    assert seqs == sorted(seqs, reverse=True)
    samson = world.org("mttq-samson").pk
    assert {row["event"].organization_id for row in rows} == {samson}
    assert not {row["event"].action for row in rows} & set(audit_log.SECURITY_VERBS)

    by_person = client.get(TRAIL, {"person": "truongban"}).context["rows"]
    assert by_person and {r["event"].actor.username for r in by_person} == {"truongban"}
    reviews = client.get(TRAIL, {"action": "review"}).context["rows"]
    assert reviews and {r["event"].action for r in reviews} == {"review"}
    assert {r["label"] for r in reviews} <= {"Duyệt", "Kiểm tra thể thức"}
    # The one search finds bodies too: words no other document of the demo holds.
    by_document = client.get(TRAIL, {"document": "quy mao"}).context["rows"]
    assert {r["event"].document_id for r in by_document} == {doc.pk}
    assert other.pk not in {r["event"].document_id for r in by_document}
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    assert client.get(TRAIL, {"date_from": tomorrow}).context["rows"] == []
    todays = client.get(
        TRAIL, {"date_from": today.strftime("%d/%m/%Y"), "date_to": today.strftime("%d/%m/%Y")}
    )
    assert doc.pk in {r["event"].document_id for r in todays.context["rows"]}
    # A bad date is a field error, not a server error.
    assert client.get(TRAIL, {"date_from": "31/02/2026"}).status_code == 200


def test_keyset_pages_never_count(world, client):
    advance(new_draft(), "awaiting_signature")
    events = audit_log.trail_events(user("kiemtra"), audit_log.Filters())
    first, more = audit_log.page_of(events, size=2)
    assert more and len(first) == 2
    older = audit_log.trail_events(user("kiemtra"), audit_log.Filters(before=first[-1].seq))
    second, _ = audit_log.page_of(older, size=2)
    assert max(e.seq for e in second) < min(e.seq for e in first)
    page = _as(client, "kiemtra").get(TRAIL, {"before": str(first[-1].seq)})
    assert _seqs(page) and max(_seqs(page)) < first[-1].seq
    assert "COUNT(" not in str(events.query).upper()


def test_a_secret_documents_events_stay_hidden_from_the_auditor(world, client):
    secret = new_draft(title="Kế hoạch mật", secrecy="mat")
    ordinary = new_draft(title="Kế hoạch thường")
    rows = _as(client, "kiemtra").get(TRAIL).context["rows"]
    documents = {r["event"].document_id for r in rows}
    assert ordinary.pk in documents and secret.pk not in documents


def test_another_organisations_events_are_not_read(world, client):
    advance(new_draft(), "dispatched")
    rows = _as(client, "kiemtra").get(TRAIL).context["rows"]
    assert {r["event"].chain for r in rows} == {f"org:{world.org('mttq-samson').pk}"}


def test_the_security_tab_lists_sign_ins_failures_and_refusals(world, client):
    draft = new_draft()
    audit.record(actor=user("soanthao"), action="login", ip="10.0.0.5")
    audit.record(actor=None, action="login_failed", data={"username": "vanthu"}, ip="10.0.0.6")
    audit.record(actor=None, action="locked_out", data={"username": "vanthu"}, ip="10.0.0.6")
    audit.record(actor=None, action="login_failed", data={"username": "vt.bacson"}, ip="10.0.0.7")
    # A person of another organisation opens the draft: refused, on record.
    _as(client, "vt.bacson")
    assert client.get(f"/outgoing/{draft.pk}/").status_code == 404
    client.logout()

    page = _as(client, "kiemtra").get(SECURITY)
    rows = page.context["rows"]
    shown = {(r["event"].action, str(r["person"]), r["event"].ip) for r in rows}
    assert ("login", "soanthao", "10.0.0.5") in shown
    assert ("login_failed", "vanthu", "10.0.0.6") in shown
    assert ("locked_out", "vanthu", "10.0.0.6") in shown
    assert ("refused", "vt.bacson", None) in shown or any(
        a == "refused" and p == "vt.bacson" for a, p, _ in shown
    )
    # Another organisation's person's failures are theirs.
    assert not any(r["event"].ip == "10.0.0.7" for r in rows)
    text = page.content.decode()
    assert "Đăng nhập không thành công" in text and "Tạm khóa đăng nhập" in text
    assert "10.0.0.6" in text
    only_failures = client.get(SECURITY, {"action": "login_failed", "person": "vanthu"})
    assert {r["event"].action for r in only_failures.context["rows"]} == {"login_failed"}


def test_verify_says_intact_then_names_the_break(world, client):
    doc = advance(new_draft(), "signed")
    _as(client, "kiemtra")
    page = client.get(client.post(VERIFY).url)
    verified = page.context["verified"]
    samson = f"org:{world.org('mttq-samson').pk}"
    assert [r["chain"] for r in verified["results"]] == [samson]
    assert verified["results"][0]["intact"]
    assert "toàn vẹn" in page.content.decode()

    victim = AuditEvent.objects.filter(document=doc, action="sign").get()
    with bypassing_the_trigger() as cursor:
        cursor.execute(
            "UPDATE documents_auditevent SET comment = %s WHERE seq = %s", ["sửa lén", victim.seq]
        )
    page = client.get(client.post(VERIFY).url)
    (result,) = page.context["verified"]["results"]
    assert not result["intact"] and result["seq"] == victim.seq
    text = page.content.decode()
    assert f"#{victim.seq}" in text and "nội dung sự kiện bị sửa" in text
