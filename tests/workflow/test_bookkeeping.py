"""The flows' tasks are the bookkeeping of the steps, written by workflow.bookkeeping inside
each step's transaction.

- a step whose bookkeeping fails does not happen at all;
- drift made by hand is found and brought back in line by the reconciler;
- the seed plan's whole journey leaves one finished task per step, credited to its taker, and
  Hộp việc and the API list the same tasks for every demo person at every stage;
- nobody cancels or undoes a task through viewflow's own screens;
- only the designated signer (or a deputy by delegation) signs, and handing over moves the task;
- a paper document registered for action waits for its leader to assign it;
- the inbox and a step's bookkeeping cost a bounded number of statements.
"""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from rest_framework.test import APIClient
from viewflow.workflow import STATUS
from viewflow.workflow.models import Process, Task

from documents import services
from documents.errors import Forbidden
from documents.lifecycle import DOCUMENT, RECEIPT
from documents.models import AuditEvent, Document, DocumentStatus, Receipt, ReceiptStatus
from documents.selectors import open_tasks
from documents.signals import stepped
from orgchart.models import Delegation, Role, RoleCode
from orgchart.selectors import grants_of
from tests.support import advance, new_draft, receipt_for, user
from workflow import bookkeeping
from workflow.bookkeeping import HUMAN, OPEN, drifted, open_task, process_for, reconcile
from workflow.flows import IncomingFlow, OutgoingFlow
from workflow.views import inbox as hop_viec_rows

pytestmark = pytest.mark.django_db

S, R = DocumentStatus, ReceiptStatus


def human_tasks(artifact) -> list[tuple]:
    """Every human task of the artifact's process: (id, node, status, owner)."""
    process = process_for(artifact)
    if process is None:
        return []
    return list(
        process.task_set.filter(flow_task_type=HUMAN)
        .order_by("pk")
        .values_list("pk", "flow_task", "status", "owner_id")
    )


def done_tasks(artifact) -> list[Task]:
    process = process_for(artifact)
    return list(
        process.task_set.filter(flow_task_type=HUMAN, status=STATUS.DONE)
        .select_related("owner")
        .order_by("finished", "pk")
    )


def inbox_kinds(username: str, artifact) -> list[str]:
    rows = open_tasks(user(username))
    if isinstance(artifact, Receipt):
        return sorted(r["t_kind"] for r in rows if r["t_receipt"] == artifact.pk)
    return sorted(
        r["t_kind"] for r in rows if r["t_receipt"] is None and r["t_document"] == artifact.pk
    )


def processes_with_two_open_tasks() -> list[dict]:
    return list(
        Task.objects.filter(flow_task_type=HUMAN, status__in=OPEN)
        .values("process_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )


def agrees(artifact) -> bool:
    """The open task is the one the state calls for, and nothing else is open."""
    lifecycle = DOCUMENT if isinstance(artifact, Document) else RECEIPT
    artifact.refresh_from_db()
    declared = lifecycle.task_for(artifact)
    process = process_for(artifact)
    if process is None:
        return False
    opened = process.task_set.filter(flow_task_type=HUMAN, status__in=OPEN).order_by("pk")
    return [t.flow_task.name for t in opened] == ([declared.kind] if declared else [])


# ---------------------------------------------------------------------------------------------
# A step and its bookkeeping commit together or not at all


class BookkeepingDown(Exception):
    pass


def _boom(*args, **kwargs):
    raise BookkeepingDown("the task table is unavailable")


class Outage:
    """Breaks the bookkeeping one way or the other, and heals it."""

    def __init__(self, how: str, monkeypatch):
        self.how, self.monkeypatch = how, monkeypatch

    def start(self) -> None:
        if self.how == "follow raises":
            self.monkeypatch.setattr(bookkeeping, "follow", _boom)
        else:
            # After the bookkeeping's own receiver: the tasks are already written when this
            # fails, so the rollback has to take them back too.
            stepped.connect(_boom, dispatch_uid="test-bookkeeping-down", weak=False)

    def end(self) -> None:
        self.monkeypatch.undo()
        stepped.disconnect(dispatch_uid="test-bookkeeping-down")


@pytest.fixture(params=["follow raises", "a receiver of stepped raises"])
def outage(request, monkeypatch):
    broken = Outage(request.param, monkeypatch)
    yield broken
    broken.end()


def _trail(document) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(document=document).order_by("seq").values_list("seq", "action")
    )


def test_a_step_whose_bookkeeping_fails_does_not_happen(world, outage):
    document = advance(new_draft(signer="pct.huy"), S.SIGNED)
    trail, tasks = _trail(document), human_tasks(document)
    events = AuditEvent.objects.count()
    outage.start()

    with pytest.raises(BookkeepingDown):
        services.register(actor=user("vanthu"), document=document)

    document.refresh_from_db()
    assert document.status == S.SIGNED
    assert document.number is None and document.symbol == ""
    assert AuditEvent.objects.count() == events
    assert _trail(document) == trail
    assert human_tasks(document) == tasks
    assert inbox_kinds("vanthu", document) == ["register"]

    outage.end()
    registered = services.register(actor=user("vanthu"), document=document)
    assert registered.status == S.ISSUED
    # The failed attempt took no number: the book has no gap.
    assert registered.symbol == "01/KH-MTTQ-BTT"
    assert [a for _seq, a in _trail(document)][len(trail) :] == ["register"]
    assert open_task(document).flow_task is OutgoingFlow.dispatch
    assert done_tasks(document)[-1].owner == user("vanthu")
    assert done_tasks(document)[-1].flow_task is OutgoingFlow.register


def test_a_receipt_step_whose_bookkeeping_fails_does_not_happen(world, committed, outage):
    document = committed(advance, new_draft(), S.DISPATCHED)
    copy = receipt_for(document, "bacson")
    tasks = human_tasks(copy)
    events = AuditEvent.objects.count()
    outage.start()

    with pytest.raises(BookkeepingDown):
        services.acknowledge(actor=user("vt.bacson"), receipt=copy)

    copy.refresh_from_db()
    assert copy.status == R.DELIVERED and copy.incoming_number is None
    assert AuditEvent.objects.count() == events
    assert human_tasks(copy) == tasks

    outage.end()
    acknowledged = services.acknowledge(actor=user("vt.bacson"), receipt=copy)
    assert acknowledged.status == R.ACKNOWLEDGED
    assert acknowledged.incoming_number == 1
    assert open_task(copy).flow_task is IncomingFlow.assign


# ---------------------------------------------------------------------------------------------
# Drift made by hand, and the reconciler


def _in_review():
    return advance(new_draft(title="Kế hoạch lệch: mất việc"), S.IN_REVIEW)


def drift_task_deleted():
    document = _in_review()
    Task.objects.filter(pk=open_task(document).pk).delete()
    return document, "truongban", "review"


def drift_moved_by_hand():
    document = advance(new_draft(title="Kế hoạch lệch: sửa tay"), S.IN_REVIEW)
    Document.objects.filter(pk=document.pk).update(status=S.SIGNED)
    return document, "vanthu", "register"


def drift_process_deleted():
    document = advance(new_draft(title="Kế hoạch lệch: mất quy trình"), S.FORMAT_CHECK)
    Process.objects.filter(pk=process_for(document).pk).delete()
    return document, "vanthu", "format_check"


def drift_extra_task():
    document = advance(
        new_draft(title="Kế hoạch lệch: thừa việc", signer="pct.huy"), S.AWAITING_SIGNATURE
    )
    Task.objects.create(
        process=process_for(document),
        flow_task=OutgoingFlow.review,
        flow_task_type=HUMAN,
        status=STATUS.NEW,
    )
    return document, "pct.huy", "sign"


def drift_finished_but_open():
    """A withdrawn draft whose submit task was left open."""
    document = new_draft(title="Kế hoạch lệch: hủy mà còn việc")
    task = open_task(document)
    services.withdraw(actor=user("soanthao"), document=document, reason="Không cần")
    Task.objects.filter(pk=task.pk).update(status=STATUS.ASSIGNED, finished=None)
    return document, "soanthao", None


DRIFTS = {
    "open task deleted": drift_task_deleted,
    "state moved by hand": drift_moved_by_hand,
    "process deleted": drift_process_deleted,
    "extra open task": drift_extra_task,
    "closed state with an open task": drift_finished_but_open,
}


def test_nothing_has_drifted_in_the_demo(world):
    assert drifted(Document, 1000) == []
    assert drifted(Receipt, 1000) == []
    assert reconcile() == 0


@pytest.mark.parametrize("drift", list(DRIFTS), ids=list(DRIFTS))
def test_the_reconciler_finds_and_fixes_drift(world, drift):
    document, owner, kind = DRIFTS[drift]()
    assert drifted(Document, 100) == [document.pk]
    assert not agrees(document)

    assert reconcile() == 1

    assert drifted(Document, 100) == []
    assert agrees(document)
    assert inbox_kinds(owner, document) == ([kind] if kind else [])
    task = open_task(document)
    assert (task.flow_task.name if task else None) == kind
    assert processes_with_two_open_tasks() == []
    assert reconcile() == 0


def test_a_task_nobody_took_is_not_credited_as_done(world):
    """A stray task the reconciler closes goes in nobody's archive: only the steps a person
    took are theirs ("Việc đã xử lý" lists one task per step taken)."""
    document, _owner, _kind = drift_extra_task()
    stray = Task.objects.get(
        process=process_for(document), flow_task=OutgoingFlow.review, status=STATUS.NEW
    )
    reconcile()
    stray.refresh_from_db()
    assert stray.status == STATUS.CANCELED, (stray.status, stray.owner)
    assert stray.owner_id is None


def test_a_state_moved_by_hand_cancels_the_old_task_instead_of_crediting_it(world):
    document, _owner, _kind = drift_moved_by_hand()
    review = open_task(document)
    reconcile()
    review.refresh_from_db()
    # Nobody reviewed it: the signed state came from no step.
    assert review.status == STATUS.CANCELED


def test_the_reconcile_command_fixes_every_drift_and_says_how_many(world, committed):
    documents = [DRIFTS[name]()[0] for name in DRIFTS]
    dispatched = committed(advance, new_draft(title="Kế hoạch lệch: nơi nhận"), S.DISPATCHED)
    copy = receipt_for(dispatched, "bacson")
    Task.objects.filter(pk=open_task(copy).pk).delete()

    assert drifted(Document, 100) == sorted(d.pk for d in documents)
    assert drifted(Receipt, 100) == [copy.pk]
    # Bounded per run: at most ``limit`` of each flow.
    assert len(drifted(Document, 2)) == 2
    assert reconcile(limit=2) == 3
    assert len(drifted(Document, 100)) == len(documents) - 2

    out = io.StringIO()
    call_command("reconcile_flows", stdout=out)
    assert out.getvalue().strip() == f"{len(documents) - 2} processes brought in line."
    assert drifted(Document, 100) == [] and drifted(Receipt, 100) == []
    for artifact in [*documents, copy]:
        assert agrees(artifact), artifact
    assert inbox_kinds("vt.bacson", copy) == ["acknowledge"]
    assert open_task(copy).flow_task is IncomingFlow.acknowledge

    assert reconcile() == 0
    out = io.StringIO()
    call_command("reconcile_flows", stdout=out)
    assert out.getvalue().strip() == "0 processes brought in line."


# ---------------------------------------------------------------------------------------------
# The seed plan's journey


def demo_people() -> list:
    return list(get_user_model().objects.filter(is_active=True).order_by("username"))


TR = re.compile(r'<tr data-kind="(?P<kind>[^"]+)">(?P<body>.*?)</tr>', re.S)
EXECUTE = re.compile(r'href="(/workflow/flows/[^"]+/execute/)"')
DOCUMENT_LINK = re.compile(r'href="/outgoing/(\d+)/"')


def triple(row) -> tuple:
    return (
        row.kind,
        row.document.pk if row.document else None,
        row.receipt.pk if row.receipt else None,
    )


class Inboxes:
    """Hộp việc and GET /api/v1/inbox/ for every demo person, compared.

    Hộp việc's rows are what ``workflow.views.inbox`` gives the page (the selector's rows with
    their documents, receipts and task screens), read for everyone at every stage; the API's
    list and the page itself are fetched and compared with them whenever someone's tasks
    changed, and for everyone at the start and the end (an empty page is empty)."""

    def __init__(self):
        self.people = demo_people()
        self.grants = {person.pk: grants_of(person) for person in self.people}
        self.pages: dict[int, Client] = {}
        self.api: dict[int, APIClient] = {}
        for person in self.people:
            page = Client()
            page.force_login(person)
            self.pages[person.pk] = page
            api = APIClient()
            api.force_authenticate(person)
            self.api[person.pk] = api
        self.opened: set[tuple[int, str]] = set()
        self.shown: dict[int, Counter | None] = {person.pk: None for person in self.people}

    def hop_viec(self, person) -> list[hop_viec_rows.Row]:
        grants = self.grants[person.pk]
        return hop_viec_rows.attach(list(hop_viec_rows.open_rows(person, grants)))

    def page(self, person) -> list[tuple]:
        """The page as shown, every page of it: (kind, document link, task screen link)."""
        client, shown, number = self.pages[person.pk], [], 1
        while True:
            response = client.get(f"/workflow/inbox/?page={number}")
            assert response.status_code == 200, person.username
            for match in TR.finditer(response.content.decode()):
                link = EXECUTE.search(match["body"])
                doc = DOCUMENT_LINK.search(match["body"])
                shown.append(
                    (
                        match["kind"],
                        int(doc.group(1)) if doc else None,
                        link.group(1) if link else None,
                    )
                )
            if not response.context["page"].has_next():
                return shown
            number += 1

    def api_rows(self, person) -> list[dict]:
        client, url, rows = self.api[person.pk], "/api/v1/inbox/?page_size=500", []
        while url:
            response = client.get(url)
            assert response.status_code == 200, person.username
            body = response.json()
            rows += body["results"]
            url = body["next"]
        return rows

    def check(self, stage: str, *, every_page: bool = False) -> dict[str, set]:
        everyone = {}
        for person in self.people:
            rows = self.hop_viec(person)
            on_page = Counter(triple(r) for r in rows)
            if every_page or on_page != self.shown[person.pk]:
                on_api = Counter(
                    (r["kind"], r["document"], r["receipt"]) for r in self.api_rows(person)
                )
                assert on_page == on_api, (stage, person.username)
                shown = self.page(person)
                expected = [
                    (r.kind, r.document.pk if r.document else None, r.execute_url) for r in rows
                ]
                assert Counter(shown) == Counter(expected), (stage, person.username)
                self.shown[person.pk] = on_page
            for row in rows:
                assert row.execute_url, (stage, person.username, row.kind)
                assert row.task.flow_task.name == row.kind
                assert resolve(row.execute_url)
                if (person.pk, row.execute_url) not in self.opened:
                    response = self.pages[person.pk].get(row.execute_url)
                    assert response.status_code == 200, (stage, person.username, row.kind)
                    self.opened.add((person.pk, row.execute_url))
            everyone[person.username] = set(on_page)
        return everyone


class Journey:
    """Each step through the services, checked as it is taken."""

    def __init__(self, committed):
        self.committed = committed

    def take(self, actor_name: str, call, artifact, **kwargs):
        actor = user(actor_name)
        before = artifact.status
        done = len(done_tasks(artifact)) if process_for(artifact) else 0
        took = open_task(artifact)
        kwarg = "document" if isinstance(artifact, Document) else "receipt"
        result = self.committed(call, actor=actor, **{kwarg: artifact}, **kwargs)
        after = done_tasks(result)
        if result.status != before:
            # One finished task, the one that waited, credited to whoever took the step.
            assert len(after) == done + 1, (actor_name, call.__name__)
            assert after[-1].pk == took.pk
            assert after[-1].owner == actor
        else:
            assert len(after) == done, (actor_name, call.__name__)
        assert agrees(result)
        assert processes_with_two_open_tasks() == []
        return result


def stepping_events(artifact) -> list:
    """The trail's steps that moved the artifact and were taken by a person."""
    events = AuditEvent.objects.exclude(from_status="").exclude(actor=None)
    if isinstance(artifact, Document):
        events = events.filter(document=artifact, receipt=None)
    else:
        events = events.filter(receipt=artifact)
    return [e.actor_id for e in events.order_by("seq") if e.from_status != e.to_status]


def test_the_seed_plans_journey_keeps_the_books_and_every_inbox(world, committed):
    inboxes = Inboxes()
    journey = Journey(committed)
    doc = world.seed_plan()
    assert doc.signer.username == "pct.huy"
    seen = inboxes.check("draft")
    assert ("submit", doc.pk, None) in seen["soanthao"]

    doc = journey.take("soanthao", services.submit, doc)
    seen = inboxes.check("in_review")
    assert ("review", doc.pk, None) in seen["truongban"]
    doc = journey.take(
        "truongban",
        services.review,
        doc,
        decision="return",
        comment="Bổ sung nội dung tuyên truyền Giải búa liềm vàng.",
    )
    seen = inboxes.check("returned")
    assert ("revise", doc.pk, None) in seen["soanthao"]
    doc = journey.take("soanthao", services.edit_draft, doc, body=doc.body + "\n\n.")
    doc = journey.take("soanthao", services.submit, doc)
    doc = journey.take("truongban", services.review, doc, decision="approve")
    seen = inboxes.check("format_check")
    assert ("format_check", doc.pk, None) in seen["vanthu"]
    doc = journey.take("vanthu", services.review, doc, decision="approve")
    seen = inboxes.check("awaiting_signature")
    # The seed plan names its signer: the task is his alone.
    assert ("sign", doc.pk, None) in seen["pct.huy"]
    assert ("sign", doc.pk, None) not in seen["chutich"]
    doc = journey.take("pct.huy", services.sign, doc, decision="sign")
    inboxes.check("signed")
    doc = journey.take("vanthu", services.register, doc)
    inboxes.check("issued")
    doc = journey.take("vanthu", services.dispatch, doc)
    assert open_task(doc) is None and process_for(doc).status == "DONE"
    seen = inboxes.check("dispatched")

    copies = list(doc.receipts.select_related("organization").order_by("pk"))
    assert len(copies) == 22
    assert {c.status for c in Receipt.objects.filter(document=doc)} == {R.DELIVERED}
    for copy in copies:
        assert ("acknowledge", doc.pk, copy.pk) in seen[f"vt.{copy.organization.code}"]

    deadline = timezone.localdate() + datetime.timedelta(days=14)
    handlers = {}
    for n, copy in enumerate(copies):
        code = copy.organization.code
        copies[n] = journey.take(f"vt.{code}", services.acknowledge, copy)
    seen = inboxes.check("every copy acknowledged")
    for n, copy in enumerate(copies):
        if not copy.must_act:
            assert open_task(copy) is None
            continue
        code = copy.organization.code
        assert ("assign", doc.pk, copy.pk) in seen[f"ld.{code}"]
        staff = get_user_model().objects.filter(username=f"cb.{code}").exists()
        handlers[copy.pk] = f"cb.{code}" if staff else f"ld.{code}"
        copies[n] = journey.take(
            f"ld.{code}",
            services.assign,
            copy,
            assignee=user(handlers[copy.pk]),
            deadline=deadline,
        )
    seen = inboxes.check("every copy assigned")
    for n, copy in enumerate(copies):
        if copy.pk not in handlers:
            continue
        assert ("complete", doc.pk, copy.pk) in seen[handlers[copy.pk]]
        copies[n] = journey.take(
            handlers[copy.pk], services.complete, copy, report="Đã xây dựng kế hoạch."
        )
    doc.refresh_from_db()
    assert doc.status == S.COMPLETED
    seen = inboxes.check("completed", every_page=True)
    assert not any(row[1] == doc.pk for rows in seen.values() for row in rows), (
        "nothing of the seed plan is left in anyone's inbox"
    )

    # The books: per process, the steps that moved it and its finished tasks, person by person.
    for artifact in [doc, *copies]:
        assert [t.owner_id for t in done_tasks(artifact)] == stepping_events(artifact), artifact
        assert not process_for(artifact).task_set.filter(status__in=OPEN).exists()
    assert len(done_tasks(doc)) == 8


# ---------------------------------------------------------------------------------------------
# viewflow's own manage actions are refused


def _urls_of(flow_class, process, tasks) -> list[str]:
    reverse("workflow:inbox")  # the site's URLs are mounted, as in any request
    urls = [flow_class.instance.reverse("process_cancel", args=[process.pk])]
    for node in flow_class.instance.nodes():
        for name in ("cancel", "undo", "revive"):
            for task in tasks:
                try:
                    urls.append(node.reverse(name, args=[process.pk, task.pk]))
                except NoReverseMatch:
                    continue
    return urls


def test_nobody_cancels_or_undoes_a_task_through_viewflow(world, committed):
    document = advance(new_draft(signer="pct.huy"), S.AWAITING_SIGNATURE)
    process = process_for(document)
    tasks = list(process.task_set.order_by("pk"))
    urls = _urls_of(OutgoingFlow, process, tasks)
    assert urls[0] == f"/workflow/flows/outgoing/{process.pk}/cancel/"
    assert any("/route/" in url and url.endswith("/cancel/") for url in urls)
    assert any(url.endswith("/undo/") for url in urls)
    # The human tasks have no such screens at all.
    for name in ("sign", "review"):
        for action in ("cancel", "undo", "revive"):
            with pytest.raises(NoReverseMatch):
                getattr(OutgoingFlow, name).reverse(action, args=[process.pk, tasks[0].pk])

    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    client = Client()
    client.force_login(admin)
    before = (human_tasks(document), _trail(document), process.status)
    for url in urls:
        response = client.post(url, {"_continue": "1"})
        assert response.status_code in (403, 404, 405), (url, response.status_code)
    document.refresh_from_db()
    process.refresh_from_db()
    assert document.status == S.AWAITING_SIGNATURE
    assert (human_tasks(document), _trail(document), process.status) == before
    assert open_task(document).flow_task is OutgoingFlow.sign

    # Nor on a copy's flow.
    dispatched = committed(advance, new_draft(), S.DISPATCHED)
    copy = receipt_for(dispatched, "bacson")
    copy_process = process_for(copy)
    copy_before = human_tasks(copy)
    for url in _urls_of(IncomingFlow, copy_process, list(copy_process.task_set.all())):
        assert client.post(url).status_code in (403, 404, 405), url
    assert human_tasks(copy) == copy_before
    copy_process.refresh_from_db()
    assert copy_process.status == "NEW"


def test_viewflow_refuses_its_manage_actions_even_to_the_issuers_own_people(world):
    document = advance(new_draft(), S.IN_REVIEW)
    process = process_for(document)
    before = human_tasks(document)
    for username in ("truongban", "chutich", "soanthao"):
        client = Client()
        client.force_login(user(username))
        url = OutgoingFlow.instance.reverse("process_cancel", args=[process.pk])
        assert client.post(url).status_code in (403, 404, 405), username
    assert human_tasks(document) == before


# ---------------------------------------------------------------------------------------------
# The designated signer


def test_only_the_designated_signer_signs_and_handing_over_moves_the_task(world):
    document = advance(new_draft(signer="pct.huy"), S.AWAITING_SIGNATURE)
    sign = open_task(document)
    assert sign.flow_task is OutgoingFlow.sign and sign.owner == user("pct.huy")
    assert inbox_kinds("pct.huy", document) == ["sign"]
    assert inbox_kinds("chutich", document) == []
    with pytest.raises(Forbidden):
        services.sign(actor=user("chutich"), document=document, decision="sign")
    document.refresh_from_db()
    assert document.status == S.AWAITING_SIGNATURE

    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    handed = services.hand_over(
        actor=user("pct.huy"),
        document=document,
        signer=user("chutich"),
        comment="Đồng chí Phó Chủ tịch đi công tác.",
    )
    assert handed.status == S.AWAITING_SIGNATURE
    document.refresh_from_db()
    assert document.signer == user("chutich")
    assert document.signer_title == "Chủ tịch"
    events = list(AuditEvent.objects.filter(seq__gt=last_seq))
    assert [(e.action, e.actor, e.document_id) for e in events] == [
        ("hand_over", user("pct.huy"), document.pk)
    ]
    assert events[0].data == {"from_signer": "pct.huy", "to_signer": "chutich"}
    assert events[0].comment == "Đồng chí Phó Chủ tịch đi công tác."
    assert events[0].from_status == events[0].to_status == S.AWAITING_SIGNATURE

    # The same task, now the new signer's: nothing was taken, nothing finished.
    moved = open_task(document)
    assert moved.pk == sign.pk
    assert moved.owner == user("chutich")
    assert done_tasks(document)[-1].flow_task is OutgoingFlow.format_check
    assert inbox_kinds("chutich", document) == ["sign"]
    assert inbox_kinds("pct.huy", document) == []
    with pytest.raises(Forbidden):
        services.sign(actor=user("pct.huy"), document=document, decision="sign")

    signed = services.sign(actor=user("chutich"), document=document, decision="sign")
    assert signed.status == S.SIGNED
    assert done_tasks(document)[-1].owner == user("chutich")


def test_the_drafter_may_hand_the_document_over_too(world):
    document = advance(new_draft(signer="pct.huy"), S.AWAITING_SIGNATURE)
    services.hand_over(actor=user("soanthao"), document=document, signer=user("chutich"))
    assert open_task(document).owner == user("chutich")
    assert inbox_kinds("chutich", document) == ["sign"]


def _delegate(principal: str, deputy: str, role: str = RoleCode.SIGNER) -> Delegation:
    today = timezone.localdate()
    delegation = Delegation.objects.create(
        principal=user(principal),
        deputy=user(deputy),
        organization=Document._meta.get_field("issuer").related_model.objects.get(
            code="mttq-samson"
        ),
        valid_from=today,
        valid_to=today,
        note="Ký thay trong thời gian đi công tác.",
    )
    delegation.roles.add(Role.objects.get(code=role))
    return delegation


def test_a_deputy_by_delegation_signs_for_the_designated_signer(world):
    document = advance(new_draft(signer="pct.huy"), S.AWAITING_SIGNATURE)
    with pytest.raises(Forbidden):
        services.sign(actor=user("truongban"), document=document, decision="sign")
    assert inbox_kinds("truongban", document) == []

    _delegate("pct.huy", "truongban")
    assert inbox_kinds("truongban", document) == ["sign"]
    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    signed = services.sign(actor=user("truongban"), document=document, decision="sign")
    assert signed.status == S.SIGNED
    event = AuditEvent.objects.get(seq__gt=last_seq)
    assert (event.action, event.actor, event.on_behalf_of) == (
        "sign",
        user("truongban"),
        user("pct.huy"),
    )
    assert done_tasks(document)[-1].owner == user("truongban")
    assert done_tasks(document)[-1].flow_task is OutgoingFlow.sign


def test_a_delegation_of_another_day_lends_nothing(world):
    document = advance(new_draft(signer="pct.huy"), S.AWAITING_SIGNATURE)
    delegation = _delegate("pct.huy", "truongban")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Delegation.objects.filter(pk=delegation.pk).update(valid_from=yesterday, valid_to=yesterday)
    with pytest.raises(Forbidden):
        services.sign(actor=user("truongban"), document=document, decision="sign")
    assert inbox_kinds("truongban", document) == []


# ---------------------------------------------------------------------------------------------
# A paper document registered on arrival


def _register(purpose: str) -> Receipt:
    return services.register_incoming(
        actor=user("vt.bacson"),
        organization="bacson",
        sender_name="Ủy ban nhân dân phường Bắc Sơn",
        sender_symbol=f"12/KH-UBND-{purpose}",
        sender_date=timezone.localdate(),
        title="Kế hoạch tổ chức Ngày hội Đại đoàn kết toàn dân tộc",
        doc_type="KH",
        purpose=purpose,
    )


def test_a_paper_document_for_action_waits_for_the_leader_to_assign(world):
    receipt = _register("execute")
    assert receipt.status == R.ACKNOWLEDGED and receipt.document_id is None
    assert inbox_kinds("ld.bacson", receipt) == ["assign"]
    assert inbox_kinds("vt.bacson", receipt) == []
    assert inbox_kinds("cb.bacson", receipt) == []
    task = open_task(receipt)
    assert task.flow_task is IncomingFlow.assign
    assert task.owner is None  # offered to the organisation's leaders

    page = Client()
    page.force_login(user("ld.bacson"))
    html = page.get("/workflow/inbox/").content.decode()
    assert '<tr data-kind="assign">' in html
    execute = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    assert execute in html
    assert page.get(execute).status_code == 200

    deadline = timezone.localdate() + datetime.timedelta(days=5)
    receipt = services.assign(
        actor=user("ld.bacson"), receipt=receipt, assignee=user("cb.bacson"), deadline=deadline
    )
    assert inbox_kinds("ld.bacson", receipt) == []
    assert inbox_kinds("cb.bacson", receipt) == ["complete"]
    assert open_task(receipt).owner == user("cb.bacson")

    receipt = services.complete(actor=user("cb.bacson"), receipt=receipt, report="Đã tổ chức.")
    assert receipt.status == R.COMPLETED
    assert inbox_kinds("cb.bacson", receipt) == []
    assert open_task(receipt) is None
    assert process_for(receipt).status == "DONE"
    assert [(t.flow_task.name, t.owner.username) for t in done_tasks(receipt)] == [
        ("assign", "ld.bacson"),
        ("complete", "cb.bacson"),
    ]


def test_a_paper_document_only_to_take_note_of_waits_for_nobody(world):
    receipt = _register("inform")
    assert receipt.status == R.ACKNOWLEDGED
    for username in ("ld.bacson", "vt.bacson", "cb.bacson"):
        assert inbox_kinds(username, receipt) == []
    assert open_task(receipt) is None
    api = APIClient()
    api.force_authenticate(user("ld.bacson"))
    rows = api.get("/api/v1/inbox/?page_size=500").json()["results"]
    assert [r for r in rows if r["receipt"] == receipt.pk] == []


# ---------------------------------------------------------------------------------------------
# Bounded costs


def _waiting_for_review(count: int, start: int = 0) -> None:
    issuer = Document._meta.get_field("issuer").related_model.objects.get(code="mttq-samson")
    drafter = user("soanthao")
    Document.objects.bulk_create(
        Document(
            issuer=issuer,
            drafter=drafter,
            doc_type="KH",
            title=f"Kế hoạch chờ duyệt {n}",
            status=S.IN_REVIEW,
        )
        for n in range(start, start + count)
    )


def test_the_inbox_costs_the_same_few_queries_for_one_task_or_two_hundred(
    world, django_assert_max_num_queries
):
    reviewer = user("truongban")
    assert list(open_tasks(reviewer)) == []
    counts = {}
    for total, add in ((1, 1), (200, 199)):
        _waiting_for_review(add, start=total - add)
        with CaptureQueriesContext(connection) as queries:
            rows = list(open_tasks(reviewer))
        assert len(rows) == total and {r["t_kind"] for r in rows} == {"review"}
        counts[total] = len(queries)
        # Two for the person's roles, one for the rows.
        with django_assert_max_num_queries(3):
            list(open_tasks(reviewer))
    assert counts[1] == counts[200]


def _locked(model, pks):
    rows = model.objects.select_for_update(of=("self",)).filter(pk__in=pks).order_by("pk")
    if model is Receipt:
        rows = rows.select_related("document")
    return list(rows)


def _follow_statements(artifacts, actor) -> int:
    for model in (Document, Receipt):
        ContentType.objects.get_for_model(model)  # cached for the process, as in a server
    with CaptureQueriesContext(connection) as queries:
        bookkeeping.follow(artifacts, actor=actor)
    return len(queries)


def test_a_steps_bookkeeping_costs_at_most_five_statements(world):
    # Closing one task and opening the next.
    document = advance(new_draft(), S.IN_REVIEW)
    with transaction.atomic():
        (locked,) = _locked(Document, [document.pk])
        locked.approve_content()
        locked.save()
        assert _follow_statements([locked], user("truongban")) <= 5
    assert open_task(document).flow_task is OutgoingFlow.format_check
    assert done_tasks(document)[-1].owner == user("truongban")

    # The last task: the process ends.
    document = advance(new_draft(), S.ISSUED)
    with transaction.atomic():
        (locked,) = _locked(Document, [document.pk])
        locked.dispatch()
        locked.save()
        assert _follow_statements([locked], user("vanthu")) <= 5
    assert open_task(document) is None and process_for(document).status == "DONE"


def test_a_batch_of_deliveries_costs_the_same_as_one(world):
    document = advance(new_draft(), S.DISPATCHED)  # nothing committed: no delivery yet
    pks = list(document.receipts.order_by("pk").values_list("pk", flat=True))
    assert {r.status for r in document.receipts.all()} == {R.PENDING}
    with transaction.atomic():
        copies = _locked(Receipt, pks)
        for copy in copies:
            copy.deliver(at=timezone.now(), signature_status="unsigned")
            copy.save()
        assert _follow_statements(copies, None) <= 5
    for copy in Receipt.objects.filter(pk__in=pks):
        assert open_task(copy).flow_task is IncomingFlow.acknowledge


def test_no_process_ever_holds_two_open_tasks_in_the_demo(world):
    assert processes_with_two_open_tasks() == []
    by_process = defaultdict(list)
    for task in Task.objects.filter(flow_task_type=HUMAN, status__in=OPEN):
        by_process[task.process_id].append(task)
    for process in Process.objects.filter(pk__in=by_process):
        assert agrees(process.artifact)
