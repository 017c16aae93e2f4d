"""manage.py demo_totp <login>: the demo officer's current TOTP code (dev only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sheba.directory.demo import current_totp


class Command(BaseCommand):
    help = "Print a demo officer's current 6-digit TOTP code. Only with SHEBA_ENV=dev unless --force."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--force", action="store_true", help="allow outside SHEBA_ENV=dev")

    def handle(self, *args, username: str, force: bool, **options):
        if settings.SHEBA_ENV != "dev" and not force:
            raise CommandError(
                "demo_totp reveals second factors; it runs only with SHEBA_ENV=dev (or --force)."
            )
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            code, remaining = current_totp(user)
        except LookupError as exc:
            raise CommandError(f"{username!r} has no confirmed TOTP device.") from exc
        self.stdout.write(code)
        # The hint goes to stderr so that scripts can read the bare code from stdout.
        self.stderr.write(f"valid for {remaining} more s; each code works once, then wait for the next.")
