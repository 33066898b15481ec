"""Step-up in the API (design §15.2): signing, registering, dispatching and recalling by a
signer or a clerk need a token made fresh by a one-time code; nothing else asks for one."""

from __future__ import annotations

import base64
import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from documents import stepup
from documents.lifecycle import DOCUMENT, RECEIPT
from documents.models import DocumentStatus, Freshness
from documents.signing.pki import init_demo_pki
from orgchart.models import Membership, Organization, Position, RoleCode
from tests.factories import MembershipFactory, PositionFactory, UserFactory
from tests.support import advance, current_code, give_device, new_draft, receipt_for, step_up

S = DocumentStatus

#: action → (state before it, who takes it, body, state after it)
STEP_UP = {
    "sign": (S.AWAITING_SIGNATURE, "pct.huy", {"decision": "sign", "comment": ""}, S.SIGNED),
    "register": (S.SIGNED, "vanthu", {}, S.ISSUED),
    "dispatch": (S.ISSUED, "vanthu", {}, S.DISPATCHED),
    "recall": (S.DISPATCHED, "pct.huy", {"reason": "Ban hành nhầm"}, S.RECALLED),
}


def act(client, document, action: str, body: dict):
    return client.post(f"/api/v1/documents/{document.pk}/{action}/", body, format="json")


def test_the_declaration_flags_exactly_the_four_actions():
    assert DOCUMENT.step_up_actions() == {"sign", "register", "dispatch", "recall"}
    assert RECEIPT.step_up_actions() == set()


@pytest.mark.parametrize("action", list(STEP_UP))
def test_each_action_is_refused_without_a_fresh_code_and_taken_after_one(api, action):
    before, username, body, after = STEP_UP[action]
    document = advance(new_draft(), before)
    client = api.as_(username, fresh=False)

    refused = act(client, document, action, body)
    assert refused.status_code == 403, refused.content
    assert refused.json()["code"] == "otp_required"
    assert "mã xác thực" in refused.json()["detail"]
    document.refresh_from_db()
    assert document.status == before, "nothing changed"

    answer = step_up(client, username)
    until = datetime.datetime.fromisoformat(answer["fresh_until"])
    expected = timezone.now() + datetime.timedelta(seconds=900)
    assert abs((until - expected).total_seconds()) < 5

    taken = act(client, document, action, body)
    assert taken.status_code == 200, taken.content
    assert taken.json()["status"] == after


def test_a_used_code_is_refused_and_a_wrong_one_too(api):
    client = api.as_("vanthu", fresh=False)
    code = current_code("vanthu")
    first = client.post("/api/v1/auth/otp/", {"otp": code}, format="json")
    assert first.status_code == 200
    replay = client.post("/api/v1/auth/otp/", {"otp": code}, format="json")
    assert replay.status_code == 400
    assert replay.json()["code"] == "otp_invalid"
    assert replay.json()["detail"] and replay.json()["errors"]["otp"]

    other = api.as_("pct.huy", fresh=False)
    wrong = f"{(int(current_code('pct.huy')) + 1) % 1_000_000:06d}"
    answer = other.post("/api/v1/auth/otp/", {"otp": wrong}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "otp_invalid"
    document = advance(new_draft(), S.AWAITING_SIGNATURE)
    still = act(other, document, "sign", STEP_UP["sign"][2])
    assert still.status_code == 403 and still.json()["code"] == "otp_required"
    # One wrong code does not keep the right one out.
    answer = other.post("/api/v1/auth/otp/", {"otp": current_code("pct.huy")}, format="json")
    assert answer.status_code == 200


@pytest.mark.parametrize("body", [{}, {"otp": ""}, {"otp": ["123456"]}, {"otp": "1" * 40}])
def test_a_bad_body_is_a_400_with_field_errors(api, body):
    response = api.as_("vanthu", fresh=False).post("/api/v1/auth/otp/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "otp" in response.json()["errors"]


def test_the_endpoint_needs_a_signed_in_caller(api):
    response = api.anonymous().post("/api/v1/auth/otp/", {"otp": "123456"}, format="json")
    assert response.status_code == 401


def test_freshness_expires_after_otp_fresh_seconds(api, settings):
    settings.OTP_FRESH_SECONDS = 60
    client = api.as_("vanthu", fresh=False)
    until = datetime.datetime.fromisoformat(step_up(client, "vanthu")["fresh_until"])
    assert abs((until - timezone.now()).total_seconds() - 60) < 5
    # The window passes: the stored time is moved back instead of waiting.
    assert Freshness.objects.filter(user__username="vanthu").update(
        fresh_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    document = advance(new_draft(), S.SIGNED)
    refused = act(client, document, "register", {})
    assert refused.status_code == 403 and refused.json()["code"] == "otp_required"


def test_other_actions_and_other_people_are_not_asked(api, django_capture_on_commit_callbacks):
    document = advance(new_draft(), S.DRAFT)
    assert act(api.as_("soanthao", fresh=False), document, "submit", {}).status_code == 200
    review = {"decision": "approve", "comment": ""}
    assert act(api.as_("truongban", fresh=False), document, "review", review).status_code == 200
    # The clerk's format check is a review, not a step-up action.
    assert act(api.as_("vanthu", fresh=False), document, "review", review).status_code == 200
    assert Freshness.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):  # delivered at once, as eager
        dispatched = advance(new_draft(), S.DISPATCHED)
    receipt = receipt_for(dispatched, "bacson")
    clerk = api.as_("vt.bacson", fresh=False)
    answer = clerk.post(f"/api/v1/receipts/{receipt.pk}/acknowledge/", {}, format="json")
    assert answer.status_code == 200, answer.content

    # Whoever may not take the action meets 404/403/409 as before, never the code.
    signed = advance(new_draft(), S.SIGNED)
    assert act(api.as_("soanthao", fresh=False), signed, "register", {}).status_code == 403
    assert act(api.as_("vt.bacson", fresh=False), signed, "register", {}).status_code == 404
    assert act(api.as_("pct.huy", fresh=False), signed, "sign", STEP_UP["sign"][2]).status_code == (
        409
    )


def test_only_holders_of_the_signer_or_clerk_role_need_a_code(world):
    document = advance(new_draft(), S.SIGNED)
    assert stepup.needs_step_up(world.user("vanthu"), "register", document)
    assert stepup.needs_step_up(world.user("pct.huy"), "register", document)  # a signer
    assert not stepup.needs_step_up(world.user("soanthao"), "register", document)
    assert not stepup.needs_step_up(world.user("truongban"), "register", document)
    # A clerk of another organisation holds no role in the issuer's.
    assert not stepup.needs_step_up(world.user("vt.bacson"), "register", document)
    assert not stepup.needs_step_up(world.user("vanthu"), "review", document)


def test_a_signer_without_an_authenticator_is_told_to_enrol(api, world):
    signer = UserFactory(username="pct.moi")
    MembershipFactory(
        user=signer,
        organization=world.org("mttq-samson"),
        position=PositionFactory(name="Phó Chủ tịch mới", roles=[RoleCode.SIGNER]),
    )
    init_demo_pki()  # the new signer's own key in the tests' key store
    document = advance(new_draft(), S.AWAITING_SIGNATURE)
    client = api.as_("pct.moi")
    refused = act(client, document, "sign", STEP_UP["sign"][2])
    assert refused.status_code == 403 and refused.json()["code"] == "otp_required"
    assert "chưa đăng ký" in refused.json()["detail"]
    answer = client.post("/api/v1/auth/otp/", {"otp": "123456"}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "otp_invalid"

    give_device(signer)
    step_up(client, signer)
    assert act(client, document, "sign", STEP_UP["sign"][2]).status_code == 200


def test_a_backup_code_works_once(api, world):
    codes = stepup.replace_backup_codes(world.user("vanthu"))
    assert len(codes) == 10 and len(set(codes)) == 10
    client = api.as_("vanthu", fresh=False)
    assert client.post("/api/v1/auth/otp/", {"otp": codes[0]}, format="json").status_code == 200
    again = client.post("/api/v1/auth/otp/", {"otp": codes[0]}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "otp_invalid"
    document = advance(new_draft(), S.SIGNED)
    assert act(client, document, "register", {}).status_code == 200


def test_wrong_codes_in_a_row_lock_for_a_while(api, world, settings):
    settings.OTP_FAILURE_LIMIT = 3
    client = api.as_("vanthu", fresh=False)
    right = current_code("vanthu")
    wrong = f"{(int(right) + 7) % 1_000_000:06d}"
    for _ in range(3):
        answer = client.post("/api/v1/auth/otp/", {"otp": wrong}, format="json")
        assert answer.status_code == 400
    locked = client.post("/api/v1/auth/otp/", {"otp": right}, format="json")
    assert locked.status_code == 429 and locked.json()["code"] == "otp_locked"
    TOTPDevice.objects.filter(user=world.user("vanthu")).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert client.post("/api/v1/auth/otp/", {"otp": right}, format="json").status_code == 200


def test_a_browser_session_steps_up_through_the_same_endpoint(world):
    browser = Client()
    browser.force_login(world.user("vanthu"))
    document = advance(new_draft(), S.SIGNED)
    url = f"/api/v1/documents/{document.pk}/register/"
    assert browser.post(url).json()["code"] == "otp_required"
    step_up(browser, "vanthu")
    assert browser.post(url).status_code == 200
    # Another session of the same person is not fresh.
    other = Client()
    other.force_login(world.user("vanthu"))
    issued = advance(new_draft(), S.SIGNED)
    assert other.post(f"/api/v1/documents/{issued.pk}/register/").status_code == 403


def test_english_on_request(api):
    document = advance(new_draft(), S.SIGNED)
    client = api.as_("vanthu", fresh=False)
    response = client.post(f"/api/v1/documents/{document.pk}/register/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["code"] == "otp_required"
    assert "one-time code" in response.json()["detail"]


def test_load_demo_gives_every_signer_and_clerk_the_demo_authenticator(world):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert stepup.DEMO_SECRET == "MTTQDEMOMTTQDEMOMTTQDEMOMTTQDEMO"
    assert stepup.DEMO_SECRET in out.getvalue()
    key = base64.b32decode(stepup.DEMO_SECRET).hex()
    holders = set(
        Membership.objects.filter(
            position__in=Position.objects.filter(roles__code__in=[RoleCode.SIGNER, RoleCode.CLERK]),
            organization__in=Organization.objects.all(),
        ).values_list("user__username", flat=True)
    )
    assert {"pct.huy", "chutich", "vanthu", "vt.bacson"} <= holders
    devices = TOTPDevice.objects.filter(user__username__in=holders)
    assert devices.count() == len(holders), "one each, also when loaded again"
    assert all(d.confirmed and d.key == key for d in devices)
    assert not TOTPDevice.objects.filter(user__username__in=["soanthao", "truongban"]).exists()
