"""The worker's side: send from "created" under a lock, retry with backoff, final states."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from sheba.core import clock as sheba_clock
from sheba.notifications.models import GatewayState, Message, MessageStatus
from sheba.notifications.services import message_deliver, notify, outbox_sweep, receipt_record
from sheba.notifications.tasks import send_message

from .conftest import MOBILE, make_otp, reload

pytestmark = pytest.mark.django_db


def welcome_sms(to: str = MOBILE) -> Message:
    (message,) = notify(event="welcome", context={"name": "Rahim"}, sms_to=to, language="en")
    return message


def deliver(message: Message) -> str:
    return message_deliver(message_id=str(message.pk))


def test_outbox_backend_marks_the_message_sent(clock, settings):
    settings.SHEBA_SMS_BACKEND = "outbox"
    message = make_otp()
    assert deliver(message) == "sent"
    message = reload(message)
    assert (message.status, message.gateway, message.attempts) == ("sent", "outbox", 1)
    assert message.sent_at == sheba_clock.now()


def test_http_backend_posts_the_exact_json_with_the_bearer_token(clock, sms_gateway):
    message = make_otp(code="654321")
    assert deliver(message) == "sent"
    (request,) = sms_gateway.requests
    assert request.path == "/sms/send"
    assert request.headers["Authorization"] == "Bearer primary-token"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {
        "to": "+8801712345678",
        "message": "সেবা: নিবন্ধন ওটিপি 654321। ৫ মিনিট বৈধ। কাউকে জানাবেন না।",
        "reference": str(message.pk),
    }
    message = reload(message)
    assert (message.status, message.gateway, message.provider_reference, message.attempts) == (
        "sent", "primary", "primary-1", 1)


def test_delivering_twice_sends_once(clock, sms_gateway):
    message = welcome_sms()
    assert deliver(message) == "sent"
    assert deliver(message) == "skipped"
    assert sms_gateway.references() == {str(message.pk): 1}


@pytest.mark.parametrize("mode, error", [("error", "HTTP 500"), ("slow", "timeout"), ("down", "connection: ConnectionError")])
def test_gateway_trouble_means_retry_with_backoff_then_final_failure(clock, settings, sms_gateway, mode, error):
    settings.SHEBA_NOTIFY_MAX_ATTEMPTS = 4
    sms_gateway.slow_seconds = 1.0
    sms_gateway.mode = mode
    message = welcome_sms()
    waits = []
    for attempt in (1, 2, 3):
        assert deliver(message) == "created"
        message = reload(message)
        assert (message.status, message.attempts, message.last_error) == ("created", attempt, error)
        waits.append((message.next_attempt_at - sheba_clock.now()).total_seconds())
        assert deliver(message) == "skipped"  # not due yet: nothing is sent
        clock.shift(waits[-1])
    assert waits == [10, 20, 40]
    assert deliver(message) == "failed"
    message = reload(message)
    assert (message.status, message.attempts, message.last_error) == ("failed", 4, error)
    assert message.failed_at == sheba_clock.now()
    assert message.next_attempt_at is None
    expected = 0 if mode == "down" else 4
    assert len(sms_gateway.requests) == expected
    clock.shift(3600)
    assert deliver(message) == "skipped"
    assert len(sms_gateway.requests) == expected


def test_a_retry_is_queued_for_when_it_is_due(clock, sms_gateway, django_capture_on_commit_callbacks):
    sms_gateway.mode = "error"
    message = welcome_sms()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(message)
    (queued,) = DBTaskResult.objects.filter(task_path=send_message.module_path)
    assert queued.args_kwargs == {"args": [str(message.pk)], "kwargs": {}}
    assert queued.run_after == reload(message).next_attempt_at == sheba_clock.now() + timedelta(seconds=10)


def test_otp_is_not_lost_while_the_gateway_is_down(clock, sms_gateway):
    sms_gateway.mode = "down"
    message = make_otp()
    assert deliver(message) == "created"
    assert deliver(message) == "skipped"
    sms_gateway.mode = "ok"
    clock.shift(10)
    assert deliver(message) == "sent"
    message = reload(message)
    assert (message.status, message.attempts) == ("sent", 2)
    assert sms_gateway.references() == {str(message.pk): 1}


def test_otp_stops_retrying_when_it_would_arrive_after_expiry(clock, sms_gateway):
    sms_gateway.mode = "error"
    message = make_otp(ttl=300)
    # Failures at 0, 10, 30, 70 and 150 s; the next try (150 + 160 s) would be after the OTP expired.
    for _ in range(4):
        assert deliver(message) == "created"
        clock.move_to(reload(message).next_attempt_at)
    assert deliver(message) == "expired"
    message = reload(message)
    assert (message.status, message.attempts, message.next_attempt_at) == ("expired", 5, None)
    assert len(sms_gateway.requests) == 5
    sms_gateway.mode = "ok"
    clock.shift(600)
    assert deliver(message) == "skipped"
    assert len(sms_gateway.requests) == 5


def test_otp_found_after_expiry_is_never_sent(clock, sms_gateway):
    message = make_otp(ttl=300)
    clock.shift(300)
    assert deliver(message) == "skipped"
    message = reload(message)
    assert (message.status, message.attempts) == ("expired", 0)
    assert sms_gateway.requests == []


def test_gateway_refusing_the_message_itself_is_final_at_once(clock, sms_gateway, monkeypatch):
    from sheba.notifications import testing

    monkeypatch.setattr(testing._Handler, "_reply", _reply_400_wrapper(testing._Handler._reply))
    message = welcome_sms()
    assert deliver(message) == "failed"
    message = reload(message)
    assert (message.status, message.attempts, message.last_error) == ("failed", 1, "HTTP 400")


def _reply_400_wrapper(original):
    def reply(self, status, payload):
        return original(self, 400, {"error": "invalid number"})

    return reply


def test_fallback_gateway_takes_over_after_repeated_failures_then_primary_returns(
    clock, settings, sms_gateway, sms_fallback_gateway
):
    sms_gateway.mode = "error"
    first, second, third, fourth = (welcome_sms() for _ in range(4))
    for message in (first, second, third):
        assert deliver(message) == "created"
    state = GatewayState.objects.get(name="primary")
    assert state.consecutive_failures == 3
    assert state.open_until == sheba_clock.now() + timedelta(seconds=60)

    assert deliver(fourth) == "sent"
    fourth = reload(fourth)
    assert (fourth.gateway, fourth.provider_reference) == ("fallback", "fallback-1")
    (request,) = sms_fallback_gateway.requests
    assert request.headers["Authorization"] == "Bearer fallback-token"
    assert request.json["reference"] == str(fourth.pk)
    assert len(sms_gateway.requests) == 3

    clock.shift(10)  # the first three retry on the fallback while the circuit is open
    for message in (first, second, third):
        assert deliver(message) == "sent"
        assert reload(message).gateway == "fallback"

    # After the cool-down the primary is tried again; once it answers, it is used again.
    sms_gateway.mode = "ok"
    clock.shift(60)
    fifth = welcome_sms()
    assert deliver(fifth) == "sent"
    assert reload(fifth).gateway == "primary"
    state.refresh_from_db()
    assert (state.consecutive_failures, state.open_until) == (0, None)


def test_a_failing_half_open_primary_reopens_at_once(clock, sms_gateway, sms_fallback_gateway):
    sms_gateway.mode = "error"
    for _ in range(3):
        deliver(welcome_sms())
    clock.shift(61)
    message = welcome_sms()
    assert deliver(message) == "created"  # the primary was tried (half-open) and failed again
    assert len(sms_gateway.requests) == 4
    assert GatewayState.objects.get(name="primary").open_until == sheba_clock.now() + timedelta(seconds=60)
    clock.shift(10)
    assert deliver(message) == "sent"
    assert reload(message).gateway == "fallback"


FINAL = [MessageStatus.DELIVERED, MessageStatus.FAILED, MessageStatus.EXPIRED]


@pytest.mark.parametrize("final", FINAL)
def test_final_states_never_move_back(clock, sms_gateway, final):
    message = welcome_sms()
    Message.objects.filter(pk=message.pk).update(status=final, sending_started_at=sheba_clock.now())
    clock.shift(3600)
    assert deliver(message) == "skipped"
    outbox_sweep(stale_seconds=0, grace_seconds=0)
    for status in ("delivered", "failed", "sent"):
        receipt_record(reference=str(message.pk), status=status, raw={})
    assert reload(message).status == final
    assert sms_gateway.requests == []
    assert DBTaskResult.objects.count() == 0


def test_a_send_is_recorded_even_if_a_sweeper_took_the_row_back_meanwhile(clock, sms_gateway, monkeypatch):
    """A slow send that did go out must end as "sent", not be sent again."""
    from sheba.notifications import services

    message = welcome_sms()
    original = services._send_now

    def slow_send(m):
        result = original(m)
        clock.shift(120)
        assert outbox_sweep(stale_seconds=60, grace_seconds=0).requeued_stale == 1
        assert reload(m).status == "created"
        return result

    monkeypatch.setattr(services, "_send_now", slow_send)
    assert deliver(message) == "sent"
    assert reload(message).status == "sent"
    monkeypatch.setattr(services, "_send_now", original)
    assert deliver(message) == "skipped"
    assert sms_gateway.references() == {str(message.pk): 1}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_row_locked_by_another_worker_is_skipped_not_sent_twice(sms_gateway):
    import threading

    from django.db import connections, transaction

    message = welcome_sms()
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                Message.objects.select_for_update().get(pk=message.pk)
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert deliver(message) == "skipped"
        assert reload(message).status == "created"
        assert sms_gateway.requests == []
    finally:
        release.set()
        thread.join()
    assert deliver(message) == "sent"
    assert sms_gateway.references() == {str(message.pk): 1}


def test_sweep_task_runs_the_sweeper(clock):
    from sheba.notifications.tasks import sweep_outbox

    welcome_sms()
    clock.shift(60)
    assert sweep_outbox.call() == {
        "requeued_stale": 0, "requeued_created": 1, "expired": 0, "failed": 0, "redacted": 0,
    }
