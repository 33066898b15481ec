"""viewflow's own pages under a process (detail, chart, task pages and actions) are the
engine's, for administrators: anyone else gets 404 there (a task's screen excepted), and
among administrators each answers 404 for what the person may not see; a document's process
is the issuer side's alone, as its trail is (design §15.1); bulk pages list only visible
tasks; no id in a URL costs a server error."""

from __future__ import annotations

import pytest
from viewflow.workflow.models import Task

from documents import services
from tests.support import advance, new_draft, receipt_for, user
from workflow.bookkeeping import open_task, process_for

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

OUT = "/workflow/flows/outgoing"
IN = "/workflow/flows/incoming"


@pytest.fixture
def delivered(world):
    doc = advance(new_draft(), "dispatched")
    for receipt in doc.receipts.all():
        services.deliver(receipt=receipt)
    return doc


def _as(client, username, staff: bool = True):
    """Signed in as ``username``, an administrator (staff) unless ``staff`` is False: the
    technical pages are theirs; what each of them sees there is still need to know."""
    person = user(username)
    if person.is_staff != staff:
        person.is_staff = staff
        person.save(update_fields=["is_staff"])
    client.force_login(person)
    return client


def _pages(base: str, process_pk: int, task) -> list[str]:
    pages = [f"{base}/{process_pk}/", f"{base}/{process_pk}/chart/"]
    if task is not None:
        node = task.flow_task.name
        pages += [
            f"{base}/{process_pk}/{node}/{task.pk}/",
            f"{base}/{process_pk}/{node}/{task.pk}/detail/",
        ]
    return pages


#: (viewer, outgoing process pages, Bắc Sơn's copy's process pages)
VIEWERS = [
    ("vanthu", 200, 200),  # the issuer's clerk follows both
    ("kiemtra", 200, 200),  # the issuer's auditor too
    ("vt.bacson", 404, 200),  # a recipient: its own copy, not the issuer's deliberation
    ("vt.trungson", 404, 404),  # another recipient: neither
    ("vt.quangdai", 404, 404),  # not addressed at all
]


@pytest.mark.parametrize("viewer, outgoing, incoming", VIEWERS)
def test_process_pages_answer_404_to_who_may_not_see_them(
    client, delivered, viewer, outgoing, incoming
):
    _as(client, viewer)
    doc_process = process_for(delivered)
    done = Task.objects.filter(process=doc_process, flow_task_type="HUMAN").first()
    bacson = receipt_for(delivered, "bacson")
    copy_process = process_for(bacson)
    for page in _pages(OUT, doc_process.pk, done):
        got = client.get(page)
        # A visible process's task page may still refuse the person an action (403) or send
        # them on (302); what matters is that it never tells an outsider it exists.
        assert (got.status_code == 404) == (outgoing == 404), (viewer, page, got.status_code)
    for page in _pages(IN, copy_process.pk, open_task(bacson)):
        got = client.get(page)
        assert (got.status_code == 404) == (incoming == 404), (viewer, page, got.status_code)


def test_the_technical_pages_are_not_there_for_whoever_is_not_an_administrator(client, delivered):
    _as(client, "vanthu", staff=False)
    doc_process = process_for(delivered)
    done = Task.objects.filter(process=doc_process, flow_task_type="HUMAN").first()
    pages = [*_pages(OUT, doc_process.pk, done), f"{OUT}/flows/", f"{OUT}/tasks/", f"{OUT}/chart/"]
    for page in pages:
        assert client.get(page).status_code == 404, page
    # Her own task's screen is hers all the same, and Hộp việc names no technical page.
    bacson = open_task(receipt_for(delivered, "bacson"))
    _as(client, "vt.bacson", staff=False)
    execute = bacson.flow_task.reverse("execute", args=[bacson.process_id, bacson.pk])
    screen = client.get(execute)
    assert screen.status_code == 200
    menu = screen.content.decode()
    assert f"{IN}/flows/" not in menu and f"{IN}/tasks/" not in menu and "Quy trình" not in menu


def test_a_task_of_another_process_or_a_huge_id_is_not_found(client, delivered):
    _as(client, "vanthu")
    doc_process = process_for(delivered)
    other = open_task(receipt_for(delivered, "bacson"))
    huge = "9" * 30
    for page in (
        f"{OUT}/{doc_process.pk}/acknowledge/{other.pk}/",
        f"{OUT}/{huge}/",
        f"{OUT}/{huge}/chart/",
        f"{IN}/{huge}/acknowledge/{huge}/",
        f"{OUT}/{doc_process.pk}/sign/{huge}/detail/",
    ):
        assert client.get(page).status_code == 404, page


def test_lists_of_processes_and_tasks_leave_out_the_issuers_for_a_recipient(client, delivered):
    doc_process = process_for(delivered)
    _as(client, "vt.bacson")
    listed = client.get(f"{OUT}/flows/")
    assert listed.status_code == 200
    assert doc_process.pk not in {p.pk for p in listed.context["object_list"]}
    tasks = client.get(f"{OUT}/tasks/")
    assert not [t for t in tasks.context["object_list"] if t.process_id == doc_process.pk]
    _as(client, "vanthu")
    assert doc_process.pk in {p.pk for p in client.get(f"{OUT}/flows/").context["object_list"]}


def test_the_bulk_assign_page_lists_only_tasks_the_person_sees(client, delivered):
    bacson_task = open_task(receipt_for(delivered, "bacson"))
    trungson_task = open_task(receipt_for(delivered, "trungson"))
    _as(client, "vt.bacson")
    body = {"pk": [bacson_task.pk, trungson_task.pk, "abc", "9" * 30]}
    page = client.post("/workflow/queue/assign/", body)
    assert page.status_code == 200
    assert {t.pk for t in page.context["object_list"]} == {bacson_task.pk}
    assert client.post("/workflow/inbox/unassign/", {"pk": [trungson_task.pk]}).status_code == 200
    trungson_task.refresh_from_db()
    assert trungson_task.owner_id is None
