"""The seed plan of the Sầm Sơn MTTQ Standing Committee (2023) as a draft of ``soanthao``,
with the two incoming plans it implements registered as incoming documents."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from orgchart import demo as orgchart_demo
from orgchart.models import Organization, OrganizationKind

from . import services, stepup
from .models import Document, Receipt

SEPARATOR = "-----"
RECIPIENTS_HEADING = "Nơi nhận"
#: A part's heading (``I. MỤC ĐÍCH, YÊU CẦU``) starts its own paragraph even when the source
#: runs it on from the line before.
PART_HEADING = re.compile(r"^[IVXLC]+\.\s")


def seed_body(text: str) -> str:
    """The plan's body: from after the title's rule to the Nơi nhận block, which the system
    renders from structured recipients instead."""
    start = text.index(SEPARATOR)
    start = text.index("\n", start) + 1
    end = text.index(RECIPIENTS_HEADING)
    lines = [line.strip() for line in text[start:end].splitlines()]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line and PART_HEADING.match(line) and current:
            paragraphs.append(" ".join(current))
            current = [line]
        elif line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def load_incoming(data: dict) -> list[Receipt]:
    issuer = Organization.objects.get(code=data["seed_plan"]["issuer"])
    clerk = get_user_model().objects.get(username="vanthu")
    receipts = []
    for row in data["incoming"]:
        existing = Receipt.objects.filter(
            organization=issuer, document__isnull=True, sender_symbol=row["symbol"]
        ).first()
        receipts.append(
            existing
            or services.register_incoming(
                actor=clerk,
                organization=issuer,
                sender_name=row["sender_name"],
                sender_symbol=row["symbol"],
                sender_date=datetime.date.fromisoformat(row["date"]),
                title=row["title"],
                doc_type=row["doc_type"],
            )
        )
    return receipts


def load_seed_plan(data: dict, references: list[Receipt]) -> Document:
    plan = data["seed_plan"]
    User = get_user_model()
    drafter = User.objects.get(username=plan["drafter"])
    existing = Document.objects.filter(drafter=drafter, title=plan["title"]).first()
    if existing:
        return existing
    text = (orgchart_demo.FIXTURE.parent / plan["file"]).read_text(encoding="utf-8")
    return services.create_draft(
        actor=drafter,
        issuer=plan["issuer"],
        doc_type=plan["doc_type"],
        title=plan["title"],
        body=seed_body(text),
        authority_prefix=plan["authority_prefix"],
        collective_name=plan["collective_name"],
        signer_title=plan["signer_title"],
        signer=plan["signer"],
        recipients=plan["recipients"],
        references=references,
        luu=plan["luu"],
        obligations=seed_obligations(plan),
    )


#: What the demo's report asks every ward and commune to give as figures besides its text.
DEMO_REPORT_FORM = [
    {"key": "so_buoi", "label": "Số buổi tuyên truyền", "type": "number"},
    {"key": "so_nguoi", "label": "Số lượt người tham dự", "type": "number"},
    {"key": "kien_nghi", "label": "Kiến nghị", "type": "text"},
]


def seed_obligations(plan: dict, today: datetime.date | None = None) -> list[dict]:
    """Section IV of the plan: every ward and commune builds its own plan, then reports back
    (design.md §15.5: the plan within 14 days, the report by 15 December)."""
    today = today or timezone.localdate()
    codes = [r["organization"] for r in plan["recipients"] if r["purpose"] == "execute"]
    wards = list(
        Organization.objects.filter(
            code__in=codes, kind__in=[OrganizationKind.WARD, OrganizationKind.COMMUNE]
        )
        .order_by("pk")
        .values_list("code", flat=True)
    )
    december = datetime.date(today.year, 12, 15)
    if december < today:
        december = datetime.date(today.year + 1, 12, 15)
    return [
        {
            "kind": "plan",
            "title": "Kế hoạch tuyên truyền của Ban Thường trực Ủy ban MTTQ phường, xã",
            "due": today + datetime.timedelta(days=14),
            "organizations": wards,
        },
        {
            "kind": "report",
            "title": "Báo cáo kết quả thực hiện công tác thông tin, tuyên truyền năm",
            "due": december,
            "organizations": wards,
            # A form report: the city adds up the wards' figures (form reports, issue 13).
            "form": DEMO_REPORT_FORM,
        },
    ]


@transaction.atomic
def load(fixture: Path | None = None) -> Document:
    data = orgchart_demo.read_fixture(fixture or orgchart_demo.FIXTURE)
    orgchart_demo.load_chart(data)
    stepup.load_demo_devices()
    return load_seed_plan(data, load_incoming(data))
