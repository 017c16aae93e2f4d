"""Complete catalogues: every msgid has Bengali, nothing is fuzzy, the .mo files match, and a
fresh makemessages (run on a temporary copy, never the real tree) finds no new msgid."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
APPS = sorted(p.parent for p in (ROOT / "sheba").glob("*/apps.py"))


def _po(app: Path, language: str) -> Path:
    return app / "locale" / language / "LC_MESSAGES" / "django.po"


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete and e.msgid]


@pytest.mark.parametrize("app", [p for p in APPS if _po(p, "bn").exists()], ids=lambda p: p.name)
def test_every_msgid_has_bengali_and_nothing_is_fuzzy(app):
    po = polib.pofile(str(_po(app, "bn")))
    untranslated = []
    for entry in _live(po):
        values = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(v.strip() for v in values):
            untranslated.append(entry.msgid)
    fuzzy = [e.msgid for e in _live(po) if "fuzzy" in e.flags]
    assert untranslated == [], f"{app.name}: {len(untranslated)} without Bengali"
    assert fuzzy == []


@pytest.mark.parametrize("app", [p for p in APPS if _po(p, "bn").exists()], ids=lambda p: p.name)
def test_compiled_catalogues_match_the_po_files(app):
    for language in ("bn", "en"):
        po_path = _po(app, language)
        assert po_path.exists(), f"{app.name}: no {language} catalogue"
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{app.name}: {language} catalogue not compiled"
        po = polib.pofile(str(po_path))
        mo = polib.mofile(str(mo_path))
        compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
        for entry in _live(po):
            if not (entry.msgstr or any(entry.msgstr_plural.values())):
                continue
            assert (entry.msgctxt, entry.msgid) in compiled, f"{app.name}/{language}: {entry.msgid!r} not compiled"
            text, plural = compiled[(entry.msgctxt, entry.msgid)]
            assert text == entry.msgstr, f"{app.name}/{language}: {entry.msgid!r} compiled differently"
            if entry.msgid_plural:
                assert {int(k): v for k, v in plural.items()} == {int(k): v for k, v in entry.msgstr_plural.items()}


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_makemessages_finds_no_string_missing_from_the_catalogue(app, tmp_path):
    """A new user-facing string without a catalogue entry (and so without Bengali) fails here."""
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    (copy / "locale").mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "bn", "--no-obsolete", "--no-location",
         "-v0", "--ignore=tests/*"],
        cwd=copy, check=True, capture_output=True, timeout=120,
    )
    fresh_path = _po(copy, "bn")
    fresh = {(e.msgctxt, e.msgid) for e in _live(polib.pofile(str(fresh_path)))} if fresh_path.exists() else set()
    committed_path = _po(app, "bn")
    committed = {(e.msgctxt, e.msgid) for e in _live(polib.pofile(str(committed_path)))} if committed_path.exists() else set()
    missing = sorted(msgid for _, msgid in fresh - committed)
    assert missing == [], f"{app.name}: run scripts/po_fill.py {app.name}; not in the catalogue: {missing[:10]}"


def test_the_idle_warning_has_the_exact_bengali_wording():
    po = polib.pofile(str(_po(ROOT / "sheba" / "core", "bn")))
    entry = po.find("You have been inactive for the last 5 minutes. Do you want to log out?")
    assert entry is not None
    assert entry.msgstr == "আপনি গত ৫ মিনিটের জন্য নিষ্ক্রিয়। আপনি কি লগ আউট করতে চান?"
