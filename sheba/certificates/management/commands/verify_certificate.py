"""Verify a certificate code OFFLINE, with only a published key file: no database, no network.

    manage.py verify_certificate "BD1:..." --keys keys.json

Exit status 0 when the signature is valid, 1 otherwise. Revocation is an online question:
check /verify for it.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from sheba.certificates.keyfile import KeyFileError, load_key_file
from sheba.certificates.payload import PayloadError, qr_payload_verify


class Command(BaseCommand):
    help = "Verify a certificate QR code offline against a published key file (no database)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument(
            "payload", help="the code from the QR (starts with BD1:), or '-' to read standard input"
        )
        parser.add_argument(
            "--keys", required=True, help="key file from /certificates/keys.json or certificates_export_keys"
        )

    def handle(self, *args, **options):
        text = options["payload"]
        if text == "-":
            import sys

            text = sys.stdin.read()
        try:
            keys = load_key_file(options["keys"])
        except KeyFileError as exc:
            raise CommandError(str(exc)) from exc
        try:
            verified = qr_payload_verify(text, keys)
        except PayloadError as exc:
            raise CommandError(f"NOT VALID ({exc.code}): {exc}") from exc
        claims = dict(verified.claims)
        self.stdout.write(
            json.dumps(
                {
                    "valid": True,
                    "kid": verified.kid.hex(),
                    "issuer": verified.issuer,
                    "issued_at": verified.issued_at.isoformat(),
                    "expires_at": verified.expires_at.isoformat() if verified.expires_at else None,
                    "expired": verified.expired,
                    "claims": claims,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
