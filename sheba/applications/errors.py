"""Domain errors of applications (each with a stable code and a message in the user's language)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sheba.core.errors import Conflict, InvalidInput


class IllegalTransition(Conflict):
    code = "application_illegal_transition"
    default_message = _("This application cannot move to that status from where it is now.")


class NotADraft(Conflict):
    code = "application_not_draft"
    default_message = _("This application has already been submitted and can no longer be changed.")


class FormIncomplete(InvalidInput):
    code = "application_form_invalid"
    default_message = _("Some answers in the form are missing or not valid. Please correct them and submit again.")


class ServiceChanged(InvalidInput):
    code = "application_service_changed"
    default_message = _(
        "The form of this service has changed since you saved this draft. Your answers are kept; "
        "please check the marked fields and submit again."
    )


class DocumentsMissing(InvalidInput):
    code = "application_documents_missing"
    default_message = _("Please attach every required document (or choose one you will bring to the counter).")


class OtherPersonIncomplete(InvalidInput):
    code = "application_other_person"
    default_message = _("Please give the name and mobile number of the person you are applying for.")


class ServiceClosed(InvalidInput):
    code = "application_service_closed"
    default_message = _("Applications for this service cannot be made online at this office now.")
