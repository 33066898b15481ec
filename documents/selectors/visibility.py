"""Who sees what, decided in SQL (a handful of queries whatever the data size).

Ordinary documents: the issuing organisation's people, and the recipients' once their copy
has arrived. Secret documents: their participants, and whoever must act on them now, as the
lifecycle's tasks say. Besides, whoever a document was shared with (a django-guardian row of
one of ``DOCUMENT.shares``): an ordinary document through any share, a secret one only
through a share that ``shows_secret``.
"""

from __future__ import annotations

from django.db.models import BigIntegerField, F, Q, QuerySet
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from orgchart.selectors import Grants, grants_of

from ..errors import NotFound
from ..handling import ReceiptHandler
from ..lifecycle import DOCUMENT, RECEIPT
from ..models import Document, Receipt, ReceiptStatus, Secrecy
from .rules import queue_roles, task_rows_q

R = ReceiptStatus


def share_rows() -> QuerySet[UserObjectPermission]:
    """The guardian rows of documents' shares (group rows are never written)."""
    return UserObjectPermission.objects.filter(
        content_type__app_label=Document._meta.app_label,
        content_type__model=Document._meta.model_name,
        permission__codename__in=[s.permission for s in DOCUMENT.shares],
    )


def _shared_with(user, *, shows_secret: bool) -> QuerySet:
    """Ids of the documents shared with ``user``, as a subquery (guardian keeps the id as
    text)."""
    codenames = [s.permission for s in DOCUMENT.shares if s.shows_secret == shows_secret]
    return (
        share_rows()
        .filter(user_id=user.pk, permission__codename__in=codenames)
        .annotate(document_pk=Cast("object_pk", BigIntegerField()))
        .values("document_pk")
    )


def visible_documents(user, grants: Grants | None = None) -> QuerySet[Document]:
    if user is None or not user.is_authenticated:
        return Document.objects.none()
    g = grants if grants is not None else grants_of(user)
    member = sorted(g.member_of)
    arrived = Receipt.objects.exclude(status=R.PENDING)
    participant_docs = Document.participants.through.objects.filter(user_id=user.pk)
    q = (
        Q(drafter_id=user.pk)
        | Q(pk__in=participant_docs.values("document_id"))
        | Q(pk__in=Receipt.objects.filter(assignee_id=user.pk).values("document_id"))
        | Q(pk__in=handled_by(user).values("document_id"))
        | Q(secrecy=Secrecy.NORMAL, issuer_id__in=member)
        | Q(
            secrecy=Secrecy.NORMAL,
            pk__in=arrived.filter(organization_id__in=member).values("document_id"),
        )
        # Secret documents: besides their participants, whoever must act on them now...
        | task_rows_q(DOCUMENT, g, user)
        # ...and, once a copy has arrived, the people who handle copies there.
        | Q(
            pk__in=arrived.filter(
                organization_id__in=sorted(g.orgs_with(*queue_roles(RECEIPT)))
            ).values("document_id")
        )
        # Shared with the user by name.
        | Q(secrecy=Secrecy.NORMAL, pk__in=_shared_with(user, shows_secret=False))
        | Q(pk__in=_shared_with(user, shows_secret=True))
    )
    return Document.objects.filter(q)


def visible_receipts(user, grants: Grants | None = None) -> QuerySet[Receipt]:
    """Receipts of the caller's organisations (once arrived), those assigned to the caller,
    and, on the issuer's side, every receipt of a document the caller sees."""
    if user is None or not user.is_authenticated:
        return Receipt.objects.none()
    g = grants if grants is not None else grants_of(user)
    member = sorted(g.member_of)
    handlers = sorted(g.orgs_with(*queue_roles(RECEIPT)))
    issuer_side = issuer_side_documents(user, g).values("pk")
    own = (
        Q(organization_id__in=member)
        & ~Q(status=R.PENDING)
        & (
            Q(document__isnull=True)
            | Q(document__secrecy=Secrecy.NORMAL)
            | Q(organization_id__in=handlers)
        )
    )
    return Receipt.objects.filter(
        own
        | Q(assignee_id=user.pk)
        | Q(pk__in=handled_by(user).values("pk"))
        | Q(document_id__in=issuer_side)
    )


def handled_by(user) -> QuerySet[Receipt]:
    """The receipts whose assignment names the user in any part (chủ trì, phối hợp, để biết):
    each of them reads the document and their copy, a secret one too."""
    return Receipt.objects.filter(
        pk__in=ReceiptHandler.objects.filter(user_id=user.pk).values("receipt_id")
    )


def issuer_side_documents(user, grants: Grants | None = None) -> QuerySet[Document]:
    """The visible documents the user is on the issuing side of (``is_issuer_side``, in
    SQL): their processes, receipts and whole trail are the user's to follow."""
    g = grants if grants is not None else grants_of(user)
    return visible_documents(user, g).filter(
        Q(drafter_id=user.pk) | Q(issuer_id__in=sorted(g.member_of))
    )


def incoming_receipts(user, grants: Grants | None = None) -> QuerySet[Receipt]:
    """The recipient side only: receipts addressed to the caller's organisations, once they
    have arrived (someone also on the sender's side sees pending copies, but as the sender)."""
    g = grants if grants is not None else grants_of(user)
    return visible_receipts(user, g).filter(
        (Q(organization_id__in=sorted(g.member_of)) & ~Q(status=R.PENDING))
        | Q(assignee_id=getattr(user, "pk", None))
        | Q(pk__in=handled_by(user).values("pk"))
    )


def incoming_receipt_parts(user, grants: Grants | None = None) -> list[QuerySet[Receipt]]:
    """``incoming_receipts`` as three querysets, each starting from an index of its own: the
    arrived copies of the caller's organisations, the caller's assignments, the caller's
    handling. Their union is exactly ``incoming_receipts`` (a test holds them together); as
    its one OR, through ``visible_receipts``, PostgreSQL read every copy to find them."""
    g = grants if grants is not None else grants_of(user)
    handlers = sorted(g.orgs_with(*queue_roles(RECEIPT)))
    at_ours = (
        Receipt.objects.filter(organization_id__in=sorted(g.member_of))
        .exclude(status=R.PENDING)
        .filter(
            Q(document__isnull=True)
            | Q(document__secrecy=Secrecy.NORMAL)
            | Q(organization_id__in=handlers)
            # A secret copy at the caller's own organisation of what the caller's side issued.
            | Q(document_id__in=issuer_side_documents(user, g).values("pk"))
        )
    )
    return [at_ours, Receipt.objects.filter(assignee_id=user.pk), handled_by(user)]


def received_copies_q(user, grants: Grants | None = None) -> Q:
    """A filter on documents: those that reach the caller as a copy, the documents of
    ``incoming_receipts`` — exactly so for documents issued outside the caller's
    organisations, the only ones search asks it of (a test holds the two together).

    Id subqueries on the copies' own indexes (the arrived copies of the caller's
    organisations, the caller's assignments, the caller's handling), and the document's
    secrecy and drafter read from the row being filtered: asked as the one OR of
    ``incoming_receipts``, PostgreSQL joined every copy to its document first (140 ms per
    worker at 50,000 documents), and asked of the copy's document, every document."""
    g = grants if grants is not None else grants_of(user)
    copies = Receipt.objects.filter(document__isnull=False)
    arrived = copies.filter(organization_id__in=sorted(g.member_of)).exclude(status=R.PENDING)
    handlers = sorted(g.orgs_with(*queue_roles(RECEIPT)))
    return (
        (
            # incoming_receipts keeps the copies of what the caller drafted (issuer side).
            (Q(secrecy=Secrecy.NORMAL) | Q(drafter_id=user.pk))
            & Q(pk__in=arrived.values("document_id"))
        )
        | Q(pk__in=arrived.filter(organization_id__in=handlers).values("document_id"))
        | Q(pk__in=copies.filter(assignee_id=user.pk).values("document_id"))
        | Q(pk__in=handled_by(user).filter(document__isnull=False).values("document_id"))
    )


def is_visible(user, obj, grants: Grants | None = None) -> bool:
    """Whether ``user`` sees this one object. The plainest cases — the first clauses of
    ``visible_documents``/``visible_receipts``: the drafter, an ordinary document's own
    organisation, a copy arrived at the user's organisation, its assignee — are answered
    from the row in hand; everything else asks the SQL above (a test holds the two to each
    other)."""
    if user is None or not user.is_authenticated:
        return False
    g = grants if grants is not None else grants_of(user)
    if plainly_visible(user, obj, g):
        return True
    if isinstance(obj, Document):
        return visible_documents(user, g).filter(pk=obj.pk).exists()
    return visible_receipts(user, g).filter(pk=obj.pk).exists()


def is_issuer_side(user, document: Document, grants: Grants) -> bool:
    """The document's own side: its drafter and the issuing organisation's people. They follow
    every recipient's copy and the whole trail; everyone else sees only their own part."""
    return document.drafter_id == user.pk or document.issuer_id in grants.member_of


def plainly_visible(user, obj, grants: Grants) -> bool:
    if isinstance(obj, Document):
        return obj.drafter_id == user.pk or (
            obj.secrecy == Secrecy.NORMAL and obj.issuer_id in grants.member_of
        )
    if obj.assignee_id is not None and obj.assignee_id == user.pk:
        return True
    return (
        obj.status != R.PENDING
        and obj.organization_id in grants.member_of
        and (obj.document_id is None or obj.document.secrecy == Secrecy.NORMAL)
    )


def plainly_visible_q(grants: Grants, *, document: str, receipt: str) -> Q:
    """``plainly_visible``'s cases for a document, as a filter on rows that name a document
    and maybe a copy of it (``document``, ``receipt``: the fields' paths): an ordinary
    document of one of the person's organisations, or one whose copy named on the row has
    arrived at one of them. Both are branches of ``visible_documents``, answered from the row
    in hand, so that a list asks the whole filter only of the rows left over."""
    member = sorted(grants.member_of)
    normal = Q(**{f"{document}__secrecy": Secrecy.NORMAL})
    return (normal & Q(**{f"{document}__issuer_id__in": member})) | (
        normal
        & Q(**{f"{receipt}__document_id": F(f"{document}_id")})
        & Q(**{f"{receipt}__organization_id__in": member})
        & ~Q(**{f"{receipt}__status": R.PENDING})
    )


def not_visible(model, pk) -> NotFound:
    """NotFound for an id the user may not see, naming the object when one exists (a query
    on refusals only) so that the refusal goes on record (documents.refusals)."""
    try:
        subject = model._default_manager.filter(pk=pk).first()
    except (ValueError, TypeError, OverflowError):
        subject = None
    return NotFound(subject=subject)


def get_visible_document(user, pk, grants: Grants | None = None, *, rows=None) -> Document:
    """The document if ``user`` sees it, else NotFound. Most reads are plain (the drafter, the
    document's own organisation): the row itself answers them, and only the others pay for
    the whole visibility filter, which takes longer to build than the database takes to
    answer it. ``rows`` shapes the query (its joins and prefetches)."""
    return _get_visible(Document, user, pk, grants, rows or _with("issuer"))


def get_visible_receipt(user, pk, grants: Grants | None = None, *, rows=None) -> Receipt:
    return _get_visible(Receipt, user, pk, grants, rows or _with("document", "organization"))


def _with(*related: str):
    return lambda qs: qs.select_related(*related)


def _get_visible(model, user, pk, grants: Grants | None, rows):
    try:
        obj = rows(model._default_manager.all()).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise NotFound(subject=None) from None
    if not is_visible(user, obj, grants):
        raise NotFound(subject=obj)
    return obj
