"""The document page's "Chia sẻ" and "Cho ý kiến" blocks and their three POST actions. Who
may do what is documents.lifecycle's ``DOCUMENT.shares``, read by documents.selectors; each
action is one service call, and a refusal is a message on the document page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from documents import selectors, services
from documents.errors import Conflict, InvalidInput
from documents.lifecycle import SharePurpose
from documents.models import Document
from documents.templatetags.vanban import ho_ten
from orgchart.models import Membership, Organization

from ..middleware import request_grants

User = get_user_model()


def sharing_context(request, document: Document) -> dict:
    """What the blocks show to this person: the form and the list for those who may share
    (or take shares back), the opinion form for those whose opinion is asked. A few queries,
    only for those who see the blocks."""
    grants = request_grants(request)
    user = request.user
    giving = selectors.share_purposes(user, document, grants)
    revocable = selectors.share_purposes(user, document, grants, giving=False)
    held = selectors.held_shares(user, document)
    context = {
        "shown": bool(revocable),
        "purposes": [(p, SharePurpose(p).label) for p in giving],
        "revocable": revocable,
        "held": [SharePurpose(p).label for p in sorted(held)],
        "can_opinion": selectors.may_give_opinion(user, document, held),
    }
    if revocable:
        context["shares"] = selectors.shares_of(document)
    if giving:
        context["people"] = _people_by_organisation(
            exclude=user, near=_near_organisations(document, grants.member_of)
        )
    return context


#: The people offered by name in the share form; anyone else on the chart is typed in (the
#: service checks the name): a province's chart has hundreds of thousands of people.
SHARE_CHOICES_MAX = 300


def _near_organisations(document: Document, member_of) -> list[int]:
    """Where a share usually goes: the sharer's own organisations, the issuer, the recipients."""
    recipients = document.recipients.filter(organization__isnull=False).values_list(
        "organization_id", flat=True
    )
    return sorted({*member_of, document.issuer_id, *recipients})


def _people_by_organisation(*, exclude, near: list[int]) -> list[dict]:
    """The active people of the ``near`` organisations, by organisation in the chart's order,
    at most ``SHARE_CHOICES_MAX`` of them."""
    memberships = (
        Membership.objects.active()
        .filter(
            organization__in=Organization.objects.active().filter(pk__in=near),
            user__in=selectors.shareable_people().exclude(pk=exclude.pk),
        )
        .select_related("user", "organization")
        .order_by("organization__order", "organization__code", "user__username")
    )[:SHARE_CHOICES_MAX]
    groups: dict[int, dict] = {}
    seen: set[tuple[int, int]] = set()
    for m in memberships:
        group = groups.setdefault(m.organization_id, {"organization": m.organization, "people": []})
        if (m.organization_id, m.user_id) not in seen:
            seen.add((m.organization_id, m.user_id))
            group["people"].append(m.user)
    return list(groups.values())


def share_details(rows: list[dict]) -> None:
    """Whom each share event of a history names, and for what (one query)."""
    shared = [r for r in rows if r["event"].action in ("grant", "revoke")]
    if not shared:
        return
    usernames = {r["event"].data.get("person") for r in shared}
    people = {u.username: u for u in User.objects.filter(username__in=usernames)}
    for row in shared:
        data = row["event"].data
        person = people.get(data.get("person"))
        purpose = data.get("purpose")
        label = SharePurpose(purpose).label if purpose in SharePurpose.values else purpose
        row["detail"] = f"{ho_ten(person) if person else data.get('person')} — {label}"


class _DocumentAction(LoginRequiredMixin, View):
    """A POST on the document page: the service's refusal becomes a message there."""

    http_method_names = ["post"]
    conflict_message = ""

    def post(self, request, pk):
        document = selectors.get_visible_document(request.user, pk)
        try:
            message = self.perform(request, document)
        except InvalidInput as error:
            for text in error.messages():
                messages.error(request, text)
        except Conflict:
            messages.error(request, self.conflict_message)
        else:
            messages.success(request, message)
        return redirect(reverse("outgoing:detail", args=[document.pk]))

    def perform(self, request, document: Document) -> str:
        raise NotImplementedError


def _named(username: str, purpose: str) -> dict:
    person = User.objects.filter(username=username).first()
    label = SharePurpose(purpose).label if purpose in SharePurpose.values else purpose
    return {"name": ho_ten(person) if person else username, "purpose": label}


class ShareView(_DocumentAction):
    @property
    def conflict_message(self):
        return _("Văn bản ở trạng thái này không chia sẻ được với mục đích đó.")

    def perform(self, request, document):
        username = request.POST.get("person", "")
        purpose = request.POST.get("purpose", "")
        created = services.share(
            actor=request.user, document=document, person=username, purpose=purpose
        )
        if created:
            return _("Đã chia sẻ văn bản với %(name)s (%(purpose)s).") % _named(username, purpose)
        return _("%(name)s đã được chia sẻ văn bản này (%(purpose)s) từ trước.") % _named(
            username, purpose
        )


class UnshareView(_DocumentAction):
    def perform(self, request, document):
        username = request.POST.get("person", "")
        purpose = request.POST.get("purpose", "")
        services.unshare(actor=request.user, document=document, person=username, purpose=purpose)
        return _("Đã thôi chia sẻ văn bản với %(name)s (%(purpose)s).") % _named(username, purpose)


class OpinionView(_DocumentAction):
    @property
    def conflict_message(self):
        return _("Văn bản đã qua bước lấy ý kiến.")

    def perform(self, request, document):
        services.give_opinion(
            actor=request.user, document=document, comment=request.POST.get("comment", "")
        )
        return _("Đã gửi ý kiến của bạn; ý kiến được ghi vào lịch sử xử lý.")
