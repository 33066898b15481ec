"""Loads the demo organisation chart and people from ``fixtures/samson-2023.json``.

Idempotent: organisations are updated by code, people are created once (an existing
password is never reset).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from .models import Membership, Organization, Position, Role, RoleCode

DEMO_PASSWORD = "demo12345"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "samson-2023.json"


def read_fixture(path: Path = FIXTURE) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def refuse_in_production() -> None:
    if not settings.DEBUG:
        raise ImproperlyConfigured(
            "The demo data has public passwords; it is never loaded with DEBUG=False. / "
            "Dữ liệu mẫu có mật khẩu công khai; không nạp khi DEBUG=False."
        )


@transaction.atomic
def load_chart(data: dict | None = None) -> dict[str, int]:
    refuse_in_production()
    data = data or read_fixture()
    for code in RoleCode.values:
        Role.objects.get_or_create(code=code)

    orgs: dict[str, Organization] = {}
    for row in data["organizations"]:
        values = {k: v for k, v in row.items() if k not in ("code", "parent")}
        values["parent"] = orgs.get(row["parent"]) if row.get("parent") else None
        orgs[row["code"]], _ = Organization.objects.update_or_create(
            code=row["code"], defaults=values
        )

    positions: dict[str, Position] = {}
    for row in data["positions"]:
        position, _ = Position.objects.get_or_create(name=row["name"])
        position.roles.set(row["roles"])
        positions[row["name"]] = position

    people = list(data["people"])
    for prefix, spec in data["per_organization"].items():
        for row in data["organizations"]:
            if row["code"] == data["seed_plan"]["issuer"]:
                continue
            if "kinds" in spec and row["kind"] not in spec["kinds"]:
                continue
            people.append(
                {
                    "username": f"{prefix}.{row['code']}",
                    "first_name": spec["first_name"],
                    "last_name": row["name"],
                    "organization": row["code"],
                    "position": spec["position"],
                }
            )

    User = get_user_model()
    created = 0
    for person in people:
        user, was_created = User.objects.get_or_create(
            username=person["username"],
            defaults={"first_name": person["first_name"], "last_name": person["last_name"]},
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        Membership.objects.get_or_create(
            user=user,
            organization=orgs[person["organization"]],
            position=positions[person["position"]],
        )
    admin, was_created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if was_created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    return {"organizations": len(orgs), "people": len(people), "created": created}
