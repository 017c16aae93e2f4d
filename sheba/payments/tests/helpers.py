"""Helpers for the payments tests: a recording test purpose, people, a paid payment."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from sheba.accounts.models import User, UserKind
from sheba.payments import services
from sheba.payments.models import PaymentIntent
from sheba.payments.purposes import register_purpose

PURPOSE = "test_item"


@dataclass
class Recorder:
    paid: list[str] = field(default_factory=list)
    refunded: list[tuple[str, int]] = field(default_factory=list)
    fail: bool = False

    def on_paid(self, intent: PaymentIntent) -> None:
        if self.fail:
            raise RuntimeError("on_paid failed")
        self.paid.append(intent.reference)

    def on_refunded(self, intent: PaymentIntent, refund: Any) -> None:
        self.refunded.append((intent.reference, int(refund.amount_poisha)))


def register_recorder() -> Recorder:
    recorder = Recorder()
    register_purpose(PURPOSE, on_paid=recorder.on_paid, on_refunded=recorder.on_refunded,
                     label_bn="পরীক্ষার জিনিস", label_en="Test item")
    return recorder


_n = [0]


def citizen(mobile: str | None = None) -> User:
    _n[0] += 1
    number = mobile or f"+88017{_n[0] + 10_000_000 + secrets.randbelow(80_000_000):08d}"
    return User.objects.create_user(number, None, kind=UserKind.CITIZEN, mobile=number)


def staff() -> User:
    _n[0] += 1
    return User.objects.create_user(f"finance{_n[0]}", "a long staff password 1", kind=UserKind.OFFICER, is_staff=True)


def operator() -> User:
    _n[0] += 1
    return User.objects.create_user(f"udc{_n[0]}", "a long operator password 1", kind=UserKind.OFFICER)


def start(payer: User, *, reference: str | None = None, amount: int = 15_000, key: str | None = None) -> PaymentIntent:
    return services.payment_start(
        actor=payer, purpose=PURPOSE, reference=reference or f"REF-{secrets.token_hex(4)}", amount_poisha=amount,
        payer_mobile=payer.mobile, description="Test item", idempotency_key=key or secrets.token_urlsafe(12),
    )
