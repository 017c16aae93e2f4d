from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sheba.audit import keys


class Command(BaseCommand):
    help = "Create the Ed25519 key that signs audit checkpoints (file mode 600) and publish its public key."

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="replace an existing key (old public keys stay published)")

    def handle(self, *args, rotate: bool = False, **options):
        try:
            key = keys.generate(rotate=rotate)
        except FileExistsError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"audit signing key {key.key_id} written to {keys.key_file()}")
