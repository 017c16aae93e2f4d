"""The sweeper recovers what a crashed worker left behind, and nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from sheba.core import clock as sheba_clock
from sheba.notifications.models import Message
from sheba.notifications.services import message_deliver, outbox_sweep
from sheba.notifications.tasks import send_message

from .conftest import make_otp, reload
from .test_worker import welcome_sms

pytestmark = pytest.mark.django_db


def queued_ids():
    return sorted(r.args_kwargs["args"][0] for r in DBTaskResult.objects.filter(task_path=send_message.module_path))


def crash_while_sending(message, *, attempts=1):
    """What a worker killed mid-send leaves: "sending", attempts counted, its task gone."""
    Message.objects.filter(pk=message.pk).update(
        status="sending", attempts=attempts, sending_started_at=sheba_clock.now()
    )


def test_stale_sending_goes_back_to_created_and_is_queued_then_sent_once(clock, sms_gateway):
    message = welcome_sms()
    crash_while_sending(message)
    clock.shift(59)
    assert outbox_sweep().requeued_stale == 0
    assert reload(message).status == "sending"
    clock.shift(1)
    result = outbox_sweep()
    assert (result.requeued_stale, result.requeued_created) == (1, 1)
    swept = reload(message)
    assert (swept.status, swept.attempts, swept.next_attempt_at) == ("created", 1, None)
    assert swept.last_error == "the worker stopped while sending"
    assert queued_ids() == [str(message.pk)]
    assert message_deliver(message_id=str(message.pk)) == "sent"
    assert reload(message).attempts == 2
    assert sms_gateway.references() == {str(message.pk): 1}


def test_created_without_a_queue_entry_is_queued_after_the_grace_period_only_once(clock):
    message = welcome_sms()  # in a test the on-commit enqueue never ran: the entry is "lost"
    clock.shift(29)
    assert outbox_sweep().requeued_created == 0
    clock.shift(1)
    assert outbox_sweep().requeued_created == 1
    assert outbox_sweep().requeued_created == 0  # its entry is waiting now
    assert queued_ids() == [str(message.pk)]


def test_a_retry_not_yet_due_is_left_alone(clock, sms_gateway):
    sms_gateway.mode = "error"
    message = welcome_sms()
    message_deliver(message_id=str(message.pk))
    clock.shift(35)
    DBTaskResult.objects.all().delete()
    assert outbox_sweep().requeued_created == 0  # due at +10 s, grace 30 s: not yet
    clock.shift(6)
    assert outbox_sweep().requeued_created == 1


def test_a_task_being_run_by_a_live_worker_counts_as_queued(clock):
    from django_tasks.base import TaskResultStatus

    message = welcome_sms()
    send_message.enqueue(str(message.pk))
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING, started_at=sheba_clock.now())
    clock.shift(30)
    assert outbox_sweep().requeued_created == 0
    clock.shift(31)  # running for longer than the stale limit: that worker is gone
    assert outbox_sweep().requeued_created == 1


def test_expired_otp_waiting_or_stuck_is_expired_not_sent(clock):
    waiting = make_otp(ttl=300)
    stuck = make_otp(ttl=300)
    crash_while_sending(stuck)
    clock.shift(300)
    result = outbox_sweep()
    assert (result.expired, result.requeued_stale, result.requeued_created) == (2, 0, 0)
    assert reload(waiting).status == reload(stuck).status == "expired"
    assert queued_ids() == []


def test_a_message_that_keeps_crashing_the_worker_finally_fails(clock, settings):
    settings.SHEBA_NOTIFY_MAX_ATTEMPTS = 3
    message = welcome_sms()
    crash_while_sending(message, attempts=3)
    clock.shift(60)
    assert outbox_sweep().failed == 1
    assert reload(message).status == "failed"


def test_sweep_command_prints_what_it_did(clock, capsys):
    welcome_sms()
    clock.shift(timedelta(minutes=5))
    call_command("notifications_sweep")
    assert capsys.readouterr().out.strip() == "requeued_stale=0 requeued_created=1 expired=0 failed=0 redacted=0"


def test_db_worker_command_is_ours_and_sweeps():
    from django.core.management import get_commands

    assert get_commands()["db_worker"] == "sheba.notifications"
    from sheba.notifications.management.commands.db_worker import Command

    parser = Command().create_parser("manage.py", "db_worker")
    options = parser.parse_args(["--sweep-interval", "5", "--stale-seconds", "20", "--batch"])
    assert (options.sweep_interval, options.stale_seconds, options.batch) == (5.0, 20.0, True)


def test_secrets_are_blanked_once_expired_but_readable_until_then(clock, settings):
    settings.SHEBA_SMS_BACKEND = "outbox"
    sent = make_otp(code="111111")
    message_deliver(message_id=str(sent.pk))
    waiting = make_otp(code="222222")
    plain = welcome_sms()
    clock.shift(299)
    assert outbox_sweep().redacted == 0
    assert "111111" in reload(sent).body
    clock.shift(1)
    result = outbox_sweep()
    assert (result.redacted, result.expired) == (2, 1)
    assert (reload(sent).status, reload(sent).body) == ("sent", "")
    assert (reload(waiting).status, reload(waiting).body) == ("expired", "")
    assert reload(plain).body == "Welcome to Sheba, Rahim! Your account is ready."
    assert outbox_sweep().redacted == 0
