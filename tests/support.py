"""Drive documents through their life with the demo people, for tests and benchmarks."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from documents import services
from documents.models import Document, DocumentStatus, Receipt, ReceiptStatus

S, R = DocumentStatus, ReceiptStatus

#: The demo's 11 wards and communes under the city, in the org chart's order (Nơi nhận's).
WARDS = [
    "bacson",
    "trungson",
    "truongson",
    "quangtien",
    "quangcu",
    "quangchau",
    "quangtho",
    "quangvinh",
    "quangminh",
    "quanghung",
    "quangdai",
]

#: The outgoing path in order; each step is (state it leads to, username, action).
OUTGOING_PATH: list[tuple[str, str, str]] = [
    (S.IN_REVIEW, "soanthao", "submit"),
    (S.FORMAT_CHECK, "truongban", "review"),
    (S.AWAITING_SIGNATURE, "vanthu", "review"),
    (S.SIGNED, "pct.huy", "sign"),
    (S.ISSUED, "vanthu", "register"),
    (S.DISPATCHED, "vanthu", "dispatch"),
]


def user(username: str):
    return get_user_model().objects.get(username=username)


def drafts_of_soanthao(n: int):
    """``n`` more drafts of soanthao's; all of his documents, newest first."""
    for number in range(n):
        new_draft(title=f"Kế hoạch số {number + 1}")
    return Document.objects.filter(drafter__username="soanthao").order_by("-pk")


def new_draft(*, title: str = "Kế hoạch thử nghiệm", recipients=None, **extra) -> Document:
    recipients = recipients or [
        {"organization": "thanhuy", "purpose": "report"},
        {"organization": "bacson", "purpose": "execute"},
        {"organization": "trungson", "purpose": "execute"},
    ]
    values = {
        "issuer": "mttq-samson",
        "doc_type": "KH",
        "title": title,
        "body": "Nội dung kế hoạch.",
        "authority_prefix": "TM",
        "collective_name": "BAN THƯỜNG TRỰC",
        "signer_title": "PHÓ CHỦ TỊCH",
        "recipients": recipients,
        **extra,
    }
    return services.create_draft(actor=user("soanthao"), **values)


def advance(document: Document, to: str, users: dict | None = None) -> Document:
    """Move a document along the normal path, from where it stands, until it reaches
    ``to``."""
    users = users or {}
    get = lambda name: users.get(name) or user(name)  # noqa: E731
    if to == S.DRAFT:
        return document
    if to == S.WITHDRAWN:
        return services.withdraw(actor=get("soanthao"), document=document, reason="Không cần")
    if to == S.RETURNED:
        document = services.submit(actor=get("soanthao"), document=document)
        return services.review(
            actor=get("truongban"), document=document, decision="return", comment="Sửa lại"
        )
    # From where the document stands: a document already on the path goes on from there.
    reached = [state for state, _, _ in OUTGOING_PATH]
    start = reached.index(document.status) + 1 if document.status in reached else 0
    for state, username, action in OUTGOING_PATH[start:]:
        if document.status == to:
            break
        actor = get(username)
        if action in ("review",):
            document = services.review(actor=actor, document=document, decision="approve")
        elif action == "sign":
            document = services.sign(actor=actor, document=document, decision="sign")
        else:
            document = getattr(services, action)(actor=actor, document=document)
        assert document.status == state, (document.status, state)
    if to in (S.COMPLETED, S.RECALLED) and document.status == S.DISPATCHED:
        if to == S.COMPLETED:
            settle_all(document)
        else:
            document = services.recall(
                actor=get("pct.huy"), document=document, reason="Ban hành nhầm"
            )
    document.refresh_from_db()
    assert document.status == to, (document.status, to)
    return document


def settle_all(document: Document) -> None:
    """Every recipient acknowledges; those that must act are assigned and complete."""
    deadline = timezone.localdate() + datetime.timedelta(days=14)
    for receipt in document.receipts.select_related("organization").order_by("pk"):
        organization = receipt.organization
        if organization is None:
            raise ValueError(f"receipt {receipt.pk} has no organisation to settle it")
        code = organization.code
        receipt = services.acknowledge(actor=user(f"vt.{code}"), receipt=receipt)
        if receipt.must_act:
            handler = user(f"cb.{code}") if _exists(f"cb.{code}") else user(f"ld.{code}")
            receipt = services.assign(
                actor=user(f"ld.{code}"), receipt=receipt, assignee=handler, deadline=deadline
            )
            services.complete(actor=handler, receipt=receipt, report="Đã xây dựng kế hoạch.")


def _exists(username: str) -> bool:
    return get_user_model().objects.filter(username=username).exists()


def receipt_for(document: Document, code: str) -> Receipt:
    return Receipt.objects.get(document=document, organization__code=code)


# ---------------------------------------------------------------------------------------------
# Step-up: real TOTP codes of a person's device


def give_device(person, secret_hex: str | None = None) -> TOTPDevice:
    """A confirmed authenticator for ``person`` (a user or a username)."""
    person = user(person) if isinstance(person, str) else person
    values = {"user": person, "name": "authenticator", "confirmed": True}
    if secret_hex:
        values["key"] = secret_hex
    return TOTPDevice.objects.create(**values)


def current_code(person) -> str:
    """A code the person's authenticator shows now, computed with ``django_otp.oath.totp``
    from the device's key. A TOTP step is accepted once, so when this step was used already
    (two credentials of one person within 30 s) it is the next step's code, which the
    device's tolerance still accepts; failing that, wait for the next step."""
    person = user(person) if isinstance(person, str) else person
    device = TOTPDevice.objects.filter(user=person, confirmed=True).get()
    while True:
        clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        now = clock.t()
        ahead = max(0, device.last_t + 1 - now)
        if ahead <= device.tolerance:
            code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead)
            return f"{code:0{device.digits}d}"
        time.sleep(device.step - time.time() % device.step + 0.05)


def step_up(client, person) -> dict:
    """Give ``client``'s token or session a fresh one-time code through the API."""
    response = client.post(
        "/api/v1/auth/otp/",
        json.dumps({"otp": current_code(person)}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def sign_in(client, username: str, *, fresh: bool = True):
    """A browser session of ``username``; a person with an authenticator also gives a code,
    as the task screens would ask before the first signature, registration, dispatch or
    recall."""
    person = user(username)
    client.force_login(person)
    if fresh and TOTPDevice.objects.filter(user=person, confirmed=True).exists():
        step_up(client, person)
    return client


# ---------------------------------------------------------------------------------------------
# A document with attachments and two submitted versions


def attach(document: Document, name: str, data: bytes, content_type: str):
    """An attachment added by the drafter, as the draft form or the API adds it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return services.add_attachment(
        actor=user("soanthao"),
        document=document,
        uploaded_file=upload,
        content_type=content_type,
        original_name=name,
    )


def revised(document: Document, *, title: str, body: str, to: str = S.IN_REVIEW) -> Document:
    """Submit ``document`` (version 1), have it returned, edit it and submit again (version
    2), then go on along the normal path until ``to``."""
    document = advance(document, S.RETURNED)
    document = services.edit_draft(
        actor=user("soanthao"), document=document, title=title, body=body
    )
    document = services.submit(actor=user("soanthao"), document=document)
    return advance(document, to)


def system_tool(name: str) -> str:
    """The path of a system program the tests read PDFs with (poppler's pdfsig, pdftoppm…):
    ``make test`` installs them; a run without them skips on a laptop and fails in CI, where a
    missing tool must never pass unnoticed."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is missing: apt-get install poppler-utils (make test does it as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def ward_people(code: str) -> dict:
    """A ward's own people in the places of the city's in the normal path (``advance``)."""
    return {
        "soanthao": user(f"cb.{code}"),
        "truongban": user(f"ld.{code}"),
        "vanthu": user(f"vt.{code}"),
        "pct.huy": user(f"ld.{code}"),
    }


def ward_draft(plan: Document, code: str, obligations, *, title: str, doc_type="KH", **extra):
    """A ward's answer to its copy of ``plan``, fulfilling ``obligations``, drafted by its
    cb.<code> (the copy acknowledged first if it was only delivered), addressed to the city."""
    receipt = receipt_for(plan, code)
    if receipt.status == ReceiptStatus.DELIVERED:
        services.acknowledge(actor=user(f"vt.{code}"), receipt=receipt)
    return services.create_draft(
        actor=user(f"cb.{code}"),
        issuer=code,
        doc_type=doc_type,
        title=title,
        body="Thực hiện Kế hoạch của Ban Thường trực.",
        authority_prefix="TM",
        collective_name="BAN THƯỜNG TRỰC",
        signer_title="CHỦ TỊCH",
        signer=f"ld.{code}",
        recipients=[{"organization": "mttq-samson", "purpose": "report"}],
        replies_to=receipt.pk,
        fulfils=[o.pk for o in obligations],
        **extra,
    )


def ward_dispatch(draft: Document, code: str, capture) -> Document:
    """The ward's draft reviewed, signed and registered by its own people, then dispatched,
    delivered at the city when the dispatch commits (``capture``:
    django_capture_on_commit_callbacks)."""
    draft = advance(draft, "issued", ward_people(code))
    with capture(execute=True):
        return services.dispatch(actor=user(f"vt.{code}"), document=draft)
