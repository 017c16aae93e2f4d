"""Writes for applications: start a draft, save it, submit it, and the one status transition.

Every status change goes through :func:`application_transition` (row lock, transition table,
event row, audit row, progress SMS). Submission is one transaction: status, tracking number,
charter deadline, event, audit and the outbox messages commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sheba.applications import errors
from sheba.applications.models import (
    TRANSITIONS,
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    Status,
)
from sheba.applications.selectors import fee_at, offices_offering, uploadable_documents
from sheba.audit.services import audit_record
from sheba.catalog.forms_engine import validate_data
from sheba.catalog.models import Service
from sheba.core import clock, tracking
from sheba.core.errors import InvalidInput, NotFound
from sheba.core.phone import parse_bd_mobile
from sheba.core.workdays import add_working_days
from sheba.directory.models import Office
from sheba.locker.checks import check_attachment_count
from sheba.locker.models import DocumentVersion, ScanStatus
from sheba.notifications.services import notify

TRACKING_ATTEMPTS = 5


def _check_owner(actor: Any, application: Application) -> None:
    if not getattr(actor, "is_authenticated", False) or actor.pk != application.applicant_id:
        raise NotFound()


def _lock(application: Application) -> Application:
    """The application's row, locked for this transaction (with its service, office and applicant
    read in the same query; only the application's row is locked)."""
    return (
        Application.objects.select_related("service", "office", "holder_office", "applicant")
        .select_for_update(of=("self",))
        .get(pk=application.pk)
    )


# --- Drafts ---------------------------------------------------------------------------------


@transaction.atomic
def application_start(*, actor: Any, service: Service, office: Office, submission_token: str) -> Application:
    """Open a draft for ``service`` at ``office``. The same ``submission_token`` (a double-clicked
    "continue") gives back the same draft, never a second one."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_citizen:
        raise NotFound()
    token = (submission_token or "").strip()
    if not 16 <= len(token) <= 64:
        raise InvalidInput()
    existing = Application.objects.filter(submission_token=token).first()
    if existing is not None:
        if existing.applicant_id != actor.pk:
            raise InvalidInput()
        return existing
    if not service.is_published or not offices_offering(service).filter(pk=office.pk).exists():
        raise errors.ServiceClosed()
    now = clock.now()
    try:
        with transaction.atomic():
            application = Application.objects.create(
                applicant=actor,
                service=service,
                service_version=service.version,
                office=office,
                submission_token=token,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # the other click won the race
        application = Application.objects.get(submission_token=token, applicant=actor)
    return application


def _check_versions(actor: Any, attachments: Sequence[tuple[DocumentVersion, str]]) -> None:
    for version, code in attachments:
        if version.document.owner_id != actor.pk or not code:
            raise NotFound()
        if version.scan_status != ScanStatus.CLEAN:
            raise InvalidInput(errors.DocumentsMissing.default_message)


@transaction.atomic
def application_update_draft(
    *,
    actor: Any,
    application: Application,
    for_self: bool,
    other_name: str,
    other_mobile: str,
    form_data: Mapping[str, Any],
    attachments: Sequence[tuple[DocumentVersion, str]],
) -> Application:
    """Save a draft as the citizen left it (answers may still be incomplete). ``attachments`` is
    the whole set of (locker version, document type) the draft now carries; at most 10 files.
    The draft is moved to the service's current version: its answers are checked against the
    current form at submission."""
    _check_owner(actor, application)
    check_attachment_count(len({version.pk for version, _code in attachments}))
    _check_versions(actor, attachments)
    application = _lock(application)
    if application.status != Status.DRAFT:
        raise errors.NotADraft()
    application.for_self = bool(for_self)
    application.other_name = "" if for_self else (other_name or "").strip()[:100]
    application.other_mobile = "" if for_self else (other_mobile or "").strip()[:16]
    application.form_data = dict(form_data)
    application.service_version = application.service.version  # read with the row lock (select_related)
    application.updated_at = clock.now()
    application.save(
        update_fields=["for_self", "other_name", "other_mobile", "form_data", "service_version", "updated_at"]
    )
    wanted = {version.pk: code for version, code in attachments}
    current = {a.version_id: a for a in application.attachments.all()}
    for version_pk, attachment in current.items():
        if version_pk not in wanted:
            attachment.delete()
        elif attachment.document_code != wanted[version_pk]:
            attachment.document_code = wanted[version_pk]
            attachment.save(update_fields=["document_code"])
    now = clock.now()
    ApplicationAttachment.objects.bulk_create(
        [
            ApplicationAttachment(application=application, version_id=pk, document_code=code, created_at=now)
            for pk, code in wanted.items()
            if pk not in current
        ]
    )
    return application


# --- The one transition ---------------------------------------------------------------------


def _recipients(application: Application) -> list[tuple[str, str, Any]]:
    """(mobile, language, user) of everyone who gets progress SMS: the applicant and the other person."""
    applicant = application.applicant
    people: list[tuple[str, str, Any]] = []
    if applicant.mobile:
        people.append((applicant.mobile, applicant.preferred_language or "bn", applicant))
    if not application.for_self and application.other_mobile and application.other_mobile != applicant.mobile:
        people.append((application.other_mobile, "bn", None))
    return people


@transaction.atomic
def application_transition(
    *,
    actor: Any,
    application: Application,
    to_status: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    holder_office: Office | None = None,
    audit_action: str = "application.status_changed",
    send_sms: bool = True,
) -> Application:
    """Move an application to ``to_status`` if the transition table allows it: lock the row, save,
    write the event and audit rows, and (unless ``send_sms`` is off) tell the applicant and the
    other person by SMS. Illegal moves raise ``IllegalTransition`` and change nothing."""
    locked = _lock(application)
    from_status = locked.status
    if to_status not in Status.values or to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise errors.IllegalTransition()
    now = clock.now()
    locked.status = to_status
    locked.updated_at = now
    fields = ["status", "updated_at"]
    if holder_office is not None:
        locked.holder_office = holder_office
        fields.append("holder_office")
    locked.save(update_fields=fields)
    _transition_recorded(
        actor=actor, locked=locked, from_status=from_status, now=now, note=note, data=data,
        audit_action=audit_action, send_sms=send_sms,
    )
    application.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return application


def _transition_recorded(
    *,
    actor: Any,
    locked: Application,
    from_status: str,
    now: Any,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    audit_action: str = "application.status_changed",
    send_sms: bool = True,
) -> None:
    """The rest of a transition once the locked row carries (and has saved) its new status: the
    event row, the audit row and the progress SMS. Only for callers holding the row lock in
    the current transaction (``application_transition``, ``application_submit``)."""
    to_status = locked.status
    ApplicationEvent.objects.create(
        application=locked,
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        office=locked.holder_office,
        note=note,
        data=dict(data or {}),
    )
    audit_record(
        actor=actor,
        action=audit_action,
        object_type="application",
        object_id=str(locked.public_id),
        data={"from": from_status, "to": to_status, "tracking_number": locked.tracking_number, **dict(data or {})},
    )
    if send_sms and locked.tracking_number:
        for mobile, language, user in _recipients(locked):
            notify(
                event="application_status",
                context={
                    "tracking_number": locked.tracking_display,
                    "status_label": Status(to_status).label,
                },
                sms_to=mobile,
                user=user,
                language=language,
            )


# --- Submission -----------------------------------------------------------------------------


def _missing_documents(application: Application, attachments: Sequence[ApplicationAttachment] | None = None) -> list[str]:
    if attachments is None:
        attached = set(application.attachments.values_list("document_code", flat=True))
    else:
        attached = {a.document_code for a in attachments}
    return [
        doc.code
        for doc in uploadable_documents(application.service)
        if not doc.is_optional and doc.code not in attached
    ]


def _assign_tracking_number(application: Application, **fields: Any) -> str:
    """Store a fresh tracking number (with ``fields``) in one UPDATE; on the (1 in 10^15)
    collision with the unique column, draw again."""
    for _attempt in range(TRACKING_ATTEMPTS):
        number = tracking.generate()
        try:
            with transaction.atomic():
                Application.objects.filter(pk=application.pk).update(tracking_number=number, **fields)
        except IntegrityError:
            continue
        application.tracking_number = number
        for name, value in fields.items():
            setattr(application, name, value)
        return number
    raise IntegrityError("could not draw an unused tracking number")


def _notify_submitted(application: Application) -> None:
    service, office = application.service, application.office
    applicant = application.applicant

    def context(language: str) -> dict[str, Any]:
        english = language == "en"
        return {
            "tracking_number": application.tracking_display,
            "service_name": (service.name_en or service.name_bn) if english else service.name_bn,
            "office_name": (office.name_en or office.name_bn) if english else office.name_bn,
            "due_date": application.due_on,
        }

    for mobile, language, user in _recipients(application):
        notify(event="application_submitted", context=context(language), sms_to=mobile, user=user, language=language)
    if applicant.email and applicant.email_verified_at:
        language = applicant.preferred_language or "bn"
        notify(
            event="application_submitted",
            context=context(language),
            email_to=applicant.email,
            user=applicant,
            language=language,
        )


@transaction.atomic(durable=True)
def application_submit(
    *, actor: Any, application: Application, submission_token: str, identity: Any = None
) -> Application:
    """Submit a draft: check it against the service's current form and documents, give it a
    tracking number and a charter deadline in working days, and tell the applicant (and the
    other person) by SMS, and by e-mail when the applicant has a verified address.

    A repeated call with the same token (a double-clicked submit) returns the application
    already submitted: one application, one tracking number, one set of messages.

    ``identity`` is the register's answer asked before this transaction
    (``sheba.identity.services.identity_precheck``); a form with an identity block submitted
    without a passed answer is recorded as waiting for the check (re-asked in the background).
    """
    _check_owner(actor, application)
    locked = _lock(application)
    if not submission_token or submission_token != locked.submission_token:
        raise errors.NotADraft() if locked.status != Status.DRAFT else InvalidInput()
    if locked.status != Status.DRAFT:
        return locked  # the first click already submitted it
    service = locked.service
    if not service.is_published or not offices_offering(service).filter(pk=locked.office_id).exists():
        raise errors.ServiceClosed()
    if validate_data(service.form_schema or {}, locked.form_data or {}):
        if locked.service_version != service.version:
            raise errors.ServiceChanged()
        raise errors.FormIncomplete()
    if not locked.for_self:
        try:
            other_mobile = parse_bd_mobile(locked.other_mobile)
        except ValidationError:
            raise errors.OtherPersonIncomplete() from None
        if not locked.other_name.strip():
            raise errors.OtherPersonIncomplete()
        if other_mobile != locked.other_mobile:
            locked.other_mobile = other_mobile
            locked.save(update_fields=["other_mobile"])
    attachments = list(locked.attachments.select_related("version"))
    check_attachment_count(len(attachments))
    if any(a.version.scan_status != ScanStatus.CLEAN for a in attachments) or _missing_documents(locked, attachments):
        raise errors.DocumentsMissing()

    charter_days = fee_at(service, locked.office).charter_days
    now = clock.now()
    # The tracking number and the move to "submitted" in one UPDATE of the row locked above
    # (DRAFT -> SUBMITTED is in the transition table), then the event and audit rows.
    if Status.SUBMITTED not in TRANSITIONS.get(Status.DRAFT, frozenset()):
        raise errors.IllegalTransition()
    _assign_tracking_number(
        locked,
        due_on=add_working_days(clock.today(), charter_days) if charter_days is not None else None,
        submitted_at=now,
        service_version=service.version,
        status=Status.SUBMITTED,
        holder_office=locked.office,
        updated_at=now,
    )
    _transition_recorded(
        actor=actor,
        locked=locked,
        from_status=Status.DRAFT,
        now=now,
        audit_action="application.submitted",
        data={"service": service.slug, "service_version": service.version, "office": str(locked.office.public_id)},
        send_sms=False,
    )
    from sheba.workflow.services import workflow_start

    workflow_start(application=locked)
    # Identity check (issue 6): recorded with the submission; pending ones are re-asked later.
    from sheba.identity.services import identity_check_open

    identity_check_open(application=locked, precheck=identity)
    _notify_submitted(locked)
    application.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked
