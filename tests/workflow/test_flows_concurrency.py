"""Two signers act on the same queued task at the same moment, each in their own request and
database connection: exactly one signs, the other is told in Vietnamese, nobody sees a 500."""

from __future__ import annotations

import re
import threading

from django.db import connection
from django.test import Client

from documents.models import DocumentStatus
from tests.support import advance, new_draft, user
from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)
from workflow.flows import open_task

S = DocumentStatus


def test_two_signers_at_once_exactly_one_signs(live_world):
    document = advance(new_draft(title="Kế hoạch ký đồng thời"), S.AWAITING_SIGNATURE)
    task = open_task(document)
    assert task is not None and task.owner_id is None, "waits in both signers' lists"
    clients = {}
    for username in ("pct.huy", "chutich"):
        clients[username] = Client()
        clients[username].force_login(user(username))
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
