"""Forms of the apply pages (the service's own questions come from ``sheba.catalog.forms_engine``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sheba.catalog.forms_engine import MAX_TEXT, ROW_SEP, SchemaForm, ordered_properties
from sheba.core.phone import parse_bd_mobile

FOR_SELF, FOR_OTHER = "self", "other"


class ApplicantForm(forms.Form):
    """স্বয়ং or অন্য ব্যক্তি: whom the application is for."""

    for_whom = forms.ChoiceField(
        label=_("Whom is this application for?"),
        choices=[(FOR_SELF, _("Myself (স্বয়ং)")), (FOR_OTHER, _("Another person (অন্য ব্যক্তি)"))],
        widget=forms.RadioSelect,
        initial=FOR_SELF,
    )
    other_name = forms.CharField(
        label=_("Their name"), max_length=100, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    other_mobile = forms.CharField(
        label=_("Their mobile number"),
        max_length=32,
        required=False,
        help_text=_("They will receive the tracking number and every progress SMS, e.g. 01712-345678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("for_whom") == FOR_OTHER:
            if not (cleaned.get("other_name") or "").strip():
                self.add_error("other_name", _("Please write the name of the person you are applying for."))
            raw = cleaned.get("other_mobile") or ""
            if not raw.strip():
                self.add_error("other_mobile", _("Please give their mobile number."))
            else:
                try:
                    cleaned["other_mobile"] = parse_bd_mobile(raw)
                except ValidationError as error:
                    self.add_error("other_mobile", error.messages[0])
        return cleaned

    def draft_values(self) -> tuple[bool, str, str]:
        """(for_self, name, mobile) as typed, for saving an unfinished draft."""
        data = self.data
        prefix = self.add_prefix
        for_self = data.get(prefix("for_whom"), FOR_SELF) != FOR_OTHER
        name = (data.get(prefix("other_name")) or "").strip()[:100]
        mobile = (data.get(prefix("other_mobile")) or "").strip()
        if self.is_valid() and not for_self:
            mobile = self.cleaned_data["other_mobile"]
        return for_self, name, mobile[:16]


def _bounded(value: Any) -> Any:
    """Text as typed, but never longer than any field accepts (a draft is not a file store)."""
    return value[: MAX_TEXT + 1] if isinstance(value, str) else value


def posted_values(form: SchemaForm) -> dict[str, Any]:
    """What was typed into a (bound) schema form, field by field, as text (check boxes as
    booleans), so a draft keeps everything, valid or not."""
    values: dict[str, Any] = {}
    for name, spec in ordered_properties(form.schema):
        if spec.get("type") == "array":
            rows = []
            for index in range(form.row_counts.get(name, 0)):
                row = {}
                for sub, _spec in ordered_properties(spec.get("items") or {}):
                    value = _bounded(form[f"{name}{ROW_SEP}{index}{ROW_SEP}{sub}"].value())
                    if value not in (None, "", False):
                        row[sub] = value
                if row:
                    rows.append(row)
            values[name] = rows
        else:
            value = _bounded(form[name].value())
            if value not in (None, ""):
                values[name] = value
    return values


def show_stored_errors(form: SchemaForm, errors: dict[str, str]) -> None:
    """Mark an unbound form's fields with errors found in stored answers (a draft checked against
    a service's new form), the way a bound form would show them."""
    form.errors  # noqa: B018 - runs full_clean, which on an unbound form only sets up the error dict
    form.cleaned_data = {}
    for path, message in errors.items():
        parts = path.split(".")
        key = f"{parts[0]}{ROW_SEP}{parts[1]}{ROW_SEP}{parts[2]}" if len(parts) == 3 else path
        if key in form.fields:
            form.add_error(key, message)
        else:
            form._group_errors[path] = message
