"""Write the demo's documents as PDF, so a person can look at them: the seed plan walked
through the demo journey to its issue, its draft, and a công văn of the same committee."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from documents import demo, rendering, services
from documents.models import Document
from documents.signing import verify_pdf
from documents.signing.pki import init_demo_pki

COVER_LETTER: dict[str, Any] = {
    "issuer": "mttq-samson",
    "doc_type": "CV",
    "title": "Đề nghị báo cáo kết quả thông tin, tuyên truyền 6 tháng đầu năm 2023",
    "body": (
        "Thực hiện Kế hoạch số 01/KH-MTTQ-BTT của Ban Thường trực Ủy ban MTTQ Việt Nam thành "
        "phố về công tác thông tin, tuyên truyền về xây dựng Đảng, xây dựng hệ thống chính "
        "trị năm 2023, Ban Thường trực Ủy ban MTTQ Việt Nam thành phố đề nghị Ban Thường trực "
        "Ủy ban MTTQ Việt Nam các phường, xã:\n"
        "1. Tổng hợp kết quả thông tin, tuyên truyền 6 tháng đầu năm 2023\n"
        "Báo cáo bằng văn bản về Ban Thường trực Ủy ban MTTQ Việt Nam thành phố trước ngày "
        "05/7/2023, qua hệ thống quản lý văn bản.\n"
        "2. Đề xuất, kiến nghị\n"
        "Nêu những khó khăn, vướng mắc và đề xuất, kiến nghị (nếu có).\n"
        "Đề nghị Ban Thường trực Ủy ban MTTQ Việt Nam các phường, xã quan tâm thực hiện./."
    ),
    "urgency": "khan",
    "authority_prefix": "TM",
    "collective_name": "BAN THƯỜNG TRỰC",
    "signer": "pct.huy",
    "luu": "VT, MTTQ",
    "recipients": [
        {"organization": "bacson", "purpose": "execute"},
        {"organization": "trungson", "purpose": "execute"},
        {"organization": "quangtien", "purpose": "execute"},
        {"organization": "thanhuy", "purpose": "report"},
        {"organization": "mttq-tinh", "purpose": "report"},
    ],
}

STEPS = (
    ("submit", "soanthao"),
    ("review", "truongban"),
    ("review", "vanthu"),
    ("sign", "pct.huy"),
    ("register", "vanthu"),
)


def issue(document: Document) -> Document:
    """The demo journey up to the number: drafter, reviewer, clerk's format check, signer,
    clerk's registration."""
    User = get_user_model()
    for action, username in STEPS:
        if document.status in ("issued", "dispatched", "completed"):
            break
        actor = User.objects.get(username=username)
        if action == "review":
            document = services.review(actor=actor, document=document, decision="approve")
        elif action == "sign":
            document = services.sign(actor=actor, document=document, decision="sign")
        else:
            document = getattr(services, action)(actor=actor, document=document)
    return document


class Command(BaseCommand):
    help = (
        "Write the seed plan (draft and issued) and a công văn as PDF into a folder (default "
        "var/render). Changes the database: run it on a scratch demo database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default="var/render")

    def handle(self, *args, out: str, **options):
        if not settings.DEBUG and "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
            raise CommandError("render_demo walks the demo through its journey: scratch DB only")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        plan = demo.load()
        init_demo_pki()
        written = {"ke-hoach-du-thao.pdf": rendering.render_pdf(plan)}
        written["ke-hoach.pdf"] = rendering.document_pdf(issue(plan))
        drafter = get_user_model().objects.get(username="soanthao")
        letter = Document.objects.filter(drafter=drafter, title=COVER_LETTER["title"]).first()
        letter = letter or services.create_draft(actor=drafter, **COVER_LETTER)
        written["cong-van.pdf"] = rendering.document_pdf(issue(letter))
        for name, data in written.items():
            (folder / name).write_bytes(data)
            check = verify_pdf(data)
            signed = "; ".join(check.signers) or "-"
            self.stdout.write(f"{folder / name} ({len(data)} bytes; {check.status}: {signed})")
