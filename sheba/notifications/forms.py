from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sheba.notifications.selectors import recipient_filter_value


class OutboxFilterForm(forms.Form):
    to = forms.CharField(
        label=_("Mobile number or e-mail address"),
        help_text=_("For example 01712-345678. Bengali digits are fine. Leave empty to see every message."),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_to(self) -> str:
        value = self.cleaned_data["to"].strip()
        if value:
            try:
                recipient_filter_value(value)
            except ValidationError:
                raise ValidationError(
                    _("Enter a mobile number such as 01712-345678, or an e-mail address."), code="invalid"
                ) from None
        return value
