"""Step-up on the screens (design §15.2): the sign, register and dispatch task screens and the
document page's recall ask a signer or clerk for a one-time code before the first such step in
a window; a wrong code changes nothing. The enrolment page: QR code, secret, first code,
backup codes shown once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from documents import stepup
from documents.models import DocumentStatus, Freshness
from documents.signing.pki import init_demo_pki
from orgchart.models import RoleCode
from tests.factories import MembershipFactory, PositionFactory, UserFactory
from tests.support import advance, current_code, new_draft, sign_in, user
from tests.workflow.screens import task_url, text_of
from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)
from workflow.bookkeeping import open_task

pytestmark = pytest.mark.any_engine

S = DocumentStatus

#: task kind → (state it waits in, who takes it, the form, the state after it)
TASKS = {
    "sign": (S.AWAITING_SIGNATURE, "pct.huy", {"decision": "sign", "comment": ""}, S.SIGNED),
    "register": (S.SIGNED, "vanthu", {"comment": ""}, S.ISSUED),
    "dispatch": (S.ISSUED, "vanthu", {"comment": ""}, S.DISPATCHED),
}


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.mark.parametrize("kind", list(TASKS))
def test_a_task_screen_asks_for_the_code_and_a_wrong_one_changes_nothing(
    kind, world, client, committed
):
    before, username, data, after = TASKS[kind]
    document = committed(advance, new_draft(signer="pct.huy"), before)
    url = task_url(document)
    task = open_task(document)
    sign_in(client, username, fresh=False)

    page = client.get(url)
    assert 'name="otp"' in page.content.decode()
    assert "cần mã xác thực một lần" in text_of(page)

    without = client.post(url, data)
    assert without.status_code == 200 and "cần mã xác thực" in text_of(without)
    typed = wrong(current_code(username))
    mistaken = client.post(url, {**data, "otp": typed})
    assert mistaken.status_code == 200
    assert "Mã xác thực không đúng hoặc đã được dùng." in text_of(mistaken)
    assert typed not in mistaken.content.decode(), "a wrong code is not shown again"
    document.refresh_from_db()
    assert document.status == before
    assert (open_task(document).status, open_task(document).owner_id) == (
        task.status,
        task.owner_id,
    )

    done = committed(client.post, url, {**data, "otp": current_code(username)})
    assert done.status_code == 302, text_of(done)[:400]
    document.refresh_from_db()
    assert document.status == after


def test_one_code_lasts_the_window_then_the_screens_ask_again(world, client, committed):
    document = committed(advance, new_draft(signer="pct.huy"), S.SIGNED)
    sign_in(client, "vanthu", fresh=False)
    url = task_url(document)
    committed(client.post, url, {"comment": "", "otp": current_code("vanthu")})
    document.refresh_from_db()
    assert document.status == S.ISSUED
    # Within the window the next screen does not ask.
    url = task_url(document)
    assert 'name="otp"' not in client.get(url).content.decode()
    # Once it has passed (the stored time moved back), it asks again.
    Freshness.objects.update(fresh_until=timezone.now() - datetime.timedelta(seconds=1))
    assert 'name="otp"' in client.get(url).content.decode()
    refused = client.post(url, {"comment": ""})
    assert refused.status_code == 200
    document.refresh_from_db()
    assert document.status == S.ISSUED


def test_other_screens_and_other_people_are_not_asked(world, client, committed):
    document = committed(new_draft, signer="pct.huy")
    committed(advance, document, S.IN_REVIEW)
    for username in ("truongban", "vanthu"):  # content review, then the clerk's format check
        url = task_url(document)
        sign_in(client, username, fresh=False)
        assert 'name="otp"' not in client.get(url).content.decode()
        response = committed(client.post, url, {"decision": "approve", "comment": ""})
        assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == S.AWAITING_SIGNATURE
    # Handing over from the signing screen is not signing: no code needed for it.
    chutich = user("chutich")
    sign_in(client, "pct.huy", fresh=False)
    response = committed(
        client.post, task_url(document), {"decision": "hand_over", "signer": chutich.pk}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.signer == chutich and document.status == S.AWAITING_SIGNATURE


def test_recall_on_the_document_page_asks_for_the_code(world, client, committed):
    document = committed(advance, new_draft(signer="pct.huy"), S.DISPATCHED)
    sign_in(client, "pct.huy", fresh=False)
    page = client.get(f"/outgoing/{document.pk}/").content.decode()
    assert 'data-testid="recall-form"' in page and 'name="otp"' in page
    url = f"/outgoing/{document.pk}/thu-hoi/"

    for code, message in (
        ("", "cần mã xác thực"),
        (wrong(current_code("pct.huy")), "Mã xác thực không đúng hoặc đã được dùng."),
    ):
        response = client.post(url, {"reason": "Ban hành nhầm", "otp": code}, follow=True)
        assert message in text_of(response)
        document.refresh_from_db()
        assert document.status == S.DISPATCHED

    response = committed(
        client.post,
        url,
        {"reason": "Ban hành nhầm", "otp": current_code("pct.huy")},
        follow=True,
    )
    assert "Đã thu hồi văn bản" in text_of(response)
    document.refresh_from_db()
    assert document.status == S.RECALLED
    # Nobody else is offered the recall: not the clerk, not the drafter.
    for username in ("vanthu", "soanthao"):
        sign_in(client, username, fresh=False)
        assert (
            'data-testid="recall-form"'
            not in client.get(f"/outgoing/{document.pk}/").content.decode()
        )


def test_a_backup_code_works_once_on_a_screen(world, client, committed):
    codes = stepup.replace_backup_codes(user("vanthu"))
    document = committed(advance, new_draft(signer="pct.huy"), S.SIGNED)
    sign_in(client, "vanthu", fresh=False)
    committed(client.post, task_url(document), {"comment": "", "otp": codes[3]})
    document.refresh_from_db()
    assert document.status == S.ISSUED
    assert not StaticToken.objects.filter(token=codes[3]).exists()
    other = committed(advance, new_draft(signer="pct.huy"), S.SIGNED)
    browser = sign_in(Client(), "vanthu", fresh=False)  # another session, not fresh
    response = browser.post(task_url(other), {"comment": "", "otp": codes[3]})
    assert "Mã xác thực không đúng hoặc đã được dùng." in text_of(response)


def _code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{clock.token():06d}"


def test_enrolment_shows_a_qr_code_confirms_with_a_first_code_and_gives_backup_codes(
    world, client, committed
):
    signer = UserFactory(username="pct.moi")
    MembershipFactory(
        user=signer,
        organization=world.org("mttq-samson"),
        position=PositionFactory(name="Phó Chủ tịch mới", roles=[RoleCode.SIGNER]),
    )
    init_demo_pki()  # the new signer's own key in the tests' key store
    document = committed(advance, new_draft(), S.AWAITING_SIGNATURE)
    client.force_login(signer)
    screen = text_of(client.get(task_url(document)))
    assert "chưa đăng ký ứng dụng xác thực" in screen

    page = client.get("/account/xac-thuc-hai-buoc/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "<path" in html
    pending = TOTPDevice.objects.get(user=signer, confirmed=False)
    shown = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert shown.replace(" ", "") == stepup.secret_of(pending).replace(" ", "")
    assert "issuer=MTTQ%20V%C4%83n%20b%E1%BA%A3n" in pending.config_url
    assert client.get("/account/xac-thuc-hai-buoc/").status_code == 200
    assert TOTPDevice.objects.get(user=signer, confirmed=False) == pending, "the same, reloaded"

    bad = client.post("/account/xac-thuc-hai-buoc/", {"otp": wrong(_code_of(pending))})
    assert "Mã xác thực không đúng" in text_of(bad)
    assert not TOTPDevice.objects.filter(user=signer, confirmed=True).exists()

    done = client.post("/account/xac-thuc-hai-buoc/", {"otp": _code_of(pending)})
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    pending.refresh_from_db()
    assert pending.confirmed
    # Shown once: the page now asks for a code before any re-enrolment.
    again = client.get("/account/xac-thuc-hai-buoc/").content.decode()
    assert not re.findall(r"<li><code>", again) and 'data-testid="otp-qr"' not in again

    # The first code of the app is spent; the screen now takes a backup code.
    response = committed(
        client.post, task_url(document), {"decision": "sign", "comment": "", "otp": codes[0]}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == S.SIGNED


def test_re_enrolment_needs_a_current_code_and_replaces_the_device(world, client):
    old = TOTPDevice.objects.get(user=user("vanthu"), confirmed=True)
    stepup.replace_backup_codes(user("vanthu"))
    old_codes = set(StaticToken.objects.filter(device__user=user("vanthu")).values_list("token"))
    sign_in(client, "vanthu", fresh=False)
    page = client.get("/account/xac-thuc-hai-buoc/").content.decode()
    assert 'data-testid="otp-qr"' not in page, "no new secret without a current code"
    assert not TOTPDevice.objects.filter(user=user("vanthu"), confirmed=False).exists()

    unlocked = client.post("/account/xac-thuc-hai-buoc/", {"otp": current_code("vanthu")})
    assert unlocked.status_code == 302
    page = client.get("/account/xac-thuc-hai-buoc/").content.decode()
    assert 'data-testid="otp-qr"' in page
    new = TOTPDevice.objects.get(user=user("vanthu"), confirmed=False)
    client.post("/account/xac-thuc-hai-buoc/", {"otp": _code_of(new)})
    assert list(TOTPDevice.objects.filter(user=user("vanthu"))) == [new]
    new.refresh_from_db()
    assert new.confirmed and new.key != old.key
    new_codes = set(StaticToken.objects.filter(device__user=user("vanthu")).values_list("token"))
    assert len(new_codes) == 10 and not (new_codes & old_codes)
