#!/usr/bin/env python3
"""Refresh one app's bn/en catalogues and fill them from its translation files.

    .venv/bin/python scripts/po_fill.py accounts

Runs makemessages for sheba/<app> (under a lock, so several people can do it at once), then
fills bn msgstrs from every ``sheba/<app>/locale/*.bn.json`` ({"English msgid": "বাংলা"}; for
plural msgids the value is a list [singular, plural]) without touching translations already in
the .po, sets each en msgstr to its msgid, compiles, and lists what is still untranslated.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(app: str) -> int:
    app_dir = ROOT / "sheba" / app
    locale = app_dir / "locale"
    locale.mkdir(exist_ok=True)
    lock_path = Path("/tmp") / f"sheba-po-{app}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), str(ROOT / "manage.py"), "makemessages", "-l", "bn", "-l", "en",
             "--no-obsolete", "--no-location", "-v0", "--ignore=tests/*"],
            cwd=app_dir, check=True,
        )
        table: dict[str, object] = {}
        for path in sorted(locale.glob("*.bn.json")):
            table.update(json.loads(path.read_text(encoding="utf-8")))
        bn = polib.pofile(str(locale / "bn/LC_MESSAGES/django.po"))
        bn.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        bn.metadata["Language"] = "bn"
        bn.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        missing = []
        for entry in bn:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.msgstr = ""
                entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
            value = table.get(entry.msgid)
            if entry.msgid_plural:
                if isinstance(value, list) and not any(entry.msgstr_plural.values()):
                    entry.msgstr_plural = {0: value[0], 1: value[1]}
                if not all(entry.msgstr_plural.values()):
                    missing.append(entry.msgid)
            else:
                if value and not entry.msgstr:
                    entry.msgstr = str(value)
                if not entry.msgstr:
                    missing.append(entry.msgid)
        bn.save()
        en = polib.pofile(str(locale / "en/LC_MESSAGES/django.po"))
        en.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        en.metadata["Language"] = "en"
        en.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        for entry in en:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
        en.save()
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), str(ROOT / "manage.py"), "compilemessages", "-v0"],
            cwd=app_dir, check=True,
        )
    for msgid in missing:
        print(f"untranslated ({app}): {msgid!r}")
    print(f"{app}: {len(bn)} messages, {len(missing)} without Bengali")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
