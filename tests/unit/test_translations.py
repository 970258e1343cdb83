"""Everything the shop says in its own words exists in Bahasa Indonesia, compiled."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def catalog(language):
    with open(LOCALE / language / "LC_MESSAGES" / "django.po", "rb") as fh:
        return read_po(fh)


def test_every_indonesian_message_is_translated_and_not_fuzzy():
    missing = [
        message.id
        for message in catalog("id")
        if message.id and (message.fuzzy or not all(message.string if isinstance(message.string, tuple) else [message.string]))
    ]
    assert missing == []


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalogs_match_their_po_files():
    for language in ("id", "en"):
        po = {_key(m.id): _key(m.string) for m in catalog(language) if m.id and any(_key(m.string)) and not m.fuzzy}
        with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as fh:
            mo = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
        assert mo == po, f"locale/{language}: run `make messages` to recompile"
