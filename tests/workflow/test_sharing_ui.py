"""The document page's "Chia sẻ" and "Cho ý kiến" blocks (Django test client), and the
signed-in rule that replaced viewflow's permission cache: every UI page needs a login, and
viewflow reads no guardian rows on our pages even for someone holding thousands."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from guardian.models import UserObjectPermission

from documents import services
from documents.models import AuditEvent, Document, DocumentStatus
from tests.support import advance, new_draft, user
from tests.workflow.screens import text_of
from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)
from workflow.bookkeeping import open_task

S = DocumentStatus
TARGET = "cb.quangdai"

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]


def login(client, username):
    client.force_login(user(username))
    return client


def test_the_block_shows_to_who_may_share_and_a_share_works(world, client):
    doc = new_draft(title="Kế hoạch xin ý kiến")
    page = login(client, "soanthao").get(f"/outgoing/{doc.pk}/")
    html = page.content.decode()
    assert 'data-testid="sharing"' in html and 'data-testid="share-form"' in html
    assert '<option value="cb.bacson">' in html  # a recipient's
    assert '<option value="soanthao">' not in html  # not oneself
    assert '<option value="admin">' not in html  # not on the org chart
    purposes = re.findall(r'<select id="share-purpose".*?</select>', html, flags=re.S)[0]
    assert "Xin ý kiến" in purposes and "Chuyển để biết" in purposes
    assert "Được xem văn bản mật" not in purposes  # the drafter does not show secrets
    assert "Văn bản chưa được chia sẻ với ai." in text_of(page)

    response = client.post(
        f"/outgoing/{doc.pk}/chia-se/", {"person": TARGET, "purpose": "comment"}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/outgoing/{doc.pk}/"
    page = text_of(response)
    assert "Đã chia sẻ văn bản với" in page and "(Xin ý kiến)" in page
    assert re.search(r'data-person="cb.quangdai" data-purpose="comment"', response.content.decode())
    assert "Chia sẻ văn bản" in page  # the history's label

    # Who shares nothing sees no block; the auditor sees the document, not the block.
    for username in ("kiemtra", TARGET):
        html = login(client, username).get(f"/outgoing/{doc.pk}/").content.decode()
        assert 'data-testid="sharing"' not in html, username


def test_the_person_asked_gives_an_opinion_and_it_shows_in_the_history(world, client):
    doc = new_draft(title="Kế hoạch xin ý kiến")
    services.share(actor=user("soanthao"), document=doc, person=TARGET, purpose="comment")
    services.share(actor=user("soanthao"), document=doc, person="ld.bacson", purpose="inform")
    page = login(client, TARGET).get(f"/outgoing/{doc.pk}/")
    assert page.status_code == 200
    assert 'data-testid="opinion"' in page.content.decode()
    assert "Văn bản được gửi để xin ý kiến của bạn." in text_of(page)
    # Whom else it was shared with stays with the issuer.
    history = text_of(page)[text_of(page).index("Lịch sử xử lý") :]
    assert "Xin ý kiến" in history and "Chuyển để biết" not in history

    response = client.post(
        f"/outgoing/{doc.pk}/cho-y-kien/", {"comment": "Đề nghị bổ sung kinh phí."}, follow=True
    )
    page = text_of(response)
    assert "Đã gửi ý kiến của bạn" in page
    history = page[page.index("Lịch sử xử lý") :]
    assert "Cho ý kiến" in history and "“Đề nghị bổ sung kinh phí.”" in history
    assert AuditEvent.objects.filter(document=doc, action="opinion").count() == 1

    # An empty opinion is a message, and nothing is written.
    response = client.post(f"/outgoing/{doc.pk}/cho-y-kien/", {"comment": " "}, follow=True)
    assert "Hãy nhập ý kiến." in text_of(response)
    assert AuditEvent.objects.filter(document=doc, action="opinion").count() == 1

    # Once signed, the form is gone and a late opinion is refused with a message.
    advance(doc, S.SIGNED)
    page = client.get(f"/outgoing/{doc.pk}/").content.decode()
    assert 'data-testid="opinion"' not in page
    response = client.post(f"/outgoing/{doc.pk}/cho-y-kien/", {"comment": "Muộn"}, follow=True)
    assert "Văn bản đã qua bước lấy ý kiến." in text_of(response)


def test_taking_a_share_back_from_the_page(world, client):
    doc = new_draft()
    services.share(actor=user("soanthao"), document=doc, person=TARGET, purpose="inform")
    assert login(Client(), TARGET).get(f"/outgoing/{doc.pk}/").status_code == 200
    response = login(client, "truongban").post(
        f"/outgoing/{doc.pk}/thoi-chia-se/", {"person": TARGET, "purpose": "inform"}, follow=True
    )
    page = text_of(response)
    assert "Đã thôi chia sẻ văn bản với" in page
    assert "Thôi chia sẻ" in page[page.index("Lịch sử xử lý") :]
    assert login(Client(), TARGET).get(f"/outgoing/{doc.pk}/").status_code == 404


def test_refusals_are_messages_or_error_pages(world, client):
    doc = new_draft()
    login(client, "soanthao")
    response = client.post(
        f"/outgoing/{doc.pk}/chia-se/", {"person": "khong.co.ai", "purpose": "inform"}, follow=True
    )
    assert "Không có người dùng đang hoạt động khong.co.ai" in text_of(response)
    withdrawn = advance(new_draft(), S.WITHDRAWN)
    response = client.post(
        f"/outgoing/{withdrawn.pk}/chia-se/", {"person": TARGET, "purpose": "inform"}, follow=True
    )
    assert "Văn bản ở trạng thái này không chia sẻ được với mục đích đó." in text_of(response)
    # A withdrawn draft's block lists its shares but offers no form.
    html = client.get(f"/outgoing/{withdrawn.pk}/").content.decode()
    assert 'data-testid="sharing"' in html and 'data-testid="share-form"' not in html
    body = {"person": TARGET, "purpose": "inform"}
    assert login(client, "kiemtra").post(f"/outgoing/{doc.pk}/chia-se/", body).status_code == 403
    outsider = login(client, "vt.quangdai")
    assert outsider.post(f"/outgoing/{doc.pk}/chia-se/", body).status_code == 404
    assert not AuditEvent.objects.filter(action="grant").exists()


def test_the_actions_are_post_only_and_need_the_csrf_token(world):
    doc = new_draft()
    client = login(Client(enforce_csrf_checks=True), "soanthao")
    for path in ("chia-se", "thoi-chia-se", "cho-y-kien"):
        assert client.get(f"/outgoing/{doc.pk}/{path}/").status_code == 405
        assert client.post(f"/outgoing/{doc.pk}/{path}/", {"person": TARGET}).status_code == 403
    assert not AuditEvent.objects.filter(action="grant").exists()


# ---------------------------------------------------------------------------------------------
# The signed-in rule, and no guardian reads from viewflow


def test_every_ui_page_needs_a_login(world, client):
    doc = new_draft()
    for url in ("/workflow/inbox/", "/outgoing/", f"/outgoing/{doc.pk}/", "/orgchart/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    response = client.post(f"/outgoing/{doc.pk}/chia-se/", {"person": TARGET})
    assert response.status_code == 302
    assert client.get("/accounts/login/").status_code == 200


def test_viewflow_reads_no_guardian_rows_on_our_pages(world, client):
    """viewflow's ``user_queue`` reads every guardian row of the person (user and group rows)
    unless a cache is filled; no page here calls it, so none of its reads happen."""
    doc = advance(new_draft(), S.FORMAT_CHECK)
    clerk = user("vanthu")
    # viewflow's process and task pages below are the administrators': she is one here.
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    permission = Permission.objects.get(codename="inform_document")
    content_type = ContentType.objects.get_for_model(Document)
    UserObjectPermission.objects.bulk_create(
        UserObjectPermission(
            user=clerk, permission=permission, content_type=content_type, object_pk=str(10**6 + i)
        )
        for i in range(500)
    )
    task = open_task(doc)
    flow = task.flow_task.flow_class.instance
    urls = [
        "/workflow/inbox/",
        "/workflow/queue/",
        "/workflow/archive/",
        "/outgoing/",
        f"/outgoing/{doc.pk}/",
        flow.reverse("process_list"),
        flow.reverse("task_list"),
        flow.reverse("process_detail", args=[task.process_id]),
        task.flow_task.reverse("detail", args=[task.process_id, task.pk]),
        task.flow_task.reverse("execute", args=[task.process_id, task.pk]),
    ]
    login(client, "vanthu")
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        sql = [q["sql"] for q in queries.captured_queries]
        assert not [q for q in sql if "guardian_groupobjectpermission" in q], url
        assert len(sql) < 60, (url, len(sql))


def test_the_form_names_the_people_near_the_document_and_takes_anyone_typed(
    world, client, monkeypatch
):
    # A province's chart is hundreds of thousands of people: the form offers those of the
    # sharer's organisations, the issuer and the recipients, a bounded number of them.
    from documents.selectors import shareable_people
    from orgchart.models import Membership
    from workflow.views import sharing

    doc = new_draft(title="Kế hoạch xin ý kiến")
    near = {*doc.recipients.values_list("organization_id", flat=True), doc.issuer_id}
    near |= set(
        Membership.objects.active()
        .filter(user=user("soanthao"))
        .values_list("organization_id", flat=True)
    )
    far = (
        shareable_people()
        .exclude(pk__in=Membership.objects.filter(organization_id__in=near).values("user_id"))
        .order_by("username")
        .first()
    )
    assert far is not None, "the demo has someone away from the seed plan"
    html = login(client, "soanthao").get(f"/outgoing/{doc.pk}/").content.decode()
    datalist = html.split('id="share-people"')[1].split("</datalist>")[0]
    offered = set(re.findall(r'<option value="([^"]+)">', datalist))
    assert "cb.bacson" in offered and far.username not in offered

    monkeypatch.setattr(sharing, "SHARE_CHOICES_MAX", 3)
    html = client.get(f"/outgoing/{doc.pk}/").content.decode()
    datalist = html.split('id="share-people"')[1].split("</datalist>")[0]
    assert datalist.count("<option ") == 3

    response = client.post(
        f"/outgoing/{doc.pk}/chia-se/", {"person": far.username, "purpose": "inform"}, follow=True
    )
    assert f'data-person="{far.username}" data-purpose="inform"' in response.content.decode()
