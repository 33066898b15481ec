"""The electronic original on the task screens: a signer without a key is told so and nothing
is signed; a receipt whose signatures did not verify is registered only with a reason."""

from __future__ import annotations

import pytest

from documents.models import AuditEvent
from documents.originals import OriginalKind, SignedPdf
from tests.documents.test_originals import delivered, tampered
from tests.support import advance, new_draft, receipt_for, sign_in
from tests.workflow.screens import task_url, text_of
from workflow import urls as _urls  # noqa: F401  (wires the flows' URL names)
from workflow.bookkeeping import open_task

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]


def test_a_signer_without_a_key_is_told_so_on_the_screen_and_nothing_is_signed(
    world, client, settings, tmp_path
):
    document = advance(new_draft(), "awaiting_signature")
    sign_in(client, "pct.huy")
    url = task_url(document)
    settings.SIGNING_KEYSTORE_DIR = tmp_path
    response = client.post(url, {"decision": "sign", "comment": ""})
    assert response.status_code == 200
    assert "chưa có khóa ký số" in text_of(response)
    document.refresh_from_db()
    assert document.status == "awaiting_signature"
    assert not SignedPdf.objects.filter(document=document).exists()
    assert open_task(document).flow_task.name == "sign"


def _invalid_receipt(world):

    issued = advance(world.seed_plan(), "issued")
    row = SignedPdf.objects.get(document=issued, kind=OriginalKind.ISSUED)
    changed = tampered(row.read())
    with open(row.file.path, "wb") as handle:
        handle.write(changed)
    return receipt_for(delivered(advance(issued, "dispatched")), "bacson")


def test_an_invalid_signature_is_acknowledged_on_the_screen_only_with_a_reason(
    world, client, django_capture_on_commit_callbacks
):
    receipt = _invalid_receipt(world)
    assert receipt.signature_status == "invalid"
    sign_in(client, "vt.bacson")
    url = task_url(receipt)
    screen = text_of(client.get(url))
    assert "Chữ ký số của văn bản không hợp lệ" in screen
    assert "Lý do vẫn tiếp nhận" in screen

    refused = client.post(url, {"decision": "acknowledge", "override_reason": ""})
    assert refused.status_code == 200
    assert "nêu lý do vẫn tiếp nhận" in text_of(refused)
    receipt.refresh_from_db()
    assert receipt.status == "delivered"

    reason = "Đã đối chiếu bản giấy với Văn phòng MTTQ thành phố."
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"decision": "acknowledge", "override_reason": reason})
    assert done.status_code == 302
    receipt.refresh_from_db()
    assert receipt.status == "acknowledged"
    event = AuditEvent.objects.get(receipt=receipt, action="acknowledge")
    assert event.comment == reason and event.data["signature_override"] is True


def test_a_valid_receipt_asks_for_no_reason(world, client):

    dispatched = advance(world.seed_plan(), "dispatched")
    receipt = receipt_for(delivered(dispatched), "bacson")
    assert receipt.signature_status == "valid"
    sign_in(client, "vt.bacson")
    assert "Lý do vẫn tiếp nhận" not in text_of(client.get(task_url(receipt)))
