"""manage.py seed_offices: office types, a DC office per district, a UNO office per upazila and a
Union Parishad per union, with units and posts (idempotent)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from sheba.directory.models import District
from sheba.directory.seeding import offices_seed


class Command(BaseCommand):
    help = "Create the standard offices (DC, UNO, Union Parishad) with units and posts. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--district",
            type=int,
            action="append",
            dest="districts",
            help="only this district id (repeatable)",
        )

    def handle(self, *args, districts: list[int] | None, **options):
        if not District.objects.exists():
            raise CommandError("No geography yet: run manage.py import_geo first.")
        if districts:
            unknown = set(districts) - set(
                District.objects.filter(pk__in=districts).values_list("pk", flat=True)
            )
            if unknown:
                raise CommandError(f"Unknown district id(s): {sorted(unknown)}")
        started = time.monotonic()
        result = offices_seed(district_ids=districts)
        took = time.monotonic() - started
        if result.changed:
            self.stdout.write(f"Offices seeded in {took:.1f} s — {result.summary()}.")
        elif options["verbosity"] >= 1:
            self.stdout.write(f"Offices already in place ({took:.1f} s).")
