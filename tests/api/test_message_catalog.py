"""The Arabic catalog (locale/ar/LC_MESSAGES) is complete, current and compiled.

The compiled .mo is committed so a fresh clone answers in Arabic without compilemessages;
these tests keep it equal to the .po, and the .po equal to what the code marks.
"""

import ast
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

CATALOG = Path(django_settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES"
PO, MO = CATALOG / "django.po", CATALOG / "django.mo"
# As in the .po header: what makemessages reads (tests, benchmarks and the tools are not).
MAKEMESSAGES_IGNORE = [".venv", ".local", "tests", "bench", "staticfiles", "locale", "node_modules"]


def po_entries(path: Path) -> list[dict]:
    """Entries of a .po file: {"msgid", "msgstr", "flags", "obsolete"}; the header included."""
    entries: list[dict] = []
    entry: dict | None = None
    field = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            continue
        starts_entry = line.startswith(("#", "msgctxt ", "msgid "))
        if starts_entry and (entry is None or (field or "").startswith("msgstr")):
            entry = {"msgid": "", "msgstr": "", "flags": set(), "obsolete": obsolete, "forms": {}}
            entries.append(entry)
            field = None
        assert entry is not None
        entry["obsolete"] |= obsolete
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgid_plural ")):
            field, _space, literal = line.partition(" ")
            entry[field] = ast.literal_eval(literal)
        elif line.startswith("msgstr["):  # a plural form: msgstr[N] "…"
            field, _space, literal = line.partition(" ")
            entry["forms"][field] = ast.literal_eval(literal)
        elif line.startswith('"') and field:
            if field.startswith("msgstr["):
                entry["forms"][field] += ast.literal_eval(line)
            else:
                entry[field] += ast.literal_eval(line)
        else:
            raise AssertionError(f"unexpected line in {path.name}: {line!r}")
    for entry in entries:  # a plural entry is translated when every one of its forms is
        if entry["forms"]:
            forms = entry["forms"].values()
            entry["msgstr"] = "\n".join(forms) if all(f.strip() for f in forms) else ""
    return entries


def test_every_message_has_an_arabic_translation_and_none_is_fuzzy():
    entries = po_entries(PO)
    header, messages = entries[0], entries[1:]

    assert header["msgid"] == "" and "Language: ar" in header["msgstr"]
    assert len(messages) > 300
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    assert [e["msgid"] for e in messages if not e["msgstr"].strip()] == []
    assert [e["msgid"] for e in messages if e["obsolete"]] == []


def test_the_committed_mo_is_the_compiled_po():
    compiled = subprocess.run(
        ["msgfmt", "--check-format", "-o", "-", str(PO)], capture_output=True, check=True
    ).stdout

    assert compiled == MO.read_bytes(), "run: manage.py compilemessages -l ar (or msgfmt)"


def test_the_catalog_holds_exactly_the_messages_the_code_marks(tmp_path, monkeypatch, settings):
    """A message marked in code but missing from the .po (or left there after the code
    dropped it) fails here: makemessages is run into a copy and the msgids compared.

    makemessages reads the tree below the current folder and writes into a ``locale`` folder
    it finds there, so it runs in a folder of links to the project's sources instead."""
    base = Path(settings.BASE_DIR)
    tree = tmp_path / "tree"
    tree.mkdir()
    for entry in base.iterdir():
        if entry.name not in MAKEMESSAGES_IGNORE and not entry.name.startswith("."):
            (tree / entry.name).symlink_to(entry)
    out = tmp_path / "out"
    (out / "ar" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.chdir(tree)
    settings.LOCALE_PATHS = [str(out)]

    call_command(
        "makemessages",
        locale=["ar"],
        no_location=True,
        symlinks=True,
        ignore_patterns=MAKEMESSAGES_IGNORE,
        verbosity=0,
    )

    marked = {e["msgid"] for e in po_entries(out / "ar" / "LC_MESSAGES" / "django.po")[1:]}
    committed = {e["msgid"] for e in po_entries(PO)[1:]}
    assert sorted(marked - committed) == [], "marked in code, missing from the .po"
    assert sorted(committed - marked) == [], "in the .po, no longer in the code"


@pytest.mark.parametrize("msgid", ["Some fields are not valid.", "No such booking."])
def test_the_catalog_is_what_django_loads(msgid):
    from django.utils import translation

    with translation.override("ar"):
        assert translation.gettext(msgid) != msgid
    assert translation.gettext(msgid) == msgid
