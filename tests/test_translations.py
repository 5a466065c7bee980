"""The English translation is complete: every string of the project has a reviewed English text."""

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _catalog(path):
    with path.open("rb") as file:
        return read_po(file)


def _untranslated(message):
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


def test_every_english_entry_is_translated_and_not_fuzzy():
    catalog = _catalog(PO)
    assert not catalog.fuzzy, "the header is marked fuzzy"
    untranslated = [m.id for m in catalog if m.id and _untranslated(m)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


@pytest.mark.skipif(not shutil.which("xgettext"), reason="makemessages needs GNU gettext")
def test_the_po_file_holds_every_string_of_the_code(tmp_path, settings, monkeypatch):
    # makemessages writes beside the sources it walks: walk a copy, so the real file is untouched.
    root = PO.parents[3]
    for folder in ("gangmen", "tracking", "templates"):
        shutil.copytree(root / folder, tmp_path / folder)
    (tmp_path / "locale").mkdir()
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["en"], verbosity=0, no_obsolete=True)
    fresh = _catalog(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po")
    committed = {m.id for m in _catalog(PO)}
    missing = [m.id for m in fresh if m.id and m.id not in committed]
    assert not missing, f"strings of the code missing from {PO.relative_to(root)}: {missing}"
