"""Forms of the UI. They only collect input; the services validate and act."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from documents import uploads
from documents.models import AuthorityPrefix, DocType, Document, Purpose, Secrecy, Urgency
from documents.templatetags.vanban import ho_ten
from orgchart.models import Organization

User = get_user_model()


def column_length(name: str) -> int | None:
    """The length of a document's column: what a field of these forms may hold (on PostgreSQL
    a longer value would reach the database as an error)."""
    return Document._meta.get_field(name).max_length


class PersonChoiceField(forms.ModelChoiceField):
    """A choice of user, each shown by full name."""

    def label_from_instance(self, obj) -> str:
        return ho_ten(obj)


class MemberChoiceField(forms.ModelChoiceField):
    """A choice of user, each shown by full name and user name."""

    def label_from_instance(self, obj) -> str:
        return f"{ho_ten(obj)} ({obj.username})"


def _otp_help_text() -> str:
    return _(
        "6 số trong ứng dụng xác thực, hoặc một mã dự phòng. Sau khi nhập, bạn không phải nhập "
        "lại trong %(minutes)d phút."
    ) % {"minutes": settings.OTP_FRESH_SECONDS // 60}


_otp_help = lazy(_otp_help_text, str)


class OtpField(forms.CharField):
    """The one-time code a signer or clerk gives before the first step-up action in a window
    (documents.stepup checks it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Mã xác thực (OTP)"))
        kwargs.setdefault("help_text", _otp_help())
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10}
            ),
        )
        super().__init__(**kwargs)


class OtpForm(forms.Form):
    otp = OtpField(required=True, help_text="")


class ConfirmForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def decision_field(choices) -> forms.ChoiceField:
    """The decision of a task screen: nothing chosen beforehand, so that no single click
    approves, signs or registers a document unread."""
    return forms.ChoiceField(
        label=_("Quyết định"),
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn một quyết định.")},
    )


class DecisionForm(forms.Form):
    """A check that either passes the draft on or returns it. A return needs a comment: asked
    for here, on the field, before the service (which enforces it too) is called."""

    comment = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi trả lại."),
    )


class ReviewForm(DecisionForm):
    decision = decision_field(
        [("approve", _("Đồng ý, chuyển bước tiếp")), ("return", _("Trả lại để sửa"))]
    )
    field_order = ["decision", "comment"]


class SignForm(DecisionForm):
    decision = decision_field(
        [
            ("sign", _("Ký ban hành")),
            ("return", _("Trả lại để sửa")),
            ("hand_over", _("Chuyển cho người ký khác")),
        ]
    )
    signer = PersonChoiceField(
        label=_("Người ký thay"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Khi chuyển cho người ký khác."),
    )
    field_order = ["decision", "signer", "comment"]

    def __init__(self, *args, issuer: Organization | None = None, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        from orgchart.selectors import signers_of

        signer = cast(PersonChoiceField, self.fields["signer"])
        if issuer is not None:
            signer.queryset = signers_of(issuer).exclude(pk=getattr(exclude, "pk", None))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "hand_over" and not data.get("signer"):
            self.add_error("signer", _("Chọn người ký thay."))
        return data


class ReceiveForm(forms.Form):
    decision = decision_field(
        [
            ("acknowledge", _("Tiếp nhận, vào sổ văn bản đến")),
            ("refuse", _("Từ chối tiếp nhận")),
        ]
    )
    reason = forms.CharField(
        label=_("Lý do từ chối"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi từ chối."),
    )


def override_reason_field() -> forms.CharField:
    """Shown when the document's signatures did not verify on arrival: it is registered only
    with the clerk's reason, kept in the trail."""
    return forms.CharField(
        label=_("Lý do vẫn tiếp nhận"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Chữ ký số của văn bản không hợp lệ. Chỉ tiếp nhận khi đã đối chiếu với nơi gửi; "
            "nêu lý do."
        ),
    )


class MembersChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{ho_ten(obj)} ({obj.username})"


class AssignForm(forms.Form):
    """One chủ trì handler, any phối hợp handlers and people để biết, all of the receiving
    organisation; the service refuses a person named twice, on the field concerned."""

    assignee = MemberChoiceField(label=_("Chủ trì xử lý"), queryset=User.objects.none())
    coordinators = MembersChoiceField(
        label=_("Phối hợp xử lý"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    informed = MembersChoiceField(
        label=_("Để biết"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    instruction = forms.CharField(
        label=_("Ý kiến chỉ đạo"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    # A text field in the Vietnamese order: the browser's date widget shows its own locale.
    deadline = forms.DateField(
        label=_("Hạn xử lý"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": _("ngày/tháng/năm, ví dụ 31/12/2026")}
        ),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        from orgchart.models import Membership

        members = Membership.objects.active().filter(organization=organization).values("user_id")
        people = User.objects.filter(pk__in=members, is_active=True).order_by("username")
        for name in ("assignee", "coordinators", "informed"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = people


class ReportForm(forms.Form):
    report = forms.CharField(
        label=_("Báo cáo kết quả xử lý"), widget=forms.Textarea(attrs={"rows": 5})
    )


class DraftForm(forms.Form):
    doc_type = forms.ChoiceField(
        label=_("Loại văn bản"), choices=DocType.choices, initial=DocType.KH
    )
    title = forms.CharField(label=_("Trích yếu"), max_length=column_length("title"))
    body = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    urgency = forms.ChoiceField(label=_("Độ khẩn"), choices=Urgency.choices, initial=Urgency.NORMAL)
    secrecy = forms.ChoiceField(label=_("Độ mật"), choices=Secrecy.choices, initial=Secrecy.NORMAL)
    authority_prefix = forms.ChoiceField(
        label=_("Quyền hạn ký"), choices=AuthorityPrefix.choices, required=False, initial="TM"
    )
    collective_name = forms.CharField(
        label=_("Tập thể/cơ quan"),
        required=False,
        initial="BAN THƯỜNG TRỰC",
        max_length=column_length("collective_name"),
    )
    signer_title = forms.CharField(
        label=_("Chức vụ người ký"),
        required=False,
        initial="PHÓ CHỦ TỊCH",
        max_length=column_length("signer_title"),
    )
    signer = PersonChoiceField(label=_("Người ký"), queryset=User.objects.none(), required=False)
    attachments = forms.FileField(
        label=_("Tệp đính kèm"),
        required=False,
        help_text=_("PDF, DOCX, XLSX, ODT, PNG hoặc JPEG; tối đa %(limit)s MB."),
        widget=forms.ClearableFileInput(attrs={"multiple": False, "accept": uploads.EXTENSIONS}),
    )

    def __init__(self, *args, issuer: Organization, recipients, **kwargs):
        super().__init__(*args, **kwargs)
        from orgchart.selectors import signers_of

        signer = cast(PersonChoiceField, self.fields["signer"])
        signer.queryset = signers_of(issuer)
        attachments = self.fields["attachments"]
        attachments.help_text = attachments.help_text % {"limit": uploads.limit_in_mb()}
        self.recipient_orgs = list(recipients)
        purposes = [("", _("— không gửi —")), *Purpose.choices]
        for org in self.recipient_orgs:
            self.fields[f"purpose_{org.code}"] = forms.ChoiceField(
                label=org.name, choices=purposes, required=False
            )

    def clean_attachments(self):
        """The same check as the API's (documents.uploads): size, name, type from the bytes."""
        upload = self.cleaned_data.get("attachments")
        self.attachment_type = uploads.check(upload) if upload else None
        return upload

    def recipient_fields(self):
        return [self[f"purpose_{org.code}"] for org in self.recipient_orgs]

    def recipients(self) -> list[dict]:
        return [
            {"organization": org.code, "purpose": self.cleaned_data[f"purpose_{org.code}"]}
            for org in self.recipient_orgs
            if self.cleaned_data.get(f"purpose_{org.code}")
        ]


class ReviseForm(forms.Form):
    title = forms.CharField(label=_("Trích yếu"), max_length=column_length("title"))
    body = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    comment = forms.CharField(
        label=_("Ý kiến giải trình"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
