"""Forms of the locker pages. They parse input only; every rule about files lives in ``checks``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sheba.locker.checks import ACCEPT
from sheba.locker.models import DocumentKind

FILE_HELP = _("PDF, JPEG or PNG, at most 5 MB. Photos are re-saved without their hidden details (EXIF).")


class _FileField(forms.FileField):
    default_error_messages = {
        "required": _("Please choose a file to upload."),
        "invalid": _("We did not receive a file. Please choose the file again."),
        "missing": _("We did not receive a file. Please choose the file again."),
        "empty": _("This file is empty."),
        "max_length": _("This file name is too long. Please rename the file and try again."),
    }


def _file_field() -> forms.FileField:
    return _FileField(
        label=_("File"),
        help_text=FILE_HELP,
        max_length=255,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of document"),
        choices=[("", _("Choose one"))] + list(DocumentKind.choices),
        error_messages={"required": _("Please choose what kind of document this is."),
                        "invalid_choice": _("Please choose what kind of document this is.")},
    )
    title = forms.CharField(
        label=_("Title (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example: my father's NID copy."),
        error_messages={"max_length": _("Please keep the title under 200 characters.")},
    )
    file = _file_field()


class ReplaceForm(forms.Form):
    file = _file_field()
