"""The officer's "check again now" on a file's identity check (the panel on the file page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sheba.accounts.views_officer import officer_required
from sheba.core.errors import DomainError, NotFound
from sheba.identity.models import CheckStatus
from sheba.identity.services import identity_check_again
from sheba.workflow.selectors import file_for_officer


@require_POST
@officer_required
def check_again(request: HttpRequest, public_id: Any) -> HttpResponse:
    try:
        application = file_for_officer(request.user, public_id)
        status = identity_check_again(actor=request.user, application=application)
    except NotFound:
        raise Http404() from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("workflow:file", public_id=public_id)
    text = {
        CheckStatus.PASSED: _("The identity register confirms the applicant's details."),
        CheckStatus.MISMATCH: _("The identity register does not confirm the details; the file went back to the applicant."),
        CheckStatus.PENDING: _("The identity register is not answering; it will be asked again automatically."),
    }.get(status, _("The identity check could not be completed. Please ask the operator to look at it."))
    (messages.success if status == CheckStatus.PASSED else messages.warning)(request, text)
    return redirect("workflow:file", public_id=application.public_id)
