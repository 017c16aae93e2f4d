"""manage.py import_services FILE: create or replace services from an exported JSON file."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sheba.catalog.interchange import services_import
from sheba.core.errors import InvalidInput


class Command(BaseCommand):
    help = "Import services from a JSON file written by export_services (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file: str, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                payload = json.load(handle)
        except (OSError, ValueError, RecursionError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            report = services_import(actor=None, payload=payload)
        except InvalidInput as error:
            raise CommandError(str(error.message)) from None
        self.stdout.write(
            f"Imported: {len(report['created'])} created, {len(report['updated'])} updated, "
            f"{len(report['unchanged'])} unchanged."
        )
        for name in report["skipped_offices"]:
            self.stdout.write(f"  office not found here, skipped: {name}")
