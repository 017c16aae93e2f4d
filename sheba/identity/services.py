"""The identity check of applications: asked before submission, recorded with the submission,
re-asked in the background while the register is down, and enforced on every officer action.

The rule (issue 6): an application whose form carries an NID or birth-registration number with a
name and date of birth is checked against the national register. No HTTP call ever runs inside
a database transaction: :func:`identity_precheck` and :func:`identity_recheck` ask the register
first and only then write, in a short transaction, under a row lock.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sheba.audit.services import audit_record
from sheba.core import clock
from sheba.core.errors import DomainError, InvalidInput, NotFound
from sheba.identity.matching import digits
from sheba.identity.models import CheckStatus, IdentityCheck
from sheba.identity.register import IdentityQuery, IdentityResult, RegisterUnavailable, get_register

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
MAX_ATTEMPTS = 48  # about two days of hourly tries after the first quick ones; then an operator looks

# The form fields (sheba/catalog/seed_data.py ``applicant()``) that carry the applicant's identity.
NUMBER_FIELD = "identity_number"
DOB_FIELD = "date_of_birth"
# protocol.FIELDS name -> form field(s) that showed it
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name_bn", "name_en"),
    "date_of_birth": ("date_of_birth",),
    "father_name": ("father_name",),
    "mother_name": ("mother_name",),
}
FORM_FIELDS_ALL = frozenset({NUMBER_FIELD, "name_bn", "name_en", "date_of_birth", "father_name", "mother_name"})


def _field_messages() -> dict[str, str]:
    return {
        "name": _("This name does not match the national identity register for this number."),
        "date_of_birth": _("This date of birth does not match the national identity register for this number."),
        "father_name": _("This father's name does not match the national identity register for this number."),
        "mother_name": _("This mother's name does not match the national identity register for this number."),
    }


class IdentityMismatch(DomainError):
    """The register answered: the details do not agree (or the number is unknown)."""

    code = "identity_mismatch"
    default_message = gettext_lazy(
        "The details you gave do not match the national identity register. Please correct the marked fields."
    )

    def __init__(self, field_errors: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.field_errors = field_errors


class IdentityNotChecked(DomainError):
    """An officer tried to act on a file whose identity check has not passed."""

    code = "identity_not_checked"
    status = 409


@dataclass(frozen=True)
class Precheck:
    """What :func:`identity_precheck` learned; handed to ``application_submit`` to record."""

    fingerprint: str
    result: IdentityResult | None = None  # None: the register did not answer
    error: str = ""
    kind: str = ""
    number_last4: str = ""
    field_errors: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.result is not None and self.result.matched

    @property
    def waiting_message(self) -> Any:
        return gettext_lazy(
            "The national identity register is not answering right now, so your identity could not be "
            "checked yet. Your application is kept and will be checked automatically; the office "
            "decides it only after the check passes. We will send you an SMS if something needs correcting."
        )


# --- Reading the identity block of a form ---------------------------------------------------


def carries_identity(schema: dict[str, Any] | None) -> bool:
    """The service's form has the applicant identity block (number, date of birth, name)."""
    props = (schema or {}).get("properties") or {}
    return NUMBER_FIELD in props and DOB_FIELD in props and ("name_bn" in props or "name_en" in props)


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def fingerprint(data: dict[str, Any]) -> str:
    """A keyed hash of the identity details in ``data`` (the answers), so a later change shows."""
    parts = [digits(_text(data, NUMBER_FIELD)), _text(data, DOB_FIELD)]
    parts += [_text(data, name) for name in ("name_bn", "name_en", "father_name", "mother_name")]
    key = (getattr(settings, "SECRET_KEY", "") + "|identity-fingerprint").encode()
    return hmac.new(key, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).hexdigest()


def queries_from_answers(data: dict[str, Any]) -> list[IdentityQuery]:
    """The queries to ask, in order: a 17-digit number may be an NID or a birth registration
    number, so both are tried (NID first). Raises InvalidInput for details the client refuses."""
    number = digits(_text(data, NUMBER_FIELD))
    try:
        born = date.fromisoformat(_text(data, DOB_FIELD))
    except ValueError:
        raise InvalidInput(_("Enter a valid date of birth.")) from None
    def query(kind: Literal["nid", "brn"]) -> IdentityQuery:
        return IdentityQuery(
            kind=kind, number=number, date_of_birth=born, name_bn=_text(data, "name_bn"),
            name_en=_text(data, "name_en"), father_name=_text(data, "father_name"),
            mother_name=_text(data, "mother_name"),
        )

    if len(number) == 17:
        return [query("nid"), query("brn")]
    return [query("nid")]


def _ask(data: dict[str, Any]) -> tuple[IdentityResult, IdentityQuery]:
    """Ask the register (HTTP; never call inside a transaction). RegisterUnavailable without an answer."""
    register = get_register()
    queries = queries_from_answers(data)
    result: IdentityResult | None = None
    for query in queries:
        result = register.verify(query)
        if result.status != "not_found":
            return result, query
    assert result is not None
    return result, queries[-1]


def field_errors_for(result: IdentityResult) -> dict[str, str]:
    """Form field -> message in the active language, for a mismatch or an unknown number."""
    if result.status == "not_found":
        return {NUMBER_FIELD: _("The national identity register has no record of this number. Please check it.")}
    messages = _field_messages()
    found: dict[str, str] = {}
    for name in result.mismatched:
        for form_field in FORM_FIELDS.get(name, ()):
            found[form_field] = messages[name]
    return found


def identity_precheck(*, application: Any) -> Precheck | None:
    """Before the submit transaction: ask the register about the draft's identity details.

    None when the service's form has no identity block. Raises ``IdentityMismatch`` (with the
    form field errors) when the register says the details differ or the number is unknown, and
    ``InvalidInput`` for details the register client refuses. A register that does not answer
    gives a Precheck without a result: the application goes in and waits for the check.
    """
    if not carries_identity(application.service.form_schema):
        return None
    # Read the answers just saved (the caller's object may predate ``application_update_draft``).
    stored = type(application).objects.filter(pk=application.pk).values_list("form_data", flat=True).first()
    data = dict(stored or {})
    print_ = fingerprint(data)
    number = digits(_text(data, NUMBER_FIELD))
    try:
        result, query = _ask(data)
    except RegisterUnavailable as exc:
        return Precheck(fingerprint=print_, error=exc.code, number_last4=number[-4:])
    if not result.matched:
        raise IdentityMismatch(field_errors_for(result))
    return Precheck(fingerprint=print_, result=result, kind=query.kind, number_last4=number[-4:])


# --- Recording -------------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def _schedule(check: IdentityCheck) -> None:
    from sheba.identity.tasks import identity_recheck_task

    when = check.next_attempt_at
    check_id = str(check.public_id)
    transaction.on_commit(
        lambda: identity_recheck_task.using(run_after=when).enqueue(check_id), robust=True
    )


def identity_check_open(*, application: Any, precheck: Precheck | None) -> IdentityCheck | None:
    """Inside ``application_submit``'s transaction: record the check for a just-submitted file.

    A file submitted without a pre-check (another channel) or while the register was down is
    recorded ``pending`` and a background re-check is queued: never passed unchecked.
    """
    if not carries_identity(application.service.form_schema):
        return None
    now = clock.now()
    data = dict(application.form_data or {})
    current = fingerprint(data)
    passed = precheck is not None and precheck.passed and precheck.fingerprint == current
    values: dict[str, Any] = {
        "status": CheckStatus.PASSED if passed else CheckStatus.PENDING,
        "fingerprint": current,
        "kind": precheck.kind if passed and precheck else "",
        "number_last4": digits(_text(data, NUMBER_FIELD))[-4:],
        "mismatched": [],
        "attempts": 1 if precheck is not None else 0,
        "last_error": (precheck.error if precheck else "")[:200],
        "reference": precheck.result.reference if passed and precheck and precheck.result else "",
        "checked_at": now if passed else None,
        # Not asked yet (another channel): ask at once; the register was down: after the first backoff.
        "next_attempt_at": None if passed else (now if precheck is None else now + _backoff(1)),
        "updated_at": now,
    }
    check, _created = IdentityCheck.objects.update_or_create(
        application=application, defaults=values, create_defaults={**values, "created_at": now}
    )
    audit_record(actor=None, action="identity.checked" if passed else "identity.pending",
                 object_type="application", object_id=str(application.public_id),
                 data={"status": check.status, "number_last4": check.number_last4})
    if not passed:
        _schedule(check)
    return check


def _send_back(check: IdentityCheck, result: IdentityResult) -> None:
    """A later mismatch: the file goes back to the citizen, saying which details differ."""
    from sheba.applications.models import Status
    from sheba.applications.services import application_transition
    from sheba.workflow.models import ActionKind, Route, Task, WorkflowAction

    application = check.application
    if application.status not in (Status.SUBMITTED, Status.IN_REVIEW):
        return  # already back with the applicant (or decided): nothing more to send
    labels = ", ".join(result.mismatch_labels()) if result.status == "mismatch" else _("the number")
    english_labels = _labels_in("en", result)
    note = _("The national identity register does not confirm: %(fields)s. Please correct and submit again.") % {
        "fields": labels
    }
    wrong = sorted({f for name in result.mismatched for f in FORM_FIELDS.get(name, ())}) or [NUMBER_FIELD]
    open_task = (
        Task.objects.select_for_update(of=("self",)).select_related("step")
        .filter(application=application, completed_at__isnull=True).order_by("pk").first()
    )
    if open_task is not None:
        action = WorkflowAction.objects.filter(
            step=open_task.step, kind=ActionKind.SEND_BACK, route=Route.APPLICANT
        ).order_by("position", "pk").first()
        # Completed by nobody: the register, not an officer, sent it back. The step resumes on resubmission.
        open_task.completed_at = clock.now()
        open_task.action = action
        open_task.fields_to_correct = wrong
        open_task.save(update_fields=["completed_at", "action", "fields_to_correct"])
    application_transition(
        actor=None, application=application, to_status=Status.SENT_BACK, note=note,
        data={"identity": "mismatch", "fields": list(result.mismatched), "fields_to_correct": wrong,
              "reason_en": english_labels},
        audit_action="identity.sent_back", send_sms=False,
    )
    _notify_mismatch(application)


def _labels_in(language: str, result: IdentityResult) -> str:
    from django.utils import translation

    with translation.override(language):
        return ", ".join(result.mismatch_labels()) if result.status == "mismatch" else str(_("the number"))


def _notify_mismatch(application: Any) -> None:
    from sheba.notifications.services import notify

    applicant = application.applicant
    if applicant.mobile:
        notify(
            event="identity_mismatch",
            context={"tracking_number": application.tracking_display},
            sms_to=applicant.mobile,
            user=applicant,
            language=applicant.preferred_language or "bn",
        )


def identity_recheck(*, check_id: Any, force: bool = False) -> str:
    """Ask the register again for a pending check (the background task, or an officer's "check
    again"). Idempotent: a check that is no longer pending is left alone unless ``force`` (an
    officer re-checking a file whose details changed, or one that failed). Returns the status."""
    check = IdentityCheck.objects.select_related("application", "application__service").filter(
        public_id=check_id
    ).first()
    if check is None:
        return "missing"
    if check.status != CheckStatus.PENDING and not force:
        return check.status
    data = dict(check.application.form_data or {})
    current = fingerprint(data)
    outcome: IdentityResult | None = None
    kind = ""
    error = ""
    try:
        outcome, query = _ask(data)  # no transaction open here
        kind = query.kind
    except RegisterUnavailable as exc:
        error = exc.code
    except InvalidInput as exc:
        error = "invalid_details: " + str(exc.message)
    with transaction.atomic():
        locked = IdentityCheck.objects.select_for_update().select_related(
            "application", "application__service", "application__applicant"
        ).get(pk=check.pk)
        if locked.status != check.status or locked.updated_at != check.updated_at:
            return locked.status  # someone else answered meanwhile
        now = clock.now()
        locked.attempts += 1
        locked.updated_at = now
        locked.fingerprint = current
        if outcome is None:
            locked.last_error = error[:200]
            if error.startswith("invalid_details") or locked.attempts >= MAX_ATTEMPTS:
                locked.status = CheckStatus.ERROR
                locked.next_attempt_at = None
            else:
                locked.status = CheckStatus.PENDING
                locked.next_attempt_at = now + _backoff(locked.attempts)
            locked.save()
            if locked.status == CheckStatus.PENDING:
                _schedule(locked)
            else:
                audit_record(actor=None, action="identity.error", object_type="application",
                             object_id=str(locked.application.public_id), data={"error": locked.last_error})
            return locked.status
        locked.kind = kind
        locked.reference = outcome.reference
        locked.checked_at = now
        locked.next_attempt_at = None
        locked.last_error = ""
        locked.mismatched = list(outcome.mismatched) if outcome.status == "mismatch" else ["number"]
        if outcome.matched:
            locked.mismatched = []
            locked.status = CheckStatus.PASSED
        else:
            locked.status = CheckStatus.MISMATCH
        locked.save()
        audit_record(actor=None, action=f"identity.{locked.status}", object_type="application",
                     object_id=str(locked.application.public_id),
                     data={"status": locked.status, "mismatched": locked.mismatched, "attempts": locked.attempts})
        if locked.status == CheckStatus.MISMATCH:
            _send_back(locked, outcome)
        return locked.status


def identity_sweep(*, limit: int = 100, grace_seconds: int = 60) -> dict[str, int]:
    """Run by the worker's sweeper (``manage.py db_worker``): ask the register again for

    * pending checks long past their next attempt (the queued task died with a worker), and
    * files back with the office whose identity details changed since the check (a corrected
      resubmission after a mismatch, or answers corrected after a send-back).

    Each check is asked outside any transaction; ``identity_recheck`` makes doubles harmless."""
    from django.db.models import F

    from sheba.applications.models import Status

    now = clock.now()
    counts = {"due": 0, "changed": 0}
    due = IdentityCheck.objects.filter(
        status=CheckStatus.PENDING, next_attempt_at__lte=now - timedelta(seconds=grace_seconds)
    ).values_list("public_id", flat=True)[:limit]
    for check_id in list(due):
        counts["due"] += 1
        if identity_recheck(check_id=check_id) == CheckStatus.PENDING:
            return counts  # the register is still down: the next sweep tries again
    with_office = (Status.SUBMITTED, Status.IN_REVIEW)
    candidates = (
        IdentityCheck.objects.filter(application__status__in=with_office)
        .filter(application__updated_at__gt=F("updated_at"))
        .exclude(status=CheckStatus.PENDING)
        .select_related("application")[:limit]
    )
    for check in list(candidates):
        if check.fingerprint != fingerprint(dict(check.application.form_data or {})) or check.status != CheckStatus.PASSED:
            counts["changed"] += 1
            if identity_recheck(check_id=check.public_id, force=True) == CheckStatus.PENDING:
                return counts
        else:  # the file moved on (an officer's action), its details did not: look no more
            IdentityCheck.objects.filter(pk=check.pk, updated_at=check.updated_at).update(updated_at=now)
    return counts


def identity_check_again(*, actor: Any, application: Any) -> str:
    """An officer of the office holding the file asks the register again now (after a correction
    or a failure). Out of scope answers like missing."""
    from sheba.applications.selectors import applications_visible_to

    if not getattr(actor, "is_officer", False) or not applications_visible_to(actor).filter(pk=application.pk).exists():
        raise NotFound()
    check = IdentityCheck.objects.filter(application=application).first()
    if check is None:
        if not carries_identity(application.service.form_schema) or application.status == "draft":
            raise NotFound()
        with transaction.atomic():
            check = identity_check_open(application=application, precheck=None)
        assert check is not None
    if check.status == CheckStatus.PASSED and check.fingerprint == fingerprint(dict(application.form_data or {})):
        return check.status
    with transaction.atomic():
        audit_record(actor=actor, action="identity.recheck_requested", object_type="application",
                     object_id=str(application.public_id), data={"status": check.status})
    return identity_recheck(check_id=check.public_id, force=True)


# --- The workflow guard ----------------------------------------------------------------------


def guard_identity_checked(*, actor: Any, application: Any, task: Any, action: Any) -> None:
    """Registered for every officer action: only "send back" may go ahead while the file's
    identity check is pending, failed, or was made for details the file no longer holds."""
    from sheba.workflow.models import ActionKind

    if action.kind == ActionKind.SEND_BACK or not carries_identity(application.service.form_schema):
        return
    check = IdentityCheck.objects.filter(application=application).first()
    if check is None:
        raise IdentityNotChecked(gettext_lazy(
            "The applicant's identity has not been checked against the national register yet. "
            "You can only send this file back until it is."
        ))
    if check.status == CheckStatus.PASSED and check.fingerprint == fingerprint(dict(application.form_data or {})):
        return
    if check.status == CheckStatus.PASSED:
        raise IdentityNotChecked(gettext_lazy(
            "The identity details changed after the check. Use “check again” before deciding."
        ))
    if check.status == CheckStatus.PENDING:
        raise IdentityNotChecked(gettext_lazy(
            "The identity check is still waiting for the national register. You can only send this "
            "file back until it passes."
        ))
    raise IdentityNotChecked(gettext_lazy(
        "The identity check did not pass. You can only send this file back to the applicant."
    ))


# --- Recovering a forgotten MPIN -------------------------------------------------------------

RECOVERY_MAX_FAILURES = 5  # wrong identity answers per account in RECOVERY_WINDOW
RECOVERY_WINDOW = timedelta(hours=24)
RECOVERY_VALID = timedelta(minutes=15)  # a passed check lets the citizen set a new MPIN this long


class RecoveryRefused(InvalidInput):
    code = "recovery_identity_mismatch"
    default_message = gettext_lazy(
        "The NID or birth registration number and date of birth do not match your account. "
        "Type them exactly as recorded in your profile."
    )


def _record_attempt(user: Any, *, succeeded: bool) -> None:
    from sheba.identity.models import RecoveryAttempt

    with transaction.atomic():
        RecoveryAttempt.objects.create(user=user, at=clock.now(), succeeded=succeeded)
        audit_record(actor=user, action="mpin.recovery_identity_" + ("passed" if succeeded else "failed"),
                     object_type="user", object_id=str(getattr(user, "public_id", user.pk)))


def recovery_identity_check(*, user: Any, number: str, date_of_birth: date) -> None:
    """Forgotten MPIN, after the OTP: the citizen types the NID/birth registration number and date
    of birth recorded in their profile; both must agree with the profile, and the profile's
    identity (number, date of birth, names) must be confirmed by the national register now.

    Raises ``RateLimited`` after RECOVERY_MAX_FAILURES wrong answers in a day, ``RecoveryRefused``
    (counted) on a mismatch, ``InvalidInput`` when the profile has no identity to check against,
    and ``RegisterUnavailable`` (not counted) when the register does not answer: never passed unchecked.
    """
    from sheba.core.errors import RateLimited
    from sheba.identity.models import RecoveryAttempt
    from sheba.identity.register import query_from_profile

    now = clock.now()
    failures = RecoveryAttempt.objects.filter(user=user, succeeded=False, at__gte=now - RECOVERY_WINDOW)
    if failures.count() >= RECOVERY_MAX_FAILURES:
        oldest = failures.order_by("at").first()
        wait = int(((oldest.at + RECOVERY_WINDOW) - now).total_seconds()) + 1 if oldest else 3600
        raise RateLimited(
            gettext_lazy("Too many wrong answers. For your safety, try again tomorrow or visit a Union Digital Centre."),
            retry_after=max(wait, 1),
        )
    profile = getattr(user, "profile", None)
    if profile is None or not profile.identity_number or profile.date_of_birth is None:
        raise InvalidInput(gettext_lazy(
            "Your account has no NID or birth registration number recorded, so the MPIN cannot be reset "
            "online. Please visit a Union Digital Centre with your NID."
        ))
    typed = digits(number or "")
    if typed != digits(profile.identity_number) or date_of_birth != profile.date_of_birth:
        _record_attempt(user, succeeded=False)
        raise RecoveryRefused()
    result = get_register().verify(query_from_profile(profile))  # HTTP: no transaction is open here
    if not result.matched:
        _record_attempt(user, succeeded=False)
        raise RecoveryRefused(gettext_lazy(
            "The national identity register does not confirm the identity recorded in your account, so the "
            "MPIN cannot be reset online. Please visit a Union Digital Centre with your NID."
        ))
    _record_attempt(user, succeeded=True)


def recovery_identity_passed(*, user: Any, since: Any) -> bool:
    """A passed identity check of this account after ``since`` (the OTP's verification) and recent."""
    from sheba.identity.models import RecoveryAttempt

    earliest = max(since, clock.now() - RECOVERY_VALID) if since else clock.now() - RECOVERY_VALID
    return RecoveryAttempt.objects.filter(user=user, succeeded=True, at__gte=earliest).exists()
