"""Create the key-encryption key file that wraps certificate signing keys (mode 600)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sheba.certificates import kek


class Command(BaseCommand):
    help = "Create the certificate key-encryption key file (refuses to overwrite an existing one)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--path", help="where to write it (default: SHEBA_CERT_KEK_FILE)")

    def handle(self, *args, **options):
        path = Path(options["path"]) if options["path"] else kek.kek_path()
        try:
            kek.kek_create(path)
        except FileExistsError as exc:
            raise CommandError(f"{path} already exists; keys sealed under it would be lost.") from exc
        self.stdout.write(f"Created {path} (mode 600). Back it up offline; never commit it.")
