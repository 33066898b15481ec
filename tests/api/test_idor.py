"""Refused requests on existing objects are on record, and nobody learns that an object they
may not see exists: every object endpoint of the API and every object page of the UI, walked
with the ids of a draft and a copy the person cannot see, answers 404 and writes one
``refused`` event naming the object, the person and the address. The endpoints are read off
the URL configuration, so a new one is swept too."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from documents import services
from documents.models import AuditEvent
from documents.refusals import ACTION
from orgchart.models import Organization, RoleCode
from tests.support import advance, new_draft, receipt_for, user
from workflow.bookkeeping import process_for

pytestmark = pytest.mark.django_db

WALKER = "vt.quangdai"  # a ward clerk: neither the draft's issuer nor a recipient of the copy


def _patterns(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _methods(pattern: URLPattern) -> list[str]:
    actions = getattr(pattern.callback, "actions", None)
    if actions:
        return sorted(actions)
    view_class = getattr(pattern.callback, "view_class", None) or getattr(
        pattern.callback, "cls", None
    )
    found = [m for m in ("get", "post", "patch", "delete") if hasattr(view_class, m)]
    return found or ["get", "post"]


def _fill(route: str, values: dict[str, object]) -> str:
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    return "/" + route


@pytest.fixture
def hidden(world):
    """A draft of the city (its issuer's only) and Trung Sơn's arrived copy of another
    document."""
    draft = new_draft()
    sent = advance(new_draft(title="Kế hoạch đã gửi"), "dispatched")
    copy = receipt_for(sent, "trungson")
    services.deliver(receipt=copy)
    return draft, copy


@pytest.fixture
def lent(world):
    """A delegation between two people of the city, neither of them the walker."""
    return services.delegate(
        actor=user("pct.huy"),
        deputy=user("truongban"),
        organization=Organization.objects.get(code="mttq-samson"),
        roles=[RoleCode.SIGNER],
        valid_from=timezone.localdate(),
        valid_to=timezone.localdate() + datetime.timedelta(days=3),
        note="Ký thay trong thời gian đi công tác",
    )


def _refusals():
    return list(AuditEvent.objects.filter(action=ACTION).order_by("seq"))


def _expect_refused(response, before: int, obj_id: int, method: str, url: str):
    assert response.status_code == 404, (method, url, response.status_code)
    new = _refusals()[before:]
    assert len(new) == 1, (method, url, len(new))
    event = new[0]
    assert event.data["id"] == obj_id and event.actor == user(WALKER), (method, url)
    assert event.ip == "127.0.0.1" and event.data["status"] == 404


def test_every_api_object_endpoint_answers_404_and_records_it(api, hidden):
    draft, copy = hidden
    client = api.as_(WALKER)
    swept = 0
    for route, pattern in _patterns(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or not re.search(r"\b(pk|id)\b", route):
            continue
        on_receipt = route.replace("^", "").startswith("api/v1/receipts/")
        obj_id = copy.pk if on_receipt else draft.pk
        values = {
            "pk": obj_id,
            "id": obj_id,
            "attachment_id": 1,
            "obligation_id": 1,
            "person": "soanthao",
            "purpose": "inform",
        }
        if "notifications" in route or route.startswith("api/v1/auth/"):
            continue  # a person's own notifications and tokens: others' are simply not theirs
        url = _fill(route, values)
        for method in _methods(pattern):
            before = len(_refusals())
            response = getattr(client, method)(url, {}, format="json")
            _expect_refused(response, before, obj_id, method, url)
            swept += 1
    assert swept >= 25


def test_every_ui_object_page_answers_404_and_records_it(client, hidden, lent):
    draft, copy = hidden
    client.force_login(user(WALKER))
    processes = {"outgoing": process_for(draft), "incoming": process_for(copy)}
    swept = 0
    for route, pattern in _patterns(get_resolver().url_patterns):
        if route.startswith(("api/", "admin/")):
            continue
        if route.startswith("account/thong-bao/"):
            continue  # a person's own notifications: others' are simply not theirs (404)
        if route.startswith("orgchart/uy-quyen/") and "<int:pk>" in route:
            # Someone else's delegation.
            values, obj_id = {"pk": lent.pk}, lent.pk
        elif "<int:pk>" in route and route.startswith("incoming/"):
            # A copy's own pages (its page, its files, its handling notes).
            values: dict[str, object] = {"pk": copy.pk, "attachment_id": 1}
            obj_id = copy.pk
        elif "<int:pk>" in route:
            # A document's own pages, and those of one of its parts (a version).
            values = {"pk": draft.pk, "number": 1, "obligation": 1}
            obj_id = draft.pk
        elif "<int:process_pk>" in route:
            flow = "incoming" if "/incoming/" in route else "outgoing"
            process = processes[flow]
            task = process.task_set.order_by("pk").first()
            values = {"process_pk": process.pk, "task_pk": task.pk}
            obj_id = copy.pk if flow == "incoming" else draft.pk
        else:
            continue
        url = _fill(route, values)
        for method in [m for m in _methods(pattern) if m in ("get", "post")]:
            before = len(_refusals())
            response = getattr(client, method)(url)
            _expect_refused(response, before, obj_id, method, url)
            swept += 1
    assert swept >= 40


def test_a_refused_step_is_recorded_although_it_rolls_back(api, world):
    doc = advance(new_draft(), "awaiting_signature")
    before = len(_refusals())
    # The reviewer sees the document but may not sign it: 403, and the refusal stays.
    got = api.as_("truongban").post(f"/api/v1/documents/{doc.pk}/sign/", {}, format="json")
    assert got.status_code == 403
    (event,) = _refusals()[before:]
    assert event.data == {
        "object": "document",
        "id": doc.pk,
        "status": 403,
        "method": "POST",
        "path": f"/api/v1/documents/{doc.pk}/sign/",
    }
    assert event.actor == user("truongban") and event.document_id is None
    doc.refresh_from_db()
    assert doc.status == "awaiting_signature"


def test_an_id_that_names_nothing_is_not_recorded(api, world):
    client = api.as_(WALKER)
    assert client.get("/api/v1/documents/987654/").status_code == 404
    assert client.post("/api/v1/receipts/987654/acknowledge/").status_code == 404
    assert client.get(f"/api/v1/documents/{'9' * 30}/").status_code == 404
    assert _refusals() == []


def test_the_issuers_auditor_reads_the_refusals_on_the_document_page(api, client, hidden):
    draft, _copy = hidden
    assert api.as_(WALKER).get(f"/api/v1/documents/{draft.pk}/").status_code == 404
    client.force_login(user("kiemtra"))
    page = client.get(f"/outgoing/{draft.pk}/")
    assert [e.actor for e in page.context["refusals"]] == [user(WALKER)]
    assert f"/api/v1/documents/{draft.pk}/" in page.content.decode()
    # The drafter reads the trail, not the refusals: they are the auditors'.
    client.force_login(user("soanthao"))
    assert client.get(f"/outgoing/{draft.pk}/").context["refusals"] == []
