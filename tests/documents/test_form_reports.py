"""Form reports (issue: "form-based reports collect their fields as data as well as a
document"): an obligation names its figures; each ward's reply gives them; the roll-up shows
every ward's answers, the latest reply's, with the number fields totalled."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from documents import services
from documents.errors import InvalidInput
from documents.models import Answer, Document
from documents.report_forms import totals
from tests.support import WARDS, advance, receipt_for, user, ward_dispatch, ward_draft

pytestmark = pytest.mark.django_db

FORM = [
    {"key": "so_buoi", "label": "Số buổi tuyên truyền", "type": "number"},
    {"key": "so_nguoi", "label": "Số lượt người tham dự", "type": "number"},
    {"key": "ghi_chu", "label": "Khó khăn, kiến nghị", "type": "text"},
]


def with_form(plan: Document, form=FORM) -> Document:
    due = timezone.localdate() + datetime.timedelta(days=30)
    return services.edit_draft(
        actor=user("soanthao"),
        document=plan,
        obligations=[
            {
                "kind": "report",
                "title": "Báo cáo kết quả tuyên truyền",
                "due": due,
                "organizations": list(WARDS),
                "form": form,
            }
        ],
    )


@pytest.fixture
def dispatched(world, django_capture_on_commit_callbacks):
    plan = advance(with_form(world.seed_plan()), "issued")
    with django_capture_on_commit_callbacks(execute=True):
        return services.dispatch(actor=user("vanthu"), document=plan)


def answer(plan, code: str, values: dict, capture, *, fulfil=True) -> Document:
    obligation = plan.obligations.get()
    draft = ward_draft(
        plan,
        code,
        [obligation],
        doc_type="BC",
        title="Báo cáo kết quả tuyên truyền",
        answers={obligation.pk: values},
    )
    return ward_dispatch(draft, code, capture) if fulfil else draft


def test_the_form_is_kept_and_versioned(world):
    plan = advance(with_form(world.seed_plan()), "in_review")
    assert plan.obligations.get().form == FORM
    assert plan.versions.get().snapshot["obligations"][0]["form"] == FORM


@pytest.mark.parametrize(
    "form, message",
    [
        ([{"label": ""}], "cần tên"),
        ([{"label": "A", "key": "a"}, {"label": "B", "key": "a"}], "bị trùng"),
        ([{"label": "A", "key": "9a"}], "không hợp lệ"),
        ([{"label": "A", "type": "date"}], "phải là số hoặc chữ"),
        ([{"label": f"C{i}"} for i in range(31)], "tối đa 30 chỉ tiêu"),
    ],
)
def test_a_bad_form_is_refused_on_the_obligations(world, form, message):
    plan = world.seed_plan()
    before = list(plan.obligations.values_list("pk", flat=True))
    with pytest.raises(InvalidInput) as refused:
        with_form(plan, form)
    assert any(message in m for m in refused.value.errors["obligations"])
    assert list(plan.obligations.values_list("pk", flat=True)) == before


def test_the_rollup_shows_each_wards_latest_answers_and_the_totals(
    dispatched, django_capture_on_commit_callbacks
):
    plan, capture = dispatched, django_capture_on_commit_callbacks
    answer(plan, "bacson", {"so_buoi": "3", "so_nguoi": 120, "ghi_chu": " Thiếu loa "}, capture)
    answer(plan, "trungson", {"so_buoi": "2,5", "so_nguoi": "80"}, capture)
    # bacson sends a corrected report: its answers replace the first in the roll-up.
    answer(plan, "bacson", {"so_buoi": 4, "so_nguoi": 150}, capture)
    assert Answer.objects.filter(reply__receipt=receipt_for(plan, "bacson")).count() == 2

    client = APIClient()
    client.force_authenticate(user("vanthu"))
    (body,) = client.get(f"/api/v1/documents/{plan.pk}/obligations/").json()
    assert body["form"] == FORM
    given = {i["organization"]: i["answers"] for i in body["items"]}
    assert given["bacson"] == {"so_buoi": 4, "so_nguoi": 150}
    assert given["trungson"] == {"so_buoi": 2.5, "so_nguoi": 80}
    assert given["quangtien"] is None  # nothing delivered yet
    assert body["totals"] == {"so_buoi": 6.5, "so_nguoi": 230}


@pytest.mark.parametrize(
    "values, message",
    [
        ({"so_buoi": "ba"}, "phải là một số"),
        ({"so_buoi": "1e99"}, "phải là một số"),
        ({"khac": 1}, "Không có chỉ tiêu khac"),
        ({"ghi_chu": "x" * 2001}, "tối đa 2000 ký tự"),
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(
    dispatched, django_capture_on_commit_callbacks, values, message
):
    before = Document.objects.count()
    with pytest.raises(InvalidInput) as refused:
        answer(dispatched, "bacson", values, django_capture_on_commit_callbacks, fulfil=False)
    # Said on the field's own path (as the API names nested errors), so a screen says it on
    # its input, and under ``answers`` that some are wrong.
    (key,) = values
    path = f"answers.{dispatched.obligations.get().pk}.{key}"
    assert any(message in m for m in refused.value.errors[path])
    assert refused.value.errors["answers"] == ["Có số liệu báo cáo chưa đúng, xem từng chỉ tiêu."]
    assert Document.objects.count() == before


def test_answers_only_for_a_fulfilled_obligation_with_a_form(dispatched):
    receipt = receipt_for(dispatched, "bacson")
    services.acknowledge(actor=user("vt.bacson"), receipt=receipt)
    with pytest.raises(InvalidInput) as refused:
        services.create_draft(
            actor=user("cb.bacson"),
            issuer="bacson",
            doc_type="BC",
            title="Báo cáo",
            recipients=[{"organization": "mttq-samson", "purpose": "report"}],
            replies_to=receipt.pk,
            fulfils=[],
            answers={dispatched.obligations.get().pk: {"so_buoi": 1}},
        )
    assert "answers" in refused.value.errors


def test_answers_are_edited_with_the_draft(dispatched, django_capture_on_commit_callbacks):
    draft = answer(
        dispatched, "bacson", {"so_buoi": 1}, django_capture_on_commit_callbacks, fulfil=False
    )
    obligation = dispatched.obligations.get()
    services.edit_draft(
        actor=user("cb.bacson"), document=draft, answers={obligation.pk: {"so_buoi": "7"}}
    )
    assert Answer.objects.get(reply__document=draft).values == {"so_buoi": 7}


def test_the_api_takes_a_form_and_answers(dispatched):
    obligation = dispatched.obligations.get()
    receipt = receipt_for(dispatched, "bacson")
    services.acknowledge(actor=user("vt.bacson"), receipt=receipt)
    client = APIClient()
    client.force_authenticate(user("cb.bacson"))
    body = {
        "issuer": "bacson",
        "doc_type": "BC",
        "title": "Báo cáo kết quả",
        "recipients": [{"organization": "mttq-samson", "purpose": "report"}],
        "replies_to": receipt.pk,
        "fulfils": [obligation.pk],
        "answers": {str(obligation.pk): {"so_buoi": 3, "ghi_chu": "Tốt"}},
    }
    created = client.post("/api/v1/documents/", body, format="json")
    assert created.status_code == 201, created.content
    assert Answer.objects.get(reply__document_id=created.json()["id"]).values == {
        "so_buoi": 3,
        "ghi_chu": "Tốt",
    }
    body["answers"] = {str(obligation.pk): {"so_buoi": "nhiều"}}
    refused = client.post("/api/v1/documents/", body, format="json")
    assert refused.status_code == 400 and "answers" in refused.json()["errors"]
    assert "phải là một số" in refused.json()["errors"][f"answers.{obligation.pk}.so_buoi"][0]


def test_totals_add_as_decimals():
    form = [
        {"key": "a", "label": "A", "type": "number"},
        {"key": "b", "label": "B", "type": "text"},
    ]
    assert totals(form, [{"a": 0.1}, {"a": 0.2}, {"b": "x"}]) == {"a": 0.3}
