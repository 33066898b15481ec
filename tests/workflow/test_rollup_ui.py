"""Theo dõi thực hiện: the issuer side's roll-up of what the plan asked (figures equal to the
selector's, a chart, each ward's status in words and its reply), its filters, its workbook,
the chase of the late and the compiled report; a bounded number of queries; nobody else
reads it. And the ward's side: its copy shows what it owes, and its drafter answers from
there with a prefilled draft that fulfils the obligation once delivered."""

from __future__ import annotations

import datetime
import json
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from documents import services
from documents.models import Document, Receipt
from documents.obligations import Answer, Obligation, ObligationItem, Reply
from documents.report_forms import vietnamese_number
from documents.selectors import rollup
from orgchart.models import Organization
from tests.documents.test_obligations import dispatched, reply  # noqa: F401
from tests.factories import UserFactory
from tests.support import (
    WARDS,
    advance,
    receipt_for,
    sign_in,
    user,
    ward_people,
)
from tests.workflow.conftest import make_recipient_orgs
from tests.workflow.screens import text_of
from workflow.models import Notification, NotificationKind
from workflow.views.answers import cited

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]


@pytest.fixture
def replied(dispatched, django_capture_on_commit_callbacks):  # noqa: F811
    """Bacson answered its plan in time (three days before), truongson late (the plan was
    due yesterday), quangtien refused the plan; the eight others owe it."""
    plan = dispatched
    own_plan = plan.obligations.get(kind="plan")
    capture = django_capture_on_commit_callbacks
    reply(plan, "bacson", own_plan, capture)
    reply(plan, "truongson", own_plan, capture)
    services.refuse(
        actor=user("vt.quangtien"), receipt=receipt_for(plan, "quangtien"), reason="Không đúng"
    )
    late = ObligationItem.objects.get(obligation=own_plan, organization__code="truongson")
    own_plan.due = timezone.localtime(late.fulfilled_at).date() - datetime.timedelta(days=1)
    own_plan.save()
    ObligationItem.objects.filter(obligation=own_plan, organization__code="bacson").update(
        fulfilled_at=late.fulfilled_at - datetime.timedelta(days=3)
    )
    return plan, own_plan


def url(plan, rest: str = "") -> str:
    return f"/outgoing/{plan.pk}/theo-doi-thuc-hien/{rest}"


def page(client, plan, query: str = ""):
    response = client.get(url(plan) + query)
    assert response.status_code == 200
    return response


def section(html: str, obligation) -> str:
    start = html.index(f'data-obligation="{obligation.pk}"')
    end = html.find('data-testid="obligation"', start + 1)
    return html[start : end if end > 0 else len(html)]


def figures(chunk: str) -> dict[str, int]:
    found = re.findall(r'data-key="(\w+)"><span class="vb-report-card__value">(\d+)</span>', chunk)
    return {key: int(value) for key, value in found}


def statuses(chunk: str) -> dict[str, str]:
    return dict(re.findall(r'data-org="([\w-]+)" data-status="(\w+)"', chunk))


def test_the_figures_and_statuses_are_the_selectors(client, replied):
    plan, own_plan = replied
    sign_in(client, "vanthu")
    response = page(client, plan)
    html = response.content.decode()
    _doc, rows = rollup(user("vanthu"), plan.pk)
    for row in rows:
        chunk = section(html, row.obligation)
        shown = figures(chunk)
        assert shown == {
            "fulfilled": row.counts["fulfilled"],
            "late": row.counts["late"],
            "pending": row.counts["pending"],
            "refused": row.counts["refused"],
        }
        assert statuses(chunk) == {r.item.organization.code: r.status for r in row.items}
    plan_chunk = section(html, own_plan)
    assert figures(plan_chunk) == {"fulfilled": 1, "late": 1, "pending": 8, "refused": 1}
    assert "trong đó quá hạn: 8" in text_of(response)
    assert statuses(plan_chunk)["truongson"] == "fulfilled_late"
    for words in ("Đã nộp", "Nộp muộn", "Quá hạn", "Từ chối", "Chưa nộp"):
        assert words in text_of(response)
    # The answer's number links to it: the city has its copy.
    answer = ObligationItem.objects.get(obligation=own_plan, organization__code="bacson").reply
    assert f'href="/outgoing/{answer.pk}/"' in plan_chunk and answer.symbol in plan_chunk
    # The chart's figures are the same, one slice per meaning.
    charts = json.loads(re.search(r'id="report-charts"[^>]*>(.*?)</script>', html, re.S)[1])
    first = next(c for c in charts if c["id"] == f"chart-obligation-{own_plan.pk}")
    assert first["type"] == "doughnut"
    assert first["keys"] == ["on_time", "late", "waiting", "overdue", "refused"]
    assert first["datasets"][0]["data"] == [1, 1, 0, 8, 1]
    assert f'<canvas id="chart-obligation-{own_plan.pk}"' in html


def test_the_document_page_leads_the_issuer_side_to_it(client, replied):
    plan, _own_plan = replied
    sign_in(client, "vanthu")
    html = client.get(f"/outgoing/{plan.pk}/").content.decode()
    assert 'data-testid="rollup-link"' in html and f'href="{url(plan)}"' in html
    client.force_login(user("cb.bacson"))
    assert 'data-testid="rollup-link"' not in client.get(f"/outgoing/{plan.pk}/").content.decode()


def test_a_recipient_meets_403_and_a_stranger_404(client, replied):
    plan, own_plan = replied
    for person, status in (("cb.bacson", 403), ("vt.quangtien", 403)):
        client.force_login(user(person))
        assert client.get(url(plan)).status_code == status
        assert client.get(f"/outgoing/{plan.pk}/theo-doi-thuc-hien.xlsx").status_code == status
        assert client.post(url(plan, f"{own_plan.pk}/don-doc/")).status_code == status
        assert client.post(url(plan, f"{own_plan.pk}/tong-hop/")).status_code == status
    client.force_login(UserFactory())
    assert client.get(url(plan)).status_code == 404
    assert client.post(url(plan, f"{own_plan.pk}/don-doc/")).status_code == 404
    assert not Notification.objects.filter(kind=NotificationKind.OBLIGATION_PAST).exists()


def test_the_filters_are_plain_links(client, replied):
    plan, own_plan = replied
    sign_in(client, "vanthu")
    html = page(client, plan, "?loc=qua-han").content.decode()
    shown = statuses(section(html, own_plan))
    assert len(shown) == 8 and set(shown.values()) == {"overdue"}
    late = statuses(section(page(client, plan, "?loc=nop-muon").content.decode(), own_plan))
    assert late == {"truongson": "fulfilled_late"}
    assert 'href="?loc=tu-choi"' not in html and f'href="{url(plan)}?loc=tu-choi"' in html
    # An unknown filter shows everything.
    assert len(statuses(section(page(client, plan, "?loc=x").content.decode(), own_plan))) == 11


def test_the_workbook_has_the_pages_rows(client, replied):
    plan, own_plan = replied
    sign_in(client, "vanthu")
    response = client.get(f"/outgoing/{plan.pk}/theo-doi-thuc-hien.xlsx?loc=nop-muon")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert len(rows) == 1
    answer = ObligationItem.objects.get(obligation=own_plan, organization__code="truongson")
    assert rows[0][1] == own_plan.title and rows[0][4] == "Nộp muộn"
    assert rows[0][5] == answer.reply.symbol
    everything = client.get(f"/outgoing/{plan.pk}/theo-doi-thuc-hien.xlsx")
    sheet = load_workbook(BytesIO(everything.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], int)]
    assert len(rows) == 2 * len(WARDS)


def test_the_chase_of_the_late_says_who_was_reminded(client, replied):
    plan, own_plan = replied
    sign_in(client, "vanthu")
    html = page(client, plan).content.decode()
    assert 'data-testid="rollup-chase"' in section(html, own_plan)
    # The clerk does not draft: no report to compile from here.
    assert 'data-testid="rollup-compile"' not in html
    response = client.post(url(plan, f"{own_plan.pk}/don-doc/"), follow=True)
    text = text_of(response)
    assert "Đã đôn đốc 8 đơn vị" in text
    past = Notification.objects.filter(kind=NotificationKind.OBLIGATION_PAST)
    assert past.filter(user=user("ld.trungson")).count() == 1
    again = text_of(client.post(url(plan, f"{own_plan.pk}/don-doc/"), follow=True))
    assert "Đã đôn đốc 0 đơn vị" in again and "8 đơn vị đã được nhắc hôm nay" in again
    assert past.filter(user=user("ld.trungson")).count() == 1


def test_the_compile_button_opens_the_new_draft(client, replied):
    plan, own_plan = replied
    sign_in(client, "soanthao")
    assert 'data-testid="rollup-compile"' in page(client, plan).content.decode()
    response = client.post(url(plan, f"{own_plan.pk}/tong-hop/"))
    assert response.status_code == 302
    report = Document.objects.get(title=f"Kết quả thực hiện kế hoạch số {plan.symbol}")
    assert response["Location"] == f"/outgoing/{report.pk}/"
    assert (report.status, report.doc_type, report.drafter) == ("draft", "BC", user("soanthao"))


def _owed_by(n: int, plan: Document, answer: Document) -> Obligation:
    """One form report of ``plan`` owed by ``n`` new organisations, every other one answered
    with figures."""
    orgs = make_recipient_orgs(n, prefix=f"owe{n}", clerks=0)
    owed = Obligation.objects.create(
        document=plan,
        kind="report",
        title=f"Báo cáo {n}",
        due=timezone.localdate(),
        form=[
            {"key": "so", "label": "Số buổi", "type": "number"},
            {"key": "y", "label": "Ý kiến", "type": "text"},
        ],
    )
    Answer.objects.create(reply=answer.reply, obligation=owed, values={"so": 2.5, "y": "Tốt"})
    now = timezone.now()
    ObligationItem.objects.bulk_create(
        ObligationItem(
            obligation=owed,
            organization=org,
            due=owed.due,
            reply=None if i % 2 else answer,
            fulfilled_at=None if i % 2 else now,
        )
        for i, org in enumerate(orgs)
    )
    return owed


def test_the_page_takes_the_same_queries_for_1_or_30_organisations(client, replied):
    plan, _own_plan = replied
    answer = ObligationItem.objects.filter(reply__isnull=False).first().reply
    sign_in(client, "vanthu")
    counts = {}
    for n in (1, 30):
        Obligation.objects.filter(document=plan).delete()
        _owed_by(n, plan, answer)
        with CaptureQueriesContext(connection) as queries:
            html = page(client, plan).content.decode()
        counts[n] = len(queries)
        # The answers table is there, totalled over the half that answered.
        half = (n + 1) // 2
        assert html.count('data-testid="answers-row"') == n
        assert f'data-key="so">{vietnamese_number(2.5 * half)}</td>' in html
        with CaptureQueriesContext(connection) as export:
            client.get(f"/outgoing/{plan.pk}/theo-doi-thuc-hien.xlsx")
        counts[f"xlsx{n}"] = len(export)
    assert counts[1] == counts[30] <= 12, counts
    assert counts["xlsx1"] == counts["xlsx30"], counts


# ---------------------------------------------------------------------------------------------
# The ward's side


def test_the_wards_copy_shows_what_it_owes_and_offers_its_drafter_the_answer(client, replied):
    plan, own_plan = replied
    client.force_login(user("cb.trungson"))
    response = client.get(f"/outgoing/{plan.pk}/")
    html = response.content.decode()
    assert 'data-testid="my-obligations"' in html
    owed = re.search(r'data-testid="my-obligations".*?</ul>', html, re.S)[0]
    assert own_plan.title in owed and f"{own_plan.due:%d/%m/%Y}" in owed
    assert 'data-status="overdue"' in owed and "Quá hạn" in owed
    copy = receipt_for(plan, "trungson")
    assert f"tra-loi={copy.pk}&amp;yeu-cau={own_plan.pk}" in owed
    assert "Soạn kế hoạch/báo cáo trả lời" in owed
    # Bacson answered: its copy says so and offers no second draft.
    client.force_login(user("cb.bacson"))
    owed = client.get(f"/outgoing/{plan.pk}/").content.decode()
    mine = re.search(r'data-testid="my-obligations".*?</ul>', owed, re.S)[0]
    assert f'data-obligation="{own_plan.pk}" data-status="fulfilled"' in mine
    assert f"yeu-cau={own_plan.pk}" not in mine


def _prefilled(client, copy: Receipt, obligation: Obligation):
    response = client.get(f"/outgoing/soan-thao/?tra-loi={copy.pk}&yeu-cau={obligation.pk}")
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, "", []):
            data[name] = value
    return response, data


def test_the_prefilled_draft_answers_and_is_fulfilled_once_delivered(
    client, replied, django_capture_on_commit_callbacks
):
    plan, own_plan = replied
    copy = receipt_for(plan, "trungson")
    client.force_login(user("cb.trungson"))
    response, data = _prefilled(client, copy, own_plan)
    assert data["doc_type"] == "KH" and data["title"] == own_plan.title
    issued = timezone.localtime(plan.issued_at)
    assert plan.issuer.name.startswith("Ban Thường trực Ủy ban MTTQ")
    assert data["body"].startswith(
        f"Thực hiện Kế hoạch số {plan.symbol} ngày {issued:%d/%m/%Y} của {plan.issuer.name} về "
        f"{plan.title}, Ban Thường trực Ủy ban MTTQ Việt Nam phường Trung Sơn xây dựng kế hoạch"
    )
    assert (data["org_1"], data["org_purpose_1"]) == ("mttq-samson", "report")
    assert (data["reply_to"], data["reply_fulfils"]) == (copy.pk, str(own_plan.pk))
    assert "Cơ quan ban hành: " + copy.organization.name in text_of(response)

    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post("/outgoing/soan-thao/", data)
    assert saved.status_code == 302, text_of(saved)[:600]
    answer = Document.objects.get(pk=saved["Location"].strip("/").split("/")[-1])
    assert (answer.issuer.code, answer.doc_type, answer.status) == ("trungson", "KH", "draft")
    assert Reply.objects.get(document=answer).receipt == copy
    assert list(Reply.objects.get(document=answer).obligations.all()) == [own_plan]

    answer = advance(answer, "issued", ward_people("trungson"))
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch(actor=user("vt.trungson"), document=answer)
    item = ObligationItem.objects.get(obligation=own_plan, organization__code="trungson")
    assert item.reply_id == answer.pk and item.fulfilled_at is not None


def test_a_report_is_answered_with_a_bao_cao(client, replied):
    plan, _own_plan = replied
    report = plan.obligations.get(kind="report")
    client.force_login(user("cb.trungson"))
    _response, data = _prefilled(client, receipt_for(plan, "trungson"), report)
    assert data["doc_type"] == "BC" and data["title"] == report.title
    assert "báo cáo như sau" in data["body"]


def test_a_ward_cannot_answer_for_another(client, replied):
    plan, own_plan = replied
    client.force_login(user("cb.trungson"))
    _response, data = _prefilled(client, receipt_for(plan, "trungson"), own_plan)
    # The copy of another ward, posted in the hidden field: the service refuses it.
    data["reply_to"] = receipt_for(plan, "quangcu").pk
    before = Document.objects.count()
    refused = client.post("/outgoing/soan-thao/", data)
    assert refused.status_code == 200
    assert "Phải là văn bản đến của cơ quan ban hành" in text_of(refused)
    assert (
        Document.objects.count() == before
        and not Reply.objects.filter(receipt__organization__code="quangcu").exists()
    )
    # Nor does the form open from another ward's copy (not visible) or for a non-drafter.
    other = receipt_for(plan, "quangcu")
    assert (
        client.get(f"/outgoing/soan-thao/?tra-loi={other.pk}&yeu-cau={own_plan.pk}").status_code
        == 404
    )
    # The ward's leader reviews and signs its answer but does not draft it.
    client.force_login(user("ld.trungson"))
    mine = receipt_for(plan, "trungson")
    asked = f"/outgoing/soan-thao/?tra-loi={mine.pk}&yeu-cau={own_plan.pk}"
    assert client.get(asked).status_code == 403
    page_html = client.get(f"/outgoing/{plan.pk}/").content.decode()
    assert (
        'data-testid="my-obligations"' in page_html and 'data-testid="reply-draft"' not in page_html
    )
    # An obligation the copy does not owe is not found.
    client.force_login(user("cb.trungson"))
    assert client.get(f"/outgoing/soan-thao/?tra-loi={mine.pk}&yeu-cau=999999").status_code == 404


@pytest.mark.parametrize(
    "collective_name, issuer, said",
    [
        (
            "BAN THƯỜNG TRỰC",
            "Ban Thường trực Ủy ban MTTQ thành phố",
            "Ban Thường trực Ủy ban MTTQ thành phố",
        ),
        ("BAN THƯỜNG TRỰC", "Ủy ban MTTQ thành phố", "Ban Thường trực Ủy ban MTTQ thành phố"),
        ("", "Ủy ban MTTQ thành phố", "Ủy ban MTTQ thành phố"),
    ],
)
def test_the_asking_body_is_named_once(collective_name, issuer, said):
    document = Document(doc_type="KH", symbol="01/KH-MTTQ-BTT", collective_name=collective_name)
    document.issuer = Organization(name=issuer)
    assert cited(Receipt(document=document)) == f"Kế hoạch số 01/KH-MTTQ-BTT của {said}"
