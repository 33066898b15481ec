"""Factories for what the demo world does not have: people outside every organisation, extra
organisations and positions, and documents in bulk."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from orgchart.models import (
    Delegation,
    Membership,
    Organization,
    OrganizationKind,
    Position,
    Role,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    first_name = "Người"
    last_name = factory.Sequence(lambda n: f"Thử {n}")
    password = factory.django.Password("demo12345")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"donvi-{n}")
    name = factory.Sequence(lambda n: f"Ban Thường trực Ủy ban MTTQ đơn vị {n}")
    kind = OrganizationKind.WARD
    symbol = factory.Sequence(lambda n: f"MTTQ-DV{n}")
    place_name = "Sầm Sơn"


class PositionFactory(factory.django.DjangoModelFactory):
    """``PositionFactory(roles=["clerk"])`` gives a post carrying those roles."""

    class Meta:
        model = Position
        django_get_or_create = ("name",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Chức vụ {n}")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set([Role.objects.get_or_create(code=code)[0] for code in extracted])


class MembershipFactory(factory.django.DjangoModelFactory):
    """``MembershipFactory(extra_roles=["auditor"])`` adds personal roles beside the post's."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    position = factory.SubFactory(PositionFactory)

    @factory.post_generation
    def extra_roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.extra_roles.set([Role.objects.get_or_create(code=code)[0] for code in extracted])


class DelegationFactory(factory.django.DjangoModelFactory):
    """``DelegationFactory(principal=a, deputy=b, organization=o, roles=["signer"])``."""

    class Meta:
        model = Delegation
        skip_postgeneration_save = True

    principal = factory.SubFactory(UserFactory)
    deputy = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    valid_from = factory.LazyFunction(timezone.localdate)
    valid_to = factory.LazyAttribute(lambda o: o.valid_from)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set([Role.objects.get_or_create(code=code)[0] for code in extracted])
