"""``manage.py payments_resolve``: query the gateway about UNKNOWN and stale PENDING payments
and send requested refunds (what the ``resolve_stale_payments`` task does; for cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Resolve UNKNOWN/stale payments by querying the gateway; send requested refunds."

    def handle(self, *args, **options):
        from sheba.payments.services import payments_resolve_stale

        asked = payments_resolve_stale()
        self.stdout.write(f"Asked the gateway about {asked} payment(s).")
