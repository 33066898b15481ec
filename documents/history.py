"""The words of the history: what each audit verb reads as to a clerk, from the lifecycle's
labels, with a decision's outcome told apart and the verbs of no document or receipt."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .lifecycle import DOCUMENT, RECEIPT, DocumentStatus

S = DocumentStatus

#: The audit verbs of no document or receipt (a person's sign-ins, a refused request).
OTHER_LABELS: dict[str, Promise] = {
    "login": _("Đăng nhập"),
    "logout": _("Đăng xuất"),
    "login_failed": _("Đăng nhập không thành công"),
    "locked_out": _("Tạm khóa đăng nhập"),
    "refused": _("Bị từ chối truy cập"),
    "login_failures_throttled": _("Quá nhiều lần đăng nhập sai từ một địa chỉ"),
    "delegate": _("Ủy quyền"),
    "end_delegation": _("Kết thúc ủy quyền"),
}


#: What a document's decision step reads as in the history, by its outcome. The content
#: review and the format check share the verb ``review`` (and the signer's return is a
#: ``sign``): a clerk reads a return as a return, whoever made it, and an approval as the
#: check it was, told apart by the state it was made in.
RETURNED_LABEL = _("Trả lại")
DECISION_LABELS: dict[tuple[str, str], Promise] = {
    ("review", S.IN_REVIEW): _("Duyệt"),
    ("review", S.FORMAT_CHECK): _("Kiểm tra thể thức"),
}


def history_label(
    verb: str, *, receipt: bool = False, data: dict | None = None, from_status: str = ""
) -> str:
    """The label of an audit verb in the document's history; ``data`` and ``from_status``
    are the event's, which tell a return from an approval."""
    if not receipt and (data or {}).get("decision") == "return":
        return str(RETURNED_LABEL)
    if not receipt and (verb, from_status) in DECISION_LABELS:
        return str(DECISION_LABELS[(verb, from_status)])
    first, second = (RECEIPT, DOCUMENT) if receipt else (DOCUMENT, RECEIPT)
    for lifecycle in (first, second):
        if verb in lifecycle.labels:
            return lifecycle.label(verb)
    return str(OTHER_LABELS.get(verb, verb))


def verb_choices() -> list[tuple[str, str]]:
    """Every audit verb with its history label, as a filter offers them, by label."""
    verbs = set(DOCUMENT.labels) | set(RECEIPT.labels) | set(OTHER_LABELS)
    first = {verb: history_label(verb) for verb in verbs}
    return sorted(first.items(), key=lambda pair: (pair[1].lower(), pair[0]))
