"""Measure offline verifications per second (and signatures per second) of certificate codes."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.management.base import BaseCommand

from sheba.certificates import payload


class Command(BaseCommand):
    help = "Benchmark signing and verifying certificate QR codes (pure crypto + CBOR + zlib + base45; no database)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=2.0)

    def handle(self, *args, **options):
        private = Ed25519PrivateKey.generate()
        raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        kid = payload.kid_for(raw)
        keys = {kid: payload.PublishedKey(kid=kid, public_key=private.public_key())}
        claims = payload.build_claims(
            issuer="BD-Sheba",
            issued_at=datetime.now(tz=UTC),
            expires_on=None,
            serial="UP-3506-2026-000123",
            type_code="citizenship",
            type_names=("নাগরিকত্ব সনদ", "Citizenship certificate"),
            holder_names=("মোছাঃ খাদিজা আক্তার", "Mst. Khadija Akter"),
            holder_id_last4="1234",
            office_code="UP-3506",
            office_names=("পাইককান্দি ইউনিয়ন পরিষদ", "Paikkandi Union Parishad"),
            issued_on=date(2026, 11, 22),
            post_names=("চেয়ারম্যান", "Chairman"),
        )
        limit = options["seconds"]
        signed, start = 0, time.perf_counter()
        while time.perf_counter() - start < limit:
            text = payload.sign_claims(claims, private_key=private, kid=kid)
            signed += 1
        sign_rate = signed / (time.perf_counter() - start)
        verified, start = 0, time.perf_counter()
        while time.perf_counter() - start < limit:
            payload.verify_text(text, keys)
            verified += 1
        verify_rate = verified / (time.perf_counter() - start)
        self.stdout.write(f"payload: {len(text)} characters")
        self.stdout.write(f"sign: {sign_rate:.0f}/s (one core)")
        self.stdout.write(f"verify: {verify_rate:.0f}/s (one core)")
