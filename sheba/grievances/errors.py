"""The grievance work's refusals, each with a translated message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sheba.core.errors import Conflict, InvalidInput, NotFound


class NotYourApplication(NotFound):
    code = "complaint_not_your_application"
    status = 404
    default_message = _(
        "You can complain only about your own applications. This application is not yours, or it does not exist."
    )


class TooEarly(InvalidInput):
    code = "complaint_too_early"
    default_message = _("It is too early for this complaint.")


class TextMissing(InvalidInput):
    code = "complaint_text_missing"
    default_message = _("Describe your complaint in a few words (at least 10 characters).")


class TextTooLong(InvalidInput):
    code = "complaint_text_too_long"
    default_message = _("The text is too long (at most %(count)d characters).")


class ReasonInvalid(InvalidInput):
    code = "complaint_reason_invalid"
    default_message = _("Choose the reason for your complaint.")


class AlreadyOpen(Conflict):
    code = "complaint_already_open"
    default_message = _(
        "You already have an open complaint about this application. Follow it on “My complaints”; "
        "you can file another once it is answered."
    )


class IllegalStep(Conflict):
    code = "complaint_illegal_step"
    default_message = _("This complaint is not at a stage where that can be done. The page shows where it is now.")


class AppealNotAllowed(InvalidInput):
    code = "complaint_appeal_not_allowed"
    default_message = _("This complaint cannot be appealed now.")


class AppealTooLate(InvalidInput):
    code = "complaint_appeal_too_late"
    default_message = _("The time to appeal is over: an appeal had to be made within %(days)d days of the decision.")


class AppealTwice(Conflict):
    code = "complaint_appeal_twice"
    default_message = _("This complaint has already been appealed. A complaint can be appealed only once.")


class PartyToComplaint(InvalidInput):
    code = "complaint_party"
    default_message = _(
        "You cannot decide this complaint: it is about your own office or your own work on the file. "
        "The head of the office must decide it."
    )


class NotHandler(NotFound):
    code = "complaint_not_handler"
    default_message = _("We could not find that.")


class NoGrievanceOfficer(InvalidInput):
    code = "complaint_no_officer"
    default_message = _(
        "There is no office above this one to take the complaint yet. Please call the help desk."
    )
