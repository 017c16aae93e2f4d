"""``manage.py outbox [--to NUMBER] [--limit N]``: the latest SMS and e-mails, newest first."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sheba.notifications.selectors import outbox_messages


class Command(BaseCommand):
    help = "Print the latest outbox messages (how demo users read their OTP without a phone)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--to", default="", help="Only messages to this number or e-mail address (any format).")
        parser.add_argument("--limit", type=int, default=20, help="How many messages (default 20).")

    def handle(self, *args: Any, to: str, limit: int, **options: Any) -> None:
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        try:
            messages = list(outbox_messages(to=to, limit=limit))
        except ValidationError:
            raise CommandError(f"Not a mobile number or e-mail address: {to!r}") from None
        if not messages:
            self.stdout.write("No messages.")
            return
        for message in messages:
            when = timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M:%S")
            size = f" {message.segments} segment(s) {message.encoding}" if message.channel == "sms" else ""
            self.stdout.write(
                f"{when}  {message.channel}  {message.recipient}  {message.event}  {message.status}{size}"
            )
            if message.subject:
                self.stdout.write(f"  Subject: {message.subject}")
            for line in message.body.splitlines() or ["(text removed after it expired)"]:
                self.stdout.write(f"  {line}")
            self.stdout.write("")
