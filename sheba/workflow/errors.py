"""The workflow's refusals, each with a translated message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sheba.core.errors import Conflict, InvalidInput


class WorkflowInvalid(InvalidInput):
    code = "workflow_invalid"
    default_message = _("This workflow cannot be saved.")

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


class AlreadyDecided(Conflict):
    code = "already_decided"
    default_message = _("This file has already been acted on.")


class WrongPost(InvalidInput):
    code = "wrong_post"
    default_message = _("Your post may not take this action on this file.")


class OwnApplication(InvalidInput):
    code = "own_application"
    default_message = _("You cannot act on your own application. Another officer must decide it.")


class NoteRequired(InvalidInput):
    code = "note_required"
    default_message = _("Write a note before you act on the file.")


class FieldsRequired(InvalidInput):
    code = "fields_required"
    default_message = _("Tick at least one thing the applicant must correct.")


class NotSentBack(InvalidInput):
    code = "not_sent_back"
    default_message = _("This application is not waiting for your correction.")


class ClaimedByOther(Conflict):
    code = "claimed"
    default_message = _("Another officer has taken this file from the shared pool.")


class NoOfficeToRoute(InvalidInput):
    code = "no_office_to_route"
    default_message = _("There is no office above this one to send the file to. Ask the administrator to set up "
                        "the office hierarchy.")
