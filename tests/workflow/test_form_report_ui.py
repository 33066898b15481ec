"""Form reports on the screens: the ward's draft of its report shows one input per field of
the form it fulfils (and none for an obligation without one), saves them as the reply's
answers through the drafting service, says a bad figure on its own input with nothing
written; the reply's page shows the answers to whoever may read the reply; the city's
roll-up tables every ward's answers with the totals, and its workbook carries them too."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from documents import services
from documents.demo import DEMO_REPORT_FORM
from documents.models import Answer, Document
from documents.obligations import Reply
from documents.report_forms import vietnamese_number
from tests.documents.test_obligations import dispatched  # noqa: F401
from tests.support import (
    WARDS,
    advance,
    receipt_for,
    sign_in,
    user,
    ward_dispatch,
    ward_draft,
    ward_people,
)
from tests.workflow.screens import task_url, text_of
from workflow.answer_forms import field_name

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

DRAFT = "/outgoing/soan-thao/"


def _opened(client, copy, obligation):
    response = client.get(f"{DRAFT}?tra-loi={copy.pk}&yeu-cau={obligation.pk}")
    assert response.status_code == 200
    data = {}
    for name in response.context["form"].fields:
        value = response.context["form"][name].value()
        if value not in (None, "", []):
            data[name] = value
    return response, data


def _report(plan):
    return plan.obligations.get(kind="report")


def test_the_demo_report_asks_for_figures(dispatched):  # noqa: F811
    assert _report(dispatched).form == DEMO_REPORT_FORM
    assert dispatched.obligations.get(kind="plan").form == []


def test_the_report_draft_shows_one_input_per_field_and_the_plan_none(client, dispatched):  # noqa: F811
    plan, report = dispatched, _report(dispatched)
    copy = receipt_for(plan, "bacson")
    client.force_login(user("cb.bacson"))
    response, _data = _opened(client, copy, report)
    html = response.content.decode()
    group = re.search(r'data-testid="answers-\d+".*?</fieldset>', html, re.S)[0]
    assert f'data-obligation="{report.pk}"' in group and report.title in group
    for f in DEMO_REPORT_FORM:
        name = field_name(report.pk, f["key"])
        label = re.search(rf'<label for="id_{name}">([^<]+)</label>', group)
        assert label and label[1] == f["label"]
        if f["type"] == "number":
            tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', group)[0]
            assert 'type="number"' in tag and 'inputmode="decimal"' in tag and 'step="any"' in tag
        else:
            assert re.search(rf'<textarea [^>]*name="{name}"', group)
    # The plan has no form: nothing to fill in.
    response, _data = _opened(client, copy, plan.obligations.get(kind="plan"))
    assert 'data-testid="answer-fields"' not in response.content.decode()
    assert not any(n.startswith("ans_") for n in response.context["answers_form"].fields)
    # Nor does a draft that answers nothing.
    assert 'data-testid="answer-fields"' not in client.get(DRAFT).content.decode()


def test_the_figures_are_saved_as_the_replys_answers(client, dispatched):  # noqa: F811
    plan, report = dispatched, _report(dispatched)
    client.force_login(user("cb.bacson"))
    _response, data = _opened(client, receipt_for(plan, "bacson"), report)
    data[field_name(report.pk, "so_buoi")] = "3"
    data[field_name(report.pk, "so_nguoi")] = "1250.5"
    data[field_name(report.pk, "kien_nghi")] = "  Cần thêm loa  "
    saved = client.post(DRAFT, data)
    assert saved.status_code == 302, text_of(saved)[:800]
    answer = Answer.objects.get(reply__receipt=receipt_for(plan, "bacson"))
    assert answer.obligation == report
    assert answer.values == {"so_buoi": 3, "so_nguoi": 1250.5, "kien_nghi": "Cần thêm loa"}
    assert isinstance(answer.values["so_buoi"], int)


def test_the_figures_are_optional(client, dispatched):  # noqa: F811
    plan, report = dispatched, _report(dispatched)
    client.force_login(user("cb.bacson"))
    _response, data = _opened(client, receipt_for(plan, "bacson"), report)
    saved = client.post(DRAFT, data)
    assert saved.status_code == 302, text_of(saved)[:800]
    reply = Reply.objects.get(receipt=receipt_for(plan, "bacson"))
    assert list(reply.obligations.all()) == [report] and not reply.answers.exists()


def test_a_bad_figure_is_said_on_its_input_and_nothing_is_written(client, dispatched):  # noqa: F811
    plan, report = dispatched, _report(dispatched)
    client.force_login(user("cb.bacson"))
    _response, data = _opened(client, receipt_for(plan, "bacson"), report)
    data[field_name(report.pk, "so_buoi")] = "ba buổi"
    data[field_name(report.pk, "so_nguoi")] = "120"
    before = (Document.objects.count(), Reply.objects.count(), Answer.objects.count())
    refused = client.post(DRAFT, data)
    assert refused.status_code == 200
    form = refused.context["answers_form"]
    so_buoi, so_nguoi = field_name(report.pk, "so_buoi"), field_name(report.pk, "so_nguoi")
    assert form.errors == {so_buoi: ["Số buổi tuyên truyền phải là một số."]}
    html = refused.content.decode()
    field = re.search(
        rf'<div class="vb-field vb-field--error">\s*<label for="id_{so_buoi}".*?</div>\s*</div>',
        html,
        re.S,
    )
    assert field and "phải là một số" in field[0]
    # What was typed stays in place for the ward to correct.
    kept = re.search(rf'<input [^>]*name="{so_nguoi}"[^>]*>', html)[0]
    assert 'value="120"' in kept
    assert (Document.objects.count(), Reply.objects.count(), Answer.objects.count()) == before


def _answered(plan, code: str, values: dict, capture) -> Document:
    """The ward answers the report with ``values``, and the reply goes all the way to the
    city."""
    report = _report(plan)
    draft = ward_draft(
        plan,
        code,
        [report],
        doc_type="BC",
        title="Báo cáo kết quả tuyên truyền",
        answers={report.pk: values},
    )
    return ward_dispatch(draft, code, capture)


def test_the_reply_page_shows_its_answers_to_whoever_reads_it(
    client,
    dispatched,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    values = {"so_buoi": 1234, "so_nguoi": 0.5, "kien_nghi": "Thiếu loa"}
    reply = _answered(dispatched, "bacson", values, django_capture_on_commit_callbacks)
    url = f"/outgoing/{reply.pk}/"
    for who in ("cb.bacson", "ld.bacson", "vanthu"):  # the ward's own people, the city's clerk
        client.force_login(user(who))
        response = client.get(url)
        assert response.status_code == 200, who
        html = response.content.decode()
        given = re.search(r'data-testid="given-answers".*?</section>', html, re.S)[0]
        assert re.search(r'data-key="so_buoi">1\.234</dd>', given), who
        assert re.search(r'data-key="so_nguoi">0,5</dd>', given)
        assert "Thiếu loa" in given and "Số lượt người tham dự" in given
    # Another ward does not see the reply, nor its answers.
    client.force_login(user("cb.trungson"))
    assert client.get(url).status_code == 404
    # The city's plan itself answers nothing: no figures shown on its page.
    client.force_login(user("vanthu"))
    plan_page = client.get(f"/outgoing/{dispatched.pk}/").content.decode()
    assert 'data-testid="given-answers"' not in plan_page


def test_a_returned_reply_is_revised_with_its_figures(
    client,
    dispatched,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    plan, report = dispatched, _report(dispatched)
    receipt = receipt_for(plan, "bacson")
    services.acknowledge(actor=user("vt.bacson"), receipt=receipt)
    draft = services.create_draft(
        actor=user("cb.bacson"),
        issuer="bacson",
        doc_type="BC",
        title="Báo cáo kết quả tuyên truyền",
        authority_prefix="TM",
        collective_name="BAN THƯỜNG TRỰC",
        signer="ld.bacson",
        recipients=[{"organization": "mttq-samson", "purpose": "report"}],
        replies_to=receipt.pk,
        fulfils=[report.pk],
        answers={report.pk: {"so_buoi": 2}},
    )
    # Not yet sent: the city does not see the draft, nor its figures.
    client.force_login(user("vanthu"))
    assert client.get(f"/outgoing/{draft.pk}/").status_code == 404
    draft = advance(draft, "returned", ward_people("bacson"))
    client.force_login(user("cb.bacson"))
    screen = task_url(draft)
    shown = client.get(screen)
    assert shown.status_code == 200
    form = shown.context["answers_form"]
    assert form[field_name(report.pk, "so_buoi")].value() == "2"
    data = {"title": draft.title, "body": draft.body, "can_cu": "", "comment": "Đã sửa"}
    bad = {**data, field_name(report.pk, "so_buoi"): "hai"}
    refused = client.post(screen, bad)
    assert refused.status_code == 200
    assert refused.context["answers_form"].errors[field_name(report.pk, "so_buoi")]
    assert Answer.objects.get(reply__document=draft).values == {"so_buoi": 2}
    good = {**data, field_name(report.pk, "so_buoi"): "5", field_name(report.pk, "so_nguoi"): "40"}
    done = client.post(screen, good)
    assert done.status_code == 302, text_of(done)[:800]
    assert Answer.objects.get(reply__document=draft).values == {"so_buoi": 5, "so_nguoi": 40}


GIVEN = {
    "bacson": {"so_buoi": 3, "so_nguoi": 1200.5, "kien_nghi": "Thiếu loa"},
    "trungson": {"so_buoi": 2, "so_nguoi": 0.25},
    "truongson": {"so_nguoi": 100},
}


@pytest.fixture
def answered(dispatched, django_capture_on_commit_callbacks):  # noqa: F811
    for code, values in GIVEN.items():
        _answered(dispatched, code, values, django_capture_on_commit_callbacks)
    return dispatched


def _table(html: str, obligation) -> str:
    start = html.index(f'data-obligation="{obligation.pk}"')
    return re.search(r'data-testid="answers-table".*?</table>', html[start:], re.S)[0]


def _cells(row_html: str) -> dict[str, str]:
    return {k: v.strip() for k, v in re.findall(r'<td[^>]*data-key="(\w+)">([^<]*)</td>', row_html)}


def test_the_rollup_tables_every_wards_answers_with_totals(client, answered):
    plan, report = answered, _report(answered)
    sign_in(client, "vanthu")
    html = client.get(f"/outgoing/{plan.pk}/theo-doi-thuc-hien/").content.decode()
    table = _table(html, report)
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    assert headers == ["Đơn vị", *(f["label"] for f in DEMO_REPORT_FORM)]
    rows = dict(
        re.findall(r'<tr data-org="([\w-]+)" data-testid="answers-row">(.*?)</tr>', table, re.S)
    )
    assert set(rows) == set(WARDS)
    for code in WARDS:
        given = GIVEN.get(code, {})
        expected = {
            f["key"]: (
                vietnamese_number(given[f["key"]]) if f["type"] == "number" else given[f["key"]]
            )
            if f["key"] in given
            else ""
            for f in DEMO_REPORT_FORM
        }
        assert _cells(rows[code]) == expected, code
    totals = _cells(re.search(r'data-testid="answers-totals">(.*?)</tr>', table, re.S)[1])
    so_buoi = sum(Decimal(str(v.get("so_buoi", 0))) for v in GIVEN.values())
    so_nguoi = sum(Decimal(str(v.get("so_nguoi", 0))) for v in GIVEN.values())
    assert totals == {"so_buoi": "5", "so_nguoi": "1.300,75", "kien_nghi": ""}
    assert (so_buoi, so_nguoi) == (Decimal(5), Decimal("1300.75"))
    # The plan has no form: no table for it.
    own_plan = plan.obligations.get(kind="plan")
    start = html.index(f'data-obligation="{own_plan.pk}"')
    end = html.index(f'data-obligation="{report.pk}"')
    assert 'data-testid="answers-table"' not in html[start:end]


def test_the_workbook_carries_the_answers_and_the_totals(client, answered):
    plan, report = answered, _report(answered)
    sign_in(client, "vanthu")
    response = client.get(f"/outgoing/{plan.pk}/theo-doi-thuc-hien.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "STT")
    assert list(header[-3:]) == [f["label"] for f in DEMO_REPORT_FORM]
    numbered = [r for r in rows if r and isinstance(r[0], int)]
    assert [r[0] for r in numbered] == list(range(1, 2 * len(WARDS) + 1))
    of_report = {r[3]: r for r in numbered if r[1] == report.title}
    for code, given in GIVEN.items():
        name = receipt_for(plan, code).organization.name
        assert list(of_report[name][-3:]) == [given.get(f["key"]) for f in DEMO_REPORT_FORM]
    assert all(r[-3:] == (None, None, None) for r in numbered if r[1] != report.title)
    (total,) = [r for r in rows if r and r[1] == "Tổng cộng"]
    assert total[-3:] == (5, 1300.75, None)
