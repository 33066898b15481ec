"""Register numbers, symbols and date lines (design.md section 6; Decree 30 Art. 15 and
Appendix I)."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from documents import numbering, services
from documents.models import Direction, RegisterBook
from tests.support import advance, new_draft, receipt_for

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


# ---------------------------------------------------------------------------------------------
# Pure formatting


@pytest.mark.parametrize(
    "number, doc_type, expected",
    [
        (5, "KH", "05/KH-MTTQ-BTT"),
        (1, "KH", "01/KH-MTTQ-BTT"),
        (9, "TB", "09/TB-MTTQ-BTT"),
        (10, "KH", "10/KH-MTTQ-BTT"),
        (123, "KH", "123/KH-MTTQ-BTT"),
        (5, "CV", "05/MTTQ-BTT"),
        (123, "CV", "123/MTTQ-BTT"),
        (7, "QĐ", "07/QĐ-MTTQ-BTT"),
    ],
)
def test_symbol(number, doc_type, expected):
    assert numbering.symbol_for(number=number, doc_type=doc_type, issuer_symbol="MTTQ-BTT") == (
        expected
    )


@pytest.mark.parametrize(
    "day, expected",
    [
        (datetime.date(2023, 6, 5), "Sầm Sơn, ngày 05 tháng 6 năm 2023"),
        (datetime.date(2020, 1, 29), "Sầm Sơn, ngày 29 tháng 01 năm 2020"),
        (datetime.date(2024, 2, 1), "Sầm Sơn, ngày 01 tháng 02 năm 2024"),
        (datetime.date(2023, 3, 15), "Sầm Sơn, ngày 15 tháng 3 năm 2023"),
        (datetime.date(2023, 10, 9), "Sầm Sơn, ngày 09 tháng 10 năm 2023"),
        (datetime.date(2023, 12, 31), "Sầm Sơn, ngày 31 tháng 12 năm 2023"),
    ],
)
def test_date_line(day, expected):
    assert numbering.date_line("Sầm Sơn", day) == expected


def test_date_line_without_a_place_name():
    assert numbering.date_line("", datetime.date(2023, 6, 5)) == "ngày 05 tháng 6 năm 2023"


# ---------------------------------------------------------------------------------------------
# The year is Vietnam's, whatever zone the process or the request runs in


@pytest.mark.parametrize("active_zone", [None, "UTC", "America/New_York", "Asia/Tokyo"])
def test_registration_year_is_the_year_in_ho_chi_minh_city(active_zone):
    new_year_in_hanoi = datetime.datetime(2023, 12, 31, 17, 0, tzinfo=UTC)  # 00:00 on 1 Jan
    cases = [
        (datetime.datetime(2023, 12, 31, 18, 0, tzinfo=UTC), 2024),
        (new_year_in_hanoi, 2024),
        (new_year_in_hanoi - datetime.timedelta(microseconds=1), 2023),
        (datetime.datetime(2024, 6, 1, 3, 0, tzinfo=UTC), 2024),
    ]
    if active_zone is None:
        got = [numbering.registration_year(at) for at, _ in cases]
    else:
        with timezone.override(active_zone):
            got = [numbering.registration_year(at) for at, _ in cases]
    assert got == [year for _, year in cases]


# ---------------------------------------------------------------------------------------------
# The outgoing register


def _issued(world, **extra):
    return advance(new_draft(**extra), "issued")


def test_registered_documents_are_numbered_01_02_03(world):
    docs = [_issued(world, title=f"Kế hoạch {i}") for i in range(3)]
    assert [d.number for d in docs] == [1, 2, 3]
    assert [d.symbol for d in docs] == ["01/KH-MTTQ-BTT", "02/KH-MTTQ-BTT", "03/KH-MTTQ-BTT"]
    assert len({d.book_id for d in docs}) == 1
    book = docs[0].book
    assert (book.direction, book.secret, book.last_number) == (Direction.OUTGOING, False, 3)
    assert book.year == timezone.localdate().year
    assert book.organization == world.org("mttq-samson")


def test_a_cong_van_shares_the_series_but_omits_its_type(world):
    first = _issued(world)
    letter = _issued(world, doc_type="CV", title="V/v triển khai kế hoạch")
    assert letter.number == first.number + 1 == 2
    assert letter.symbol == "02/MTTQ-BTT"


def test_secret_documents_have_their_own_series(world):
    a = _issued(world, title="Thường 1")
    secret = _issued(world, title="Mật 1", secrecy="mat")
    b = _issued(world, title="Thường 2")
    secret2 = _issued(world, title="Mật 2", secrecy="toi_mat")
    assert (a.number, b.number) == (1, 2)
    assert (secret.number, secret2.number) == (1, 2)
    assert secret.book_id == secret2.book_id != a.book_id
    assert secret.book.secret is True and a.book.secret is False


def test_a_registration_that_rolls_back_leaves_no_gap(world):
    doc = advance(new_draft(), "signed")

    def register_then_fail():
        with transaction.atomic():
            services.register(actor=world.user("vanthu"), document=doc)
            raise RuntimeError("the seal machine jammed")

    with pytest.raises(RuntimeError):
        register_then_fail()
    doc.refresh_from_db()
    assert doc.status == "signed" and doc.number is None
    doc = services.register(actor=world.user("vanthu"), document=doc)
    assert doc.number == 1


def test_a_new_year_starts_again_at_01(world):
    doc = new_draft()
    secret = new_draft(secrecy="mat")
    dec_31 = datetime.datetime(2023, 12, 31, 16, 30, tzinfo=UTC)  # 23:30 in Sầm Sơn
    jan_1 = datetime.datetime(2023, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 January 2024
    with transaction.atomic():
        taken = [
            numbering.take_outgoing(doc, dec_31)[1:],
            numbering.take_outgoing(doc, dec_31)[1:],
            numbering.take_outgoing(doc, jan_1)[1:],
            numbering.take_outgoing(secret, jan_1)[1:],
            numbering.take_outgoing(doc, jan_1)[1:],
        ]
    assert taken == [
        (1, "01/KH-MTTQ-BTT"),
        (2, "02/KH-MTTQ-BTT"),
        (1, "01/KH-MTTQ-BTT"),
        (1, "01/KH-MTTQ-BTT"),
        (2, "02/KH-MTTQ-BTT"),
    ]
    books = RegisterBook.objects.filter(
        organization=world.org("mttq-samson"), direction=Direction.OUTGOING, year__in=[2023, 2024]
    )
    assert sorted(books.values_list("year", "secret", "last_number")) == [
        (2023, False, 2),
        (2024, False, 2),
        (2024, True, 1),
    ]


def test_the_new_year_holds_under_another_active_zone(world):
    doc = new_draft()
    with timezone.override("UTC"), transaction.atomic():
        book, number, _ = numbering.take_outgoing(
            doc, datetime.datetime(2023, 12, 31, 18, 0, tzinfo=UTC)
        )
    assert (book.year, number) == (2024, 1)


def test_take_number_refuses_to_run_outside_a_transaction(world):
    from django.db import connection

    # pytest-django wraps the test in a transaction; step outside it for a moment.
    atomic_before = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError, match="inside the registering transaction"):
            numbering.take_number(
                organization_id=world.org("mttq-samson").pk,
                direction=Direction.OUTGOING,
                year=2023,
                secret=False,
            )
    finally:
        connection.in_atomic_block = atomic_before


# ---------------------------------------------------------------------------------------------
# Incoming numbers (số đến), per recipient organisation


def _acknowledge(world, doc, code):
    receipt = receipt_for(doc, code)
    services.deliver(receipt=receipt)
    return services.acknowledge(actor=world.user(f"vt.{code}"), receipt=receipt)


def test_incoming_numbers_are_counted_per_recipient_organisation(world):
    first = advance(new_draft(title="Văn bản 1"), "dispatched")
    second = advance(new_draft(title="Văn bản 2"), "dispatched")

    assert _acknowledge(world, first, "bacson").incoming_number == 1
    assert _acknowledge(world, second, "bacson").incoming_number == 2
    # trungson's book is its own: its first arrival is its number 1.
    assert _acknowledge(world, second, "trungson").incoming_number == 1
    assert _acknowledge(world, first, "trungson").incoming_number == 2

    bacson = receipt_for(first, "bacson")
    assert bacson.book.direction == Direction.INCOMING
    assert bacson.book.organization == world.org("bacson")
    assert bacson.book.year == timezone.localdate().year
    assert bacson.book != receipt_for(first, "trungson").book


def test_a_secret_arrival_takes_the_secret_incoming_series(world):
    normal = advance(new_draft(title="Thường"), "dispatched")
    secret = advance(new_draft(title="Mật", secrecy="mat"), "dispatched")
    assert _acknowledge(world, normal, "bacson").incoming_number == 1
    receipt = _acknowledge(world, secret, "bacson")
    assert receipt.incoming_number == 1 and receipt.book.secret is True


def test_documents_registered_from_outside_share_the_incoming_series(world):
    issuer = world.org("mttq-samson")
    book = RegisterBook.objects.get(
        organization=issuer,
        direction=Direction.INCOMING,
        year=timezone.localdate().year,
        secret=False,
    )
    before = book.last_number  # the two plans of the demo
    assert before >= 2
    receipt = services.register_incoming(
        actor=world.user("vanthu"),
        organization=issuer,
        sender_name="Thành ủy Sầm Sơn",
        sender_symbol="200-CV/TU",
        sender_date=timezone.localdate(),
        title="V/v tổ chức hội nghị",
        doc_type="CV",
    )
    assert receipt.incoming_number == before + 1
    assert receipt.status == "acknowledged"
