"""Answers about the parts a document or a receipt carries that have a vocabulary of their own:
what the recipients owe (obligations), how a copy is handled at its recipient (chủ trì, phối
hợp, để biết, progress), the trail, the inbox and search results. Kept apart from
``serializers`` to keep files short; ``serializers`` re-exports them."""

from __future__ import annotations

from rest_framework import serializers

from documents import selectors
from documents.choices import Urgency
from documents.lifecycle import SIDE_TASKS
from documents.obligations import ItemStatus, ObligationKind
from documents.selectors.search import RESULT_KINDS


class FormFieldSerializer(serializers.Serializer):
    key = serializers.CharField(
        required=False,
        max_length=40,
        help_text="a-z, 0-9 and _, starting with a letter; made from the position when left out",
    )
    # DRF's metaclass takes declared fields off the class; the stubs see Field.label.
    label = serializers.CharField(max_length=200)  # type: ignore[assignment]  # a field
    type = serializers.ChoiceField(choices=["number", "text"], default="number")


class OwedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="the obligation's id, for `fulfils`")
    kind = serializers.ChoiceField(choices=ObligationKind.choices)
    title = serializers.CharField()
    due = serializers.DateField()
    status = serializers.ChoiceField(choices=ItemStatus.choices)


class ObligationItemSerializer(serializers.Serializer):
    organization = serializers.CharField(source="item.organization.code")
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    document = serializers.IntegerField(source="item.reply_id", allow_null=True)
    fulfilled_at = serializers.DateTimeField(source="item.fulfilled_at", allow_null=True)
    answers = serializers.DictField(
        allow_null=True,
        help_text="a form report: what the fulfilling reply answered, {field key: value}",
    )


class ObligationCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    fulfilled = serializers.IntegerField(help_text="on time")
    late = serializers.IntegerField(help_text="fulfilled after the due date")
    pending = serializers.IntegerField(help_text="not yet fulfilled, overdue or not")
    refused = serializers.IntegerField(help_text="the organisation refused the document")


class ObligationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="obligation.pk")
    kind = serializers.ChoiceField(choices=ObligationKind.choices, source="obligation.kind")
    title = serializers.CharField(source="obligation.title")
    due = serializers.DateField(source="obligation.due")
    form = serializers.ListField(
        child=serializers.DictField(), source="obligation.form", help_text="{key, label, type}"
    )
    counts = ObligationCountsSerializer()
    totals = serializers.DictField(help_text="a form report: each number field summed")
    items = ObligationItemSerializer(many=True)


class CoordinatorSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    contribution = serializers.CharField(allow_blank=True)
    contributed_at = serializers.DateTimeField(allow_null=True)


class ProgressNoteSerializer(serializers.Serializer):
    author = serializers.CharField(source="author.username")
    note = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class HandlingSerializer(serializers.Serializer):
    instruction = serializers.CharField(allow_blank=True, help_text="ý kiến chỉ đạo")
    coordinators = CoordinatorSerializer(many=True, help_text="the phối hợp handlers")
    informed = serializers.ListField(
        child=serializers.CharField(), help_text="usernames told for information (để biết)"
    )
    progress = ProgressNoteSerializer(many=True, help_text="cập nhật tiến độ, oldest first")


class SearchResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RESULT_KINDS)
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField(source="shown_title", allow_blank=True)
    symbol = serializers.CharField(source="shown_symbol", allow_blank=True)
    status = serializers.CharField(help_text="the document's or the receipt's status")


class AuditEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    on_behalf_of = serializers.CharField(
        source="on_behalf_of.username", allow_null=True, default=None
    )
    action = serializers.CharField()
    receipt = serializers.IntegerField(source="receipt_id", allow_null=True)
    from_status = serializers.CharField(allow_blank=True)
    to_status = serializers.CharField(allow_blank=True)
    comment = serializers.SerializerMethodField(
        help_text="empty where the comment stays with the issuer (a recipient reading a "
        "signature, say)"
    )
    # DRF's metaclass takes declared fields off the class, so Serializer.data stays intact.
    data = serializers.DictField()  # type: ignore[assignment]  # a field, not the property
    prev_hash = serializers.CharField(allow_blank=True)
    hash = serializers.CharField()

    def get_comment(self, obj) -> str:
        # Events read through selectors.trail carry what the reader may see of the comment.
        return getattr(obj, "shown_comment", obj.comment)


class TaskSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=(*selectors.TASK_KINDS, *SIDE_TASKS), source="t_kind")
    document = serializers.IntegerField(source="t_document", allow_null=True)
    receipt = serializers.IntegerField(source="t_receipt", allow_null=True)
    title = serializers.CharField(source="t_title", allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices, source="t_urgency")
    due = serializers.DateField(source="t_due", allow_null=True)
    status = serializers.CharField(source="t_status", help_text="document or receipt status")
