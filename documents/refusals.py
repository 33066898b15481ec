"""Refused requests on existing objects go on record: who, from where, what they asked for.

A NotFound or Forbidden that names its ``subject`` (a document or a receipt that exists, see
``documents.errors``) is written by the API's exception handler and the UI's error
middleware, once the refused request's transaction is over, so the record survives the
rollback of what was refused. It joins the chain of the object's organisation and names the
object in ``data`` only: it is not a step of the document and stays out of its trail (the
auditors read it in the audit log). An id that names nothing is not recorded, so a client
cannot grow the trail by inventing ids.
"""

from __future__ import annotations

from orgchart.models import Delegation

from . import audit
from .errors import Forbidden, NotFound
from .models import Document, Receipt

ACTION = "refused"


def record_refusal(request, exc: Exception) -> None:
    subject = getattr(exc, "subject", None)
    if request is None or not isinstance(exc, NotFound | Forbidden):
        return
    if not isinstance(subject, Document | Receipt | Delegation):
        return
    user = getattr(request, "user", None)
    if isinstance(subject, Document):
        kind, organization_id = "document", subject.issuer_id
    elif isinstance(subject, Delegation):
        kind, organization_id = "delegation", subject.organization_id
    else:
        kind = "receipt"
        organization_id = subject.organization_id or (
            subject.document.issuer_id if subject.document_id else None
        )
    audit.record(
        actor=user if user is not None and user.is_authenticated else None,
        action=ACTION,
        organization_id=organization_id,
        data={
            "object": kind,
            "id": subject.pk,
            "status": exc.status_code,
            "method": request.method,
            "path": request.path[:300],
        },
        ip=request.META.get("REMOTE_ADDR") or None,
    )
