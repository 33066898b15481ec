"""The flows follow the documents' state, whichever door a step came through: a task screen,
or the services directly (as the API and the Celery tasks call them). The inbox is the one
selector's; the tasks are the bookkeeping's."""

from __future__ import annotations

import datetime

from django.utils import timezone
from viewflow.workflow import STATUS

from documents import services
from documents.models import DocumentStatus, Receipt, ReceiptStatus
from documents.selectors import open_tasks
from tests.support import advance, new_draft, receipt_for, user
from workflow.bookkeeping import open_task, process_for, reconcile
from workflow.flows import OutgoingFlow
from workflow.views import inbox as hop_viec

S, R = DocumentStatus, ReceiptStatus


def inbox(username: str) -> list[dict]:
    return list(open_tasks(user(username)))


def archive(username: str):
    person = user(username)
    from orgchart.selectors import grants_of

    return hop_viec.tasks_of(list(hop_viec.archive_tasks(person, grants_of(person))))


def task_names(rows, artifact=None) -> list[str]:
    def of(row) -> bool:
        if artifact is None:
            return True
        if isinstance(artifact, Receipt):
            return row["t_receipt"] == artifact.pk
        return row["t_receipt"] is None and row["t_document"] == artifact.pk

    return sorted(row["t_kind"] for row in rows if of(row))


def test_a_new_draft_starts_its_process_with_the_drafter_to_submit(world, committed):
    document = committed(new_draft)
    task = open_task(document)
    assert task.flow_task is OutgoingFlow.submit
    assert task.owner == user("soanthao")
    assert task.status == STATUS.ASSIGNED
    assert task_names(inbox("soanthao"), document) == ["submit"]
    assert task_names(inbox("truongban"), document) == []


def test_steps_taken_through_the_services_move_every_inbox(world, committed):
    document = committed(new_draft, signer="pct.huy")
    expected = [
        # (who acts, the call, the task now open, who sees it, who no longer does)
        ("soanthao", lambda a, d: services.submit(actor=a, document=d), "review", "truongban"),
        (
            "truongban",
            lambda a, d: services.review(actor=a, document=d, decision="approve"),
            "format_check",
            "vanthu",
        ),
        (
            "vanthu",
            lambda a, d: services.review(actor=a, document=d, decision="approve"),
            "sign",
            "pct.huy",
        ),
        ("pct.huy", lambda a, d: services.sign(actor=a, document=d), "register", "vanthu"),
        ("vanthu", lambda a, d: services.register(actor=a, document=d), "dispatch", "vanthu"),
    ]
    for actor_name, step, next_task, next_actor in expected:
        actor = user(actor_name)
        before = open_task(document)
        committed(step, actor, document)
        before.refresh_from_db()
        assert before.status == STATUS.DONE
        assert before.owner == actor, "the step lands in the actor's archive"
        task = open_task(document)
        assert task.flow_task.name == next_task
        assert task_names(inbox(next_actor), document) == [next_task]
        if actor_name != next_actor:
            assert task_names(inbox(actor_name), document) == []
        assert before.pk in [t.pk for t in archive(actor_name)]

    # The signer was chosen on the draft, so signing went straight to his inbox, not a queue.
    sign_task = document_process_tasks(document, "sign")[0]
    assert sign_task.owner == user("pct.huy")
    assert task_names(inbox("chutich"), document) == []

    committed(services.dispatch, actor=user("vanthu"), document=document)
    assert open_task(document) is None
    process = process_for(document)
    assert process.status == "DONE"

    # Delivery (eager Celery) started one IncomingFlow per receipt, in the clerks' queues.
    bacson = receipt_for(document, "bacson")
    assert bacson.status == R.DELIVERED
    assert task_names(inbox("vt.bacson"), bacson) == ["acknowledge"]
    assert task_names(inbox("vt.trungson"), bacson) == []
    assert task_names(inbox("soanthao"), document) == []

    committed(services.acknowledge, actor=user("vt.bacson"), receipt=bacson)
    assert task_names(inbox("vt.bacson"), bacson) == []
    assert task_names(inbox("ld.bacson"), bacson) == ["assign"]

    deadline = timezone.localdate() + datetime.timedelta(days=7)
    committed(
        services.assign,
        actor=user("ld.bacson"),
        receipt=bacson,
        assignee=user("cb.bacson"),
        deadline=deadline,
    )
    assert task_names(inbox("ld.bacson"), bacson) == []
    assert task_names(inbox("cb.bacson"), bacson) == ["complete"]

    committed(services.complete, actor=user("cb.bacson"), receipt=bacson, report="Đã xong.")
    assert task_names(inbox("cb.bacson"), bacson) == []
    assert open_task(bacson) is None
    assert process_for(bacson).status == "DONE"

    # A recipient that only reports stops at acknowledgement: no assignment task.
    thanhuy = receipt_for(document, "thanhuy")
    committed(services.acknowledge, actor=user("vt.thanhuy"), receipt=thanhuy)
    assert open_task(thanhuy) is None


def document_process_tasks(document, name):
    process = process_for(document)
    return [t for t in process.task_set.order_by("pk") if t.flow_task.name == name]


def test_a_return_sends_the_draft_back_to_the_drafter_and_resubmission_to_review(world, committed):
    document = committed(new_draft)
    committed(services.submit, actor=user("soanthao"), document=document)
    committed(
        services.review,
        actor=user("truongban"),
        document=document,
        decision="return",
        comment="Bổ sung căn cứ.",
    )
    task = open_task(document)
    assert task.flow_task is OutgoingFlow.revise
    assert task.owner == user("soanthao")
    committed(services.submit, actor=user("soanthao"), document=document)
    assert open_task(document).flow_task is OutgoingFlow.review


def test_without_a_format_check_review_leads_to_signing(world, committed):
    issuer = world.org("mttq-samson")
    issuer.requires_format_check = False
    issuer.save(update_fields=["requires_format_check"])
    document = committed(new_draft)
    committed(services.submit, actor=user("soanthao"), document=document)
    committed(services.review, actor=user("truongban"), document=document, decision="approve")
    task = open_task(document)
    assert task.flow_task is OutgoingFlow.sign
    # No signer chosen: the task waits in every signer's list until one takes it.
    assert task.owner is None
    assert task_names(inbox("chutich"), document) == ["sign"]
    assert task_names(inbox("pct.huy"), document) == ["sign"]
    names = [t.flow_task.name for t in document_process_tasks(document, "format_check")]
    assert names == []


def test_the_task_is_written_in_the_step_itself_without_waiting_for_commit(world):
    # No after-commit callbacks run here: the bookkeeping is part of the step.
    document = new_draft()
    services.submit(actor=user("soanthao"), document=document)
    assert open_task(document).flow_task is OutgoingFlow.review
    assert reconcile() == 0  # nothing to bring in line
    process = process_for(document)
    assert process.task_set.filter(flow_task_type="HUMAN", status=STATUS.DONE).count() == 1


def test_withdrawing_a_draft_ends_its_process(world, committed):
    document = committed(new_draft)
    committed(services.withdraw, actor=user("soanthao"), document=document, reason="Thôi.")
    assert open_task(document) is None
    assert process_for(document).status == "DONE"


def test_a_recall_closes_the_recipients_open_tasks(world, committed):
    document = committed(new_draft)
    committed(advance, document, S.DISPATCHED)
    bacson = receipt_for(document, "bacson")
    assert task_names(inbox("vt.bacson"), bacson) == ["acknowledge"]
    committed(services.recall, actor=user("pct.huy"), document=document, reason="Ban hành nhầm")
    assert task_names(inbox("vt.bacson"), bacson) == []
    assert open_task(bacson) is None
    assert process_for(bacson).status == "DONE"
    # Nobody took the recipient's step: the task was withdrawn with the document, not done.
    assert not process_for(bacson).task_set.filter(status=STATUS.DONE).exists()
