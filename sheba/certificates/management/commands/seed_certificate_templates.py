"""Create the shipped certificate templates that do not exist yet (idempotent; edited ones are kept)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sheba.certificates.services import templates_seed


class Command(BaseCommand):
    help = "Create the shipped certificate templates (নাগরিকত্ব, ওয়ারিশ, চারিত্রিক, …) that are missing."

    def handle(self, *args, **options):
        created = templates_seed(actor=None)
        self.stdout.write(f"Created {len(created)} certificate template(s).")
