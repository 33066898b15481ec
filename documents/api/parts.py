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
from documents.periods import Recurrence
from documents.selectors.search import RESULT_KINDS
from orgchart.models import Organization


class FormFieldSerializer(serializers.Serializer):
    key = serializers.CharField(
        required=False,
        max_length=40,
        help_text="a-z, 0-9 and _, starting with a letter; made from the position when left out",
    )
    # DRF's metaclass takes declared fields off the class; the stubs see Field.label.
    label = serializers.CharField(max_length=200)  # type: ignore[assignment]  # a field
    type = serializers.ChoiceField(choices=["number", "text"], default="number")


class ObligationInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ObligationKind.choices)
    title = serializers.CharField(max_length=255)
    due = serializers.DateField(help_text="the due date, the first one when it recurs")
    recurrence = serializers.ChoiceField(
        choices=Recurrence.choices,
        required=False,
        allow_blank=True,
        help_text='"" once (the default), or again every month, quarter, half-year or year '
        "from `due` on",
    )
    until = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="a recurring obligation's last due date: by default 31 December of the first "
        "due date's year, at most 5 years after it",
    )
    organizations = serializers.ListField(
        child=serializers.CharField(max_length=Organization._meta.get_field("code").max_length),
        max_length=500,
        help_text="codes of recipients that execute",
    )
    form = FormFieldSerializer(  # type: ignore[call-arg]  # max_length goes to ListSerializer
        many=True,
        required=False,
        max_length=30,
        help_text="a form report: the figures and answers each reply gives as data",
    )


class PeriodSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="2023-06, 2023-Q2, 2023-H1 or 2023")
    label = serializers.CharField(  # type: ignore[assignment]  # a field
        help_text="tháng 6/2023, quý II/2023, 6 tháng đầu năm 2023, …"
    )
    due = serializers.DateField()


class OwedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="the obligation's id, for `fulfils`")
    kind = serializers.ChoiceField(choices=ObligationKind.choices)
    title = serializers.CharField()
    due = serializers.DateField(help_text="the due date of the period owed")
    status = serializers.ChoiceField(choices=ItemStatus.choices)
    period = serializers.CharField(
        allow_null=True,
        help_text="a recurring obligation: the key of the next period not yet fulfilled (for "
        "`fulfils_periods`); null for a one-off one",
    )
    period_label = serializers.CharField(allow_blank=True)


class ObligationItemSerializer(serializers.Serializer):
    organization = serializers.CharField(source="item.organization.code")
    period = serializers.CharField(
        source="period_.key", allow_null=True, help_text="the period's key; null for a one-off"
    )
    period_label = serializers.CharField(source="period_.label", allow_blank=True)
    due = serializers.DateField(source="item.due", help_text="the period's due date")
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
    due = serializers.DateField(source="obligation.due", help_text="the first due date")
    recurrence = serializers.ChoiceField(
        choices=Recurrence.choices, source="obligation.recurrence", allow_blank=True
    )
    until = serializers.DateField(source="obligation.until", allow_null=True)
    periods = PeriodSerializer(
        many=True, help_text="every period of a recurring obligation; empty for a one-off"
    )
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
