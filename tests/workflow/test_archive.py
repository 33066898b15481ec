"""Việc đã xử lý: the steps a person took, newest first, of what the person still sees.

The tab reads the person's done tasks by their index a batch at a time and asks about the
documents and copies of each batch (workflow.views.inbox.archive_tasks); the join it replaces
(``visible_task_q``) is the reference its rows are held to."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from viewflow.workflow import STATUS

from documents import services
from documents.models import DocumentStatus
from documents.paging import Sifted
from orgchart.models import Membership, Organization
from orgchart.selectors import grants_of
from tests.support import advance, new_draft, receipt_for, user
from workflow.views import inbox

pytestmark = pytest.mark.django_db

S = DocumentStatus
MOVER = "vt.trungson"


def by_the_join(person) -> list[int]:
    """The rows as one query joined through ``visible_task_q`` would give them."""
    return list(
        inbox.human_tasks()
        .filter(owner=person, status=STATUS.DONE)
        .filter(inbox.visible_task_q(person, grants_of(person)))
        .order_by("-finished", "-pk")
        .values_list("pk", flat=True)
    )


def archive_ids(person) -> list[int]:
    return [task for task, _ct, _obj in inbox.archive_tasks(person, grants_of(person))]


def dispatched(committed, n: int):
    return [
        committed(advance, committed(new_draft, title=f"Kế hoạch {i + 1}"), S.DISPATCHED)
        for i in range(n)
    ]


@pytest.fixture
def mover(world):
    """Trung Sơn's clerk, also Bắc Sơn's clerk for a while (both copies of each document
    are hers to acknowledge)."""
    person = user(MOVER)
    own = Membership.objects.get(user=person, organization__code="trungson")
    Membership.objects.create(
        user=person, organization=Organization.objects.get(code="bacson"), position=own.position
    )
    return person


def acknowledge_alternately(committed, person, documents) -> list[tuple[str, int]]:
    """Her acknowledgements, alternating between the wards: (ward, task), newest first."""
    steps: list[tuple[str, int]] = []
    for i, document in enumerate(documents):
        for code in ("bacson", "trungson") if i % 2 else ("trungson", "bacson"):
            receipt = receipt_for(document, code)
            committed(services.acknowledge, actor=person, receipt=receipt)
            task = inbox.human_tasks().filter(owner=person, status=STATUS.DONE)
            steps.append((code, task.latest("finished", "pk").pk))
    return steps[::-1]


def test_the_steps_of_a_ward_she_left_are_skipped_across_batches(mover, committed, monkeypatch):
    steps = acknowledge_alternately(committed, mover, dispatched(committed, 3))
    assert archive_ids(mover) == by_the_join(mover) == [task for _code, task in steps]

    Membership.objects.filter(user=mover, organization__code="trungson").update(
        valid_to=timezone.localdate() - datetime.timedelta(days=1)
    )
    # One or two rows a batch: every batch boundary falls somewhere among hidden rows.
    monkeypatch.setattr(Sifted, "batch", 1)
    monkeypatch.setattr(Sifted, "batch_limit", 2)
    kept = [task for code, task in steps if code == "bacson"]
    assert archive_ids(mover) == by_the_join(mover) == kept
    sifted = inbox.archive_tasks(mover, grants_of(mover))
    assert [task for task, _ct, _obj in sifted[:2]] == kept[:2]
    assert sifted.read >= 3, "hidden rows were read past, not stopped at"


def test_the_tab_shows_only_those_steps_and_pages_them(mover, committed, client, monkeypatch):
    documents = dispatched(committed, 3)
    acknowledge_alternately(committed, mover, documents)
    Membership.objects.filter(user=mover, organization__code="trungson").update(
        valid_to=timezone.localdate() - datetime.timedelta(days=1)
    )
    monkeypatch.setattr(inbox, "Sifted", type("Small", (Sifted,), {"batch": 1, "batch_limit": 2}))
    monkeypatch.setattr("workflow.views.lists.ArchiveView.paginate_by", 2)
    client.force_login(mover)
    first = client.get("/workflow/archive/").content.decode()
    assert "Trang 1/2" in first and "Trang sau" in first
    last = client.get("/workflow/archive/?page=2").content.decode()
    assert "Trang 2/2" in last and "Trang sau" not in last
    shown = first + last
    names = dict(Organization.objects.values_list("code", "name"))
    assert shown.count(f"Nơi nhận: {names['bacson']}") == len(documents)
    assert f"Nơi nhận: {names['trungson']}" not in shown


def test_a_page_costs_the_same_queries_for_one_step_and_for_many(mover, committed, client):
    client.force_login(mover)
    few = dispatched(committed, 1)
    acknowledge_alternately(committed, mover, few)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/workflow/archive/").status_code == 200
        return len(queries)

    one = cost()
    acknowledge_alternately(committed, mover, dispatched(committed, 4))
    assert cost() == one
    assert one <= 25
