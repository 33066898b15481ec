"""Sổ đăng ký văn bản đi / đến (design.md §15.6, Decree 30 PL IV): the book's rows in number
order with the register's columns, the same rows in the XLSX and the PDF, and only the
organisation's clerks, leaders, signers and auditors reading it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pdfminer.high_level import extract_text
from rest_framework.test import APIClient

from documents import services
from documents.models import Receipt
from tests.support import advance, new_draft, user

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def dispatched(world, django_capture_on_commit_callbacks):
    documents = []
    for title in ("Kế hoạch thứ nhất của sổ", "Kế hoạch thứ hai của sổ", "Kế hoạch thứ ba"):
        document = advance(new_draft(title=title), "issued")
        with django_capture_on_commit_callbacks(execute=True):
            documents.append(services.dispatch(actor=user("vanthu"), document=document))
    return documents


def get(username: str, **params):
    client = APIClient()
    client.force_authenticate(user(username))
    return client.get("/api/v1/registers/", params)


def outgoing(username: str = "vanthu", **params):
    return get(username, organization="mttq-samson", direction="outgoing", year=YEAR, **params)


def test_the_outgoing_register_in_number_order_with_its_columns(dispatched):
    answer = outgoing()
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["count"] == 3
    rows = body["results"]
    assert [r["number"] for r in rows] == [d.number for d in dispatched] == [1, 2, 3]
    assert [r["document"] for r in rows] == [d.pk for d in dispatched]
    first, plan = rows[0]["columns"], dispatched[0]
    assert first["symbol"] == plan.symbol
    assert first["title"] == "Kế hoạch: Kế hoạch thứ nhất của sổ"
    assert first["signer"] == "Trịnh Quang Huy"
    ward = "Ban Thường trực Ủy ban MTTQ Việt Nam phường Bắc Sơn"
    assert first["recipients"].split("; ")[1] == ward
    assert first["copies"] == 3
    assert first["dispatched"] == timezone.localdate().isoformat()
    assert first["date"] == timezone.localdate().isoformat()
    assert first["signed_for"] == "" and first["note"] == ""
    # The page size holds; the contract's paging.
    assert outgoing(page_size=2).json()["next"]


def test_a_recalled_document_keeps_its_line_with_a_note(dispatched):
    services.recall(actor=user("pct.huy"), document=dispatched[1], reason="Sai số liệu")
    rows = outgoing().json()["results"]
    assert [r["columns"]["note"] for r in rows] == ["", "Đã thu hồi", ""]


def test_the_incoming_register_of_a_ward(dispatched):
    receipt = Receipt.objects.get(document=dispatched[2], organization__code="bacson")
    services.acknowledge(actor=user("vt.bacson"), receipt=receipt)
    first = Receipt.objects.get(document=dispatched[0], organization__code="bacson")
    first = services.acknowledge(actor=user("vt.bacson"), receipt=first)
    services.assign(actor=user("ld.bacson"), receipt=first, assignee=user("cb.bacson"))
    answer = get("vt.bacson", organization="bacson", direction="incoming", year=YEAR)
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert [r["number"] for r in rows] == [1, 2]
    assert [r["receipt"] for r in rows] == [receipt.pk, first.pk]
    line = rows[1]["columns"]
    assert line["number"] == 2
    assert line["author"] == "Ban Thường trực Ủy ban MTTQ Việt Nam thành phố Sầm Sơn"
    assert line["symbol"] == dispatched[0].symbol
    assert line["handler"] and line["handed_over"] == timezone.localdate().isoformat()
    assert rows[0]["columns"]["handler"] == ""


def test_the_workbook_holds_the_same_rows(dispatched):
    answer = outgoing(format="xlsx")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in answer["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0].startswith("SỔ ĐĂNG KÝ VĂN BẢN ĐI")
    assert values[2][:3] == (
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung",
    )
    lines = values[3:]
    assert [line[0] for line in lines] == [d.symbol for d in dispatched]
    assert isinstance(lines[0][1], datetime.datetime)  # a date cell, not text
    assert sheet.freeze_panes == "A4"


def test_the_printed_book_holds_the_same_rows(dispatched):
    answer = outgoing(format="pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = " ".join(extract_text(io.BytesIO(answer.content)).split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and f"Năm {YEAR}" in text
    # A symbol may wrap inside its narrow column; its number starts it.
    positions = [text.index(d.symbol.split("-")[0]) for d in dispatched]
    assert positions == sorted(positions)
    assert "Ký nhận" in text and "Nơi nhận văn bản" in text
    assert "Kế hoạch: Kế hoạch thứ hai của sổ" in text


def test_a_date_range_narrows_the_book(dispatched):
    today = timezone.localdate()
    assert outgoing(**{"from": today.isoformat()}).json()["count"] == 3
    assert outgoing(to=(today - datetime.timedelta(days=1)).isoformat()).json()["count"] == 0
    bad = outgoing(**{"from": today.isoformat(), "to": "2000-01-01"})
    assert bad.status_code == 400 and "to" in bad.json()["errors"]


@pytest.mark.parametrize(
    "username, organization, secret, status",
    [
        ("vanthu", "mttq-samson", False, 200),  # the clerk keeps it
        ("pct.huy", "mttq-samson", False, 200),  # a signer
        ("kiemtra", "mttq-samson", False, 200),  # the auditor
        ("soanthao", "mttq-samson", False, 403),  # a drafter does not
        ("truongban", "mttq-samson", False, 403),  # nor a reviewer
        ("vt.bacson", "mttq-samson", False, 403),  # another organisation's clerk
        ("vt.bacson", "bacson", False, 200),
        ("vanthu", "mttq-samson", True, 200),  # the secret book: clerks and leaders only
        ("kiemtra", "mttq-samson", True, 403),
        ("vanthu", "khong-co", False, 404),
    ],
)
def test_who_reads_a_register(world, username, organization, secret, status):
    answer = get(
        username, organization=organization, direction="outgoing", year=YEAR, secret=secret
    )
    assert answer.status_code == status, answer.content
    if status != 200:
        assert set(answer.json()) >= {"detail", "code"}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"direction": "outgoing"}, "organization"),
        ({"organization": "mttq-samson", "direction": "sideways"}, "direction"),
        ({"organization": "mttq-samson", "direction": "outgoing", "year": "x"}, "year"),
        ({"organization": "mttq-samson", "direction": "outgoing", "format": "doc"}, "format"),
    ],
)
def test_bad_questions_answer_400_with_the_field(world, params, field):
    answer = get("vanthu", **params)
    assert answer.status_code == 400
    assert field in answer.json()["errors"]


def test_an_empty_book_prints_that_it_is_empty(world):
    answer = get("vanthu", organization="mttq-samson", direction="outgoing", year=1999)
    assert answer.json()["count"] == 0
    printed = get(
        "vanthu", organization="mttq-samson", direction="outgoing", year=1999, format="pdf"
    )
    assert "Chưa có văn bản nào được vào sổ." in extract_text(io.BytesIO(printed.content))
