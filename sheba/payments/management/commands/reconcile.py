"""``manage.py reconcile --date YYYY-MM-DD``: list every difference between the platform, the
gateway's settlement report and the ledger for that day; exit 1 when there is any."""

from __future__ import annotations

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from sheba.core import clock


class Command(BaseCommand):
    help = "Reconcile one day's payments: platform, gateway settlement report, ledger (and biller postings)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: yesterday)")

    def handle(self, *args, **options):
        from sheba.payments.reconcile import differences

        raw = options.get("date")
        try:
            day = date.fromisoformat(raw) if raw else clock.today().fromordinal(clock.today().toordinal() - 1)
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        found = differences(day)
        for difference in found:
            self.stdout.write(str(difference))
        if found:
            self.stdout.write(f"{len(found)} difference(s) on {day.isoformat()}.")
            sys.exit(1)
        self.stdout.write(f"No differences on {day.isoformat()}.")
