"""The figures and answers of a form report, typed on a ward's reply while it is drafted (new,
prefilled from the copy, or revised): one input per field of each form the reply fulfils,
grouped under the obligation. Beside the draft form rather than inside it, so any screen that
edits a reply can carry it. Like the other forms it only collects: the drafting services check
the values (``documents.report_forms``) and say what is wrong under each field's path."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

from documents.obligations import Obligation
from documents.report_forms import TEXT_MAX, answer_path

#: As many characters as a number of 15 digits with its separators may take.
NUMBER_CHARS = 40


def field_name(obligation_id: int, key: str) -> str:
    return f"ans_{obligation_id}_{key}"


def _shown(value) -> str:
    """A stored value as its input holds it again: a number as the browser's number input
    reads it (a dot before the decimals)."""
    return "" if value is None else str(value)


class AnswersForm(forms.Form):
    def __init__(
        self,
        *args,
        obligations: Sequence[Obligation] = (),
        given: dict[int, dict] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.obligations = [o for o in obligations if o.form]
        given = given or {}
        #: Where the service's error of each answer goes: its path → the input's name.
        self.paths: dict[str, str] = {}
        for obligation in self.obligations:
            for f in obligation.form:
                name = field_name(obligation.pk, f["key"])
                self.paths[answer_path(obligation.pk, f["key"])] = name
                self.fields[name] = self._field(f)
                self.initial[name] = _shown(given.get(obligation.pk, {}).get(f["key"]))

    @staticmethod
    def _field(f: dict) -> forms.CharField:
        if f["type"] == "number":
            # A number input brings the phone's number pad; step "any" lets a ward give 2,5.
            widget = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
            return forms.CharField(
                label=f["label"], required=False, max_length=NUMBER_CHARS, widget=widget
            )
        return forms.CharField(
            label=f["label"],
            required=False,
            max_length=TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def __bool__(self) -> bool:
        return bool(self.obligations)

    def groups(self) -> list[tuple[Obligation, list]]:
        return [(o, [self[field_name(o.pk, f["key"])] for f in o.form]) for o in self.obligations]

    def answers(self) -> dict[int, dict]:
        """``{obligation id: {key: value}}`` as the services take it; a form left wholly empty
        is not answered."""
        result: dict[int, dict] = {}
        for obligation in self.obligations:
            values = {
                f["key"]: self.cleaned_data.get(field_name(obligation.pk, f["key"])) or ""
                for f in obligation.form
            }
            if any(v.strip() for v in values.values()):
                result[obligation.pk] = values
        return result

    def take_errors(self, path: str, messages: Sequence[str]) -> bool:
        """Put the service's errors of one answer on its input; False when ``path`` is not
        one of them."""
        name = self.paths.get(path)
        if name is None:
            return False
        for text in messages:
            self.add_error(name, text)
        return True
