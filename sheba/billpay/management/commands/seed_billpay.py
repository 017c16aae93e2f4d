"""Billers (data/billers) and, with the demo people present, their saved accounts and float. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the billers and the bill-payment demo data (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-demo", action="store_true", help="Only the billers, no demo accounts or float.")

    def handle(self, *args: Any, **options: Any) -> None:
        from sheba.billpay.seeding import seed_billpay

        result = seed_billpay(demo=not options["no_demo"])
        self.stdout.write(result.summary())
