"""Form reports: an obligation may name the figures and answers its replies give as data
(``Obligation.form``), and each reply gives them (``Answer``). Checked here for the drafting
services, so a bad field or value stops the whole draft with a field error; summed here for
the roll-up."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .obligations import Obligation

MAX_FIELDS = 30
#: The obligations one reply may answer (as many as ``fulfils`` takes).
MAX_ANSWERED = 50
LABEL_MAX = 200
TEXT_MAX = 2000
#: A number as a ward types it; at most 15 digits, so the totals stay exact.
NUMBER_MAX = Decimal("1e15")
FIELD_TYPES = ("number", "text")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def clean_form(value, index: int, messages: list[str]) -> list[dict]:
    """An obligation's form, ``[{"key", "label", "type"}]``; a missing key is made from the
    position. Problems go to ``messages`` as "Yêu cầu n: …"."""
    if value in (None, "", []):
        return []
    if not isinstance(value, list) or len(value) > MAX_FIELDS:
        messages.append(
            _("Yêu cầu %(n)d: tối đa %(max)d chỉ tiêu.") % {"n": index, "max": MAX_FIELDS}
        )
        return []
    fields: list[dict] = []
    for position, field in enumerate(value, start=1):
        if not isinstance(field, dict):
            messages.append(_("Yêu cầu %(n)d: chỉ tiêu %(i)d không hợp lệ.") % _at(index, position))
            continue
        label = str(field.get("label") or "").strip()
        key = str(field.get("key") or f"c{position}")
        kind = field.get("type") or "number"
        if not label or len(label) > LABEL_MAX:
            messages.append(
                _("Yêu cầu %(n)d: chỉ tiêu %(i)d cần tên (tối đa 200 ký tự).")
                % _at(index, position)
            )
        elif not KEY.match(key) or any(f["key"] == key for f in fields):
            messages.append(
                _("Yêu cầu %(n)d: mã chỉ tiêu %(i)d không hợp lệ hoặc bị trùng.")
                % _at(index, position)
            )
        elif kind not in FIELD_TYPES:
            messages.append(
                _("Yêu cầu %(n)d: chỉ tiêu %(i)d phải là số hoặc chữ.") % _at(index, position)
            )
        else:
            fields.append({"key": key, "label": label, "type": kind})
    return fields


def _at(index: int, position: int) -> dict[str, int]:
    return {"n": index, "i": position}


def clean_answers(
    answers, fulfilled: list[Obligation], errors: dict[str, list[str]]
) -> dict[int, dict]:
    """``{obligation id: {key: value}}`` for the obligations the reply fulfils that have a
    form; numbers become numbers (int when whole), texts are trimmed; a field left out is
    not answered. A bad value is said under its own path, ``answers.<obligation id>.<key>``
    (as the API names nested errors), so that a screen says it on its input; ``answers``
    then says that some are wrong."""
    if answers in (None, {}):
        return {}
    by_id = {o.pk: o for o in fulfilled}
    if not isinstance(answers, dict) or len(answers) > MAX_ANSWERED:
        errors.setdefault("answers", []).append(_("Số liệu báo cáo không hợp lệ."))
        return {}
    result: dict[int, dict] = {}
    messages: list[str] = []
    for raw_id, values in answers.items():
        try:
            obligation = by_id.get(int(raw_id))
        except (TypeError, ValueError):
            obligation = None
        if obligation is None or not obligation.form:
            messages.append(
                _("Số liệu chỉ trả lời được yêu cầu có chỉ tiêu mà văn bản này thực hiện.")
            )
            continue
        if not isinstance(values, dict):
            messages.append(_("Số liệu báo cáo không hợp lệ."))
            continue
        if len(values) > MAX_FIELDS:
            messages.append(_("Số liệu báo cáo không hợp lệ."))
            continue
        result[obligation.pk] = _values(obligation, values, errors)
    if any(path.startswith("answers.") for path in errors):
        messages.insert(0, _("Có số liệu báo cáo chưa đúng, xem từng chỉ tiêu."))
    if messages:
        errors.setdefault("answers", []).extend(messages)
    return result


def answer_path(obligation_id: int, key: str) -> str:
    """Where the error of one answer is said: ``answers.<obligation id>.<key>``."""
    return f"answers.{obligation_id}.{key}"


def _values(obligation: Obligation, values: dict, errors: dict[str, list[str]]) -> dict:
    fields = {f["key"]: f for f in obligation.form}
    cleaned: dict = {}
    for key, value in values.items():
        field = fields.get(str(key))
        path = answer_path(obligation.pk, str(key)[:40])
        if field is None:
            errors.setdefault(path, []).append(
                _("Không có chỉ tiêu %(key)s.") % {"key": str(key)[:40]}
            )
            continue
        if value in (None, ""):
            continue
        if field["type"] == "text":
            text = str(value).strip()
            if len(text) > TEXT_MAX:
                errors.setdefault(path, []).append(
                    _("%(label)s: tối đa %(max)d ký tự.")
                    % {"label": field["label"], "max": TEXT_MAX}
                )
            elif text:
                cleaned[field["key"]] = text
            continue
        number = _number(value)
        if number is None:
            errors.setdefault(path, []).append(
                _("%(label)s phải là một số.") % {"label": field["label"]}
            )
        else:
            cleaned[field["key"]] = number
    return cleaned


def _number(value) -> int | float | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) >= NUMBER_MAX:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def totals(form: list[dict], rows: list[dict]) -> dict[str, int | float]:
    """The sum of every number field over the answers in ``rows``."""
    sums: dict[str, int | float] = {}
    for field in form:
        if field["type"] == "number":
            total = sum(
                (
                    Decimal(str(r[field["key"]]))
                    for r in rows
                    if isinstance(r.get(field["key"]), int | float)
                ),
                Decimal(0),
            )
            # Summed as decimals, so 0.1 + 0.2 is 0.3 as a ward would add it.
            sums[field["key"]] = int(total) if total == total.to_integral_value() else float(total)
    return sums


def vietnamese_number(value) -> str:
    """``1234.5`` as a Vietnamese page writes it, ``1.234,5``: dots between thousands, a comma
    before the decimals, exactly the digits given (as decimals, never a float's tail)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "" if value is None else str(value)
    number = Decimal(str(value))
    sign = "-" if number < 0 else ""
    whole, _dot, decimals = f"{abs(number):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    decimals = decimals.rstrip("0")
    return f"{sign}{grouped},{decimals}" if decimals else f"{sign}{grouped}"
