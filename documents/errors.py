"""Errors of the service layer. Each maps to one HTTP status in the API and to one message
in the UI, in the language of the request."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    status_code = 400
    default_code = "error"
    default_detail = _("Yêu cầu không hợp lệ.")

    def __init__(
        self, detail=None, *, code: str | None = None, subject=None, field: str | None = None
    ):
        self.detail = detail if detail is not None else self.default_detail
        self.code = code or self.default_code
        #: The existing object a NotFound or Forbidden refused (a document or a receipt),
        #: for the record of refusals (documents.refusals); None when nothing was named.
        self.subject = subject
        #: What the person can change on the screen to be let through: the input's name, ""
        #: for the screen as a whole; None when the refusal is about the object's state.
        self.field = field
        super().__init__(str(self.detail))

    def messages(self) -> list[str]:
        """What a screen says of the refusal, one message a line."""
        return [str(self.detail)]


class NotFound(ServiceError):
    """The object does not exist or the actor may not know it exists."""

    status_code = 404
    default_code = "not_found"
    default_detail = _("Không tìm thấy.")


class Forbidden(ServiceError):
    """The actor sees the object but may not take this action on it."""

    status_code = 403
    default_code = "permission_denied"
    default_detail = _("Bạn không có quyền thực hiện thao tác này.")


class Conflict(ServiceError):
    """The object is not in a state that allows the action, or a concurrent change won."""

    status_code = 409
    default_code = "invalid_state"
    default_detail = _("Văn bản không ở trạng thái cho phép thao tác này.")


class ConcurrentChange(Conflict):
    default_code = "concurrent_change"
    default_detail = _("Người khác vừa xử lý văn bản này; hãy tải lại.")


class InvalidInput(ServiceError):
    """Field errors: ``errors`` maps a field name to a list of messages."""

    status_code = 400
    default_code = "invalid"
    default_detail = _("Dữ liệu không hợp lệ.")

    def __init__(self, errors: dict[str, list[str]], detail=None):
        self.errors = {field: [str(m) for m in msgs] for field, msgs in errors.items()}
        super().__init__(detail)

    def messages(self) -> list[str]:
        return [m for msgs in self.errors.values() for m in msgs]


class OtpRequired(Forbidden):
    """A step-up action by a signer or a clerk, without a fresh one-time code."""

    default_code = "otp_required"
    default_detail = _(
        "Thao tác này cần mã xác thực một lần (OTP): hãy nhập mã 6 số trong ứng dụng xác thực."
    )


#: The detail of ``OtpRequired`` for a person who has no authenticator yet.
ENROL_DETAIL = _(
    "Thao tác này cần mã xác thực một lần (OTP), nhưng tài khoản của bạn chưa đăng ký ứng dụng "
    "xác thực: hãy đăng ký tại trang Tài khoản → Xác thực hai bước."
)


class OtpInvalid(InvalidInput):
    """A wrong one-time code, or one already used."""

    default_code = "otp_invalid"
    default_detail = _("Mã xác thực không đúng hoặc đã được dùng.")

    def __init__(self):
        super().__init__({"otp": [str(self.default_detail)]})


class OtpLocked(ServiceError):
    """Too many wrong one-time codes in a row: wait before the next try."""

    status_code = 429
    default_code = "otp_locked"
    default_detail = _("Nhập sai mã xác thực quá nhiều lần; hãy thử lại sau ít phút.")
