"""Bad input gets a clear field error (InvalidInput → 400) in the reader's language, and writes
nothing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from documents import services
from documents.errors import InvalidInput
from documents.models import (
    AuditEvent,
    Document,
    DocumentVersion,
    Receipt,
    Recipient,
    RegisterBook,
)
from tests.support import advance, new_draft, receipt_for

pytestmark = pytest.mark.django_db

MODELS = (Document, Recipient, AuditEvent, DocumentVersion, Receipt, RegisterBook)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _refusal(call, field: str, language: str) -> InvalidInput:
    before = counts()
    with translation.override(language), pytest.raises(InvalidInput) as raised:
        call()
    error = raised.value
    assert field in error.errors, error.errors
    assert error.status_code == 400
    assert counts() == before
    return error


def refused(call, field: str, *, vietnamese: str, english: str) -> InvalidInput:
    """Run ``call`` in Vietnamese, then in English; each time it must raise InvalidInput naming
    ``field`` in that language only, and leave every table as it was."""
    error = _refusal(call, field, "vi")
    messages = error.errors[field]
    assert any(vietnamese in m for m in messages), messages
    assert not any(english in m or " / " in m for m in messages), messages
    in_english = _refusal(call, field, "en").errors[field]
    assert any(english in m for m in in_english), in_english
    assert not any(vietnamese in m for m in in_english), in_english
    return error


def draft_input(**changes) -> dict:
    values = {
        "issuer": "mttq-samson",
        "doc_type": "KH",
        "title": "Kế hoạch tuyên truyền",
        "body": "Nội dung.",
        "recipients": [
            {"organization": "bacson", "purpose": "execute"},
            {"organization": "thanhuy", "purpose": "report"},
        ],
    }
    values.update(changes)
    return values


def create(world, **changes):
    return lambda: services.create_draft(actor=world.user("soanthao"), **draft_input(**changes))


def test_the_valid_input_of_these_tests_is_accepted(world):
    before = counts()
    doc = create(world)()
    assert doc.status == "draft"
    after = counts()
    assert after["Document"] == before["Document"] + 1
    assert after["Recipient"] == before["Recipient"] + 2
    assert after["AuditEvent"] == before["AuditEvent"] + 1


@pytest.mark.parametrize("title", ["", "   ", None])
def test_an_empty_title_is_refused(world, title):
    refused(
        create(world, title=title),
        "title",
        vietnamese="Trích yếu không được để trống",
        english="title must not be empty",
    )


def test_a_title_over_500_characters_is_refused(world):
    refused(
        create(world, title="x" * 501),
        "title",
        vietnamese="tối đa 500 ký tự",
        english="at most 500",
    )


def test_an_unknown_issuer_code_is_refused(world):
    refused(
        create(world, issuer="mttq-khong-co"),
        "issuer",
        vietnamese="Không có cơ quan mã",
        english="Unknown organisation code",
    )


def test_an_unknown_recipient_code_is_refused(world):
    recipients = [
        {"organization": "bacson", "purpose": "execute"},
        {"organization": "phuong-khong-co", "purpose": "execute"},
    ]
    error = refused(
        create(world, recipients=recipients),
        "recipients",
        vietnamese="Không có cơ quan mã",
        english="Unknown organisation code",
    )
    assert any("phuong-khong-co" in m for m in error.errors["recipients"])


@pytest.mark.parametrize("doc_type", ["XX", "", "kh", None])
def test_an_unknown_doc_type_is_refused(world, doc_type):
    refused(
        create(world, doc_type=doc_type),
        "doc_type",
        vietnamese="Giá trị không hợp lệ",
        english="Unknown value",
    )


def test_the_issuer_among_its_own_recipients_is_refused(world):
    recipients = [
        {"organization": "bacson", "purpose": "execute"},
        {"organization": "mttq-samson", "purpose": "inform"},
    ]
    refused(
        create(world, recipients=recipients),
        "recipients",
        vietnamese="Cơ quan ban hành không tự gửi cho mình",
        english="The issuer cannot be a recipient",
    )


def test_duplicate_recipients_are_refused(world):
    recipients = [
        {"organization": "bacson", "purpose": "execute"},
        {"organization": "trungson", "purpose": "execute"},
        {"organization": "bacson", "purpose": "report"},
    ]
    error = refused(
        create(world, recipients=recipients),
        "recipients",
        vietnamese="Nơi nhận bị trùng",
        english="Duplicate recipient",
    )
    assert any("bacson" in m for m in error.errors["recipients"])


def test_duplicate_outside_recipients_by_name_are_refused(world):
    recipients = [
        {"name": "Báo Thanh Hóa", "purpose": "inform"},
        {"name": "báo thanh hóa", "purpose": "inform"},
    ]
    refused(
        create(world, recipients=recipients),
        "recipients",
        vietnamese="Nơi nhận bị trùng",
        english="Duplicate recipient",
    )


def test_an_unknown_purpose_is_refused(world):
    recipients = [{"organization": "bacson", "purpose": "de-xem"}]
    refused(
        create(world, recipients=recipients),
        "recipients",
        vietnamese="Mục đích không hợp lệ",
        english="Unknown purpose",
    )


@pytest.mark.parametrize("field", ["urgency", "secrecy"])
def test_an_unknown_urgency_or_secrecy_is_refused(world, field):
    refused(
        create(world, **{field: "rat-gap"}),
        field,
        vietnamese="Giá trị không hợp lệ",
        english="Unknown value",
    )


def test_every_field_error_is_reported_at_once(world):
    recipients = [{"organization": "mttq-samson", "purpose": "execute"}]
    error = refused(
        create(world, title="", doc_type="XX", urgency="?", recipients=recipients),
        "title",
        vietnamese="Trích yếu",
        english="title",
    )
    assert set(error.errors) == {"title", "doc_type", "urgency", "recipients"}


def test_an_edit_with_an_empty_title_changes_nothing(world):
    doc = new_draft()
    refused(
        lambda: services.edit_draft(actor=world.user("soanthao"), document=doc, title=" "),
        "title",
        vietnamese="Trích yếu không được để trống",
        english="title must not be empty",
    )
    doc.refresh_from_db()
    assert doc.title == "Kế hoạch thử nghiệm"


def test_an_edit_naming_the_issuer_as_recipient_keeps_the_old_list(world):
    doc = new_draft()
    old = list(doc.recipients.values_list("organization__code", "purpose"))
    refused(
        lambda: services.edit_draft(
            actor=world.user("soanthao"),
            document=doc,
            recipients=[{"organization": "mttq-samson", "purpose": "execute"}],
        ),
        "recipients",
        vietnamese="Cơ quan ban hành không tự gửi cho mình",
        english="The issuer cannot be a recipient",
    )
    assert list(doc.recipients.values_list("organization__code", "purpose")) == old


# ---------------------------------------------------------------------------------------------
# Returns, refusals and completions need their text


@pytest.mark.parametrize("comment", ["", "   "])
def test_a_content_review_return_without_a_comment_is_refused(world, comment):
    doc = advance(new_draft(), "in_review")
    refused(
        lambda: services.review(
            actor=world.user("truongban"), document=doc, decision="return", comment=comment
        ),
        "comment",
        vietnamese="Trả lại phải kèm ý kiến",
        english="A return needs a comment",
    )
    doc.refresh_from_db()
    assert doc.status == "in_review"


def test_a_format_check_return_without_a_comment_is_refused(world):
    doc = advance(new_draft(), "format_check")
    refused(
        lambda: services.review(actor=world.user("vanthu"), document=doc, decision="return"),
        "comment",
        vietnamese="Trả lại phải kèm ý kiến",
        english="A return needs a comment",
    )


def test_a_signers_return_without_a_comment_is_refused(world):
    doc = advance(new_draft(), "awaiting_signature")
    refused(
        lambda: services.sign(
            actor=world.user("pct.huy"), document=doc, decision="return", comment=""
        ),
        "comment",
        vietnamese="Trả lại phải kèm ý kiến",
        english="A return needs a comment",
    )
    doc.refresh_from_db()
    assert doc.status == "awaiting_signature"


def test_an_unknown_decision_is_refused(world):
    doc = advance(new_draft(), "in_review")
    refused(
        lambda: services.review(actor=world.user("truongban"), document=doc, decision="ok"),
        "decision",
        vietnamese="Chọn approve hoặc return",
        english="approve or return",
    )


def test_a_recall_without_a_reason_is_refused(world):
    doc = advance(new_draft(), "dispatched")
    refused(
        lambda: services.recall(actor=world.user("pct.huy"), document=doc, reason=""),
        "reason",
        vietnamese="Thu hồi phải nêu lý do",
        english="A recall needs a reason",
    )


@pytest.fixture
def delivered(world):
    doc = advance(new_draft(), "dispatched")
    receipt = receipt_for(doc, "bacson")
    services.deliver(receipt=receipt)
    return receipt


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_a_refusal_without_a_reason_is_refused(world, delivered, reason):
    refused(
        lambda: services.refuse(actor=world.user("vt.bacson"), receipt=delivered, reason=reason),
        "reason",
        vietnamese="Từ chối phải nêu lý do",
        english="A refusal needs a reason",
    )
    delivered.refresh_from_db()
    assert delivered.status == "delivered"


def test_a_completion_without_a_report_is_refused(world, delivered):
    services.acknowledge(actor=world.user("vt.bacson"), receipt=delivered)
    services.assign(
        actor=world.user("ld.bacson"),
        receipt=delivered,
        assignee=world.user("cb.bacson"),
        deadline=timezone.localdate() + datetime.timedelta(days=3),
    )
    refused(
        lambda: services.complete(actor=world.user("cb.bacson"), receipt=delivered, report=" "),
        "report",
        vietnamese="Cần nêu kết quả xử lý",
        english="A completion needs a report",
    )
    delivered.refresh_from_db()
    assert delivered.status == "assigned"


def test_an_assignment_to_someone_outside_the_ward_is_refused(world, delivered):
    services.acknowledge(actor=world.user("vt.bacson"), receipt=delivered)
    refused(
        lambda: services.assign(
            actor=world.user("ld.bacson"), receipt=delivered, assignee=world.user("cb.trungson")
        ),
        "assignee",
        vietnamese="Người xử lý phải thuộc cơ quan nhận",
        english="must belong to the receiving organisation",
    )


def test_an_unknown_document_or_receipt_is_not_found(world):
    from documents.errors import NotFound

    with pytest.raises(NotFound):
        services.submit(actor=world.user("soanthao"), document=10**9)
    with pytest.raises(NotFound):
        services.acknowledge(actor=world.user("vt.bacson"), receipt=10**9)
    with pytest.raises(NotFound):
        services.deliver(receipt=10**9)
