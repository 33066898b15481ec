"""The demo loader: the Sầm Sơn chart and people, idempotent, and never in production."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from documents import demo
from documents.models import AuditEvent, Document, Receipt, Recipient, RegisterBook
from orgchart import demo as orgchart_demo
from orgchart.models import Delegation, Membership, Organization, Position, Role

pytestmark = pytest.mark.django_db

MODELS = (
    Organization,
    Position,
    Role,
    Membership,
    Delegation,
    get_user_model(),
    Document,
    Recipient,
    Receipt,
    RegisterBook,
    AuditEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_demo_has_the_contract_organisations_and_people(world):
    codes = set(Organization.objects.values_list("code", flat=True))
    wards = {"bacson", "trungson", "truongson", "quangtien", "quangcu", "quangchau"}
    wards |= {"quangtho", "quangvinh", "quangminh", "quanghung", "quangdai"}
    members = {"ldld", "hoiphunu", "thanhdoan", "hoinongdan", "hoiccb"}
    upper = {"mttq-samson", "mttq-tinh", "mttq-tinh-tuyengiao", "thanhuy"}
    upper |= {"thanhuy-tochuc", "thanhuy-tuyengiao", "thanhuy-danvan"}
    assert wards | members | upper <= codes
    assert world.org("mttq-samson").symbol == "MTTQ-BTT"

    User = get_user_model()
    names = set(User.objects.values_list("username", flat=True))
    assert {"soanthao", "truongban", "vanthu", "pct.huy", "chutich", "kiemtra", "admin"} <= names
    for code in codes - {"mttq-samson"}:
        assert {f"vt.{code}", f"ld.{code}"} <= names, code
    for code in wards | members:
        assert f"cb.{code}" in names, code
    assert "cb.thanhuy" not in names
    huy = world.user("pct.huy")
    assert (huy.last_name, huy.first_name) == ("Trịnh Quang", "Huy")
    assert world.user("vt.bacson").check_password(orgchart_demo.DEMO_PASSWORD)
    assert world.user("admin").is_superuser


def test_loading_the_demo_again_adds_nothing(world):
    before = counts()
    seed = world.seed_plan()
    again = demo.load()
    assert again == seed
    assert counts() == before
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert f"seed plan #{seed.pk} is draft" in out.getvalue()
    assert "demo PKI in" in out.getvalue()  # the loader makes the demo keys too
    assert counts() == before


def test_loading_again_keeps_a_changed_password(world):
    person = world.user("vt.bacson")
    person.set_password("mat-khau-moi")
    person.save()
    demo.load()
    person.refresh_from_db()
    assert person.check_password("mat-khau-moi")


def test_the_demo_refuses_to_load_with_debug_off(world, settings):
    settings.DEBUG = False
    before = counts()
    with pytest.raises(ImproperlyConfigured, match="DEBUG=False"):
        demo.load()
    with pytest.raises(ImproperlyConfigured):
        orgchart_demo.load_chart()
    with pytest.raises(CommandError, match="DEBUG=False"):
        call_command("load_demo")
    assert counts() == before


def test_the_chart_loads_again_with_debug_on_and_creates_nobody(world, settings):
    """The refusal is about DEBUG, not about the data already being there."""
    settings.DEBUG = True
    stats = orgchart_demo.load_chart()
    assert stats["created"] == 0
    assert stats["organizations"] == Organization.objects.count()
