"""Ủy quyền (Decree 30 Art. 13): who may lend which roles, for how long, in writing, never
lent on; the deputy acts only within the dates, each step on the principal's behalf, and the
signature block prints the delegated authority (TUQ.)."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from documents import rendering, services
from documents.errors import Conflict, Forbidden, InvalidInput, NotFound
from documents.models import AuditEvent
from orgchart.models import Delegation, RoleCode
from orgchart.selectors import grants_of
from tests.documents.test_rendering import assert_in_order, pdf_text
from tests.support import advance, new_draft

pytestmark = pytest.mark.django_db

NOTE = "Ký thay các văn bản thường xuyên trong thời gian Chủ tịch đi công tác"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def lend(world, principal="chutich", deputy="pct.huy", roles=("leader",), start=0, end=2, **kw):
    values = {
        "actor": world.user(principal),
        "deputy": world.user(deputy) if isinstance(deputy, str) else deputy,
        "organization": world.org("mttq-samson"),
        "roles": list(roles),
        "valid_from": days(start),
        "valid_to": days(end),
        "note": NOTE,
    }
    values.update(kw)
    return services.delegate(**values)


def refused(world, field: str, **kw) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        lend(world, **kw)
    assert field in caught.value.errors, caught.value.errors
    assert not Delegation.objects.exists()
    return caught.value.errors[field]


def test_a_leader_lends_his_role_in_writing_and_it_is_audited(world):
    delegation = lend(world)

    assert (delegation.principal.username, delegation.deputy.username) == ("chutich", "pct.huy")
    assert set(delegation.roles.values_list("code", flat=True)) == {"leader"}
    samson = world.org("mttq-samson")
    grants = grants_of(world.user("pct.huy"))
    assert grants.principal_for(samson.pk, RoleCode.LEADER) == world.user("chutich").pk
    event = AuditEvent.objects.get(action="delegate")
    assert event.actor == world.user("chutich") and event.organization_id == samson.pk
    assert event.comment == NOTE
    assert event.data["person"] == "pct.huy" and event.data["roles"] == ["leader"]


@pytest.mark.parametrize(
    "principal, deputy, roles, why",
    [
        ("chutich", "pct.huy", ["clerk"], "a role he does not hold"),
        ("vanthu", "soanthao", ["clerk"], "the clerk's duty is not lent"),
        ("kiemtra", "soanthao", ["auditor"], "nor the auditor's"),
        ("soanthao", "vanthu", ["signer"], "a drafter holds no signer role"),
        ("chutich", "pct.huy", ["nonsense"], "no such role"),
    ],
)
def test_only_a_role_held_and_lendable_is_lent(world, principal, deputy, roles, why):
    refused(world, "roles", principal=principal, deputy=deputy, roles=roles)


def test_a_role_held_only_by_delegation_is_not_lent_on(world):
    lend(world, principal="pct.huy", deputy="truongban", roles=["signer"])
    with pytest.raises(InvalidInput) as caught:
        lend(world, principal="truongban", deputy="soanthao", roles=["signer"])
    assert "roles" in caught.value.errors
    assert Delegation.objects.count() == 1


@pytest.mark.parametrize(
    "start, end, field",
    [(-1, 2, "valid_from"), (3, 2, "valid_to"), (0, 90, "valid_to")],
    ids=["back-dated", "ends-before-it-starts", "longer-than-the-maximum"],
)
def test_dates_are_limited(world, start, end, field):
    refused(world, field, start=start, end=end)


@override_settings(DELEGATION_MAX_DAYS=5)
def test_the_maximum_span_is_a_setting(world):
    lend(world, start=0, end=4)
    with pytest.raises(InvalidInput) as caught:
        lend(world, start=10, end=15)
    assert "valid_to" in caught.value.errors


def test_the_note_is_required(world):
    refused(world, "note", note="   ")


def test_not_to_oneself_nor_to_someone_outside_the_organisation(world):
    refused(world, "deputy", deputy="chutich")
    refused(world, "deputy", deputy="vt.bacson")


def test_one_role_is_not_lent_twice_on_the_same_days(world):
    lend(world, deputy="pct.huy", start=0, end=5)
    with pytest.raises(InvalidInput) as caught:
        lend(world, deputy="truongban", start=5, end=8)
    assert "roles" in caught.value.errors
    # Another role, or days after, is fine.
    lend(world, deputy="truongban", roles=["signer"], start=3, end=4)
    lend(world, deputy="truongban", start=6, end=8)
    assert Delegation.objects.count() == 3


def test_the_principal_ends_it_early_and_it_lends_nothing_from_then(world):
    delegation = lend(world)
    samson = world.org("mttq-samson")

    with pytest.raises(Forbidden):
        services.end_delegation(actor=world.user("pct.huy"), delegation=delegation)
    with pytest.raises(NotFound):
        services.end_delegation(actor=world.user("vanthu"), delegation=delegation)
    ended = services.end_delegation(actor=world.user("chutich"), delegation=delegation)

    assert ended.ended_at is not None and ended.valid_to == timezone.localdate()
    assert not grants_of(world.user("pct.huy")).has(samson.pk, RoleCode.LEADER)
    assert AuditEvent.objects.filter(action="end_delegation").count() == 1
    with pytest.raises(Conflict):
        services.end_delegation(actor=world.user("chutich"), delegation=ended)


def test_ending_one_not_yet_begun_keeps_its_dates_ordered(world):
    delegation = lend(world, start=3, end=5)
    ended = services.end_delegation(actor=world.user("chutich"), delegation=delegation)
    assert ended.valid_to == ended.valid_from == days(3)


def _on(day: datetime.date):
    return mock.patch("django.utils.timezone.localdate", return_value=day)


def test_the_deputy_signs_only_within_the_dates(world):
    lend(world, principal="pct.huy", deputy="truongban", roles=["signer"], start=1, end=2)
    doc = advance(new_draft(), "awaiting_signature")
    deputy = world.user("truongban")

    with pytest.raises(Forbidden):
        services.sign(actor=deputy, document=doc, decision="sign")  # the day before
    with _on(days(3)), pytest.raises(Forbidden):
        services.sign(actor=deputy, document=doc, decision="sign")  # the day after
    with _on(days(1)):
        doc = services.sign(actor=deputy, document=doc, decision="sign")

    assert doc.status == "signed"
    event = AuditEvent.objects.get(document=doc, action="sign", to_status="signed")
    assert event.actor == deputy and event.on_behalf_of == world.user("pct.huy")


def test_the_signature_block_prints_the_delegated_authority(world, client):
    today = timezone.localdate()
    lend(world, principal="pct.huy", deputy="truongban", roles=["signer"], start=0, end=0)
    doc = advance(new_draft(), "awaiting_signature")
    doc = services.sign(actor=world.user("truongban"), document=doc, decision="sign")

    sheet = rendering.build_sheet(doc)
    assert sheet.authority_line == "TM. BAN THƯỜNG TRỰC"
    assert sheet.delegation_line == "TUQ. PHÓ CHỦ TỊCH"
    assert sheet.signer_name and sheet.signer_title != "PHÓ CHỦ TỊCH"
    # The block's lines in their order (the Nơi nhận column beside it is read in between),
    # in the original signed inside the step as in a fresh rendering.
    for pdf in (rendering.stored_pdf(doc), rendering.render_pdf(doc)):
        assert pdf is not None
        text = pdf_text(pdf)
        assert_in_order(text, ["TM. BAN THƯỜNG TRỰC", "TUQ. PHÓ CHỦ TỊCH", sheet.signer_name])
    # Ended afterwards, the delegation still titles what was signed under it.
    delegation = Delegation.objects.get()
    services.end_delegation(actor=world.user("pct.huy"), delegation=delegation)
    assert rendering.build_sheet(doc).delegation_line == "TUQ. PHÓ CHỦ TỊCH"
    assert today == timezone.localdate()


def test_a_signer_in_his_own_right_prints_no_tuq(world):
    doc = advance(new_draft(), "signed")
    assert rendering.build_sheet(doc).delegation_line == ""


def test_the_history_says_on_whose_behalf(world, client):
    lend(world, principal="pct.huy", deputy="truongban", roles=["signer"], start=0, end=0)
    doc = advance(new_draft(), "awaiting_signature")
    services.sign(actor=world.user("truongban"), document=doc, decision="sign")
    client.force_login(world.user("soanthao"))

    page = client.get(f"/outgoing/{doc.pk}/").content.decode()

    assert "(ủy quyền của Trịnh Quang Huy)" in page
