"""Two signers act on the same queued task at the same moment, each in their own request and
database connection: exactly one signs, the other is told in Vietnamese, nobody sees a 500."""

from __future__ import annotations

import re
import threading

from django.db import connection
from django.test import Client

from documents.models import DocumentStatus
from tests.support import advance, new_draft, sign_in, user
from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)
from workflow.bookkeeping import open_task

S = DocumentStatus


def test_two_signers_at_once_exactly_one_signs(live_world):
    document = advance(new_draft(title="Kế hoạch ký đồng thời"), S.AWAITING_SIGNATURE)
    task = open_task(document)
    assert task is not None and task.owner_id is None, "waits in both signers' lists"
    clients = {}
    for username in ("pct.huy", "chutich"):
        clients[username] = Client()
        sign_in(clients[username], username)
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    for client in clients.values():
        assert client.get(url).status_code == 200  # both have the form open

    barrier = threading.Barrier(len(clients))
    results: dict[str, object] = {}

    def act(username: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[username] = clients[username].post(
                url, {"decision": "sign", "comment": ""}, follow=True
            )
        except Exception as error:  # surfaced below; a thread must not die silently
            results[username] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    pages = {}
    for username, response in results.items():
        assert not isinstance(response, Exception), response
        assert response.status_code == 200, (username, response.status_code)
        pages[username] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    signed = [name for name, page in pages.items() if "Đã ký văn bản." in page]
    refused = [
        name
        for name, page in pages.items()
        if "đã được người khác nhận hoặc xử lý xong" in page or "vừa được người khác xử lý" in page
    ]
    assert len(signed) == 1 and len(refused) == 1, pages.keys()
    document.refresh_from_db()
    assert document.status == S.SIGNED
    assert document.signer == user(signed[0])
    assert document.audit_events.filter(action="sign").count() == 1
    task.refresh_from_db()
    assert task.owner == user(signed[0])


def test_a_task_screen_and_the_api_on_the_same_step_at_once(live_world):
    """The screen locks the process then the document; the API's step locks the document and
    its follower then the process. Whatever the interleaving, one review is recorded, nobody
    gets an error page, and the flow ends up waiting for the format check."""
    from documents import services
    from documents.errors import Conflict
    from workflow.flows import OutgoingFlow

    document = advance(new_draft(title="Kế hoạch duyệt hai đường"), S.IN_REVIEW)
    task = open_task(document)
    url = task.flow_task.reverse("execute", args=[task.process_id, task.pk])
    screen = Client()
    screen.force_login(user("truongban"))
    assert screen.get(url).status_code == 200

    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def by_screen() -> None:
        try:
            barrier.wait(timeout=10)
            results["screen"] = screen.post(url, {"decision": "approve", "comment": ""})
        except Exception as error:
            results["screen"] = error
        finally:
            connection.close()

    def by_api() -> None:
        try:
            barrier.wait(timeout=10)
            services.review(actor=user("truongban"), document=document, decision="approve")
            results["api"] = "ok"
        except Conflict as error:
            results["api"] = error
        except Exception as error:
            results["api"] = RuntimeError(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=by_screen), threading.Thread(target=by_api)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not isinstance(results["screen"], Exception), results["screen"]
    assert results["screen"].status_code == 302
    assert not isinstance(results["api"], RuntimeError), results["api"]
    document.refresh_from_db()
    assert document.status == S.FORMAT_CHECK
    assert document.audit_events.filter(action="review").count() == 1
    assert open_task(document).flow_task is OutgoingFlow.format_check
