"""What the plan asks of every ward (design.md §15.5): obligations on the draft, replies that
travel through the wards' own lifecycle and fulfil them on delivery, and the roll-up that
only the issuer side reads."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from documents import services
from documents.errors import InvalidInput
from documents.models import Receipt
from documents.obligations import ObligationItem
from tests.support import (
    WARDS,
    advance,
    new_draft,
    receipt_for,
    user,
    ward_dispatch,
    ward_draft,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispatched(world, django_capture_on_commit_callbacks):
    plan = world.seed_plan()
    assert [o.kind for o in plan.obligations.all()] == ["plan", "report"]
    plan = advance(plan, "issued")
    with django_capture_on_commit_callbacks(execute=True):
        return services.dispatch(actor=user("vanthu"), document=plan)


def reply(plan, code: str, obligation, capture, *, title: str = "Kế hoạch tuyên truyền"):
    """The ward acknowledges, drafts its answer, has it reviewed, signed, registered and
    dispatched to the city, which receives it."""
    draft = ward_draft(plan, code, [obligation], title=f"{title} của phường")
    return ward_dispatch(draft, code, capture)


def rollup(username: str, plan):
    client = APIClient()
    client.force_authenticate(user(username))
    return client.get(f"/api/v1/documents/{plan.pk}/obligations/")


def test_the_whole_chain(dispatched, django_capture_on_commit_callbacks):
    plan = dispatched
    own_plan = plan.obligations.get(kind="plan")
    answer = rollup("vanthu", plan)
    assert answer.status_code == 200
    first = answer.json()[0]
    assert first["kind"] == "plan" and first["counts"] == {
        "total": 11,
        "fulfilled": 0,
        "late": 0,
        "pending": 11,
        "refused": 0,
    }
    assert sorted(i["organization"] for i in first["items"]) == sorted(WARDS)

    capture = django_capture_on_commit_callbacks
    for code in ("bacson", "truongson"):
        sent = reply(plan, code, own_plan, capture)
        item = ObligationItem.objects.get(obligation=own_plan, organization__code=code)
        assert item.reply_id == sent.pk and item.fulfilled_at is not None
    # Those two came in three days ago; the due date was yesterday; trungson replies today.
    ObligationItem.objects.filter(obligation=own_plan, reply__isnull=False).update(
        fulfilled_at=timezone.now() - datetime.timedelta(days=3)
    )
    own_plan.due = timezone.localdate() - datetime.timedelta(days=1)
    own_plan.save()
    reply(plan, "trungson", own_plan, capture)
    services.refuse(
        actor=user("vt.quangtien"), receipt=receipt_for(plan, "quangtien"), reason="Không đúng"
    )

    body = rollup("vanthu", plan).json()[0]
    assert body["counts"] == {
        "total": 11,
        "fulfilled": 2,
        "late": 1,
        "pending": 7,
        "refused": 1,
    }
    status = {i["organization"]: i["status"] for i in body["items"]}
    assert status["bacson"] == status["truongson"] == "fulfilled"
    assert status["trungson"] == "fulfilled_late"
    assert status["quangtien"] == "refused"
    assert [c for c, s in status.items() if s == "overdue"] == sorted(
        set(WARDS) - {"bacson", "truongson", "trungson", "quangtien"},
        key=lambda c: [i["organization"] for i in body["items"]].index(c),
    )

    # A second plan from bacson replaces the first in the roll-up; both stay documents.
    second = reply(plan, "bacson", own_plan, capture, title="Kế hoạch bổ sung")
    body = rollup("vanthu", plan).json()[0]
    bacson = next(i for i in body["items"] if i["organization"] == "bacson")
    assert bacson["document"] == second.pk and bacson["status"] == "fulfilled_late"

    # The ward's copy says what it owes and where it stands; the report is still to come.
    client = APIClient()
    client.force_authenticate(user("vt.bacson"))
    copy = client.get(f"/api/v1/receipts/{receipt_for(plan, 'bacson').pk}/").json()
    assert [(o["kind"], o["status"]) for o in copy["obligations"]] == [
        ("plan", "fulfilled_late"),
        ("report", "pending"),
    ]
    # The reply cites the copy it answers.
    assert list(second.references.all()) == [receipt_for(plan, "bacson")]


def test_only_the_issuer_side_reads_the_rollup(dispatched):
    assert rollup("soanthao", dispatched).status_code == 200
    assert rollup("vt.bacson", dispatched).status_code == 403  # a recipient
    assert rollup("vt.bacson", new_draft()).status_code == 404  # not visible at all


def test_a_ward_answers_only_its_own_copy_and_obligations(dispatched):
    plan = dispatched
    own_plan = plan.obligations.get(kind="plan")
    base = {
        "actor": user("cb.bacson"),
        "issuer": "bacson",
        "doc_type": "KH",
        "title": "Kế hoạch",
        "recipients": [{"organization": "mttq-samson", "purpose": "report"}],
    }
    with pytest.raises(InvalidInput) as refused:
        services.create_draft(**base, replies_to=receipt_for(plan, "trungson").pk)
    assert "replies_to" in refused.value.errors
    other = advance(new_draft(title="Văn bản khác"), "issued")
    with pytest.raises(InvalidInput) as refused:
        services.create_draft(
            **base,
            replies_to=receipt_for(plan, "bacson").pk,
            fulfils=[own_plan.pk, other.pk + 10_000],
        )
    assert "fulfils" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        services.create_draft(
            **{**base, "recipients": [{"organization": "thanhuy", "purpose": "report"}]},
            replies_to=receipt_for(plan, "bacson").pk,
            fulfils=[own_plan.pk],
        )
    assert "recipients" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        services.create_draft(**base, fulfils=[own_plan.pk])
    assert "fulfils" in refused.value.errors


def test_obligations_are_owed_by_executing_recipients_only(world):
    client = APIClient()
    client.force_authenticate(user("soanthao"))
    draft = {
        "issuer": "mttq-samson",
        "doc_type": "KH",
        "title": "Kế hoạch có yêu cầu",
        "recipients": [
            {"organization": "bacson", "purpose": "execute"},
            {"organization": "thanhuy", "purpose": "report"},
        ],
    }
    owed = {"kind": "report", "title": "Báo cáo quý", "due": "2030-03-31"}
    bad = client.post(
        "/api/v1/documents/",
        {**draft, "obligations": [{**owed, "organizations": ["bacson", "thanhuy"]}]},
        format="json",
    )
    assert bad.status_code == 400 and "obligations" in bad.json()["errors"]
    made = client.post(
        "/api/v1/documents/",
        {**draft, "obligations": [{**owed, "organizations": ["bacson"]}]},
        format="json",
    )
    assert made.status_code == 201, made.content
    document = made.json()["id"]
    answer = client.get(f"/api/v1/documents/{document}/obligations/").json()
    assert answer[0]["due"] == "2030-03-31" and answer[0]["items"][0]["status"] == "pending"
    # Edited while a draft: the list is replaced.
    edited = client.patch(f"/api/v1/documents/{document}/", {"obligations": []}, format="json")
    assert edited.status_code == 200
    assert client.get(f"/api/v1/documents/{document}/obligations/").json() == []
    assert not Receipt.objects.filter(document_id=document).exists()
