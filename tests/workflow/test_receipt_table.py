"""The sender's receipt table on the document page: the time of each status, the refusal
reason, the handler, the deadline and the report; its filters; the chase; the Excel export;
a bounded number of queries; and nobody but the issuer side reads it."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from documents import audit, services
from documents.models import AuditEvent, Document, DocumentStatus, Receipt, ReceiptStatus
from tests.support import advance, new_draft, receipt_for, sign_in, user
from tests.workflow.conftest import make_recipient_orgs
from tests.workflow.screens import text_of
from workflow.models import Notification, NotificationKind

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

S, R = DocumentStatus, ReceiptStatus
LONG_REPORT = "Phường đã tổ chức hội nghị quán triệt kế hoạch. " * 6


def five_recipients() -> list[dict]:
    return [
        {"organization": "thanhuy", "purpose": "report"},
        {"organization": "bacson", "purpose": "execute"},
        {"organization": "trungson", "purpose": "execute"},
        {"organization": "quangtien", "purpose": "execute"},
        {"organization": "truongson", "purpose": "execute"},
    ]


@pytest.fixture
def followed(world, committed):
    """A dispatched plan: thanhuy acknowledged; trungson refused; bacson assigned and done;
    quangtien assigned with a deadline now past; truongson not yet acknowledged."""
    doc = committed(new_draft, title="Kế hoạch theo dõi", recipients=five_recipients())
    doc = committed(advance, doc, S.DISPATCHED)
    assert not doc.receipts.exclude(status=R.DELIVERED).exists()
    services.acknowledge(actor=user("vt.thanhuy"), receipt=receipt_for(doc, "thanhuy"))
    services.refuse(
        actor=user("vt.trungson"),
        receipt=receipt_for(doc, "trungson"),
        reason="Không thuộc thẩm quyền của phường.",
    )
    bacson = services.acknowledge(actor=user("vt.bacson"), receipt=receipt_for(doc, "bacson"))
    bacson = services.assign(
        actor=user("ld.bacson"),
        receipt=bacson,
        assignee=user("cb.bacson"),
        deadline=timezone.localdate() + datetime.timedelta(days=5),
    )
    services.complete(actor=user("cb.bacson"), receipt=bacson, report=LONG_REPORT)
    quangtien = services.acknowledge(
        actor=user("vt.quangtien"), receipt=receipt_for(doc, "quangtien")
    )
    services.assign(
        actor=user("ld.quangtien"),
        receipt=quangtien,
        assignee=user("ld.quangtien"),
        deadline=timezone.localdate() + datetime.timedelta(days=1),
    )
    # The service refuses a deadline already past: the data of a plan gone late.
    Receipt.objects.filter(pk=quangtien.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )
    return doc


def table_html(client, doc, query: str = "") -> str:
    html = client.get(f"/outgoing/{doc.pk}/{query}").content.decode()
    start = html.index('data-testid="receipt-status"')
    return html[start : html.index("</form>", start)]


def rows_of(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('<tr data-org="')[1:]]


def test_the_table_shows_times_reason_handler_deadline_and_report(followed, client):
    doc = followed
    sign_in(client, "vanthu")
    html = table_html(client, doc)
    text = text_of(type("R", (), {"content": html.encode()})())
    assert rows_of(html) == sorted(rows_of(html), key=rows_of(html).index)  # one row each
    assert set(rows_of(html)) == {"thanhuy", "bacson", "trungson", "quangtien", "truongson"}
    bacson = receipt_for(doc, "bacson")
    assigned = AuditEvent.objects.get(receipt=bacson, action="assign").at
    completed = AuditEvent.objects.get(receipt=bacson, action="complete").at
    for moment in (bacson.delivered_at, bacson.received_at, assigned, completed):
        assert timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") in text
    refused = AuditEvent.objects.get(receipt=receipt_for(doc, "trungson"), action="refuse").at
    assert timezone.localtime(refused).strftime("%H:%M %d/%m/%Y") in text
    assert "Lý do: Không thuộc thẩm quyền của phường." in text
    # The handler in Vietnamese order, the deadline, overdue in words.
    assert bacson.assignee.last_name in text
    late = receipt_for(doc, "quangtien")
    assert f"{late.deadline:%d/%m/%Y} Quá hạn" in text
    assert text.count("Quá hạn") == 2  # the filter and the one late row
    # The long report is shortened, and the whole of it is one click away.
    assert "<details" in html and LONG_REPORT.strip() in html
    # Counts per status on top.
    assert "5 nơi nhận" in text
    for words in ("Đã tiếp nhận: 1", "Từ chối tiếp nhận: 1", "Hoàn thành: 1", "Đã đến: 1"):
        assert words in text


@pytest.mark.parametrize(
    "show, expected",
    [
        ("", {"thanhuy", "bacson", "trungson", "quangtien", "truongson"}),
        ("chua-tiep-nhan", {"truongson"}),
        ("qua-han", {"quangtien"}),
        ("hoan-thanh", {"bacson"}),
        ("nonsense", {"thanhuy", "bacson", "trungson", "quangtien", "truongson"}),
    ],
)
def test_the_filters_are_plain_links(followed, client, show, expected):
    sign_in(client, "soanthao")
    html = table_html(client, followed, f"?loc={show}")
    assert set(rows_of(html)) == expected
    # Each filter is a link with its count; the active one is marked.
    for key in ("chua-tiep-nhan", "qua-han", "hoan-thanh"):
        assert f"?loc={key}#theo-doi" in html
    active = show if show in ("chua-tiep-nhan", "qua-han", "hoan-thanh") else "tat-ca"
    assert f'class="is-active" aria-current="true" data-show="{active}"' in html


def test_only_the_rows_that_lag_can_be_ticked_and_the_links_tick_them(followed, client):
    doc = followed
    sign_in(client, "vanthu")
    html = table_html(client, doc)
    ticks = {
        part.split('"', 1)[0]
        for part in html.split('<tr data-org="')[1:]
        if 'name="receipts"' in part.split("</tr>", 1)[0]
    }
    # Not yet acknowledged, or being handled: thanhuy reports only, trungson refused, bacson done.
    assert ticks == {"truongson", "quangtien"}
    ticked = table_html(client, doc, "?chon=chua-tiep-nhan")
    truongson = receipt_for(doc, "truongson").pk
    assert f'value="{truongson}" checked' in ticked
    assert ticked.count(" checked") == 1
    assert table_html(client, doc, "?chon=tat-ca").count(" checked") == 2


def test_chasing_from_the_page(followed, client, committed):
    doc = followed
    truongson, quangtien = receipt_for(doc, "truongson"), receipt_for(doc, "quangtien")
    sign_in(client, "vanthu")
    response = committed(
        client.post,
        f"/outgoing/{doc.pk}/don-doc/",
        {"receipts": [truongson.pk, quangtien.pk], "loc": "chua-tiep-nhan"},
        follow=True,
    )
    assert response.redirect_chain[-1][0].endswith("?loc=chua-tiep-nhan#theo-doi")
    assert "Đã đôn đốc 2 nơi nhận" in text_of(response)
    assert AuditEvent.objects.filter(document=doc, action="chase").count() == 2
    told = Notification.objects.filter(kind=NotificationKind.CHASED, document=doc)
    assert {n.user.username for n in told} == {"vt.truongson", "ld.quangtien"}
    # The rows say so, and offer no second chase today.
    html = table_html(client, doc)
    assert html.count("Đã đôn đốc hôm nay") == 2
    assert 'name="receipts"' not in html
    again = client.post(f"/outgoing/{doc.pk}/don-doc/", {"receipts": [truongson.pk]}, follow=True)
    assert "đã được đôn đốc hôm nay" in text_of(again)
    assert AuditEvent.objects.filter(document=doc, action="chase").count() == 2
    nothing = client.post(f"/outgoing/{doc.pk}/don-doc/", {}, follow=True)
    assert "Hãy chọn ít nhất một nơi nhận." in text_of(nothing)


def test_recipients_never_see_the_other_recipients_rows(followed, client):
    doc = followed
    sign_in(client, "vt.quangtien")
    page = client.get(f"/outgoing/{doc.pk}/").content.decode()
    assert 'data-testid="receipt-status"' not in page
    assert "Không thuộc thẩm quyền của phường." not in page
    assert LONG_REPORT.strip() not in page
    assert client.get(f"/outgoing/{doc.pk}/theo-doi.xlsx").status_code == 403
    truongson = receipt_for(doc, "truongson")
    response = client.post(f"/outgoing/{doc.pk}/don-doc/", {"receipts": [truongson.pk]})
    assert response.status_code == 403
    sign_in(client, "vt.quangdai")
    assert client.get(f"/outgoing/{doc.pk}/theo-doi.xlsx").status_code == 404
    assert client.post(f"/outgoing/{doc.pk}/don-doc/", {"receipts": [1]}).status_code == 404
    assert not AuditEvent.objects.filter(document=doc, action="chase").exists()


def test_the_excel_workbook_has_the_rows_of_the_active_filter(followed, client):
    doc = followed
    sign_in(client, "pct.huy")
    page = client.get(f"/outgoing/{doc.pk}/?loc=hoan-thanh").content.decode()
    assert f"/outgoing/{doc.pk}/theo-doi.xlsx?loc=hoan-thanh" in page
    response = client.get(f"/outgoing/{doc.pk}/theo-doi.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment;" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    headers = [c.value for c in sheet[1]]
    assert headers[:6] == ["STT", "Nơi nhận", "Mục đích", "Trạng thái", "Ngày đến", "Tiếp nhận"]
    assert {"Chủ trì", "Hạn xử lý", "Hoàn thành", "Báo cáo kết quả", "Lý do từ chối"} <= set(
        headers
    )
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 30
    rows = {r[1]: dict(zip(headers, r, strict=True)) for r in sheet.iter_rows(2, values_only=True)}
    assert len(rows) == 5
    bacson = rows[receipt_for(doc, "bacson").organization.name]
    assert isinstance(bacson["Ngày đến"], datetime.datetime)
    assert isinstance(bacson["Hoàn thành"], datetime.datetime)
    assert bacson["Hạn xử lý"].date() == receipt_for(doc, "bacson").deadline
    assert bacson["Báo cáo kết quả"] == LONG_REPORT.strip()
    assert bacson["Chủ trì"] and bacson["Quá hạn"] is None
    late = rows[receipt_for(doc, "quangtien").organization.name]
    assert late["Quá hạn"] == "Quá hạn"
    refused = rows[receipt_for(doc, "trungson").organization.name]
    assert refused["Lý do từ chối"] == "Không thuộc thẩm quyền của phường."
    assert sheet.cell(2, headers.index("Ngày đến") + 1).number_format == "dd/mm/yyyy hh:mm"
    only_done = client.get(f"/outgoing/{doc.pk}/theo-doi.xlsx?loc=hoan-thanh")
    done_sheet = load_workbook(BytesIO(only_done.content)).active
    assert [r[1] for r in done_sheet.iter_rows(2, values_only=True)] == [
        receipt_for(doc, "bacson").organization.name
    ]


def _document_with(count: int) -> Document:
    """A dispatched document with ``count`` recipients: Bắc Sơn's copy delivered, the others
    acknowledged, every third one assigned, their times in the trail."""
    doc = advance(
        new_draft(recipients=[{"organization": "bacson", "purpose": "execute"}]), S.DISPATCHED
    )
    services.deliver(receipt=receipt_for(doc, "bacson"))
    now = timezone.now()
    receipts = Receipt.objects.bulk_create(
        Receipt(
            document=doc,
            organization=org,
            purpose="execute",
            status=R.ASSIGNED if i % 3 == 0 else R.ACKNOWLEDGED,
            delivered_at=now,
            received_at=now,
            assignee=user("cb.bacson") if i % 3 == 0 else None,
            deadline=timezone.localdate() if i % 3 == 0 else None,
            report="Đang triển khai.",
        )
        for i, org in enumerate(make_recipient_orgs(count - 1, clerks=0))
    )
    if receipts:
        audit.record_many(
            action="assign", receipts=receipts, from_status="acknowledged", to_status="assigned"
        )
    return doc


def test_the_page_costs_the_same_for_1_and_200_recipients(world, client):
    sign_in(client, "vanthu")
    counts: dict = {}
    for n in (1, 200):
        doc = _document_with(n)
        client.get(f"/outgoing/{doc.pk}/")  # warm: sessions, content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/outgoing/{doc.pk}/")
        assert response.status_code == 200
        assert len(rows_of(table_html(client, doc))) == n
        counts[n] = len(queries)
        with CaptureQueriesContext(connection) as export:
            workbook = client.get(f"/outgoing/{doc.pk}/theo-doi.xlsx")
        assert workbook.status_code == 200
        counts[f"xlsx{n}"] = len(export)
    assert counts[200] == counts[1], counts
    assert counts["xlsx200"] == counts["xlsx1"] <= 12, counts
