"""Forms of the UI. They only collect input; the services validate and act."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import CharField
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from documents import uploads
from documents.models import (
    AuthorityPrefix,
    DocType,
    Document,
    Purpose,
    Recipient,
    Secrecy,
    Urgency,
)
from documents.obligations import ObligationKind
from documents.periods import Recurrence
from documents.services.obligations import EVERY_EXECUTING
from documents.templatetags.vanban import ho_ten
from orgchart.models import Organization

from .report_fields import day_field, form_fields

User = get_user_model()


def column_length(name: str) -> int | None:
    """The length of a document's column: what a field of these forms may hold (on PostgreSQL
    a longer value would reach the database as an error)."""
    return Document._meta.get_field(name).max_length


def column_length_of(name: str) -> int | None:
    """The same for a recipient's column."""
    return cast(CharField, Recipient._meta.get_field(name)).max_length


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (``<input type=file multiple>``), cleaned one by one."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data if item]
        return [one(data, initial)] if data else []


class SignerChoiceField(forms.ModelChoiceField):
    """The people who may sign for the issuer, each with the post that titles the signature."""

    def __init__(self, *args, issuer: Organization | None = None, **kwargs):
        self.issuer = issuer
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        from orgchart.selectors import position_title

        title = position_title(obj, self.issuer.pk) if self.issuer is not None else ""
        return f"{ho_ten(obj)} — {title}" if title else ho_ten(obj)


#: How many single organisations and outside recipients the form offers at once.
EXTRA_ROWS = 2

#: The purpose a group's line usually carries in Nơi nhận (b/c upwards, t/h downwards).
GROUP_PURPOSES = {"superiors": Purpose.REPORT}


#: Obligation rows on the draft form; the API takes up to MAX_OBLIGATIONS.
OBLIGATION_ROWS = 2


class ObligationRows:
    """What the draft asks of its recipients that act (design §15.5): a plan of their own or a
    report, its title and due date, from every recipient to execute unless some are chosen.
    The service checks them against the recipients it expands."""

    fields: dict
    cleaned_data: dict

    def add_obligation_fields(self, organizations) -> None:
        choices = [(o.code, o.name) for o in organizations]
        for n in range(1, OBLIGATION_ROWS + 1):
            self.fields[f"obl_kind_{n}"] = forms.ChoiceField(
                label=_("Yêu cầu"),
                choices=[("", _("— không —")), *ObligationKind.choices],
                required=False,
            )
            self.fields[f"obl_title_{n}"] = forms.CharField(
                label=_("Nội dung yêu cầu"), required=False, max_length=255
            )
            self.fields[f"obl_due_{n}"] = day_field(_("Hạn nộp"))
            self.fields[f"obl_recur_{n}"] = forms.ChoiceField(
                label=_("Định kỳ"), choices=Recurrence.choices, required=False
            )
            self.fields[f"obl_until_{n}"] = day_field(
                _("Đến ngày"),
                help_text=_(
                    "Hạn nộp cuối cùng khi báo cáo định kỳ; để trống: đến hết năm của hạn nộp "
                    "đầu tiên."
                ),
            )
            self.fields[f"obl_orgs_{n}"] = forms.MultipleChoiceField(
                label=_("Đơn vị phải nộp"),
                choices=choices,
                required=False,
                help_text=_("Để trống: mọi nơi nhận để thực hiện."),
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
            self.fields[f"obl_form_{n}"] = forms.CharField(
                label=_("Các chỉ tiêu báo cáo"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_(
                    "Mỗi dòng một chỉ tiêu mà các đơn vị điền số liệu, ví dụ “Số buổi tuyên "
                    "truyền”; thêm “(chữ)” ở cuối dòng cho chỉ tiêu ghi bằng chữ."
                ),
            )

    def obligation_rows(self):
        bound = cast(forms.Form, self)
        return [
            [
                bound[f"obl_{part}_{n}"]
                for part in ("kind", "title", "due", "recur", "until", "orgs", "form")
            ]
            for n in range(1, OBLIGATION_ROWS + 1)
        ]

    def check_obligation_rows(self) -> None:
        """A row with a kind needs its title and due date, said on their fields in the form's
        own words (the service would ask for an ISO date)."""
        form = cast(forms.Form, self)
        for n in range(1, OBLIGATION_ROWS + 1):
            if not self.cleaned_data.get(f"obl_kind_{n}"):
                continue
            for part in ("title", "due"):
                name = f"obl_{part}_{n}"
                if not self.cleaned_data.get(name) and name not in form.errors:
                    form.add_error(name, _("Không được để trống."))

    def obligations(self) -> list[dict]:
        """The rows filled in, as the service takes them; a row with a kind and nothing else
        still goes, so that the service names what it lacks."""
        data, items = self.cleaned_data, []
        for n in range(1, OBLIGATION_ROWS + 1):
            kind = data.get(f"obl_kind_{n}") or ""
            if not kind:
                continue
            due, until = data.get(f"obl_due_{n}"), data.get(f"obl_until_{n}")
            items.append(
                {
                    "kind": kind,
                    "title": data.get(f"obl_title_{n}") or "",
                    "due": due.isoformat() if due else "",
                    "recurrence": data.get(f"obl_recur_{n}") or "",
                    "until": until.isoformat() if until else None,
                    "organizations": data.get(f"obl_orgs_{n}") or EVERY_EXECUTING,
                    "form": form_fields(data.get(f"obl_form_{n}") or ""),
                }
            )
        return items


class DraftForm(ObligationRows, forms.Form):
    """The draft as the drafter types it. Recipients come as groups of the org chart (each
    member a checkbox, so one can be left out), single organisations and outside recipients
    with an e-mail; the service expands, checks and orders them."""

    doc_type = forms.ChoiceField(
        label=_("Loại văn bản"), choices=DocType.choices, initial=DocType.KH
    )
    title = forms.CharField(label=_("Trích yếu"), max_length=column_length("title"))
    can_cu = forms.CharField(
        label=_("Căn cứ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Mỗi dòng một căn cứ. Khi in, các dòng được in nghiêng, kết thúc bằng dấu “;”, "
            "dòng cuối bằng dấu “.”."
        ),
    )
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
    signer = SignerChoiceField(
        label=_("Người ký"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— chưa chọn —"),
        help_text=_("Chức vụ dưới chữ ký lấy theo chức vụ của người ký."),
    )
    attachments = MultipleFileField(
        label=_("Tệp đính kèm"),
        required=False,
        help_text=_(
            "Có thể chọn nhiều tệp. PDF, DOCX, XLSX, ODT, PNG hoặc JPEG; mỗi tệp tối đa "
            "%(limit)s MB."
        ),
        widget=MultipleFileInput(attrs={"accept": uploads.EXTENSIONS}),
    )

    #: An answer to one's own copy (design §15.5): the copy and the obligations it fulfils,
    #: carried from the copy's page; the service checks both.
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reply_fulfils = forms.CharField(required=False, widget=forms.HiddenInput)
    #: A recurring obligation's period the answer is for (views.answers.period_choices).
    reply_period = forms.ChoiceField(
        label=_("Kỳ báo cáo"),
        required=False,
        choices=[],
        help_text=_("Báo cáo gửi lại cho một kỳ đã nộp thay báo cáo trước của kỳ đó."),
    )

    #: The fields drawn by hand in the recipients' part of the template.
    RECIPIENT_PREFIXES = ("purpose_", "members_", "org_", "name_", "email_")
    OWN_PARTS = (*RECIPIENT_PREFIXES, "obl_", "reply_")

    def __init__(self, *args, issuer: Organization, reply_periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        from orgchart.selectors import recipient_groups, signers_of

        cast(forms.ChoiceField, self.fields["reply_period"]).choices = list(reply_periods)

        signer = cast(SignerChoiceField, self.fields["signer"])
        signer.issuer = issuer
        signer.queryset = signers_of(issuer)
        attachments = self.fields["attachments"]
        attachments.help_text = attachments.help_text % {"limit": uploads.limit_in_mb()}
        self.attachment_types: list[str] = []
        #: The service's refusals of the recipients (InvalidInput under ``recipients``) and
        #: of the obligations (under ``obligations``), said in their own parts of the form.
        self.recipient_messages: list[str] = []
        self.obligation_messages: list[str] = []
        self.groups = recipient_groups(issuer)
        for group in self.groups:
            self.fields[f"purpose_{group.code}"] = forms.ChoiceField(
                label=_("Mục đích"),
                choices=Purpose.choices,
                required=False,
                initial=GROUP_PURPOSES.get(group.code, Purpose.EXECUTE),
            )
            self.fields[f"members_{group.code}"] = forms.MultipleChoiceField(
                label=group.label,
                choices=[(o.code, o.name) for o in group.members],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        others = Organization.objects.active().exclude(pk=issuer.pk).order_by("order", "code")
        org_choices = [("", _("— chọn cơ quan —")), *((o.code, o.name) for o in others)]
        for n in range(1, EXTRA_ROWS + 1):
            self.fields[f"org_{n}"] = forms.ChoiceField(
                label=_("Cơ quan"), choices=org_choices, required=False
            )
            self.fields[f"org_purpose_{n}"] = forms.ChoiceField(
                label=_("Mục đích"),
                choices=Purpose.choices,
                required=False,
                initial=Purpose.EXECUTE,
            )
            self.fields[f"name_{n}"] = forms.CharField(
                label=_("Tên nơi nhận"), required=False, max_length=column_length_of("name")
            )
            self.fields[f"email_{n}"] = forms.CharField(
                label=_("Thư điện tử"),
                required=False,
                max_length=column_length_of("email"),
                widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            )
            self.fields[f"name_purpose_{n}"] = forms.ChoiceField(
                label=_("Mục đích"),
                choices=Purpose.choices,
                required=False,
                initial=Purpose.EXECUTE,
            )
        self.add_obligation_fields(others)

    def clean(self):
        cleaned = super().clean()
        self.check_obligation_rows()
        return cleaned

    def clean_attachments(self):
        """Each file gets the API's own check (documents.uploads): size, name, type from the
        bytes. A refused file is named in the error; then nothing is saved."""
        files = self.cleaned_data.get("attachments") or []
        problems: list[str] = []
        self.attachment_types = []
        for upload in files:
            try:
                self.attachment_types.append(uploads.check(upload))
            except ValidationError as error:
                problems.extend(f"{upload.name}: {message}" for message in error.messages)
        if problems:
            raise ValidationError(problems)
        return files

    def fulfils(self) -> list[str]:
        return [v for v in (self.cleaned_data.get("reply_fulfils") or "").split(",") if v]

    def fulfils_periods(self) -> dict[str, str] | None:
        period, fulfils = self.cleaned_data.get("reply_period"), self.fulfils()
        return {fulfils[0]: period} if period and len(fulfils) == 1 else None

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith(self.OWN_PARTS)]

    def group_rows(self):
        return [
            (group, self[f"purpose_{group.code}"], self[f"members_{group.code}"])
            for group in self.groups
        ]

    def org_rows(self):
        return [(self[f"org_{n}"], self[f"org_purpose_{n}"]) for n in range(1, EXTRA_ROWS + 1)]

    def name_rows(self):
        return [
            (self[f"name_{n}"], self[f"email_{n}"], self[f"name_purpose_{n}"])
            for n in range(1, EXTRA_ROWS + 1)
        ]

    def purpose(self, name: str) -> str:
        """A purpose select left out of the post means its preset purpose."""
        return self.cleaned_data.get(name) or self.fields[name].initial

    def recipient_errors(self) -> list[str]:
        """The errors of the recipients' part: the service's, then those of its fields."""
        found = list(self.recipient_messages)
        for name, errors in self.errors.items():
            if name.startswith(self.RECIPIENT_PREFIXES):
                found.extend(f"{self.fields[name].label}: {e}" for e in errors)
        return found

    def recipients(self) -> list[dict]:
        """What the service takes: a group with the members left unticked excluded, then the
        single organisations, then the outside recipients; the service sets them in the
        order of Nơi nhận."""
        data = self.cleaned_data
        items: list[dict] = []
        for group in self.groups:
            chosen = set(data.get(f"members_{group.code}") or [])
            if chosen:
                items.append(
                    {
                        "group": group.code,
                        "purpose": self.purpose(f"purpose_{group.code}"),
                        "exclude": [o.code for o in group.members if o.code not in chosen],
                    }
                )
        items.extend(
            {"organization": data[f"org_{n}"], "purpose": self.purpose(f"org_purpose_{n}")}
            for n in range(1, EXTRA_ROWS + 1)
            if data.get(f"org_{n}")
        )
        for n in range(1, EXTRA_ROWS + 1):
            name, email = data.get(f"name_{n}") or "", data.get(f"email_{n}") or ""
            if name.strip() or email.strip():
                purpose = self.purpose(f"name_purpose_{n}")
                items.append({"name": name, "email": email, "purpose": purpose})
        return items


class ReviseForm(forms.Form):
    title = forms.CharField(label=_("Trích yếu"), max_length=column_length("title"))
    can_cu = forms.CharField(
        label=_("Căn cứ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một căn cứ."),
    )
    body = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    comment = forms.CharField(
        label=_("Ý kiến giải trình"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
