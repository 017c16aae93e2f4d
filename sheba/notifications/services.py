"""Notifications: the one entry point other apps call (``notify``) and the worker's side.

The outbox rule (after GOV.UK Notify): ``notify`` writes ``Message`` rows in the caller's
transaction and queues only their ids once that transaction commits. The worker then moves a
message ``created -> sending`` under a row lock and COMMITS that before talking to any gateway,
so no transaction is open during an HTTP or SMTP call. What the gateway said is recorded in a
second short transaction: ``sent``, a retry (back to ``created`` with ``next_attempt_at``), or a
final ``failed`` / ``expired``. Final states never move back.

If a worker dies, ``outbox_sweep`` finds what it left behind: rows in ``sending`` for longer than
the stale limit go back to ``created`` (the gateway may have accepted the message already, so a
crash costs at most one duplicate) and ``created`` rows without a queue entry are queued again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.template import Context, Engine
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sheba.core import clock
from sheba.core.bengali import nfc
from sheba.core.errors import InvalidInput, NotFound
from sheba.core.phone import parse_bd_mobile
from sheba.notifications import backends, conf
from sheba.notifications.models import (
    FINAL_STATUSES,
    Channel,
    DeliveryReceipt,
    GatewayState,
    Message,
    MessageStatus,
    NotificationTemplate,
)
from sheba.notifications.sms import fit, measure
from sheba.notifications.tasks import send_message

logger = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "bn"


class TemplateMissing(LookupError):
    """No template for this event and channel, in the asked language or in Bengali."""


# --- Rendering ------------------------------------------------------------------------------

_engine: Engine | None = None


def _template_engine() -> Engine:
    """Django's template language without HTML escaping (SMS and plain-text e-mail)."""
    global _engine
    if _engine is None:
        _engine = Engine(
            autoescape=False,
            builtins=["sheba.core.templatetags.sheba"],
            libraries={"i18n": "django.templatetags.i18n", "l10n": "django.templatetags.l10n"},
        )
    return _engine


def normalise_language(language: str | None) -> str:
    code = (language or DEFAULT_LANGUAGE).split("-")[0].split("_")[0].lower()
    return code if code in dict(settings.LANGUAGES) else DEFAULT_LANGUAGE


def platform_context() -> dict[str, Any]:
    """Keys every template may use besides the event's own: the help desk and the site."""
    return {
        "helpdesk_phone": settings.SHEBA_HELPDESK_PHONE,
        "helpdesk_email": settings.SHEBA_HELPDESK_EMAIL,
        "site_url": settings.SHEBA_SITE_URL,
    }


def render_text(*, subject: str, body: str, language: str, context: Mapping[str, Any]) -> tuple[str, str]:
    """Render a subject and body written in Django template syntax, in ``language``.

    Lazy translations in the context (a purpose label, say) come out in that language, and the
    ``num`` filter gives Bengali digits when it is Bengali.
    """
    engine = _template_engine()
    values = {**platform_context(), **dict(context)}
    with translation.override(language):
        rendered_subject = engine.from_string(subject).render(Context(values, autoescape=False)) if subject else ""
        rendered_body = engine.from_string(body).render(Context(values, autoescape=False))
    return nfc(" ".join(rendered_subject.split())), nfc(rendered_body.strip())


def template_for(*, event: str, channel: str, language: str) -> NotificationTemplate:
    """The template in ``language``, else the Bengali one."""
    found = {
        t.language: t
        for t in NotificationTemplate.objects.filter(
            event=event, channel=channel, language__in={language, DEFAULT_LANGUAGE}
        )
    }
    template = found.get(language) or found.get(DEFAULT_LANGUAGE)
    if template is None:
        raise TemplateMissing(f"No {channel} template for event {event!r}.")
    return template


# --- The entry point ------------------------------------------------------------------------


def _enqueue_after_commit(message_id: uuid.UUID) -> None:
    # robust: a failure to queue must not turn the caller's committed change into an error
    # page; the sweeper queues any "created" row that has no queue entry.
    transaction.on_commit(lambda: send_message.enqueue(str(message_id)), robust=True)


@transaction.atomic
def notify(
    *,
    event: str,
    context: Mapping[str, Any],
    sms_to: str | None = None,
    email_to: str | None = None,
    user: Any = None,
    language: str = DEFAULT_LANGUAGE,
    expires_at: datetime | None = None,
) -> list[Message]:
    """Write the SMS and/or e-mail for ``event`` in the caller's transaction; send after commit.

    The text comes from the event's template in ``language`` (Bengali when that language has
    none). ``expires_at`` (OTPs): the message is not sent, nor retried, after that moment.
    """
    if not sms_to and not email_to:
        raise InvalidInput(_("There is nobody to send this to."))
    language = normalise_language(language)
    now = clock.now()
    messages: list[Message] = []
    targets: list[tuple[str, str]] = []
    if sms_to:
        try:
            targets.append((Channel.SMS, parse_bd_mobile(sms_to)))
        except ValidationError as exc:
            raise InvalidInput(exc.messages[0]) from None
    if email_to:
        address = email_to.strip()
        try:
            validate_email(address)
        except ValidationError:
            raise InvalidInput(_("Enter a valid e-mail address.")) from None
        targets.append((Channel.EMAIL, address))
    for channel, recipient in targets:
        template = template_for(event=event, channel=channel, language=language)
        subject, body = render_text(
            subject=template.subject if channel == Channel.EMAIL else "",
            body=template.body,
            language=template.language,
            context=context,
        )
        message = Message(
            channel=channel,
            event=event,
            language=template.language,
            recipient=recipient,
            user=user,
            subject=subject[:200],
            body=body,
            expires_at=expires_at,
            created_at=now,
        )
        if channel == Channel.SMS:
            message.body = fit(body, conf.sms_max_segments())
            length = measure(message.body)
            message.encoding = length.encoding
            message.segments = length.segments
        message.save(force_insert=True)
        _enqueue_after_commit(message.id)
        messages.append(message)
    return messages


# --- The worker's side ----------------------------------------------------------------------


def backoff_delay(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: base, 2×base, 4×base … capped."""
    seconds = conf.backoff_base_seconds() * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, conf.backoff_max_seconds()))


def _expire(message: Message, now: datetime, reason: str) -> None:
    message.status = MessageStatus.EXPIRED
    message.failed_at = now
    message.next_attempt_at = None
    message.last_error = reason[:500]
    message.save(update_fields=["status", "failed_at", "next_attempt_at", "last_error"])


def _fail(message: Message, now: datetime, reason: str) -> None:
    message.status = MessageStatus.FAILED
    message.failed_at = now
    message.next_attempt_at = None
    message.last_error = reason[:500]
    message.save(update_fields=["status", "failed_at", "next_attempt_at", "last_error"])


def _message_claim(message_id: str) -> Message | None:
    """Move a due message ``created -> sending`` (attempts + 1) and commit; None if not ours to send."""
    with transaction.atomic(durable=True):
        message = Message.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.CREATED:
            return None  # locked by another worker, gone, or already handled
        now = clock.now()
        if message.next_attempt_at and message.next_attempt_at > now:
            return None  # a retry that is not due; its own queue entry will come
        if message.expires_at and message.expires_at <= now:
            _expire(message, now, "expired before sending")
            return None
        if message.attempts >= conf.max_attempts():
            _fail(message, now, message.last_error or "too many attempts")
            return None
        message.status = MessageStatus.SENDING
        message.attempts = F("attempts") + 1
        message.sending_started_at = now
        message.next_attempt_at = None
        message.save(update_fields=["status", "attempts", "sending_started_at", "next_attempt_at"])
        message.refresh_from_db(fields=["attempts"])
    return message


def _record_sent(message_id: uuid.UUID, result: backends.SendResult) -> None:
    with transaction.atomic(durable=True):
        message = Message.objects.select_for_update().get(pk=message_id)
        # "created" too: a sweeper may have taken back a slow send that did go out in the end.
        if message.status not in (MessageStatus.SENDING, MessageStatus.CREATED):
            return
        message.status = MessageStatus.SENT
        message.sent_at = clock.now()
        message.gateway = result.gateway
        message.provider_reference = result.provider_reference
        message.next_attempt_at = None
        message.last_error = ""
        message.save(
            update_fields=["status", "sent_at", "gateway", "provider_reference", "next_attempt_at", "last_error"]
        )


def _record_failure(message_id: uuid.UUID, attempt: int, failure: backends.SendFailure, *, permanent: bool) -> str:
    """Retry later with backoff, or give up; returns the message's new status."""
    with transaction.atomic(durable=True):
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != MessageStatus.SENDING or message.attempts != attempt:
            return str(message.status)  # someone else has moved it on since
        now = clock.now()
        message.gateway = failure.gateway[:20]
        message.save(update_fields=["gateway"])
        reason = failure.reason
        if permanent:
            _fail(message, now, reason)
            return str(message.status)
        if message.attempts >= conf.max_attempts():
            _fail(message, now, reason)
            return str(message.status)
        next_at = now + backoff_delay(message.attempts)
        if message.expires_at and next_at >= message.expires_at:
            _expire(message, now, reason)  # an OTP that would arrive too late is no use
            return str(message.status)
        message.status = MessageStatus.CREATED
        message.next_attempt_at = next_at
        message.last_error = reason[:500]
        message.save(update_fields=["status", "next_attempt_at", "last_error"])
        transaction.on_commit(
            lambda: send_message.using(run_after=next_at).enqueue(str(message_id)), robust=True
        )
        return str(message.status)


# Circuit breaker per HTTP SMS gateway.


def _pick_gateway(gateways: list[backends.HttpGateway]) -> backends.HttpGateway:
    """The first gateway whose circuit is closed (or whose cool-down is over); else the soonest to reopen."""
    if len(gateways) == 1:
        return gateways[0]
    states = {s.name: s for s in GatewayState.objects.filter(name__in=[g.name for g in gateways])}
    now = clock.now()
    for gateway in gateways:
        state = states.get(gateway.name)
        if state is None or state.open_until is None or state.open_until <= now:
            return gateway
    return min(gateways, key=lambda g: states[g.name].open_until or now)


def _gateway_failed(name: str) -> None:
    with transaction.atomic():
        state, _created = GatewayState.objects.select_for_update().get_or_create(name=name)
        state.consecutive_failures += 1
        if state.consecutive_failures >= conf.breaker_failures():
            state.open_until = clock.now() + timedelta(seconds=conf.breaker_cooldown_seconds())
        state.save(update_fields=["consecutive_failures", "open_until"])


def _gateway_succeeded(name: str) -> None:
    GatewayState.objects.filter(name=name).exclude(consecutive_failures=0, open_until=None).update(
        consecutive_failures=0, open_until=None
    )


def _send_now(message: Message) -> backends.SendResult:
    """Hand the message to its gateway. Runs with no transaction open."""
    if message.channel == Channel.EMAIL:
        return backends.email_backend().send(message)
    if backends.sms_backend_name() == "outbox":
        return backends.OutboxBackend().send(message)
    gateway = _pick_gateway(backends.http_gateways())
    try:
        result = gateway.send(message)
    except backends.TemporaryFailure:
        _gateway_failed(gateway.name)
        raise
    _gateway_succeeded(gateway.name)
    return result


def message_deliver(*, message_id: str) -> str:
    """Send one message if it is due; idempotent. Returns what happened (for the task's result).

    Must run outside any transaction (the durable blocks inside check it): it calls gateways.
    """
    message = _message_claim(message_id)
    if message is None:
        return "skipped"
    try:
        result = _send_now(message)
    except backends.PermanentFailure as failure:
        return _record_failure(message.pk, message.attempts, failure, permanent=True)
    except backends.TemporaryFailure as failure:
        return _record_failure(message.pk, message.attempts, failure, permanent=False)
    except Exception as exc:  # a bug or misconfiguration: retry (bounded) rather than leave it "sending"
        logger.exception("Sending message %s failed unexpectedly", message.pk)
        unexpected = backends.TemporaryFailure(f"error: {type(exc).__name__}")
        return _record_failure(message.pk, message.attempts, unexpected, permanent=False)
    _record_sent(message.pk, result)
    return MessageStatus.SENT.value


# --- The sweeper ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepResult:
    requeued_stale: int = 0
    requeued_created: int = 0
    expired: int = 0
    failed: int = 0
    redacted: int = 0


def _ids_in_queue(now: datetime, stale: timedelta) -> set[str]:
    """Message ids with a queue entry waiting, or being run by a worker that may be alive."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    entries = DBTaskResult.objects.filter(task_path=send_message.module_path).filter(
        Q(status=TaskResultStatus.READY) | Q(status=TaskResultStatus.RUNNING, started_at__gt=now - stale)
    )
    ids: set[str] = set()
    for args_kwargs in entries.values_list("args_kwargs", flat=True).iterator():
        args = (args_kwargs or {}).get("args") or []
        kwargs = (args_kwargs or {}).get("kwargs") or {}
        value = args[0] if args else kwargs.get("message_id")
        if value:
            ids.add(str(value))
    return ids


def outbox_sweep(*, stale_seconds: float | None = None, grace_seconds: float | None = None, batch: int = 500) -> SweepResult:
    """Recover what crashed workers left: stale "sending" rows, "created" rows with no queue entry.

    Also expires OTP messages still waiting after their OTP expired. Safe to run any time and
    from several processes at once.
    """
    now = clock.now()
    stale = timedelta(seconds=conf.stale_seconds() if stale_seconds is None else stale_seconds)
    grace = timedelta(seconds=conf.created_grace_seconds() if grace_seconds is None else grace_seconds)
    requeued_stale = expired = failed = 0
    with transaction.atomic():
        stuck = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.SENDING, sending_started_at__lte=now - stale)
            .order_by("sending_started_at")[:batch]
        )
        for message in stuck:
            if message.expires_at and message.expires_at <= now:
                _expire(message, now, "expired; the worker stopped while sending")
                expired += 1
            elif message.attempts >= conf.max_attempts():
                _fail(message, now, "the worker stopped while sending, too many times")
                failed += 1
            else:
                message.status = MessageStatus.CREATED
                message.next_attempt_at = None
                message.last_error = "the worker stopped while sending"
                message.save(update_fields=["status", "next_attempt_at", "last_error"])
                requeued_stale += 1
    expired += Message.objects.filter(status=MessageStatus.CREATED, expires_at__lte=now).update(
        status=MessageStatus.EXPIRED, failed_at=now, next_attempt_at=None, last_error="expired before sending"
    )
    redacted = message_redact_expired(now=now)
    waiting = (
        Message.objects.filter(status=MessageStatus.CREATED, created_at__lte=now - grace)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now - grace))
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    )
    queued = _ids_in_queue(now, stale)
    requeued_created = 0
    for pk in waiting:
        if str(pk) not in queued:
            send_message.enqueue(str(pk))
            requeued_created += 1
    return SweepResult(
        requeued_stale=requeued_stale, requeued_created=requeued_created, expired=expired, failed=failed,
        redacted=redacted,
    )


def message_redact_expired(*, now: datetime | None = None) -> int:
    """Blank the text of messages whose secret has expired (OTP codes, links), wherever they ended.

    The outbox must keep an OTP readable until it is sent, but not a moment past its expiry:
    the challenge itself is stored only as a keyed hash. Rows being sent right now are left
    for the next sweep.
    """
    now = now or clock.now()
    return (
        Message.objects.filter(expires_at__lte=now)
        .exclude(body="")
        .exclude(status=MessageStatus.SENDING)
        .update(body="")
    )


# --- Delivery receipts ----------------------------------------------------------------------

RECEIPT_STATUSES = {
    "delivered": MessageStatus.DELIVERED,
    "delivrd": MessageStatus.DELIVERED,
    "failed": MessageStatus.FAILED,
    "undelivered": MessageStatus.FAILED,
    "undeliv": MessageStatus.FAILED,
    "undeliverable": MessageStatus.FAILED,
    "rejected": MessageStatus.FAILED,
    "rejectd": MessageStatus.FAILED,
    "expired": MessageStatus.FAILED,
}


@transaction.atomic
def receipt_record(*, reference: str, status: str, raw: Mapping[str, Any]) -> Message:
    """Record a gateway's delivery receipt; ``sent`` moves to ``delivered`` or ``failed``.

    A repeated receipt (same message, same status) changes nothing; final states stay.
    """
    try:
        message_id = uuid.UUID(str(reference))
    except (ValueError, TypeError, AttributeError):
        raise NotFound() from None
    message = Message.objects.select_for_update().filter(pk=message_id, channel=Channel.SMS).first()
    if message is None:
        raise NotFound()
    status = str(status).strip().lower()[:30]
    if message.receipts.filter(status=status).exists():
        return message
    now = clock.now()
    DeliveryReceipt.objects.create(message=message, status=status, received_at=now, raw=dict(raw))
    new_status = RECEIPT_STATUSES.get(status)
    if new_status and message.status in (MessageStatus.SENDING, MessageStatus.SENT):
        message.status = new_status
        if new_status == MessageStatus.DELIVERED:
            message.delivered_at = now
        else:
            message.failed_at = now
            message.last_error = f"receipt: {status}"
        message.save(update_fields=["status", "delivered_at", "failed_at", "last_error"])
    return message


def is_final(message: Message) -> bool:
    return message.status in FINAL_STATUSES
