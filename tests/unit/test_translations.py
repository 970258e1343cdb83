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
        # Keyed by context too: "Pickup" (a delivery choice) and pgettext's "Pickup" are two messages.
        po = {(m.context, _key(m.id)): _key(m.string) for m in catalog(language) if m.id and any(_key(m.string)) and not m.fuzzy}
        with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as fh:
            # (babel reads a compiled context as bytes)
            mo = {(m.context.decode() if isinstance(m.context, bytes) else m.context, _key(m.id)): _key(m.string)
                  for m in read_mo(fh) if m.id}
        assert mo == po, f"locale/{language}: run `make messages` to recompile"


def test_oscars_english_and_half_translated_sentences_are_found_on_an_indonesian_page():
    from tests.browser.half_translated import english_on_page

    # Oscar's id catalogue leaves these English (or half English); the browser tests fail on them.
    assert english_on_page("Keranjang · Re-order all items · Rp 10.000")
    # The ones the shop words itself are Indonesian now, and are not reported.
    page = "Ada stok (44 tersedia) · Halaman 1 dari 19 · Lanjut ke checkout · Promo dan voucher"
    assert english_on_page(page) == []


def test_the_shop_words_oscars_awkward_sentences_itself():
    from django.utils.translation import gettext, override

    with override("id"):
        assert gettext("In stock (%d available)") % 44 == "Ada stok (44 tersedia)"
        assert gettext("Proceed to checkout") == "Lanjut ke checkout"
        assert gettext("Offers, vouchers") == "Promo dan voucher"
        assert gettext("Page %(page_num)s of %(total_pages)s") % {"page_num": 1, "total_pages": 19} == "Halaman 1 dari 19"
