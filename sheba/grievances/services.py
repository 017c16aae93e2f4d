"""Writes for complaints (অভিযোগ): file one, note and decide it at the grievance desk, appeal it.

Every status change goes through ``_transition``: it locks the complaint row, checks the table in
``sheba.grievances.enums``, saves, writes the event row and the audit row in the same
transaction, and queues the citizen's SMS and e-mail (outbox, sent after commit).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sheba.applications.models import Application
from sheba.applications.models import Status as ApplicationStatus
from sheba.audit.services import audit_record, audit_view
from sheba.core import clock
from sheba.core.bengali import nfc
from sheba.core.errors import InvalidInput, NotFound
from sheba.core.workdays import add_working_days
from sheba.directory.models import Office, Post
from sheba.grievances import errors, numbers
from sheba.grievances.enums import (
    ANSWER_WORKING_DAYS,
    APPEAL_DAYS,
    DECIDED_FIRST,
    OFFICE_REASONS,
    OPEN_APPEAL,
    OPEN_FIRST,
    REPLY_MAX,
    TEXT_MAX,
    TEXT_MIN,
    TRANSITIONS,
    AppealOutcome,
    ComplaintReason,
    ComplaintStatus,
    EventKind,
)
from sheba.grievances.models import Complaint, ComplaintEvent
from sheba.grievances.selectors import (
    APPLICATION_DECIDED,
    APPLICATION_UNDECIDED,
    appeal_office_for,
    desk_post_for,
    grievance_post,
    is_party,
    supervising_office,
)
from sheba.notifications.services import notify

NUMBER_ATTEMPTS = 5
OBJECT_TYPE = "complaint"
RESOLVE, REJECT = "resolve", "reject"
# Control characters (NUL above all: PostgreSQL cannot store it) are refused, never stored or cut.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
FIRST_DECISIONS = {RESOLVE: ComplaintStatus.RESOLVED, REJECT: ComplaintStatus.REJECTED}


# --- Helpers --------------------------------------------------------------------------------


def _clean_text(text: str | None, *, minimum: int = TEXT_MIN, maximum: int = TEXT_MAX) -> str:
    body = nfc((text or "").strip())
    if CONTROL_CHARACTERS.search(body):
        raise InvalidInput(_("The text contains invisible control characters that cannot be saved. "
                             "Please type it again without them."))
    if len(body) < minimum:
        raise errors.TextMissing()
    if len(body) > maximum:
        raise errors.TextTooLong(errors.TextTooLong.default_message % {"count": maximum})
    return body


def _check_citizen(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or getattr(actor, "is_officer", False):
        raise NotFound()


def _lock(complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("complainant", "subject_office", "handling_office", "appeal_office", "application")
        .get(pk=complaint.pk)
    )


def _office_name(office: Office | None, language: str) -> str:
    if office is None:
        return ""
    return (office.name_en or office.name_bn) if language == "en" else office.name_bn


def _notify(complaint: Complaint, event: str) -> None:
    """Tell the complainant by SMS, and by e-mail when their address is verified, in their language."""
    person = complaint.complainant
    language = person.preferred_language or "bn"
    context = {
        "complaint_number": complaint.number_display,
        "status": complaint.status,
        "status_label": ComplaintStatus(complaint.status).label,
        "office_name": _office_name(complaint.current_office, language),
        "due_date": complaint.current_due_on,
        "reply": complaint.appeal_reply if complaint.is_appeal_stage else complaint.reply,
        "outcome_label": AppealOutcome(complaint.appeal_outcome).label if complaint.appeal_outcome else "",
        "appeal_days": APPEAL_DAYS,
    }
    if person.mobile:
        notify(event=event, context=context, sms_to=person.mobile, user=person, language=language)
    if person.email and person.email_verified_at:
        notify(event=event, context=context, email_to=person.email, user=person, language=language)


def _event(complaint: Complaint, *, actor: Any, kind: str, from_status: str, to_status: str, text: str = "",
           post: Post | None = None, office: Office | None = None) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint, at=clock.now(), actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if getattr(actor, "is_officer", False) else "",
        post_name_bn=post.name_bn if post else "", post_name_en=post.name_en if post else "",
        office=office, kind=kind, from_status=from_status, to_status=to_status, text=text,
    )


def _transition(locked: Complaint, *, actor: Any, to_status: str, text: str = "", post: Post | None = None,
                audit_action: str, data: dict | None = None, fields: dict | None = None) -> Complaint:
    """Move a locked complaint to ``to_status`` if the table allows it (else ``IllegalStep``)."""
    from_status = locked.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise errors.IllegalStep()
    now = clock.now()
    locked.status = to_status
    locked.updated_at = now
    for name, value in (fields or {}).items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *(fields or {})])
    _event(locked, actor=actor, kind=EventKind.STATUS, from_status=from_status, to_status=to_status, text=text,
           post=post, office=locked.current_office)
    audit_record(actor=actor, action=audit_action, object_type=OBJECT_TYPE, object_id=str(locked.public_id),
                 data={"from": from_status, "to": to_status, "number": locked.number, **(data or {})})
    _notify(locked, "grievance_status")
    return locked


def _desk_check(actor: Any, locked: Complaint) -> Post:
    """The actor's desk post for the complaint's current stage; refusals for everyone else."""
    if not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_officer", False):
        raise NotFound()
    post = desk_post_for(actor, locked)
    if post is None:
        raise errors.NotHandler()
    if is_party(actor, locked):
        raise errors.PartyToComplaint()
    return post


# --- Filing ---------------------------------------------------------------------------------


def _check_reason(reason: str, application: Application | None) -> None:
    if reason not in ComplaintReason.values:
        raise errors.ReasonInvalid()
    if application is None:
        if reason not in OFFICE_REASONS:
            raise errors.ReasonInvalid()
        return
    today = clock.today()
    if reason == ComplaintReason.DELAY:
        if application.due_on is None:
            raise errors.TooEarly(_("This service has no charter deadline, so there is no delay to complain "
                                    "about. Choose another reason if something else went wrong."))
        if application.status not in APPLICATION_UNDECIDED:
            raise errors.TooEarly(_("Your application has already been decided. If you disagree with the "
                                    "decision, choose that reason instead."))
        if application.due_on >= today:
            from sheba.core.templatetags.sheba import dualdate

            raise errors.TooEarly(_("The charter deadline is %(date)s and has not passed yet. You can complain "
                                    "about delay from the next working day.") % {"date": dualdate(application.due_on)})
    if reason == ComplaintReason.DECISION and application.status not in APPLICATION_DECIDED:
        raise errors.TooEarly(_("There is no decision on your application yet. You can complain about the "
                                "decision once it is made, or about delay once the deadline has passed."))


@transaction.atomic(durable=True)
def complaint_file(
    *,
    actor: Any,
    reason: str,
    text: str,
    submission_token: str,
    application: Application | None = None,
    office: Office | None = None,
) -> Complaint:
    """A citizen files a complaint about their own submitted application, or about an office in
    general. It goes to the grievance officer of the supervising office with an answer due in 30
    working days. The same token twice (a double-clicked button) returns the first complaint."""
    _check_citizen(actor)
    token = (submission_token or "").strip()
    if not TOKEN.fullmatch(token):
        raise InvalidInput(_("This form has expired. Please open it again and resubmit."))
    existing = Complaint.objects.filter(submission_token=token).first()
    if existing is not None:
        if existing.complainant_id != actor.pk:
            raise InvalidInput(_("This form has expired. Please open it again and resubmit."))
        return existing
    if (application is None) == (office is None):
        raise InvalidInput(_("Choose the application or the office your complaint is about."))
    if application is not None:
        locked_application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("office", "holder_office", "office__parent", "holder_office__parent")
            .filter(pk=application.pk).first()
        )
        if (locked_application is None or locked_application.applicant_id != actor.pk
                or locked_application.status == ApplicationStatus.DRAFT):
            raise errors.NotYourApplication()
        application = locked_application
        subject = application.holder_office or application.office
    else:
        assert office is not None
        if not office.is_active:
            raise NotFound()
        subject = office
    _check_reason(reason, application)
    body = _clean_text(text)
    handling = supervising_office(subject)
    if grievance_post(handling) is None:
        raise errors.NoGrievanceOfficer()
    if application is not None and Complaint.objects.filter(
        application=application, status__in=sorted(OPEN_FIRST | OPEN_APPEAL)
    ).exists():
        raise errors.AlreadyOpen()
    now = clock.now()
    complaint = None
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    number=numbers.generate(), complainant=actor, application=application, subject_office=subject,
                    handling_office=handling, reason=reason, text=body, status=ComplaintStatus.SUBMITTED,
                    submission_token=token, created_at=now, updated_at=now,
                    due_on=add_working_days(clock.today(), ANSWER_WORKING_DAYS),
                )
        except IntegrityError:
            same = Complaint.objects.filter(submission_token=token).first()
            if same is not None:  # the same form sent twice at once: the first one stands
                if same.complainant_id != actor.pk:
                    raise InvalidInput(_("This form has expired. Please open it again and resubmit.")) from None
                return same
            if application is not None and Complaint.objects.filter(
                application=application, status__in=sorted(OPEN_FIRST | OPEN_APPEAL)
            ).exists():
                raise errors.AlreadyOpen() from None
            continue  # a (1 in 10^16) number collision: draw again
        break
    if complaint is None:
        raise IntegrityError("could not draw an unused complaint number")
    _event(complaint, actor=actor, kind=EventKind.STATUS, from_status="", to_status=ComplaintStatus.SUBMITTED,
           text=body, office=handling)
    audit_record(
        actor=actor, action="complaint.submitted", object_type=OBJECT_TYPE, object_id=str(complaint.public_id),
        data={"number": complaint.number, "reason": reason, "subject_office": str(subject.public_id),
              "handling_office": str(handling.public_id),
              "application": str(application.public_id) if application is not None else ""},
    )
    _notify(complaint, "grievance_submitted")
    return complaint


# --- The grievance desk ---------------------------------------------------------------------


def complaint_view(*, actor: Any, complaint: Complaint, ip: str | None = None) -> None:
    """An officer opened the complaint: audit "view" rows for the complaint and for the file it is
    about (the citizen then sees that the grievance officer looked at their file)."""
    with transaction.atomic():
        audit_view(actor=actor, object_type=OBJECT_TYPE, object_id=str(complaint.public_id), ip=ip)
        if complaint.application is not None:
            audit_view(actor=actor, object_type="application", object_id=str(complaint.application.public_id), ip=ip)


@transaction.atomic(durable=True)
def complaint_note(*, actor: Any, complaint: Complaint, text: str) -> Complaint:
    """The grievance officer writes an investigation note (for the offices only). The first note
    moves the complaint (or the appeal) under investigation and tells the citizen."""
    locked = _lock(complaint)
    if locked.status not in OPEN_FIRST | OPEN_APPEAL:
        raise errors.IllegalStep()
    post = _desk_check(actor, locked)
    body = _clean_text(text, minimum=1, maximum=REPLY_MAX)
    if locked.status == ComplaintStatus.SUBMITTED:
        _transition(locked, actor=actor, to_status=ComplaintStatus.INVESTIGATING, post=post,
                    audit_action="complaint.investigating")
    elif locked.status == ComplaintStatus.APPEALED:
        _transition(locked, actor=actor, to_status=ComplaintStatus.APPEAL_REVIEW, post=post,
                    audit_action="complaint.appeal_review")
    _event(locked, actor=actor, kind=EventKind.NOTE, from_status=locked.status, to_status=locked.status, text=body,
           post=post, office=locked.current_office)
    audit_record(actor=actor, action="complaint.note", object_type=OBJECT_TYPE, object_id=str(locked.public_id),
                 data={"status": locked.status})
    return locked


@transaction.atomic(durable=True)
def complaint_decide(*, actor: Any, complaint: Complaint, decision: str, reply: str) -> Complaint:
    """Answer the complaint with a reply to the citizen: at the first level "resolve" or "reject";
    on appeal "upheld" or "dismissed". Only a desk officer who is not a party to it may decide."""
    locked = _lock(complaint)
    if locked.status in OPEN_FIRST:
        to_status = FIRST_DECISIONS.get(decision)
        if to_status is None:
            raise InvalidInput(_("Choose whether the complaint is resolved or rejected."))
    elif locked.status in OPEN_APPEAL:
        if decision not in AppealOutcome.values:
            raise InvalidInput(_("Choose whether the appeal is upheld or dismissed."))
        to_status = ComplaintStatus.APPEAL_DECIDED
    else:
        raise errors.IllegalStep(_("This complaint has already been decided."))
    post = _desk_check(actor, locked)
    body = _clean_text(reply, minimum=1, maximum=REPLY_MAX)
    now = clock.now()
    if to_status == ComplaintStatus.APPEAL_DECIDED:
        fields: dict[str, Any] = {"appeal_decided_at": now, "appeal_decided_by": actor, "appeal_reply": body,
                                  "appeal_outcome": decision}
        audit_action = "complaint.appeal_decided"
    else:
        fields = {"decided_at": now, "decided_by": actor, "reply": body}
        audit_action = f"complaint.{to_status}"
    return _transition(locked, actor=actor, to_status=to_status, text=body, post=post, audit_action=audit_action,
                       data={"decision": decision}, fields=fields)


# --- Appeal ---------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def complaint_appeal(*, actor: Any, complaint: Complaint, text: str) -> Complaint:
    """The citizen, not satisfied with the answer, appeals once, within 30 days of the decision, to
    the office one level above the one that decided. The same appeal sent twice is kept once."""
    _check_citizen(actor)
    locked = _lock(complaint)
    if locked.complainant_id != actor.pk:
        raise NotFound()
    body = _clean_text(text)
    if locked.status in OPEN_APPEAL or locked.status == ComplaintStatus.APPEAL_DECIDED:
        if locked.appeal_text == body and locked.status == ComplaintStatus.APPEALED:
            return locked  # a double-clicked "appeal": the first one stands
        raise errors.AppealTwice()
    if locked.status not in DECIDED_FIRST or locked.decided_at is None:
        raise errors.AppealNotAllowed(_("You can appeal only after the complaint has been answered."))
    if clock.now() > locked.decided_at + timedelta(days=APPEAL_DAYS):
        raise errors.AppealTooLate(errors.AppealTooLate.default_message % {"days": APPEAL_DAYS})
    appeal_office = appeal_office_for(locked.handling_office)
    return _transition(
        locked, actor=actor, to_status=ComplaintStatus.APPEALED, text=body, audit_action="complaint.appealed",
        data={"appeal_office": str(appeal_office.public_id)},
        fields={"appeal_text": body, "appealed_at": clock.now(), "appeal_office": appeal_office,
                "appeal_due_on": add_working_days(clock.today(), ANSWER_WORKING_DAYS)},
    )


def appeal_open_until(complaint: Complaint):
    """The last moment the citizen may appeal (None when an appeal is not possible)."""
    if complaint.status not in DECIDED_FIRST or complaint.decided_at is None:
        return None
    return complaint.decided_at + timedelta(days=APPEAL_DAYS)
