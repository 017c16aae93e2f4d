"""manage.py import_geo: divisions, districts, upazilas and unions from data/bd-geo (idempotent)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from sheba.directory.geo import DEFAULT_DATA_DIR, geo_import


class Command(BaseCommand):
    help = (
        "Import Bangladesh's divisions, districts, upazilas and unions from data/bd-geo. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder with the bd-geo CSVs"
        )

    def handle(self, *args, data_dir: Path, **options):
        started = time.monotonic()
        result = geo_import(data_dir=data_dir)
        took = time.monotonic() - started
        if result.changed:
            self.stdout.write(f"Geography imported in {took:.1f} s — {result.summary()}.")
        elif options["verbosity"] >= 1:
            self.stdout.write(f"Geography already up to date ({took:.1f} s).")
