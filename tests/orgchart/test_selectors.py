"""Who holds which role where, on which day: memberships, extra roles, delegations (ủy quyền)
and validity dates."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from orgchart.models import RoleCode
from orgchart.selectors import (
    clerks_of,
    grants_of,
    leaders_of,
    position_title,
    signers_of,
    users_with_role,
)
from tests.factories import (
    DelegationFactory,
    MembershipFactory,
    OrganizationFactory,
    PositionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def roles_at(grants, org) -> set[str]:
    return {role for org_id, role in grants.roles if org_id == org.pk}


def usernames(users) -> list[str]:
    return list(users.values_list("username", flat=True))


def test_demo_people_hold_the_roles_of_their_positions(world):
    samson, bacson = world.org("mttq-samson"), world.org("bacson")
    expected = {
        "soanthao": {"drafter"},
        "truongban": {"reviewer"},
        "vanthu": {"clerk"},
        "pct.huy": {"signer"},
        "chutich": {"signer", "leader"},
        "kiemtra": {"auditor"},
    }
    for username, roles in expected.items():
        grants = grants_of(world.user(username))
        assert roles_at(grants, samson) == roles, username
        assert grants.member_of == {samson.pk}, username
        assert grants.delegated == {}
    assert roles_at(grants_of(world.user("vt.bacson")), bacson) == {"clerk"}
    assert roles_at(grants_of(world.user("ld.bacson")), bacson) == {"leader", "reviewer", "signer"}
    assert roles_at(grants_of(world.user("cb.bacson")), bacson) == {"drafter"}
    assert grants_of(world.user("vt.bacson")).member_of == {bacson.pk}


def test_the_helpers_of_grants(world):
    samson = world.org("mttq-samson")
    grants = grants_of(world.user("chutich"))
    assert grants.has(samson.pk, RoleCode.SIGNER)
    assert not grants.has(samson.pk, RoleCode.CLERK)
    assert not grants.has(None, RoleCode.SIGNER)
    assert grants.orgs_with(RoleCode.LEADER, RoleCode.CLERK) == {samson.pk}
    assert grants.principal_for(samson.pk, RoleCode.SIGNER) is None


def test_nobody_anonymous_or_inactive_holds_nothing(world):
    assert grants_of(None).roles == frozenset()
    assert grants_of(AnonymousUser()).roles == frozenset()
    assert grants_of(UserFactory()).member_of == frozenset()
    clerk = world.user("vanthu")
    clerk.is_active = False
    clerk.save()
    assert grants_of(clerk).roles == frozenset()
    assert usernames(clerks_of(world.org("mttq-samson"))) == []


def test_extra_roles_add_to_the_position(world):
    org = OrganizationFactory()
    membership = MembershipFactory(
        organization=org,
        position=PositionFactory(roles=[RoleCode.DRAFTER]),
        extra_roles=[RoleCode.AUDITOR, RoleCode.CLERK],
    )
    assert roles_at(grants_of(membership.user), org) == {"drafter", "auditor", "clerk"}
    assert membership.user in clerks_of(org)
    assert usernames(users_with_role(org, RoleCode.AUDITOR)) == [membership.user.username]


def test_a_member_whose_position_carries_no_role_is_still_a_member(world):
    org = OrganizationFactory()
    membership = MembershipFactory(organization=org, position=PositionFactory())
    grants = grants_of(membership.user)
    assert grants.member_of == {org.pk}
    assert grants.roles == frozenset()


@pytest.mark.parametrize(
    "valid_from, valid_to, holds",
    [
        (None, None, True),
        (-30, None, True),
        (None, 0, True),
        (0, 0, True),
        (-30, -1, False),
        (1, None, False),
    ],
    ids=["open", "started", "ends-today", "today-only", "ended", "not-started"],
)
def test_membership_dates(world, valid_from, valid_to, holds):
    org = OrganizationFactory()
    membership = MembershipFactory(
        organization=org,
        position=PositionFactory(roles=[RoleCode.CLERK]),
        valid_from=days(valid_from) if valid_from is not None else None,
        valid_to=days(valid_to) if valid_to is not None else None,
    )
    grants = grants_of(membership.user)
    assert grants.has(org.pk, RoleCode.CLERK) is holds
    assert (org.pk in grants.member_of) is holds
    assert (membership.user in clerks_of(org)) is holds


def test_grants_on_another_day(world):
    org = OrganizationFactory()
    membership = MembershipFactory(
        organization=org,
        position=PositionFactory(roles=[RoleCode.SIGNER]),
        valid_from=days(5),
        valid_to=days(10),
    )
    person = membership.user
    assert not grants_of(person).has(org.pk, RoleCode.SIGNER)
    assert grants_of(person, on=days(5)).has(org.pk, RoleCode.SIGNER)
    assert grants_of(person, on=days(10)).has(org.pk, RoleCode.SIGNER)
    assert not grants_of(person, on=days(11)).has(org.pk, RoleCode.SIGNER)
    assert usernames(users_with_role(org, RoleCode.SIGNER, on=days(7))) == [person.username]


def test_an_organisation_that_no_longer_exists_grants_nothing(world):
    old = OrganizationFactory(valid_from=days(-400), valid_to=days(-1))
    membership = MembershipFactory(
        organization=old, position=PositionFactory(roles=[RoleCode.CLERK])
    )
    assert grants_of(membership.user).roles == frozenset()
    assert grants_of(membership.user, on=days(-2)).has(old.pk, RoleCode.CLERK)


# ---------------------------------------------------------------------------------------------
# Delegations


def test_an_active_delegation_lends_the_role_on_behalf_of_the_principal(world):
    samson = world.org("mttq-samson")
    principal, deputy = world.user("pct.huy"), world.user("truongban")
    DelegationFactory(
        principal=principal,
        deputy=deputy,
        organization=samson,
        roles=[RoleCode.SIGNER],
        valid_from=days(-1),
        valid_to=days(1),
    )
    grants = grants_of(deputy)
    assert roles_at(grants, samson) == {"reviewer", "signer"}
    assert grants.principal_for(samson.pk, RoleCode.SIGNER) == principal.pk
    assert grants.principal_for(samson.pk, RoleCode.REVIEWER) is None
    assert usernames(signers_of(samson)) == ["chutich", "pct.huy", "truongban"]
    # The principal keeps his own role.
    assert grants_of(principal).has(samson.pk, RoleCode.SIGNER)


@pytest.mark.parametrize("start, end", [(-10, -1), (1, 3)], ids=["ended", "not-started"])
def test_a_delegation_outside_its_dates_lends_nothing(world, start, end):
    samson = world.org("mttq-samson")
    deputy = world.user("truongban")
    DelegationFactory(
        principal=world.user("pct.huy"),
        deputy=deputy,
        organization=samson,
        roles=[RoleCode.SIGNER],
        valid_from=days(start),
        valid_to=days(end),
    )
    grants = grants_of(deputy)
    assert not grants.has(samson.pk, RoleCode.SIGNER)
    assert grants.delegated == {}
    assert "truongban" not in usernames(signers_of(samson))
    assert grants_of(deputy, on=days(start)).principal_for(samson.pk, RoleCode.SIGNER) == (
        world.user("pct.huy").pk
    )


def test_a_delegation_to_an_outsider_makes_him_a_member_for_its_duration(world):
    samson = world.org("mttq-samson")
    outsider = UserFactory()
    DelegationFactory(
        principal=world.user("vanthu"),
        deputy=outsider,
        organization=samson,
        roles=[RoleCode.CLERK],
    )
    grants = grants_of(outsider)
    assert grants.member_of == {samson.pk}
    assert grants.has(samson.pk, RoleCode.CLERK)
    assert grants.principal_for(samson.pk, RoleCode.CLERK) == world.user("vanthu").pk


def test_a_role_held_in_ones_own_right_is_not_recorded_as_delegated(world):
    samson = world.org("mttq-samson")
    DelegationFactory(
        principal=world.user("pct.huy"),
        deputy=world.user("chutich"),
        organization=samson,
        roles=[RoleCode.SIGNER],
    )
    grants = grants_of(world.user("chutich"))
    assert grants.has(samson.pk, RoleCode.SIGNER)
    assert grants.principal_for(samson.pk, RoleCode.SIGNER) is None


def test_several_delegated_roles(world):
    samson = world.org("mttq-samson")
    deputy = UserFactory()
    DelegationFactory(
        principal=world.user("chutich"),
        deputy=deputy,
        organization=samson,
        roles=[RoleCode.SIGNER, RoleCode.LEADER],
    )
    grants = grants_of(deputy)
    assert roles_at(grants, samson) == {"signer", "leader"}
    assert set(grants.delegated.values()) == {world.user("chutich").pk}
    assert deputy in leaders_of(samson)


def test_grants_cost_one_query(world, django_assert_num_queries):
    DelegationFactory(
        principal=world.user("pct.huy"),
        deputy=world.user("truongban"),
        organization=world.org("mttq-samson"),
        roles=[RoleCode.SIGNER],
    )
    person = world.user("truongban")
    with django_assert_num_queries(1):
        grants_of(person)


# ---------------------------------------------------------------------------------------------
# users_with_role and friends


def test_users_with_role_in_the_demo(world):
    assert usernames(signers_of(world.org("mttq-samson"))) == ["chutich", "pct.huy"]
    assert usernames(clerks_of(world.org("mttq-samson"))) == ["vanthu"]
    assert usernames(leaders_of(world.org("mttq-samson"))) == ["chutich"]
    assert usernames(clerks_of(world.org("bacson"))) == ["vt.bacson"]
    assert usernames(leaders_of(world.org("bacson"))) == ["ld.bacson"]
    assert usernames(users_with_role(world.org("bacson"), RoleCode.DRAFTER)) == ["cb.bacson"]
    assert usernames(users_with_role(world.org("thanhuy"), RoleCode.DRAFTER)) == []


def test_a_person_with_the_role_by_two_paths_is_listed_once(world):
    org = OrganizationFactory()
    person = UserFactory()
    MembershipFactory(
        user=person,
        organization=org,
        position=PositionFactory(roles=[RoleCode.CLERK]),
        extra_roles=[RoleCode.CLERK],
    )
    DelegationFactory(
        principal=MembershipFactory(
            organization=org, position=PositionFactory(roles=[RoleCode.CLERK])
        ).user,
        deputy=person,
        organization=org,
        roles=[RoleCode.CLERK],
    )
    assert list(clerks_of(org)).count(person) == 1


def test_position_title(world):
    samson = world.org("mttq-samson")
    assert position_title(world.user("pct.huy"), samson.pk) == "Phó Chủ tịch"
    assert position_title(world.user("vt.bacson"), samson.pk) == ""


@pytest.mark.parametrize("case", ["left-office", "inactive", "never-held"])
def test_a_delegation_lends_only_a_role_the_principal_holds_that_day(world, case):
    """Ủy quyền passes on the principal's own authority: someone who has left the post, whose
    account is closed, or who never held the role has nothing to lend."""
    samson = world.org("mttq-samson")
    if case == "never-held":
        principal = world.user("soanthao")  # a drafter, not a signer
    else:
        principal = MembershipFactory(
            organization=samson,
            position=PositionFactory(name="Phó Chủ tịch"),
            valid_to=days(-1) if case == "left-office" else None,
        ).user
        if case == "inactive":
            principal.is_active = False
            principal.save()
    deputy = world.user("truongban")
    DelegationFactory(
        principal=principal, deputy=deputy, organization=samson, roles=[RoleCode.SIGNER]
    )
    grants = grants_of(deputy)
    assert not grants.has(samson.pk, RoleCode.SIGNER)
    assert grants.delegated == {}
    assert "truongban" not in usernames(signers_of(samson))
