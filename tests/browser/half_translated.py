"""English left on an Indonesian page: Oscar's own sentences that its `id` catalogue (or ours)
leaves in English, or translates only half ("dalam stok (44 available)").

Browser tests collect the visible text of each page they open in Indonesian and call
``english_on_page``; a phrase found there means a msgid to override in locale/id.
"""

import re
from functools import lru_cache
from pathlib import Path

import oscar
from babel.messages.pofile import read_po
from django.utils import translation

OSCAR_PO = Path(oscar.__file__).parent / "locale" / "id" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\w*\}")
WORD = re.compile(r"[A-Za-z]{2,}")
# English words that are also ordinary Indonesian shop words, or names.
SHARED = {"email", "online", "status", "total", "voucher", "login", "admin", "dashboard", "oscar", "stok", "produk",
          "kode", "promo", "checkout", "password", "website", "url", "slug", "sku", "upc", "partner", "pdf", "csv", "ok"}


TAG = re.compile(r"<[^>]+>")


def _pattern(text):
    """A regex for ``text`` as a page shows it (tags gone, spaces collapsed): a placeholder matches
    any one word or number."""
    parts = PLACEHOLDER.split(" ".join(TAG.sub("", text).split()))
    return r"\S+".join(re.escape(part) for part in parts)


def _english_words(text):
    return {w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", TAG.sub(" ", text)))} - SHARED


@lru_cache(maxsize=1)
def english_phrases():
    """(msgid, regex) for every Oscar sentence still English, in whole or part, in the shop's Indonesian."""
    with open(OSCAR_PO, "rb") as fh:
        messages = [m for m in read_po(fh) if m.id and isinstance(m.id, str)]
    phrases = []
    with translation.override("id"):
        for message in messages:
            english = _english_words(message.id)
            if len(english) < 2:
                continue
            shown = translation.gettext(message.id)
            # Untranslated, or a translation that kept one of the English words ("available").
            if shown == message.id or any(len(word) > 3 for word in english & _english_words(shown)):
                phrases.append((message.id, re.compile(r"(?<![\w-])" + _pattern(shown) + r"(?![\w-])")))
    return phrases


def english_on_page(text):
    """Oscar msgids whose English (whole or left over in the translation) the page's text shows."""
    text = " ".join(text.split())
    return sorted({msgid for msgid, regex in english_phrases() if regex.search(text)})
