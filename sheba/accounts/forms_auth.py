"""Forms of the citizen sign-in pages. They only parse; the rules live in services and otp."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sheba.accounts import otp
from sheba.accounts.services import mpin_check, normalise_mpin
from sheba.core.errors import InvalidInput
from sheba.core.phone import parse_bd_mobile

# Far more than any real answer; anything longer is refused before we look at it.
MAX_INPUT = 64


class MobileField(forms.CharField):
    """A Bangladeshi mobile number (ASCII or Bengali digits) -> E.164."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("help_text", _("For example 01712-345678. Bengali digits are fine."))
        super().__init__(
            strip=True,
            error_messages={"required": _("Enter your mobile number.")},
            widget=forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel", "maxlength": "20", "class": "mobile"}
            ),
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if len(text) > MAX_INPUT:
            raise ValidationError(_("Enter a Bangladeshi mobile number such as 01712-345678."), code="invalid")
        return text

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        return parse_bd_mobile(text)


class DigitsField(forms.CharField):
    """Six digits (a code or an MPIN); Bengali digits are accepted."""

    def __init__(self, *, secret: bool, autocomplete: str, **kwargs: Any):
        attrs = {"inputmode": "numeric", "autocomplete": autocomplete, "maxlength": "6", "class": "code"}
        widget = forms.PasswordInput(attrs=attrs) if secret else forms.TextInput(attrs=attrs)
        kwargs.setdefault("error_messages", {"required": _("Enter the 6 digits.")})
        super().__init__(strip=True, widget=widget, **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if len(text) > MAX_INPUT:
            raise ValidationError(_("Enter exactly 6 digits."), code="invalid")
        return text


def _code_field(label: Any, required: bool = True) -> DigitsField:
    return DigitsField(
        secret=False,
        autocomplete="one-time-code",
        label=label,
        required=required,
        help_text=_("6 digits from the SMS."),
        error_messages={"required": _("Enter the 6-digit code from the SMS.")},
    )


class MobileForm(forms.Form):
    mobile = MobileField()


class OtpForm(forms.Form):
    code = _code_field(_("Code"))

    def clean_code(self) -> str:
        digits = otp.normalise_code(self.cleaned_data["code"])
        if digits is None:
            raise ValidationError(_("Enter the 6-digit code from the SMS."), code="invalid")
        return digits


class MpinSetForm(forms.Form):
    mpin = DigitsField(
        secret=True,
        autocomplete="new-password",
        label=_("New MPIN"),
        help_text=_("6 digits. Not a pattern such as 123456 or 121212, not your date of birth, not the end of your mobile number."),
        error_messages={"required": _("Choose a 6-digit MPIN.")},
    )
    mpin2 = DigitsField(
        secret=True,
        autocomplete="new-password",
        label=_("New MPIN again"),
        error_messages={"required": _("Type the MPIN a second time.")},
    )

    def __init__(self, *args: Any, phone: str | None = None, date_of_birth: date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.phone = phone
        self.date_of_birth = date_of_birth

    def clean_mpin(self) -> str:
        try:
            return mpin_check(self.cleaned_data["mpin"], phone=self.phone, date_of_birth=self.date_of_birth)
        except InvalidInput as exc:
            raise ValidationError(str(exc.message), code="trivial") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "mpin" in data and data.get("mpin2") is not None and normalise_mpin(data["mpin2"]) != data["mpin"]:
            self.add_error("mpin2", _("The two MPINs are not the same."))
        return data


class LoginForm(forms.Form):
    mobile = MobileField()
    mpin = DigitsField(
        secret=True,
        autocomplete="current-password",
        label=_("MPIN"),
        help_text=_("Your 6-digit MPIN."),
        error_messages={"required": _("Enter your 6-digit MPIN.")},
    )


class ChangeMobileForm(forms.Form):
    mpin = DigitsField(
        secret=True,
        autocomplete="current-password",
        label=_("Your current MPIN"),
        error_messages={"required": _("Enter your 6-digit MPIN.")},
    )
    new_mobile = MobileField(label=_("New mobile number"))


class ChangeMobileVerifyForm(forms.Form):
    code_old = _code_field(_("Code sent to your current number"), required=False)
    code_new = _code_field(_("Code sent to the new number"), required=False)

    def __init__(self, *args: Any, need_old: bool = True, need_new: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.need = {"code_old": need_old, "code_new": need_new}
        for name, needed in self.need.items():
            if not needed:
                del self.fields[name]
            else:
                self.fields[name].required = True

    def _clean_code(self, name: str) -> str:
        digits = otp.normalise_code(self.cleaned_data[name])
        if digits is None:
            raise ValidationError(_("Enter the 6-digit code from the SMS."), code="invalid")
        return digits

    def clean_code_old(self) -> str:
        return self._clean_code("code_old")

    def clean_code_new(self) -> str:
        return self._clean_code("code_new")


class RecoveryIdentityForm(forms.Form):
    """Forgotten MPIN: the NID (or birth registration number) and date of birth in the profile."""

    number = forms.CharField(
        label=_("NID or birth registration number"),
        help_text=_("The 10, 13 or 17 digit NID number, or the 17 digit birth registration number, as in your profile."),
        strip=True,
        max_length=MAX_INPUT,
        error_messages={"required": _("Enter your NID or birth registration number.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "24"}),
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"),
        help_text=_("As in your profile, for example 1990-03-15."),
        strip=True,
        max_length=MAX_INPUT,
        error_messages={"required": _("Enter your date of birth.")},
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
    )

    def clean_number(self) -> str:
        from sheba.identity.matching import digits

        number = digits(self.cleaned_data["number"])
        if not (number.isascii() and number.isdigit() and len(number) in (10, 13, 17)):
            raise ValidationError(_("An NID has 10, 13 or 17 digits; a birth registration number has 17."), code="invalid")
        return number

    def clean_date_of_birth(self) -> date:
        from sheba.identity.matching import digits

        text = digits(self.cleaned_data["date_of_birth"]).replace("/", "-")
        try:
            day = date.fromisoformat(text)
        except ValueError:
            try:
                parts = [int(part) for part in text.split("-")]
                day = date(parts[2], parts[1], parts[0]) if len(parts) == 3 and parts[2] > 31 else date(1, 1, 1)
            except ValueError:
                day = date(1, 1, 1)
        if day.year < 1900:
            raise ValidationError(_("Enter the date as year-month-day, for example 1990-03-15."), code="invalid")
        return day
