"""Báo cáo, the page: the registers' readers open it (the menu shows it to them only), anyone
else is refused (403), an unknown organisation is not there (404) and a bad period is a 400
with its field named; the same number of queries for 1 document and for 40; the workbook read
back holds exactly the page's tables."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from documents.lifecycle import ReceiptStatus
from documents.models import Document, Receipt, RegisterBook
from orgchart.models import Organization
from tests.support import new_draft, sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]
URL = "/reports/"
EXPORT = "/reports/bao-cao.xlsx"
R = ReceiptStatus


class Tables(HTMLParser):
    """The page's figure tables: key → rows of cell texts (header row first)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.key: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and attributes.get("data-table"):
            self.key = attributes["data-table"]
            self.tables[self.key] = []
        elif self.key and tag == "tr":
            self.tables[self.key].append([])
        elif self.key and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.key = None
        elif self.key and tag in ("td", "th") and self.cell is not None:
            self.tables[self.key][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(response) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(response.content.decode())
    return parser.tables


def test_the_city_clerk_reads_the_reports(client, world):
    sign_in(client, "vanthu", fresh=False)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="report-charts"' in body and "vendor/chartjs/chart.umd.js" in body
    assert "<script>" not in body.replace('<script id="report-charts"', "")
    tables = page_tables(response)
    assert set(tables) >= {
        "outgoing-states",
        "incoming-statuses",
        "incoming-handling",
        "outgoing-handling",
        "recipients",
    }
    assert 'data-testid="menu-reports"' in body


@pytest.mark.parametrize("username", ["chutich", "pct.huy", "kiemtra", "vt.bacson", "ld.bacson"])
def test_the_registers_readers_read_their_own(client, world, username):
    sign_in(client, username, fresh=False)
    assert client.get(URL).status_code == 200


def test_anyone_else_is_refused_and_does_not_see_the_menu(client, world):
    sign_in(client, "soanthao", fresh=False)
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403
    inbox = client.get("/workflow/inbox/").content.decode()
    assert "/reports/" not in inbox
    sign_in(client, "vt.bacson", fresh=False)
    assert client.get(URL, {"organization": "mttq-samson"}).status_code == 403
    assert client.get(EXPORT, {"organization": "mttq-samson"}).status_code == 403


def test_an_unknown_organisation_is_not_found(client, world):
    sign_in(client, "vanthu", fresh=False)
    assert client.get(URL, {"organization": "khong-co"}).status_code == 404
    assert client.get(EXPORT, {"organization": "khong-co"}).status_code == 404


def test_a_bad_period_is_a_400_with_the_field_named(client, world):
    sign_in(client, "vanthu", fresh=False)
    response = client.get(URL, {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 400
    assert "Ngày cuối kỳ phải sau ngày đầu kỳ." in response.content.decode()
    assert client.get(URL, {"since": "ngày mai"}).status_code == 400
    assert client.get(EXPORT, {"until": "x"}).status_code == 400


def issued(count: int) -> None:
    """``count`` documents of the city numbered today, each with copies at three wards in
    several states (written straight into the rows: only the counting is under test)."""
    now = timezone.now()
    wards = list(Organization.objects.filter(code__in=["bacson", "trungson", "quangtien"]))
    statuses = [R.DELIVERED, R.ASSIGNED, R.COMPLETED]
    book, _created = RegisterBook.objects.get_or_create(
        organization=Organization.objects.get(code="mttq-samson"),
        direction="outgoing",
        year=timezone.localdate().year,
        secret=False,
    )
    for index in range(count):
        document = new_draft(title=f"Văn bản đếm số {index}")
        Document.objects.filter(pk=document.pk).update(
            issued_at=now, book=book, number=90000 + document.pk
        )
        for ward, status in zip(wards, statuses, strict=True):
            receipt = Receipt.objects.create(
                document=document, organization=ward, purpose="execute"
            )
            Receipt.objects.filter(pk=receipt.pk).update(
                status=status,
                delivered_at=now,
                deadline=timezone.localdate() - datetime.timedelta(days=index % 2),
            )


def queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured.captured_queries)


def test_the_same_number_of_queries_for_one_document_and_for_forty(client, world):
    sign_in(client, "vanthu", fresh=False)
    client.get(URL)  # the session's first page reads what later pages keep
    issued(1)
    one = queries(client)
    issued(39)
    forty = queries(client)
    assert one == forty, (one, forty)
    page = page_tables(client.get(URL))
    handling = {row[0]: row[1] for row in page["outgoing-handling"][1:]}
    assert int(handling["Số bản gửi các nơi nhận"]) >= 120
    # A ward reads its incoming copies in as many.
    sign_in(client, "vt.bacson", fresh=False)
    client.get(URL)
    assert queries(client) == queries(client, organization="bacson")


def test_the_workbook_holds_the_page_tables(client, world):
    issued(3)
    sign_in(client, "vanthu", fresh=False)
    today = timezone.localdate()
    params = {"organization": "mttq-samson", "since": f"{today:%Y-%m-01}", "until": f"{today}"}
    page = page_tables(client.get(URL, params))
    response = client.get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    keys = ["summary", *page]
    assert len(book.worksheets) == len(keys)
    for sheet, key in zip(book.worksheets[1:], keys[1:], strict=True):
        rows = [
            ["" if value is None else str(value) for value in row]
            for row in sheet.iter_rows(min_row=3, values_only=True)
        ]
        assert rows == page[key], key
    assert book.worksheets[1]["A1"].value.startswith("Văn bản đi theo trạng thái")
