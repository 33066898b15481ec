"""Shapes of the API: what comes in (checked for form only; the services check the values
against the rules) and what goes out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from documents import selectors
from documents.models import (
    AuthorityPrefix,
    DocType,
    Document,
    DocumentStatus,
    Purpose,
    ReceiptStatus,
    Recipient,
    Secrecy,
    SignatureStatus,
    Urgency,
)
from orgchart.models import Organization, OrganizationKind, RoleCode
from orgchart.selectors import GROUP_CODES

from .parts import (  # noqa: F401  # re-exported for the views
    AuditEventSerializer,
    FormFieldSerializer,
    HandlingSerializer,
    ObligationInSerializer,
    ObligationSerializer,
    OwedSerializer,
    SearchResultSerializer,
    TaskSerializer,
)

User = get_user_model()


def column(model: type[models.Model], name: str, **kwargs) -> serializers.CharField:
    """A string that ends up in ``model.name`` (or is looked up there): no longer than that
    column, so that an over-long value is a field error here and never reaches the database
    (where PostgreSQL refuses it with an error). DRF's CharField also refuses NUL bytes."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return serializers.CharField(max_length=field.max_length, **kwargs)


def username_field(**kwargs) -> serializers.CharField:
    return column(User, User.USERNAME_FIELD, **kwargs)


def organization_code(**kwargs) -> serializers.CharField:
    return column(Organization, "code", **kwargs)


# ---------------------------------------------------------------------------------------------
# Errors (for the schema; exceptions.exception_handler builds them)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class ValidationErrorSerializer(ErrorSerializer):
    # DRF's metaclass takes declared fields off the class, so Serializer.errors stays intact.
    errors = serializers.DictField(  # type: ignore[assignment]  # a field, not the property
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="field (or path such as recipients.0.purpose) → messages; absent when no "
        "field is at fault (invalid_credentials)",
    )


# ---------------------------------------------------------------------------------------------
# Auth and people


class OtpSerializer(serializers.Serializer):
    otp = serializers.CharField(
        max_length=16,
        help_text="the 6-digit code of the authenticator app, or one unused backup code",
    )


class FreshUntilSerializer(serializers.Serializer):
    fresh_until = serializers.DateTimeField()


class MembershipSerializer(serializers.Serializer):
    organization = serializers.CharField(help_text="organisation code")
    organization_name = serializers.CharField()
    position = serializers.CharField()
    roles = serializers.ListField(child=serializers.ChoiceField(choices=RoleCode.choices))


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    memberships = MembershipSerializer(many=True)


class OrganizationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    # DRF's metaclass takes declared fields off the class, so Field.parent stays intact.
    parent = serializers.CharField(  # type: ignore[assignment]  # a field, not Field.parent
        source="parent.code", allow_null=True, default=None
    )
    symbol = serializers.CharField(allow_blank=True)


# ---------------------------------------------------------------------------------------------
# Documents in


PREFIXES = {p.upper(): p for p in AuthorityPrefix.values}

SIGNING_AUTHORITY_SCHEMA = {
    "oneOf": [
        {
            "type": "string",
            "description": 'Prefix only ("TM", "TM.", "KT.", "TL.", "TUQ.", "Q." or ""), '
            'optionally followed by the collective name: "TM. BAN THƯỜNG TRỰC".',
            "example": "TM.",
        },
        {
            "type": "object",
            "properties": {
                "prefix": {"type": "string", "example": "TM", "nullable": True},
                "collective_name": {
                    "type": "string",
                    "example": "BAN THƯỜNG TRỰC",
                    "nullable": True,
                },
                "signer_title": {"type": "string", "example": "PHÓ CHỦ TỊCH", "nullable": True},
                "signer": {
                    "type": "string",
                    "nullable": True,
                    "description": "username of a signer of the issuer",
                    "example": "pct.huy",
                },
            },
        },
    ],
    "nullable": True,
}


def _prefix(value: str) -> str:
    cleaned = value.strip().rstrip(".").strip().upper()
    return PREFIXES.get(cleaned, value.strip())


@extend_schema_field(SIGNING_AUTHORITY_SCHEMA)
class SigningAuthorityField(serializers.Field):
    """Thể thức ký: accepted as an object, or as a string holding the prefix (and optionally
    the collective name). Resolves to the service's keyword arguments."""

    # DRF formats the message, so the object's braces are doubled.
    default_error_messages = {
        "invalid": _(
            'Thể thức ký là một chuỗi như "TM." hoặc một đối tượng gồm prefix, '
            "collective_name, signer_title, signer."
        )
    }

    #: key of the object → (argument of the service, how its string is checked)
    PARTS = {
        "prefix": ("authority_prefix", None),
        "authority_prefix": ("authority_prefix", None),
        "collective_name": ("collective_name", (Document, "collective_name")),
        "signer_title": ("signer_title", (Document, "signer_title")),
        "signer": ("signer", (User, User.USERNAME_FIELD)),
    }

    def _text(self, key: str, value: str) -> str:
        """One string of the field, checked as the column it goes to; errors under its key."""
        _target, target_column = self.PARTS[key]
        if target_column is None:
            checker = serializers.CharField(allow_blank=True, trim_whitespace=False)
        else:
            checker = column(*target_column, allow_blank=True, trim_whitespace=False)
        try:
            return checker.run_validation(value)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({key: error.detail}) from None

    def to_internal_value(self, data):
        if data is None:
            return {}
        if isinstance(data, str):
            text = self._text("prefix", data).strip()
            head, _sep, rest = text.replace(".", ". ", 1).partition(" ")
            if head.rstrip(".").upper() in PREFIXES and rest.strip():
                name = self._text("collective_name", rest.strip())
                return {"authority_prefix": _prefix(head), "collective_name": name}
            return {"authority_prefix": _prefix(text)}
        if not isinstance(data, dict):
            self.fail("invalid")
        result = {}
        for key, (target, _checked) in self.PARTS.items():
            if key not in data:
                continue
            value = data[key]
            if value is not None and not isinstance(value, str):
                raise serializers.ValidationError({key: [self.error_messages["invalid"]]})
            value = self._text(key, value or "")
            if target == "authority_prefix":
                result[target] = _prefix(value)
            elif target == "signer":
                result[target] = value or None
            else:
                result[target] = value
        return result

    def to_representation(self, value):
        return value


class RecipientInSerializer(serializers.Serializer):
    organization = organization_code(
        required=False, allow_null=True, help_text="organisation code (or give name or group)"
    )
    group = serializers.ChoiceField(
        choices=GROUP_CODES,
        required=False,
        help_text="a group of the org chart, seen from the issuer: every member is a recipient",
    )
    exclude = serializers.ListField(
        child=organization_code(),
        required=False,
        help_text="codes of the group's members left out",
    )
    name = column(
        Recipient, "name", required=False, allow_blank=True, help_text="outside recipient"
    )
    email = column(Recipient, "email", required=False, allow_blank=True)
    purpose = serializers.ChoiceField(choices=Purpose.choices)


class DocumentWriteSerializer(serializers.Serializer):
    """Everything a drafter may set. On PATCH every field is optional."""

    issuer = organization_code(help_text="organisation code of the issuer")
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    title = column(Document, "title", allow_blank=True, trim_whitespace=False)
    body = column(Document, "body", required=False, allow_blank=True, trim_whitespace=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices, required=False)
    signing_authority = SigningAuthorityField(required=False, allow_null=True)
    authority_prefix = serializers.CharField(required=False, allow_blank=True)
    collective_name = column(Document, "collective_name", required=False, allow_blank=True)
    signer_title = column(Document, "signer_title", required=False, allow_blank=True)
    signer = username_field(
        required=False, allow_null=True, help_text="username of a signer of the issuer"
    )
    recipients = RecipientInSerializer(many=True, required=False)
    references = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        help_text="ids of incoming receipts of the issuer (the 'căn cứ' it implements)",
    )
    luu = column(Document, "luu", required=False, allow_blank=True, help_text="Lưu line")
    obligations = ObligationInSerializer(
        many=True, required=False, help_text="plans or reports the recipients owe (§15.5)"
    )
    replies_to = serializers.IntegerField(
        min_value=1,
        max_value=2**62,
        required=False,
        allow_null=True,
        help_text="id of the issuer's own receipt this document answers",
    )
    fulfils = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        max_length=50,
        help_text="ids of that receipt's obligations this document fulfils",
    )
    fulfils_periods = serializers.DictField(
        child=serializers.CharField(max_length=10),
        required=False,
        help_text="the period answered of a recurring obligation in `fulfils`, "
        '{"<obligation id>": "<period key>"} (2023-06, 2023-Q2, 2023-H1, 2023); left out, '
        "the earliest period the issuer has not fulfilled yet",
    )
    answers = serializers.DictField(
        child=serializers.DictField(
            child=serializers.CharField(allow_blank=True, max_length=2000, trim_whitespace=True)
        ),
        required=False,
        help_text="a form report's answers: {obligation id: {field key: value}}, for obligations "
        "in `fulfils` that have a `form`; numbers may be sent as numbers or as text",
    )
    can_cu = column(
        Document,
        "can_cu",
        required=False,
        allow_blank=True,
        help_text="Căn cứ: legal bases, one a line, without the closing ';' or '.'",
    )

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        authority = data.pop("signing_authority", None) or {}
        if "authority_prefix" in data:
            data["authority_prefix"] = _prefix(data["authority_prefix"])
        # Flat fields win over the object when both are sent.
        for key, value in authority.items():
            data.setdefault(key, value)
        if "obligations" in data:
            data["obligations"] = [
                {**dict(o), "form": [dict(f) for f in o.get("form", [])]}
                for o in data["obligations"]
            ]
        if "recipients" in data:
            data["recipients"] = [
                {k: v for k, v in dict(r).items() if k != "organization" or v is not None}
                for r in data["recipients"]
            ]
        return data


class DocumentEditSerializer(DocumentWriteSerializer):
    # DRF's documented way of removing an inherited field; the stubs do not model it.
    issuer = None  # type: ignore[assignment]  # drops the field

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "return"])
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="required to return"
    )


class SignSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["sign", "return"], default="sign")
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="required to return"
    )


class HandOverSerializer(serializers.Serializer):
    signer = username_field(help_text="username of another signer of the issuing organisation")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class ChaseSerializer(serializers.Serializer):
    receipts = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=5000,
        help_text="ids of the document's receipts to chase (its copies that still lag)",
    )


class AcknowledgeSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        max_length=2000,
        help_text=(
            "Required when the receipt's signature_status is invalid (else 409 "
            "signature_invalid): why the clerk registers it anyway; kept in the audit trail."
        ),
    )


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, DOCX, XLSX, ODT, PNG or JPEG; checked by content")


# ---------------------------------------------------------------------------------------------
# Documents out


class RecipientSerializer(serializers.Serializer):
    organization = serializers.CharField(source="organization.code", allow_null=True, default=None)
    name = serializers.CharField(source="display_name")
    purpose = serializers.ChoiceField(choices=Purpose.choices)


class SigningAuthoritySerializer(serializers.Serializer):
    prefix = serializers.CharField(source="authority_prefix", allow_blank=True)
    collective_name = serializers.CharField(allow_blank=True)
    signer_title = serializers.CharField(allow_blank=True)
    signer = serializers.CharField(source="signer.username", allow_null=True, default=None)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_by = serializers.CharField(source="uploaded_by.username", allow_null=True)
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(
        help_text="absolute URL of the download (`?inline=1` opens a PDF or an image in place)"
    )

    def get_url(self, obj) -> str:
        path = reverse(
            "api:document-attachment", kwargs={"pk": obj.document_id, "attachment_id": obj.pk}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ActorContextMixin:
    #: Provided by the serializer this is mixed into.
    context: dict[str, Any]

    def _actions(self, obj) -> list[str]:
        request = self.context["request"]
        return selectors.allowed_actions(
            request.user, obj, self.context["grants"], known_visible=True
        )


class DocumentSerializer(ActorContextMixin, serializers.Serializer):
    id = serializers.IntegerField()
    issuer = serializers.CharField(source="issuer.code")
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    title = serializers.CharField()
    body = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=DocumentStatus.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    secrecy = serializers.ChoiceField(choices=Secrecy.choices)
    number = serializers.IntegerField(allow_null=True)
    symbol = serializers.CharField(allow_blank=True)
    issued_at = serializers.DateTimeField(allow_null=True)
    signer = serializers.CharField(source="signer.username", allow_null=True, default=None)
    signing_authority = SigningAuthoritySerializer(source="*")
    drafter = serializers.CharField(source="drafter.username")
    recipients = RecipientSerializer(many=True)
    references = serializers.SerializerMethodField(help_text="ids of incoming receipts")
    luu = serializers.CharField(allow_blank=True)
    can_cu = serializers.CharField(allow_blank=True, help_text="Căn cứ, one a line")
    attachments = AttachmentSerializer(many=True)
    version = serializers.IntegerField()
    available_actions = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, obj) -> list[str]:
        return self._actions(obj)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_references(self, obj) -> list[int]:
        return [r.pk for r in obj.references.all()]


class ReceiptSerializer(ActorContextMixin, serializers.Serializer):
    id = serializers.IntegerField()
    document = serializers.IntegerField(source="document_id", allow_null=True)
    organization = serializers.CharField(source="organization.code", allow_null=True, default=None)
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    status = serializers.ChoiceField(choices=ReceiptStatus.choices)
    code = serializers.CharField(allow_null=True, help_text="QCVN 102 status code")
    incoming_number = serializers.IntegerField(allow_null=True)
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    deadline = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField()
    title = serializers.SerializerMethodField()
    symbol = serializers.SerializerMethodField()
    issuer = serializers.CharField(source="document.issuer.code", allow_null=True, default=None)
    sender_name = serializers.CharField(allow_blank=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    delivered_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    signature_status = serializers.ChoiceField(
        choices=SignatureStatus.choices,
        read_only=True,
        help_text="the issuer's and the organisation's signatures checked on delivery against "
        "the configured trust roots: valid, invalid or unsigned",
    )
    reason = serializers.CharField(allow_blank=True)
    report = serializers.CharField(allow_blank=True)
    delivery_problem = serializers.CharField(
        allow_blank=True,
        help_text="why the copy has not reached the recipient yet (no clerk, no e-mail, a "
        "secret document for an outside recipient); empty when all is well",
    )
    available_actions = serializers.SerializerMethodField()
    obligations = serializers.SerializerMethodField()
    handling = serializers.SerializerMethodField(
        help_text="the assignment at the receiving organisation — the ý kiến chỉ đạo, the "
        "phối hợp handlers with their contributions, the people để biết and the progress "
        "notes, oldest first — for that organisation's people and those it names; null for "
        "the issuer's side and before assignment"
    )

    def get_title(self, obj) -> str:
        return obj.document.title if obj.document_id else obj.sender_title

    @extend_schema_field(OwedSerializer(many=True))
    def get_obligations(self, obj) -> list:
        return list(OwedSerializer(selectors.owed(obj), many=True).data)

    @extend_schema_field(HandlingSerializer(allow_null=True))
    def get_handling(self, obj) -> dict | None:
        handling = selectors.handling_of(
            obj, user=self.context["request"].user, grants=self.context["grants"]
        )
        if handling is None:
            return None
        return HandlingSerializer(
            {
                "instruction": handling.instruction,
                "coordinators": handling.coordinators,
                "informed": [h.user.username for h in handling.informed],
                "progress": handling.progress,
            }
        ).data

    def get_symbol(self, obj) -> str:
        return obj.document.symbol if obj.document_id else obj.sender_symbol

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, obj) -> list[str]:
        return self._actions(obj)


class AssignSerializer(serializers.Serializer):
    assignee = username_field(
        help_text="username of a member of the receiving organisation: the chủ trì handler"
    )
    deadline = serializers.DateField(required=False, allow_null=True, help_text="YYYY-MM-DD")
    coordinators = serializers.ListField(
        child=username_field(),
        required=False,
        default=list,
        help_text="usernames of the phối hợp handlers (members of the receiving organisation); "
        "each gets a 'coordinate' task",
    )
    informed = serializers.ListField(
        child=username_field(),
        required=False,
        default=list,
        help_text="usernames of the people told for information (để biết)",
    )
    instruction = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="ý kiến chỉ đạo"
    )


class ProgressSerializer(serializers.Serializer):
    note = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="cập nhật tiến độ"
    )


class ContributionSerializer(serializers.Serializer):
    contribution = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        help_text="the phối hợp handler's part, sent to the chủ trì",
    )


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField(allow_blank=True, required=False, default="")
