"""The citizen's profile form: names, birth date, NID/BRN, two addresses with cascading pickers, e-mail.

The address pickers work without JavaScript: the form is re-rendered (not saved) with each
dependent list filtered by what is chosen above it. Validation does not trust the filtered
lists: a district must belong to the chosen division, an upazila to the district, a union to
the upazila.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sheba.accounts.models import IdentityKind
from sheba.core import clock
from sheba.core.bengali import to_ascii_digits, to_bn_digits
from sheba.directory import selectors as directory_selectors
from sheba.directory.models import District, Division, Union, Upazila

NAME_MAX = 100
LINE_MAX = 200
OLDEST_AGE = 120

ADDRESS_PREFIXES = ("present", "permanent")
LEVELS = ("division", "district", "upazila", "union")
LEVEL_MODELS: dict[str, Any] = {"division": Division, "district": District, "upazila": Upazila, "union": Union}
PARENT_FIELD = {"district": "division", "upazila": "district", "union": "upazila"}
CHILDREN_OF = {
    "district": directory_selectors.districts_of,
    "upazila": directory_selectors.upazilas_of,
    "union": directory_selectors.unions_of,
}


def _digits(value: int) -> str:
    """A number in the page's digits (messages are read by Bengali speakers in Bengali digits)."""
    return to_bn_digits(value) if (get_language() or "bn").startswith("bn") else str(value)


def _in_page_digits(text: str) -> str:
    return to_bn_digits(text) if (get_language() or "bn").startswith("bn") else text


def clean_name(value: str) -> str:
    if len(value) > NAME_MAX:
        raise forms.ValidationError(
            _("A name can be at most %(limit)s characters long; this one has %(count)s."),
            code="max_length",
            params={"limit": _digits(NAME_MAX), "count": _digits(len(value))},
        )
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise forms.ValidationError(_("Remove the control characters from the name."), code="control")
    return value


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_birth_date(raw: str, today: date) -> date:
    """Day/month/year (or ISO year-month-day), Bengali or ASCII digits, not in the future, age ≤ 120."""
    text = to_ascii_digits(raw.strip()).replace(" ", "")
    match = _DMY.match(text)
    if match:
        d, m, y = (int(g) for g in match.groups())
    else:
        match = _YMD.match(text)
        if not match:
            raise forms.ValidationError(
                _("Write the date as day/month/year, for example 15/03/1990."), code="format"
            )
        y, m, d = (int(g) for g in match.groups())
    try:
        value = date(y, m, d)
    except ValueError:
        raise forms.ValidationError(_("This date does not exist. Check the day and the month."), code="invalid") from None
    if value > today:
        raise forms.ValidationError(_("A date of birth cannot be in the future."), code="future")
    if value.year < today.year - OLDEST_AGE:
        raise forms.ValidationError(
            _("Check the year: a date of birth more than %(years)s years ago is not accepted."),
            code="too_old",
            params={"years": _digits(OLDEST_AGE)},
        )
    return value


def parse_identity(kind: str, raw: str) -> str:
    """NID: 10, 13 or 17 digits. Birth registration number: 17 digits (16-digit legacy numbers refused)."""
    number = to_ascii_digits(raw.strip())
    number = re.sub(r"[\s\-]", "", number)
    if not number.isascii() or not number.isdigit():
        raise forms.ValidationError(_("Use digits only."), code="digits")
    if kind == IdentityKind.NID:
        if len(number) not in (10, 13, 17):
            raise forms.ValidationError(
                _("An NID number has 10, 13 or 17 digits; this one has %(count)s."),
                code="nid_length",
                params={"count": _digits(len(number))},
            )
    elif kind == IdentityKind.BRN:
        if len(number) == 16:
            raise forms.ValidationError(
                _(
                    "This is an old 16-digit birth registration number. Only the 17-digit numbers of the "
                    "online birth registration system are accepted: ask the office that registered the birth "
                    "(Union Parishad or municipality) to convert it to the 17-digit number, then enter that."
                ),
                code="brn_legacy",
            )
        if len(number) != 17:
            raise forms.ValidationError(
                _("A birth registration number has 17 digits; this one has %(count)s."),
                code="brn_length",
                params={"count": _digits(len(number))},
            )
    return number


class PlaceSelect(forms.Select):
    """A select whose options are set by the form (only the places under the chosen parent)."""


def _place_label(obj: Any) -> str:
    return obj.name


class ProfileForm(forms.Form):
    name_bn = forms.CharField(label=_("Name in Bengali"), required=False, strip=True,
                              help_text=_("As on your NID or birth certificate."))
    name_en = forms.CharField(label=_("Name in English"), required=False, strip=True,
                              help_text=_("In capital or small English letters, as on your NID."))
    father_name = forms.CharField(label=_("Father's name"), required=False, strip=True)
    mother_name = forms.CharField(label=_("Mother's name"), required=False, strip=True)
    date_of_birth = forms.CharField(
        label=_("Date of birth"), required=False, strip=True,
        help_text=_("Day/month/year, for example 15/03/1990. Bengali digits are fine."),
    )
    identity_kind = forms.ChoiceField(
        label=_("Kind of identity number"), required=False,
        choices=[("", _("— choose —")), *IdentityKind.choices],
    )
    identity_number = forms.CharField(
        label=_("NID or birth registration number"), required=False, strip=True,
        help_text=_("NID: 10, 13 or 17 digits. Birth registration number: 17 digits."),
    )
    email = forms.EmailField(
        label=_("E-mail address"), required=False, max_length=254,
        help_text=_("We send a link to this address; it is used once you confirm it."),
        error_messages={"invalid": _("Enter an e-mail address such as name@example.com.")},
    )
    permanent_same = forms.BooleanField(label=_("My permanent address is the same as my present address"),
                                        required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("name_bn", "name_en", "father_name", "mother_name"):
            self.fields[name].widget.attrs.update({"maxlength": str(NAME_MAX), "autocomplete": "off"})
        self.fields["name_en"].widget.attrs["autocomplete"] = "name"
        self.fields["name_en"].widget.attrs["lang"] = "en"
        self.fields["date_of_birth"].widget.attrs["autocomplete"] = "bday"
        self.fields["identity_number"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})
        for prefix in ADDRESS_PREFIXES:
            self._add_address_fields(prefix)

    # --- address pickers ---------------------------------------------------------------------

    def _add_address_fields(self, prefix: str) -> None:
        labels = {
            "division": _("Division"), "district": _("District"), "upazila": _("Upazila"), "union": _("Union"),
        }
        empty = {
            "division": _("— choose a division —"),
            "district": _("— choose a district —"),
            "upazila": _("— choose an upazila —"),
            "union": _("— choose a union (if any) —"),
        }
        waiting = {
            "district": _("— choose a division first —"),
            "upazila": _("— choose a district first —"),
            "union": _("— choose an upazila first —"),
        }
        parent_id: str | None = None
        for level in LEVELS:
            name = f"{prefix}_{level}"
            model = LEVEL_MODELS[level]
            # Validation accepts any real place; clean() then checks it lies under its parent.
            field = forms.ModelChoiceField(
                queryset=model.objects.all(), required=False, label=labels[level], widget=PlaceSelect,
                error_messages={"invalid_choice": _("Choose a place from the list.")},
            )
            options: list[Any]
            if level == "division":
                options = list(directory_selectors.divisions())
            elif parent_id:
                options = list(CHILDREN_OF[level](int(parent_id)))
            else:
                options = []
            placeholder = empty[level] if (level == "division" or parent_id) else waiting[level]
            field.widget.choices = [("", placeholder)] + [(str(o.pk), _place_label(o)) for o in options]
            # htmx enhancement: a change re-draws this address's pickers with filtered lists.
            field.widget.attrs.update({
                "hx-get": f"{reverse('accounts:address_options')}?prefix={prefix}",
                "hx-trigger": "change",
                "hx-target": f"#address-{prefix}",
                "hx-select": f"#address-{prefix}",
                "hx-swap": "outerHTML",
                "hx-include": f"#address-{prefix}",
            })
            self.fields[name] = field
            chosen = self._raw(name)
            ids = {str(o.pk) for o in options}
            parent_id = chosen if chosen in ids else None
        self.fields[f"{prefix}_line"] = forms.CharField(
            label=_("Village or area, road, house"), required=False, max_length=LINE_MAX, strip=True,
            error_messages={"max_length": _("Use at most 200 characters for this line.")},
        )
        self.fields[f"{prefix}_line"].widget.attrs["maxlength"] = str(LINE_MAX)

    def _raw(self, name: str) -> str | None:
        """The value the person has chosen so far: submitted data, else the initial value."""
        if self.is_bound:
            value = self.data.get(self.add_prefix(name))
        else:
            value = getattr(self.initial.get(name), "pk", self.initial.get(name))
        return str(value) if value not in (None, "") else None

    def address_fields(self, prefix: str) -> list[forms.BoundField]:
        return [self[f"{prefix}_{level}"] for level in LEVELS] + [self[f"{prefix}_line"]]

    @property
    def present_fields(self) -> list[forms.BoundField]:
        return self.address_fields("present")

    @property
    def permanent_fields(self) -> list[forms.BoundField]:
        return self.address_fields("permanent")

    # --- cleaning ----------------------------------------------------------------------------

    def clean_name_bn(self) -> str:
        return clean_name(self.cleaned_data["name_bn"])

    def clean_name_en(self) -> str:
        return clean_name(self.cleaned_data["name_en"])

    def clean_father_name(self) -> str:
        return clean_name(self.cleaned_data["father_name"])

    def clean_mother_name(self) -> str:
        return clean_name(self.cleaned_data["mother_name"])

    def clean_date_of_birth(self) -> date | None:
        raw = self.cleaned_data["date_of_birth"]
        return parse_birth_date(raw, clock.today()) if raw else None

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        kind = data.get("identity_kind") or ""
        raw_number = data.get("identity_number") or ""
        if raw_number and not kind:
            self.add_error("identity_kind", _("Say whether this is an NID or a birth registration number."))
        elif kind and not raw_number:
            self.add_error("identity_number", _("Enter the number, or choose “— choose —” above."))
        elif kind and raw_number:
            try:
                data["identity_number"] = parse_identity(kind, raw_number)
            except forms.ValidationError as error:
                self.add_error("identity_number", error)
        for prefix in ADDRESS_PREFIXES:
            if prefix == "permanent" and data.get("permanent_same"):
                continue
            self._clean_address(prefix, data)
        if data.get("permanent_same"):
            for level in (*LEVELS, "line"):
                data[f"permanent_{level}"] = data.get(f"present_{level}")
        return data

    def _clean_address(self, prefix: str, data: dict[str, Any]) -> None:
        messages = {
            "district": _("This district is not in the division you chose."),
            "upazila": _("This upazila is not in the district you chose."),
            "union": _("This union is not in the upazila you chose."),
        }
        missing = {
            "district": _("Choose the division first."),
            "upazila": _("Choose the district first."),
            "union": _("Choose the upazila first."),
        }
        for level in ("district", "upazila", "union"):
            name = f"{prefix}_{level}"
            place = data.get(name)
            if place is None:
                continue
            parent = data.get(f"{prefix}_{PARENT_FIELD[level]}")
            if parent is None:
                if f"{prefix}_{PARENT_FIELD[level]}" not in self.errors:
                    self.add_error(name, missing[level])
                data.pop(name, None)
            elif getattr(place, f"{PARENT_FIELD[level]}_id") != parent.pk:
                self.add_error(name, messages[level])
                data.pop(name, None)


def profile_initial(profile: Any, pending_email: str | None) -> dict[str, Any]:
    """The form's starting values from a saved profile."""
    initial: dict[str, Any] = {
        "name_bn": profile.name_bn,
        "name_en": profile.name_en,
        "father_name": profile.father_name,
        "mother_name": profile.mother_name,
        "date_of_birth": _in_page_digits(profile.date_of_birth.strftime("%d/%m/%Y")) if profile.date_of_birth else "",
        "identity_kind": profile.identity_kind,
        "identity_number": profile.identity_number,
        "email": pending_email or profile.user.email,
    }
    for prefix in ADDRESS_PREFIXES:
        for level in LEVELS:
            initial[f"{prefix}_{level}"] = getattr(profile, f"{prefix}_{level}_id")
        initial[f"{prefix}_line"] = getattr(profile, f"{prefix}_line")
    present = [initial[f"present_{level}"] for level in (*LEVELS, "line")]
    permanent = [initial[f"permanent_{level}"] for level in (*LEVELS, "line")]
    initial["permanent_same"] = bool(profile.present_division_id) and present == permanent
    return initial


class ResendForm(forms.Form):
    """An empty form: the button that asks for the confirmation e-mail again."""
