"""Ủy quyền on screen: the form offers only what the person may lend, refuses bad input with
field errors and writes nothing; the deputy sees it, and their Hộp việc says on whose
behalf a task is theirs."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from documents import services
from orgchart.models import Delegation
from tests.support import advance, new_draft, user

pytestmark = [pytest.mark.django_db, pytest.mark.any_engine]

PAGE = "/orgchart/uy-quyen/"
NOTE = "Ký các văn bản thường xuyên khi Phó Chủ tịch đi công tác"


def _day(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).strftime("%d/%m/%Y")


def _form(world, **extra) -> dict:
    values = {
        "organization": world.org("mttq-samson").pk,
        "deputy": user("truongban").pk,
        "roles": ["signer"],
        "valid_from": _day(0),
        "valid_to": _day(3),
        "note": NOTE,
    }
    values.update(extra)
    return values


def test_the_form_offers_only_the_roles_the_person_may_lend(world, client):
    client.force_login(user("chutich"))
    form = client.get(PAGE).context["form"]
    assert {code for code, _ in form.fields["roles"].choices} == {"signer", "leader"}
    people = {u.username for u in form.fields["deputy"].queryset}
    assert "pct.huy" in people and "chutich" not in people and "vt.bacson" not in people
    client.logout()
    # A clerk has nothing to lend: no form.
    client.force_login(user("vanthu"))
    assert client.get(PAGE).context["may_lend"] is False


def test_a_signer_delegates_and_the_deputy_sees_it(world, client):
    client.force_login(user("pct.huy"))
    response = client.post(PAGE, _form(world))
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.principal.username, delegation.deputy.username) == ("pct.huy", "truongban")
    assert delegation.valid_to == timezone.localdate() + datetime.timedelta(days=3)
    client.logout()

    client.force_login(user("truongban"))
    page = client.get(PAGE)
    assert [d.pk for d in page.context["received"]] == [delegation.pk]
    assert "Trịnh Quang Huy" in page.content.decode()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"note": ""}, "note"),
        ({"valid_from": _day(-1)}, "valid_from"),
        ({"valid_to": _day(120)}, "valid_to"),
        ({"valid_from": "2026-31-31"}, "valid_from"),
        ({"roles": ["leader"]}, "roles"),  # pct.huy is no leader
        ({"deputy": 10**6}, "deputy"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(world, client, change, field):
    client.force_login(user("pct.huy"))
    response = client.post(PAGE, _form(world, **change))
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not Delegation.objects.exists()


def test_the_principal_ends_it_early_and_others_cannot(world, client):
    delegation = services.delegate(
        actor=user("pct.huy"),
        deputy=user("truongban"),
        organization=world.org("mttq-samson"),
        roles=["signer"],
        valid_from=timezone.localdate(),
        valid_to=timezone.localdate(),
        note=NOTE,
    )
    end = f"/orgchart/uy-quyen/{delegation.pk}/ket-thuc/"
    client.force_login(user("vanthu"))
    assert client.post(end).status_code == 404
    client.logout()
    client.force_login(user("truongban"))
    assert client.post(end).status_code == 403
    client.logout()
    client.force_login(user("pct.huy"))
    assert client.post(end).status_code == 302
    delegation.refresh_from_db()
    assert delegation.ended_at is not None


def test_the_deputys_inbox_says_on_whose_behalf(world, client):
    services.delegate(
        actor=user("pct.huy"),
        deputy=user("truongban"),
        organization=world.org("mttq-samson"),
        roles=["signer"],
        valid_from=timezone.localdate(),
        valid_to=timezone.localdate(),
        note=NOTE,
    )
    doc = advance(new_draft(title="Kế hoạch ký thay"), "awaiting_signature")
    client.force_login(user("truongban"))

    page = client.get("/workflow/inbox/")

    rows = [r for r in page.context["rows"] if r.document is not None and r.document.pk == doc.pk]
    assert [r.kind for r in rows] == ["sign"]
    assert rows[0].on_behalf_of == user("pct.huy")
    assert "ủy quyền của Trịnh Quang Huy" in page.content.decode()
    # His own review tasks carry no such note.
    assert all(r.on_behalf_of is None for r in page.context["rows"] if r.kind == "review")
