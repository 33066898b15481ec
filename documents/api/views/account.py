"""Who the caller is, and the organisations (signing in: accounts.api)."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from orgchart.models import Membership, Organization
from orgchart.naming import full_name
from orgchart.selectors import grants_of

from .. import serializers as s

# ---------------------------------------------------------------------------------------------
# Error responses for the schema
from .common import LIST, errors


class MeView(APIView):
    @extend_schema(responses={200: s.MeSerializer, **errors(401)}, summary="Who am I")
    def get(self, request):
        user = request.user
        memberships = (
            Membership.objects.active()
            .filter(user=user, organization__in=Organization.objects.active().values("pk"))
            .select_related("organization", "position")
            .prefetch_related("position__roles", "extra_roles")
        )
        grants = grants_of(user)
        rows = []
        for m in memberships:
            roles = {r.code for r in m.position.roles.all()} | {r.code for r in m.extra_roles.all()}
            roles |= {role for org, role in grants.roles if org == m.organization_id}
            rows.append(
                {
                    "organization": m.organization.code,
                    "organization_name": m.organization.name,
                    "position": m.position.name,
                    "roles": sorted(roles),
                }
            )
        data = {
            "username": user.username,
            "full_name": full_name(user),
            "email": user.email,
            "memberships": rows,
        }
        return Response(s.MeSerializer(data).data)


@extend_schema_view(
    list=extend_schema(responses={200: s.OrganizationSerializer(many=True), **errors(*LIST)})
)
class OrganizationViewSet(viewsets.GenericViewSet):
    serializer_class = s.OrganizationSerializer
    queryset = Organization.objects.active().select_related("parent")

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# ---------------------------------------------------------------------------------------------
# Documents
