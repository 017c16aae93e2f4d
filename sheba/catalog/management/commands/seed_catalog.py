"""manage.py seed_catalog: the service catalogue from data/services. Safe to run again."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from sheba.catalog.seeding import catalog_seed


class Command(BaseCommand):
    help = (
        "Seed sectors, recipient types, the 63 services (forms, documents) and per-union fees from "
        "data/services. Idempotent; run again after seed_offices to add the fees of new union offices."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="rewrite seeded fields of existing services (raises their version)",
        )

    def handle(self, *args, update: bool, **options):
        started = time.monotonic()
        result = catalog_seed(update=update)
        if options["verbosity"]:
            self.stdout.write(f"Catalogue seeded in {time.monotonic() - started:.1f} s — {result.summary()}.")
            for name in sorted(set(result.unmapped_fee_names)):
                self.stdout.write(f"  fee observation not mapped to a service: {name}")
