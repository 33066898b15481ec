"""Sharing a document with one person, and the opinion of someone it was shared with.

A share (``DOCUMENT.shares`` in documents.lifecycle) is a django-guardian row on the document:
``comment`` (xin ý kiến: may read it and give an opinion), ``inform`` (chuyển để biết: may
read it) or ``secret`` (may read it although it is secret). Each service locks the document
row, authorises (``selectors.authorize_share``/``authorize_opinion``), writes or deletes the
row and records the event in the trail, in one transaction; nothing else writes these rows.

- Sharing what is already shared, or taking back what is not, changes nothing and writes no
  event: the services say whether they changed anything, and the API answers 200 rather
  than 201 (or 204 either way) so a client may simply retry.
- The person is an active member of the org chart, not the actor. A secret document is
  shown through ``comment``/``inform`` only to someone who may already read it (a
  ``secret`` share first), so such a share never promises what visibility does not keep;
  ``secret`` is for secret documents only.
- Neither the one who shares nor the one shared with becomes a participant: taking the share
  back takes the access back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission

from .. import audit
from ..errors import InvalidInput
from ..lifecycle import DOCUMENT, SharePurpose
from ..models import AuditEvent, Document, Secrecy
from ..selectors import authorize_opinion, authorize_share, is_visible, shareable_people
from .core import _lock_document, _require_text, step_transaction

if TYPE_CHECKING:
    from django.contrib.auth.models import User as UserType  # the AUTH_USER_MODEL

User = get_user_model()

#: Longest opinion kept in the trail.
OPINION_MAX_LENGTH = 4000


def _person(value, *, on_chart: bool) -> UserType:
    """The user named by ``value`` (a user or a username); ``on_chart``: an active member of
    the org chart (to share with), else any account (to take a share back from)."""
    if value in (None, ""):
        raise InvalidInput({"person": [_("Chọn người được chia sẻ.")]})
    people = shareable_people() if on_chart else User.objects.all()
    lookup = {"pk": value.pk} if isinstance(value, User) else {"username": str(value)}
    found = people.filter(**lookup).first()
    if found is None:
        name = value.get_username() if isinstance(value, User) else str(value)
        raise InvalidInput(
            {
                "person": [
                    _("Không có người dùng đang hoạt động %(name)s trong sơ đồ tổ chức.")
                    % {"name": name}
                ]
            }
        )
    return found


def _rows(document: Document, person: UserType, purpose: str):
    declared = DOCUMENT.share(purpose)
    return UserObjectPermission.objects.filter(
        user=person,
        content_type=ContentType.objects.get_for_model(Document),
        permission__codename=declared.permission,
        object_pk=str(document.pk),
    )


def share(*, actor, document: Document, person, purpose: str) -> bool:
    """Share ``document`` with ``person`` for ``purpose``; True if it was not shared so."""
    with step_transaction():
        document = _lock_document(document)
        authorization = authorize_share(actor, document, purpose)
        person = _person(person, on_chart=True)
        if person.pk == actor.pk:
            raise InvalidInput({"person": [_("Không tự chia sẻ văn bản cho chính mình.")]})
        if purpose == SharePurpose.SECRET and document.secrecy == Secrecy.NORMAL:
            raise InvalidInput(
                {"purpose": [_("Văn bản không mật, không cần cấp quyền xem văn bản mật.")]}
            )
        if (
            purpose != SharePurpose.SECRET
            and document.secrecy != Secrecy.NORMAL
            and not is_visible(person, document)
        ):
            raise InvalidInput(
                {"person": [_("Văn bản mật: người này cần được cấp quyền xem văn bản mật trước.")]}
            )
        if _rows(document, person, purpose).exists():
            return False
        content_type = ContentType.objects.get_for_model(Document)
        UserObjectPermission.objects.create(
            user=person,
            permission=Permission.objects.get(
                content_type=content_type, codename=DOCUMENT.share(purpose).permission
            ),
            content_type=content_type,
            object_pk=str(document.pk),
        )
        audit.record(
            actor=actor,
            action="grant",
            document=document,
            from_status=document.status,
            to_status=document.status,
            data={"person": person.username, "purpose": purpose},
            on_behalf_of_id=authorization.on_behalf_of_id,
        )
    return True


def unshare(*, actor, document: Document, person, purpose: str) -> bool:
    """Take back the share of ``document`` with ``person`` for ``purpose``, in any state;
    True if there was one."""
    with step_transaction():
        document = _lock_document(document)
        authorization = authorize_share(actor, document, purpose, giving=False)
        person = _person(person, on_chart=False)
        removed, _by_model = _rows(document, person, purpose).delete()
        if not removed:
            return False
        audit.record(
            actor=actor,
            action="revoke",
            document=document,
            from_status=document.status,
            to_status=document.status,
            data={"person": person.username, "purpose": purpose},
            on_behalf_of_id=authorization.on_behalf_of_id,
        )
    return True


def give_opinion(*, actor, document: Document, comment: str) -> AuditEvent:
    """The opinion of someone the document was shared with for comment (and of nobody else:
    the issuer's own people give theirs in their review), while the text can still change.
    It goes into the document's history."""
    with step_transaction():
        document = _lock_document(document)
        authorize_opinion(actor, document)
        comment = _require_text("comment", comment, _("Hãy nhập ý kiến."))
        if len(comment) > OPINION_MAX_LENGTH:
            raise InvalidInput(
                {"comment": [_("Ý kiến tối đa %(n)d ký tự.") % {"n": OPINION_MAX_LENGTH}]}
            )
        return audit.record(
            actor=actor,
            action="opinion",
            document=document,
            from_status=document.status,
            to_status=document.status,
            comment=comment,
        )
