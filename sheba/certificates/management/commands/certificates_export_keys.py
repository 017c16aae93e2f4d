"""Write the published certificate keys (the same list as /certificates/keys.json) to a file."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from sheba.certificates.selectors import published_keys_document


class Command(BaseCommand):
    help = "Export the public certificate signing keys (active and retired) as JSON for offline checking."

    def add_arguments(self, parser):
        parser.add_argument("file", help="output file ('-' for standard output)")

    def handle(self, *args, **options):
        text = json.dumps(published_keys_document(), ensure_ascii=False, indent=1) + "\n"
        if options["file"] == "-":
            self.stdout.write(text, ending="")
            return
        Path(options["file"]).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {len(json.loads(text)['keys'])} key(s) to {options['file']}")
