from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from sheba.notifications.models import Message
from sheba.notifications.services import notify

START = datetime(2026, 11, 22, 4, 0, tzinfo=UTC)
MOBILE = "+8801712345678"


@pytest.fixture
def clock():
    """Frozen time we move forward by hand (never sleep)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def make_otp(*, to: str = MOBILE, language: str = "bn", code: str = "123456", ttl: int = 300) -> Message:
    from sheba.core import clock as sheba_clock

    (message,) = notify(
        event="otp",
        context={"code": code, "purpose_label": "নিবন্ধন" if language == "bn" else "registration", "minutes": 5},
        sms_to=to,
        language=language,
        expires_at=sheba_clock.now() + timedelta(seconds=ttl),
    )
    return message


def reload(message: Message) -> Message:
    return Message.objects.get(pk=message.pk)
