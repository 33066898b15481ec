"""Status messages coming back (QCVN 102:2016): an outside recipient's system reports 01, 03,
06 (or 02) about our document and our copy for it moves along, idempotently, each step in
the trail with the code; nobody but the issuer's clerk applies them, and only to copies
outside the system."""

from __future__ import annotations

import pytest

from documents.edxml import NS, writer
from documents.models import AuditEvent, Receipt
from orgchart.models import Organization, OrganizationKind
from tests.support import advance, new_draft

pytestmark = pytest.mark.django_db
XML = "application/xml"
OUTSIDE = "000.00.00.K99"


def status(document, code: str, *, organ_id: str = OUTSIDE, description: str = "") -> bytes:
    """What another system sends: written by hand, as a foreign system would."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXMLEnvelope xmlns:edXML="{NS}">
  <edXML:edXMLHeader><edXML:Status>
    <edXML:ResponseFor>
      <edXML:OrganId>{document.issuer.organ_id}</edXML:OrganId>
      <edXML:Code>{document.symbol}</edXML:Code>
      <edXML:DocumentId>{writer.document_id(document)}</edXML:DocumentId>
    </edXML:ResponseFor>
    <edXML:From><edXML:OrganId>{organ_id}</edXML:OrganId>
      <edXML:OrganName>Sở Nội vụ</edXML:OrganName></edXML:From>
    <edXML:StatusCode>{code}</edXML:StatusCode>
    <edXML:Description>{description}</edXML:Description>
    <edXML:Timestamp>2026/12/02 09:15:00</edXML:Timestamp>
    <edXML:StaffInfo><edXML:Staff>Nguyễn Văn An</edXML:Staff></edXML:StaffInfo>
  </edXML:Status></edXML:edXMLHeader>
</edXML:edXMLEnvelope>""".encode()


@pytest.fixture
def sent(world, django_capture_on_commit_callbacks):
    Organization.objects.create(
        code="so-noivu",
        name="Sở Nội vụ tỉnh Thanh Hóa",
        kind=OrganizationKind.EXTERNAL,
        organ_id=OUTSIDE,
        email="vanthu@snv.example.vn",
    )
    recipients = [
        {"organization": "so-noivu", "purpose": "execute"},
        {"organization": "bacson", "purpose": "execute"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        return advance(
            new_draft(title="Kế hoạch gửi ra ngoài", recipients=recipients), "dispatched"
        )


def post(api, username: str, body: bytes):
    return api.as_(username).generic("POST", "/api/v1/edxml/", body, content_type=XML)


def copy(document) -> Receipt:
    return Receipt.objects.get(document=document, organization__code="so-noivu")


def test_the_copy_moves_01_03_06_and_each_step_is_on_record(api, sent):
    assert copy(sent).status == "delivered"  # its package, by its transport
    answer = post(api, "vanthu", status(sent, "03"))
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"receipt": copy(sent).pk, "status": "acknowledged", "changed": True}
    again = post(api, "vanthu", status(sent, "03"))
    assert again.json()["changed"] is False
    earlier = post(api, "vanthu", status(sent, "01"))
    assert earlier.json() == {**again.json(), "changed": False}

    done = post(api, "vanthu", status(sent, "06", description="Đã triển khai"))
    assert done.json()["status"] == "completed"
    receipt = copy(sent)
    assert receipt.report == "Đã triển khai"
    steps = list(
        AuditEvent.objects.filter(receipt=receipt, data__has_key="edxml_status").values_list(
            "action", "data__edxml_status"
        )
    )
    assert steps == [
        ("acknowledge", "03"),
        ("assign", "06"),
        ("start", "06"),
        ("complete", "06"),
    ]
    # The API's own answer for the copy follows.
    seen = api.as_("vanthu").get(f"/api/v1/documents/{sent.pk}/receipts/").json()
    outside = next(r for r in seen["results"] if r["organization"] == "so-noivu")
    assert outside["status"] == "completed" and outside["code"] == "06"


def test_a_refusal_carries_its_reason(api, sent):
    answer = post(api, "vanthu", status(sent, "02", description="Không thuộc thẩm quyền"))
    assert answer.json()["status"] == "refused"
    assert copy(sent).reason == "Không thuộc thẩm quyền"
    # A refused copy is not taken in later.
    assert post(api, "vanthu", status(sent, "03")).json()["changed"] is False


@pytest.mark.parametrize(
    "username, change, expected, code",
    [
        ("vt.bacson", {}, 403, "permission_denied"),  # not the issuer's clerk
        ("vanthu", {"code": "13"}, 409, "unsupported_status"),
        ("vanthu", {"organ_id": "000.00.41.H56"}, 400, "invalid"),  # not a recipient
    ],
)
def test_refusals(api, sent, world, username, change, expected, code):
    body = status(sent, change.get("code", "03"), organ_id=change.get("organ_id", OUTSIDE))
    answer = post(api, username, body)
    assert answer.status_code == expected, answer.content
    assert answer.json()["code"] == code
    assert copy(sent).status == "delivered"


def test_an_inside_recipient_moves_its_own_copy(api, sent):
    bacson = Organization.objects.get(code="bacson")
    answer = post(api, "vanthu", status(sent, "03", organ_id=bacson.organ_id))
    assert answer.status_code == 409 and answer.json()["code"] == "inside_recipient"


def test_a_document_not_ours_is_404(api, sent):
    body = status(sent, "03").replace(sent.symbol.encode(), b"99/KH-KHAC")
    assert post(api, "vanthu", body).status_code == 404
