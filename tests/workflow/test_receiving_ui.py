"""The recipient's screens: the next step on the document page, tiếp nhận of several copies
from Văn bản đến with one refused, deadlines and quá hạn, the assignment and progress."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from documents import services
from documents.choices import SignatureStatus
from documents.handling import ProgressNote
from documents.models import DocumentStatus, Receipt, ReceiptStatus
from tests.factories import MembershipFactory, UserFactory
from tests.support import advance, new_draft, receipt_for, sign_in, user
from tests.workflow.screens import task_url, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]
R = ReceiptStatus


def delivered(title: str) -> Receipt:
    document = advance(new_draft(title=title), DocumentStatus.DISPATCHED)
    receipt = receipt_for(document, "bacson")
    services.deliver(receipt=receipt)
    receipt.refresh_from_db()
    return receipt


@pytest.fixture
def staff(world):
    for name in ("cv1.bacson", "cv2.bacson"):
        MembershipFactory(user=UserFactory(username=name), organization=world.org("bacson"))


def assigned(receipt: Receipt, *, days: int = 5) -> Receipt:
    receipt = services.acknowledge(actor=user("vt.bacson"), receipt=receipt)
    return services.assign(
        actor=user("ld.bacson"),
        receipt=receipt,
        assignee="cb.bacson",
        coordinators=["cv1.bacson"],
        informed=["cv2.bacson"],
        instruction="Tham mưu kế hoạch của phường.",
        deadline=timezone.localdate() + datetime.timedelta(days=days),
    )


def test_the_clerk_takes_a_copy_in_from_the_document_page(world, client, committed):
    receipt = committed(delivered, "Kế hoạch tiếp nhận tại chỗ")
    page_url = f"/outgoing/{receipt.document_id}/"
    html = sign_in(client, "vt.bacson").get(page_url).content.decode()
    assert 'action="/incoming/tiep-nhan/"' in html
    assert f'name="receipt" value="{receipt.pk}"' in html
    assert f'href="{task_url(receipt)}"' in html  # Từ chối tiếp nhận, with its reason there
    response = client.post(
        "/incoming/tiep-nhan/", {"receipt": receipt.pk, "next": page_url}, follow=True
    )
    assert response.redirect_chain[-1][0] == page_url
    receipt.refresh_from_db()
    assert receipt.status == R.ACKNOWLEDGED
    text = text_of(response)
    assert "Đã tiếp nhận 1 văn bản" in text and f"Số đến: {receipt.incoming_number}" in text
    assert 'action="/incoming/tiep-nhan/"' not in response.content.decode()
    # The leader's next step is offered to him there, and to nobody else.
    leader = text_of(sign_in(client, "ld.bacson").get(page_url))
    assert "Phân công xử lý" in leader
    assert task_url(receipt) in sign_in(client, "ld.bacson").get(page_url).content.decode()
    handler = sign_in(client, "cb.bacson").get(page_url).content.decode()
    assert task_url(receipt) not in handler
    assert sign_in(client, "vt.quangdai").get(page_url).status_code == 404
    assert client.post("/incoming/tiep-nhan/", {"receipt": receipt.pk}).status_code == 302
    assert Receipt.objects.get(pk=receipt.pk).incoming_number == receipt.incoming_number


def test_an_unverified_signature_sends_the_clerk_to_the_task_screen(world, client, committed):
    receipt = committed(delivered, "Văn bản chữ ký lỗi")
    Receipt.objects.filter(pk=receipt.pk).update(signature_status=SignatureStatus.INVALID)
    html = sign_in(client, "vt.bacson").get(f"/outgoing/{receipt.document_id}/").content.decode()
    assert 'action="/incoming/tiep-nhan/"' not in html
    assert f'href="{task_url(receipt)}"' in html


def test_several_copies_at_once_with_one_refused_by_name(world, client, committed):
    first, broken, third = (
        committed(delivered, title) for title in ("Văn bản một", "Văn bản hai", "Văn bản ba")
    )
    Receipt.objects.filter(pk=broken.pk).update(signature_status=SignatureStatus.INVALID)
    listing = sign_in(client, "vt.bacson").get("/incoming/").content.decode()
    for receipt in (first, broken, third):
        assert f'name="receipt" value="{receipt.pk}"' in listing
    assert "Tiếp nhận các văn bản đã chọn" in listing
    response = client.post(
        "/incoming/tiep-nhan/", {"receipt": [first.pk, broken.pk, third.pk]}, follow=True
    )
    statuses = dict(
        Receipt.objects.filter(pk__in=[first.pk, broken.pk, third.pk]).values_list("pk", "status")
    )
    assert statuses == {first.pk: R.ACKNOWLEDGED, broken.pk: R.DELIVERED, third.pk: R.ACKNOWLEDGED}
    text = text_of(response)
    assert "Đã tiếp nhận 2 văn bản" in text
    assert "Chưa tiếp nhận 1 văn bản" in text
    assert f"{broken.document.symbol}: Chữ ký số không hợp lệ" in text
    # Taken meanwhile: named, and the others are not held back.
    again = client.post("/incoming/tiep-nhan/", {"receipt": [first.pk]}, follow=True)
    assert "Chưa tiếp nhận 1 văn bản" in text_of(again)
    assert f'name="receipt" value="{first.pk}"' not in again.content.decode()


def test_someone_who_may_not_acknowledge_gets_no_checkboxes_and_takes_nothing(
    world, client, committed
):
    receipt = committed(delivered, "Văn bản của văn thư")
    listing = sign_in(client, "cb.bacson").get("/incoming/").content.decode()
    assert "Tiếp nhận các văn bản đã chọn" not in listing
    client.post("/incoming/tiep-nhan/", {"receipt": [receipt.pk]})
    receipt.refresh_from_db()
    assert receipt.status == R.DELIVERED


def test_the_deadline_and_quá_hạn_show_in_hop_viec_the_task_and_the_document(
    world, staff, client, committed
):
    receipt = committed(assigned, committed(delivered, "Kế hoạch có hạn"))
    due = f"{receipt.deadline:%d/%m/%Y}"
    sign_in(client, "cb.bacson")
    page_url = f"/outgoing/{receipt.document_id}/"
    for url in ("/workflow/inbox/", task_url(receipt), page_url):
        text = text_of(client.get(url))
        assert due in text and "Quá hạn" not in text, url
    coordinator = text_of(sign_in(client, "cv1.bacson").get("/workflow/inbox/"))
    assert "Phối hợp xử lý" in coordinator and due in coordinator
    late = timezone.localdate() - datetime.timedelta(days=3)
    Receipt.objects.filter(pk=receipt.pk).update(deadline=late)
    sign_in(client, "cb.bacson")
    for url in ("/workflow/inbox/", task_url(receipt), page_url):
        html = client.get(url).content.decode()
        text = text_of(client.get(url))
        assert f"Quá hạn {late:%d/%m/%Y} (trễ 3 ngày)" in text, url
        assert "vb-due--late" in html, url


def test_the_assignment_screen_names_every_part(world, staff, client, committed):
    receipt = committed(delivered, "Kế hoạch phân công")
    receipt = committed(services.acknowledge, actor=user("vt.bacson"), receipt=receipt)
    url = task_url(receipt)
    sign_in(client, "ld.bacson")
    form = client.get(url).content.decode()
    for field in ("assignee", "coordinators", "informed", "instruction", "deadline"):
        assert f'name="{field}"' in form, field
    deadline = timezone.localdate() + datetime.timedelta(days=7)
    response = client.post(
        url,
        {
            "assignee": user("cb.bacson").pk,
            "coordinators": [user("cv1.bacson").pk, user("cb.bacson").pk],
            "deadline": f"{deadline:%d/%m/%Y}",
        },
    )
    assert response.status_code == 200  # the chủ trì named twice: said on the field
    assert "Mỗi người chỉ nhận một vai trò" in text_of(response)
    receipt.refresh_from_db()
    assert receipt.status == R.ACKNOWLEDGED
    response = client.post(
        url,
        {
            "assignee": user("cb.bacson").pk,
            "coordinators": [user("cv1.bacson").pk, user("vt.bacson").pk],
            "informed": [user("cv2.bacson").pk],
            "instruction": "Chủ trì tham mưu.",
            "deadline": f"{deadline:%d/%m/%Y}",
        },
        follow=True,
    )
    receipt.refresh_from_db()
    assert receipt.status == R.ASSIGNED and receipt.instruction == "Chủ trì tham mưu."
    text = text_of(response)
    assert "Chủ trì tham mưu." in text and "Phối hợp" in text and "Để biết" in text


def test_progress_from_the_page_oldest_first_and_not_from_someone_informed(
    world, staff, client, committed
):
    receipt = committed(assigned, committed(delivered, "Kế hoạch tiến độ"))
    page_url = f"/outgoing/{receipt.document_id}/"
    sign_in(client, "cb.bacson").post(f"/incoming/{receipt.pk}/tien-do/", {"text": "Bước một."})
    sign_in(client, "cv1.bacson").post(f"/incoming/{receipt.pk}/tien-do/", {"text": "Bước hai."})
    text = text_of(client.get(page_url))
    assert text.index("Bước một.") < text.index("Bước hai.")
    screen = text_of(sign_in(client, "cb.bacson").get(task_url(receipt)))
    assert "Bước một." in screen and "Tham mưu kế hoạch của phường." in screen
    informed = sign_in(client, "cv2.bacson")
    html = informed.get(page_url).content.decode()
    assert "Tham mưu kế hoạch của phường." in text_of(informed.get(page_url))
    assert 'data-testid="progress-form"' not in html
    response = informed.post(f"/incoming/{receipt.pk}/tien-do/", {"text": "Không được"})
    assert response.status_code in (302, 403)
    assert ProgressNote.objects.filter(receipt=receipt).count() == 2
    # The issuer's side reads the copy's handler, not its progress notes.
    issuer = text_of(sign_in(client, "vanthu").get(page_url))
    assert "Bước một." not in issuer
