"""The UI pages: who sees what, bounded queries, a task completed twice, Vietnamese text."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from guardian.models import UserObjectPermission
from viewflow.workflow import STATUS
from viewflow.workflow.models import Process, Task

from documents import services
from documents.models import Document, DocumentStatus, Purpose, Receipt, ReceiptStatus
from tests.support import advance, new_draft, receipt_for, sign_in, user
from tests.workflow.screens import text_of
from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)
from workflow.bookkeeping import open_task
from workflow.flows import IncomingFlow, OutgoingFlow
from workflow.middleware import role_permission

pytestmark = pytest.mark.any_engine

S, R = DocumentStatus, ReceiptStatus


def login(client, username):
    """Signed in; a signer or clerk has also given a code (``tests.support.sign_in``)."""
    return sign_in(client, username)


PAGES = ["/workflow/inbox/", "/workflow/queue/", "/workflow/archive/", "/outgoing/", "/incoming/"]


# ---------------------------------------------------------------------------------------------
# Visibility


def test_a_non_participant_sees_nothing_of_a_document(world, client, committed):
    document = committed(new_draft, title="Kế hoạch riêng của Sầm Sơn")
    committed(advance, document, S.DISPATCHED)
    receipt = receipt_for(document, "bacson")
    outsider = "vt.quangminh"  # a commune clerk the plan was not sent to
    login(client, outsider)

    assert client.get(f"/outgoing/{document.pk}/").status_code == 404
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Kế hoạch riêng của Sầm Sơn" not in response.content.decode(), url

    # viewflow's own pages of the two processes answer 404 as well; their lists are the
    # administrators' (tests/workflow/test_flow_pages.py), not there for a clerk.
    outgoing = open_task_or_last(document)
    incoming = open_task(receipt)
    for task in (outgoing, incoming):
        flow_task = task.flow_task
        for name in ("detail", "execute"):
            url = flow_task.reverse(name, args=[task.process_id, task.pk])
            assert client.get(url).status_code == 404, url
        process_url = flow_task.flow_class.instance.reverse(
            "process_detail", args=[task.process_id]
        )
        assert client.get(process_url).status_code == 404
        for name in ("process_list", "task_list"):
            listing = client.get(flow_task.flow_class.instance.reverse(name))
            assert listing.status_code == 404


def open_task_or_last(document) -> Task:
    return Task.objects.filter(
        process__flow_class=OutgoingFlow,
        process__artifact_object_id=document.pk,
        flow_task_type="HUMAN",
    ).latest("pk")


def test_participants_see_the_document_and_the_issuer_sees_the_receipts(world, client, committed):
    document = committed(new_draft, title="Kế hoạch tuyên truyền thử")
    committed(advance, document, S.DISPATCHED)
    committed(
        services.acknowledge, actor=user("vt.bacson"), receipt=receipt_for(document, "bacson")
    )

    page = text_of(login(client, "soanthao").get(f"/outgoing/{document.pk}/"))
    assert "Tình hình tiếp nhận, xử lý" in page
    assert "Chưa tiếp nhận" in page
    assert "Đã tiếp nhận: 1" in page
    assert "Đã đến: 2" in page
    assert f"Số: {document.symbol}" in page
    assert "Sầm Sơn, ngày" in page
    assert "TM. BAN THƯỜNG TRỰC" in page
    assert "Trịnh Quang Huy" in page

    recipient_page = text_of(login(client, "vt.bacson").get(f"/outgoing/{document.pk}/"))
    assert "Kế hoạch tuyên truyền thử" in recipient_page
    assert "Tình hình tiếp nhận, xử lý" not in recipient_page
    incoming = text_of(client.get("/incoming/"))
    assert "Kế hoạch tuyên truyền thử" in incoming
    assert "Đã tiếp nhận" in incoming


# ---------------------------------------------------------------------------------------------
# Query counts


def _bulk_world(n: int, world) -> None:
    """n documents waiting for the city clerk's format check, n tasks she finished, n
    documents delivered to Bắc Sơn waiting for its clerk, and 2,000 guardian rows for each."""
    samson, bacson = world.org("mttq-samson"), world.org("bacson")
    drafter = user("soanthao")
    vanthu, vt_bacson = user("vanthu"), user("vt.bacson")
    doc_ct = ContentType.objects.get_for_model(Document)
    receipt_ct = ContentType.objects.get_for_model(Receipt)
    org_ct = ContentType.objects.get_for_model(type(samson))
    now = timezone.now()
    documents = Document.objects.bulk_create(
        Document(
            issuer=samson,
            doc_type="KH",
            title=f"Văn bản số lượng lớn {i}",
            drafter=drafter,
            status=S.FORMAT_CHECK,
        )
        for i in range(n)
    )
    receipts = Receipt.objects.bulk_create(
        Receipt(document=d, organization=bacson, purpose=Purpose.EXECUTE, status=R.DELIVERED)
        for d in documents
    )
    processes = Process.objects.bulk_create(
        [
            Process(flow_class=OutgoingFlow, artifact_content_type=doc_ct, artifact_object_id=d.pk)
            for d in documents
        ]
        + [
            Process(
                flow_class=IncomingFlow, artifact_content_type=receipt_ct, artifact_object_id=r.pk
            )
            for r in receipts
        ]
    )
    tasks = []
    for process in processes[:n]:
        tasks.append(
            Task(
                process=process,
                flow_task=OutgoingFlow.format_check,
                flow_task_type="HUMAN",
                status=STATUS.NEW,
                owner_permission=role_permission("clerk"),
                owner_permission_content_type=org_ct,
                owner_permission_obj_pk=str(samson.pk),
            )
        )
        tasks.append(
            Task(
                process=process,
                flow_task=OutgoingFlow.review,
                flow_task_type="HUMAN",
                status=STATUS.DONE,
                owner=vanthu,
                finished=now,
            )
        )
    tasks.extend(
        Task(
            process=process,
            flow_task=IncomingFlow.acknowledge,
            flow_task_type="HUMAN",
            status=STATUS.NEW,
            owner_permission=role_permission("clerk"),
            owner_permission_content_type=org_ct,
            owner_permission_obj_pk=str(bacson.pk),
        )
        for process in processes[n:]
    )
    Task.objects.bulk_create(tasks)
    permission = Permission.objects.get(codename="view_document")
    UserObjectPermission.objects.bulk_create(
        UserObjectPermission(
            user=person, permission=permission, content_type=doc_ct, object_pk=str(i)
        )
        for person in (vanthu, vt_bacson)
        for i in range(2000)
    )


@pytest.mark.parametrize("n", [1, 500])
@pytest.mark.parametrize("username", ["vanthu", "vt.bacson"])
def test_list_pages_stay_under_a_fixed_number_of_queries(
    n, username, world, client, django_assert_max_num_queries
):
    _bulk_world(n, world)
    assert UserObjectPermission.objects.filter(user__username=username).count() == 2000
    login(client, username)
    for url in PAGES:
        with django_assert_max_num_queries(25):
            response = client.get(url)
        assert response.status_code == 200, url
    # The lists are not empty: the bound holds with the rows on the page.
    inbox = login(client, username).get("/workflow/inbox/").content.decode()
    rows = inbox.count('href="/workflow/flows/')
    assert rows == min(n, 25)


# ---------------------------------------------------------------------------------------------
# The same task, twice


def test_the_second_person_acting_on_a_finished_task_gets_a_message(world, client, committed):
    document = committed(new_draft)  # no signer chosen: signing waits in both signers' lists
    committed(advance, document, S.AWAITING_SIGNATURE)
    task = open_task(document)
    assert task.owner_id is None
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])

    huy = login(client, "pct.huy")
    assert huy.get(url).status_code == 200
    from django.test import Client

    chutich = Client()
    sign_in(chutich, "chutich")
    assert chutich.get(url).status_code == 200  # both opened the form

    with_commit = committed(huy.post, url, {"decision": "sign", "comment": ""})
    assert with_commit.status_code == 302
    document.refresh_from_db()
    assert document.status == S.SIGNED and document.signer == user("pct.huy")

    second = committed(chutich.post, url, {"decision": "sign", "comment": ""}, follow=True)
    assert second.status_code == 200
    page = text_of(second)
    assert "đã được người khác nhận hoặc xử lý xong" in page
    document.refresh_from_db()
    assert document.signer == user("pct.huy")


def test_a_service_refusal_in_a_task_is_a_message_not_an_error(world, client, committed):
    document = committed(new_draft)
    committed(services.submit, actor=user("soanthao"), document=document)
    task = open_task(document)
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    response = login(client, "truongban").post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200
    assert "Trả lại phải kèm ý kiến" in text_of(response)
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner_id is None, "nothing was kept"


def test_completing_tasks_in_the_ui_calls_the_services(world, client, committed):
    document = committed(new_draft, signer="pct.huy")
    committed(services.submit, actor=user("soanthao"), document=document)
    steps = [
        ("truongban", {"decision": "approve", "comment": ""}, S.FORMAT_CHECK),
        ("vanthu", {"decision": "approve", "comment": ""}, S.AWAITING_SIGNATURE),
        ("pct.huy", {"decision": "sign", "comment": ""}, S.SIGNED),
        ("vanthu", {"comment": ""}, S.ISSUED),
        ("vanthu", {"comment": ""}, S.DISPATCHED),
    ]
    for username, data, state in steps:
        task = open_task(document)
        url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
        response = committed(login(client, username).post, url, data)
        assert response.status_code == 302, text_of(response)[:500]
        document.refresh_from_db()
        assert document.status == state
        task.refresh_from_db()
        assert task.status == STATUS.DONE and task.owner == user(username)
    assert document.symbol.endswith("/KH-MTTQ-BTT")


# ---------------------------------------------------------------------------------------------
# Vietnamese


ENGLISH = [
    "Inbox",
    "Queue",
    "Archive",
    "Logout",
    "Log out",
    "Applications",
    "Processes",
    "Process",
    "Brief",
    "Active tasks",
    "Start",
    "Route",
    "Sign",
    "Submit",
    "Execute",
    "Assign",
    "Created",
    "of",
]


def test_every_page_reads_in_vietnamese(world, client, committed):
    document = committed(new_draft)
    committed(advance, document, S.DISPATCHED)
    # viewflow's process and task pages are the administrators': the clerk is one here.
    clerk = user("vanthu")
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    login(client, "vanthu")
    task = Task.objects.filter(
        process__flow_class=OutgoingFlow,
        process__artifact_object_id=document.pk,
        flow_task_type="HUMAN",
    ).first()
    urls = [*PAGES, f"/outgoing/{document.pk}/", "/outgoing/soan-thao/", "/orgchart/"]
    flow = OutgoingFlow.instance
    urls += [
        task.flow_task.reverse("detail", args=[task.process_id, task.pk]),
        flow.reverse("process_detail", args=[task.process_id]),
        flow.reverse("process_list"),
        flow.reverse("task_list"),
    ]
    for url in urls:
        response = client.get(url)
        if url == "/outgoing/soan-thao/":
            login(client, "soanthao")
            response = client.get(url)
            login(client, "vanthu")
        assert response.status_code == 200, url
        page = text_of(response)
        for word in ENGLISH:
            assert not re.search(rf"\b{word}\b", page), (url, word)
        assert "Đăng xuất" in page, url
        assert "Hộp việc" in page, url
    menu = text_of(client.get("/workflow/inbox/"))
    for word in ("Việc cần xử lý", "Việc chờ nhận", "Việc đã xử lý", "Văn bản đi", "Văn bản đến"):
        assert word in menu
    client.logout()
    login_page = text_of(client.get("/accounts/login/"))
    assert "Đăng nhập" in login_page


def test_vietnamese_whatever_the_browser_asks_and_english_on_request(world, client):
    login(client, "vanthu")
    page = text_of(client.get("/workflow/inbox/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert "Việc cần xử lý" in page and "Đăng xuất" in page

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/workflow/inbox/"})
    assert response.status_code == 302
    page = text_of(client.get("/workflow/inbox/"))
    assert "To do" in page and "Waiting to be taken" in page and "Outgoing documents" in page
    assert "Việc cần xử lý" not in page


def test_the_draft_form_creates_a_draft_with_recipients_and_an_attachment(world, client, committed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, "soanthao")
    form = {
        "doc_type": "KH",
        "title": "Kế hoạch soạn trên giao diện",
        "body": "Nội dung.",
        "urgency": "khan",
        "secrecy": "normal",
        "authority_prefix": "TM",
        "collective_name": "BAN THƯỜNG TRỰC",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer": user("pct.huy").pk,
        "org_1": "thanhuy",
        "org_purpose_1": "report",
        "purpose_wards": "execute",
        "members_wards": ["bacson", "trungson"],
        "attachments": SimpleUploadedFile("de-cuong.pdf", b"%PDF-1.4 de cuong", "application/pdf"),
    }
    response = committed(client.post, "/outgoing/soan-thao/", form)
    assert response.status_code == 302, text_of(response)[:800]
    document = Document.objects.get(title="Kế hoạch soạn trên giao diện")
    assert response["Location"] == f"/outgoing/{document.pk}/"
    assert document.drafter == user("soanthao") and document.signer == user("pct.huy")
    assert {(r.organization.code, r.purpose) for r in document.recipients.all()} == {
        ("thanhuy", "report"),
        ("bacson", "execute"),
        ("trungson", "execute"),
    }
    assert list(document.attachments.values_list("original_name", flat=True)) == ["de-cuong.pdf"]
    assert open_task(document).flow_task is OutgoingFlow.submit

    # A file of another kind is refused with a Vietnamese message (documents.uploads).
    form["title"] = "Kế hoạch kèm tệp lạ"
    form["attachments"] = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post("/outgoing/soan-thao/", form)
    assert response.status_code == 200
    assert "Chỉ nhận tệp PDF, DOCX, XLSX, ODT, PNG hoặc JPEG" in text_of(response)
    assert not Document.objects.filter(title="Kế hoạch kèm tệp lạ").exists()


def test_a_recipient_clerk_refuses_with_a_reason_and_the_issuer_sees_it(world, client, committed):
    document = committed(new_draft)
    committed(advance, document, S.DISPATCHED)
    receipt = receipt_for(document, "trungson")
    task = open_task(receipt)
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    login(client, "vt.trungson")
    response = client.post(url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 200
    assert "Từ chối phải nêu lý do" in text_of(response)
    response = committed(client.post, url, {"decision": "refuse", "reason": "Gửi nhầm đơn vị."})
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == R.REFUSED and receipt.reason == "Gửi nhầm đơn vị."
    assert open_task(receipt) is None
    page = text_of(login(client, "soanthao").get(f"/outgoing/{document.pk}/"))
    assert "Từ chối tiếp nhận: 1" in page
    assert "Gửi nhầm đơn vị." in page


def test_the_designated_signer_hands_the_document_to_another_signer_from_the_task(
    world, client, committed
):
    document = committed(new_draft, signer="pct.huy")
    committed(advance, document, S.AWAITING_SIGNATURE)
    task = open_task(document)
    assert task.owner == user("pct.huy")
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    from django.test import Client

    other = Client()
    other.force_login(user("chutich"))
    assert other.get(url, follow=True).status_code in (200, 403)
    assert "Người ký thay" not in text_of(other.get(url, follow=True))

    huy = login(client, "pct.huy")
    form = text_of(huy.get(url))
    assert "Chuyển cho người ký khác" in form and "Người ký thay" in form
    refused = huy.post(url, {"decision": "hand_over", "comment": ""})
    assert refused.status_code == 200 and "Chọn người ký thay" in text_of(refused)

    chutich = user("chutich")
    response = committed(
        huy.post, url, {"decision": "hand_over", "signer": chutich.pk, "comment": "Đi công tác."}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == S.AWAITING_SIGNATURE and document.signer == chutich
    event = document.audit_events.order_by("-seq").first()
    assert (event.action, event.actor, event.comment) == (
        "hand_over",
        user("pct.huy"),
        "Đi công tác.",
    )
    assert event.data == {"from_signer": "pct.huy", "to_signer": "chutich"}
    moved = open_task(document)
    assert moved.pk == task.pk and moved.owner == chutich
    # Now it is his to sign, and no longer the first signer's.
    assert other.get(url).status_code == 200
    assert huy.get(url, follow=True).redirect_chain
