"""The clerk's desk on screen: the register page (the API's rows, permissions and files),
the bell and the notifications page (only one's own), the overdue list, and the lists'
bounded queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents import registers, services
from documents.models import Receipt, ReceiptStatus
from documents.selectors import overdue_receipts
from documents.selectors.registers import register_book
from tests.support import advance, new_draft, sign_in, user
from tests.workflow.screens import text_of
from workflow.models import Notification, NotificationKind

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]
YEAR = timezone.localdate().year


@pytest.fixture
def dispatched(world, committed):
    documents = []
    for title in ("Kế hoạch thứ nhất của sổ", "Kế hoạch thứ hai của sổ", "Kế hoạch thứ ba"):
        document = advance(new_draft(title=title), "issued")
        documents.append(committed(services.dispatch, actor=user("vanthu"), document=document))
    return documents


def paper(n: int, code: str = "bacson") -> list[Receipt]:
    return [
        services.register_incoming(
            actor=user(f"vt.{code}"),
            organization=code,
            sender_name="Sở Nội vụ",
            sender_symbol=f"{i + 1}/SNV",
            sender_date=timezone.localdate(),
            title=f"Công văn giấy {i + 1}",
        )
        for i in range(n)
    ]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# ---------------------------------------------------------------------------------------------
# Sổ đăng ký


def test_the_register_page_shows_the_selectors_rows_in_number_order(dispatched, client):
    response = sign_in(client, "vanthu").get("/outgoing/so-dang-ky/")
    assert response.status_code == 200
    html = response.content.decode()
    book = register_book(
        user("vanthu"), organization="mttq-samson", direction="outgoing", year=YEAR
    )
    expected = [d.number for d in registers.entries(book)]
    assert expected == [1, 2, 3]
    shown = [int(n) for n in re.findall(r'data-number="(\d+)"', html)]
    assert shown == expected
    text = text_of(response)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and "Kế hoạch: Kế hoạch thứ nhất của sổ" in text
    query = f"organization=mttq-samson&amp;direction=outgoing&amp;year={YEAR}"
    assert f"/api/v1/registers/?{query}&amp;format=pdf" in html
    assert f"/api/v1/registers/?{query}&amp;format=xlsx" in html
    # "In sổ" opens the API's PDF in the browser, with the page's own session.
    pdf = client.get(f"/api/v1/registers/?{query.replace('&amp;', '&')}&format=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("inline")


def test_the_register_page_refuses_as_the_api_does(dispatched, client):
    assert sign_in(client, "soanthao").get("/outgoing/so-dang-ky/").status_code == 403
    clerk = sign_in(client, "vanthu")
    assert clerk.get("/outgoing/so-dang-ky/?organization=bacson").status_code == 403
    assert clerk.get("/outgoing/so-dang-ky/?organization=khong-co").status_code == 404
    bad = clerk.get("/outgoing/so-dang-ky/?from=2026-05-02&to=2026-05-01")
    assert bad.status_code == 200 and "Ngày cuối phải sau ngày đầu." in text_of(bad)
    # The menu offers the register to its readers only.
    assert 'data-testid="menu-register"' in clerk.get("/outgoing/").content.decode()
    drafter = sign_in(client, "soanthao").get("/outgoing/").content.decode()
    assert 'data-testid="menu-register"' not in drafter


def test_the_incoming_register_links_an_outside_copy_to_its_page(world, client):
    (receipt,) = paper(1)
    html = sign_in(client, "vt.bacson").get("/incoming/so-dang-ky/").content.decode()
    assert f'href="/incoming/ban/{receipt.pk}/"' in html
    assert 'data-number="1"' in html


def test_the_register_page_has_a_bounded_number_of_queries(world, client):
    paper(1)
    sign_in(client, "vt.bacson")
    one = queries(client, "/incoming/so-dang-ky/")
    paper(29)
    assert queries(client, "/incoming/so-dang-ky/") == one


# ---------------------------------------------------------------------------------------------
# The bell and the notifications page


@pytest.fixture
def delivered(world, committed):
    document = advance(new_draft(urgency="khan"), "issued")
    return committed(services.dispatch, actor=user("vanthu"), document=document)


def test_the_bell_counts_and_the_page_marks_read_only_ones_own(delivered, client):
    clerk = sign_in(client, "vt.bacson")
    html = clerk.get("/incoming/").content.decode()
    assert 'data-testid="bell-count">1<' in html
    page = clerk.get("/account/thong-bao/")
    assert page.status_code == 200
    text = text_of(page)
    assert "Chưa đọc" in text and delivered.symbol in text
    mine = Notification.objects.get(user=user("vt.bacson"))
    assert f'href="/outgoing/{delivered.pk}/"' in page.content.decode()
    other = Notification.objects.get(user=user("vt.trungson"))
    # Someone else's notification is absent to the person, and stays unread.
    assert clerk.post(f"/account/thong-bao/{other.pk}/da-doc/").status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    assert clerk.post(f"/account/thong-bao/{mine.pk}/da-doc/").status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    after = clerk.get("/account/thong-bao/")
    assert "Đã đọc" in text_of(after) and 'data-testid="bell-count"' not in after.content.decode()
    # GET changes nothing.
    assert clerk.get(f"/account/thong-bao/{mine.pk}/da-doc/").status_code == 405


def test_mark_all_read_touches_only_ones_own(delivered, client):
    clerk = sign_in(client, "vt.bacson")
    assert clerk.post("/account/thong-bao/da-doc/").status_code == 302
    assert not Notification.objects.filter(user=user("vt.bacson"), read_at__isnull=True).exists()
    assert Notification.objects.filter(user=user("vt.trungson"), read_at__isnull=True).exists()


def test_the_notifications_page_has_a_bounded_number_of_queries(world, client):
    person = user("vt.bacson")
    (receipt,) = paper(1)

    def notes(n: int, start: int) -> None:
        Notification.objects.bulk_create(
            Notification(
                user=person,
                kind=NotificationKind.ASSIGNED,
                receipt=receipt,
                key=f"{start + i}",
                text=f"Thông báo {start + i}",
            )
            for i in range(n)
        )

    notes(1, 0)
    sign_in(client, "vt.bacson")
    one = queries(client, "/account/thong-bao/")
    notes(29, 1)
    assert queries(client, "/account/thong-bao/") == one


# ---------------------------------------------------------------------------------------------
# Văn bản quá hạn


def late(document, days: int = 30) -> None:
    Receipt.objects.filter(document=document, status=ReceiptStatus.DELIVERED).update(
        delivered_at=timezone.now() - datetime.timedelta(days=days)
    )


def test_the_overdue_page_lists_the_selectors_rows(delivered, client):
    late(delivered)
    clerk = sign_in(client, "vanthu")
    response = clerk.get("/outgoing/qua-han/")
    assert response.status_code == 200
    html = response.content.decode()
    expected = list(overdue_receipts(user("vanthu")).values_list("pk", flat=True))
    assert expected
    found = [int(pk) for pk in re.findall(r'data-receipt="(\d+)"', html)]
    assert sorted(found) == sorted(expected)
    text = text_of(response)
    assert "Chưa tiếp nhận" in text and "(đã 30 ngày)" in text
    assert f'href="/outgoing/{delivered.pk}/#theo-doi"' in html
    # Past the handling deadline: the receipt table's words.
    receipt = delivered.receipts.get(organization__code="bacson")
    receipt = services.acknowledge(actor=user("vt.bacson"), receipt=receipt)
    services.assign(
        actor=user("ld.bacson"),
        receipt=receipt,
        assignee=user("cb.bacson"),
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    Receipt.objects.filter(pk=receipt.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=4)
    )
    text = text_of(clerk.get("/outgoing/qua-han/"))
    assert "Quá hạn" in text and "(trễ 4 ngày)" in text
    # A recipient's clerk has nothing of the sender's to chase.
    ward = sign_in(client, "vt.bacson").get("/outgoing/qua-han/")
    assert 'data-testid="overdue-table"' not in ward.content.decode()


def test_the_overdue_page_has_a_bounded_number_of_queries(world, client, committed):
    first = advance(new_draft(title="Kế hoạch trễ một"), "issued")
    first = committed(services.dispatch, actor=user("vanthu"), document=first)
    late(first)
    Receipt.objects.filter(document=first).exclude(organization__code="bacson").update(
        delivered_at=timezone.now()
    )
    sign_in(client, "vanthu")
    assert len(overdue_receipts(user("vanthu"))) == 1
    one = queries(client, "/outgoing/qua-han/")
    for title in ("Kế hoạch trễ hai", "Kế hoạch trễ ba"):
        document = advance(new_draft(title=title), "issued")
        late(committed(services.dispatch, actor=user("vanthu"), document=document))
    assert len(overdue_receipts(user("vanthu"))) > 5
    assert queries(client, "/outgoing/qua-han/") == one
