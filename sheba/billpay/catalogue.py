"""Billers as data: data/billers/billers.json → ``Biller`` rows, and account-number normalisation."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.db import transaction

from sheba.billpay.models import Biller
from sheba.core.bengali import nfc, to_ascii_digits

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "billers"
BILLERS_FILE = DATA_DIR / "billers.json"
ACCOUNTS_FILE = DATA_DIR / "simulator_accounts.json"
MAX_ACCOUNT_INPUT = 40

_SEPARATORS = re.compile(r"[\s\-/.]+")


def normalise_account(raw: str) -> str:
    """What the citizen typed → the biller's canonical form: Bengali digits to ASCII, no spaces,
    dashes, dots or slashes, letters in upper case (``১২-০১২৩-৪৫৬৭`` → ``1201234567``)."""
    text = to_ascii_digits(nfc(raw or "")).strip()[:MAX_ACCOUNT_INPUT]
    return _SEPARATORS.sub("", text).upper()


def load_billers(path: Path = BILLERS_FILE) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["billers"])


FIELDS = ("name_bn", "name_en", "sector", "account_label_bn", "account_label_en", "account_pattern",
          "account_example", "account_hint_bn", "account_hint_en", "unit_label_bn", "unit_label_en", "units",
          "fetch_mode", "channels", "min_amount_poisha", "max_amount_poisha", "source_url")


@transaction.atomic
def billers_ensure(path: Path = BILLERS_FILE) -> tuple[int, int]:
    """Create or update every biller in the data file (idempotent). Returns (created, updated)."""
    created = updated = 0
    for row in load_billers(path):
        values = {name: row.get(name) for name in FIELDS}
        values = {k: (nfc(v) if isinstance(v, str) else v) for k, v in values.items()}
        for text in ("account_example", "account_hint_bn", "account_hint_en", "unit_label_bn", "unit_label_en",
                     "source_url"):
            values[text] = values[text] or ""
        values["units"] = values["units"] or []
        biller, was_created = Biller.objects.get_or_create(code=row["code"], defaults=values)
        if was_created:
            created += 1
            continue
        changed = [name for name, value in values.items() if getattr(biller, name) != value]
        if changed:
            for name in changed:
                setattr(biller, name, values[name])
            biller.save(update_fields=changed)
            updated += 1
    return created, updated


def demo_accounts(path: Path = ACCOUNTS_FILE) -> list[dict[str, Any]]:
    """The simulator's synthetic accounts marked for the demo citizen."""
    return [a for a in json.loads(path.read_text(encoding="utf-8"))["accounts"] if a.get("demo")]
