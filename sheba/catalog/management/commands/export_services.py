"""manage.py export_services [FILE] [--slug SLUG ...]: services as JSON (stdout when no FILE)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from sheba.catalog.interchange import services_export
from sheba.catalog.models import Service


class Command(BaseCommand):
    help = "Export services (all, or those named with --slug) as a JSON file that import_services reads."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="where to write (default: standard output)")
        parser.add_argument("--slug", action="append", dest="slugs", help="only this service (repeatable)")

    def handle(self, *args, file: str | None, slugs: list[str] | None, **options):
        services = Service.objects.select_related("sector", "office_type").order_by("slug")
        if slugs:
            services = services.filter(slug__in=slugs)
        text = json.dumps(services_export(services), ensure_ascii=False, indent=2, sort_keys=True)
        if file:
            with open(file, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"Exported {services.count()} services to {file}.")
        else:
            self.stdout.write(text)
