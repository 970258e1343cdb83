"""Indonesian text handling shared by both search engines.

The same normalising runs on product text when it is indexed and on the
shopper's words when they search, so both engines compare like with like:
lower case, accents folded, hyphenated compounds ("ondel-ondel") and
spaced ones ("ondel ondel") made one word, common function words dropped,
and each word reduced to its stem with Sastrawi (PySastrawi), which also
strips the -nya, -lah and -kah endings that Elasticsearch's hunspell
dictionary misses ("sepatunya" -> "sepatu").
"""

import functools
import re
import unicodedata

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

# Words that carry no product meaning in a shopper's query.
STOPWORDS = frozenset(
    """
    dan di ke dari yang untuk dengan atau ini itu juga pada dalam buat beli jual murah
    the and of for with a an in at to
    """.split()
)

# Words beyond this are ignored: each adds a condition over the whole catalogue.
MAX_QUERY_WORDS = 6
MAX_WORD_LENGTH = 40

_WORD = re.compile(r"[0-9a-z]+(?:-[0-9a-z]+)*")


@functools.lru_cache(maxsize=1)
def _stemmer():
    return StemmerFactory().create_stemmer()


def fold(text):
    """Lower case without accents or control characters ("Café" -> "cafe")."""
    text = str(text or "")
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


@functools.lru_cache(maxsize=50_000)
def stem(word):
    """One word's stem; compounds and reduplications become one token ("ondel-ondel" -> "ondelondel")."""
    word = word[:MAX_WORD_LENGTH]
    if "-" in word:
        parts = word.split("-")
        if len(set(parts)) == 1:  # reduplication: kue-kue, ondel-ondel
            return parts[0] + parts[0]
        return "".join(parts)
    if word.isdigit() or len(word) <= 3:
        return word
    return _stemmer().stem(word) or word


def words(text):
    """The raw words of ``text``, folded, with compounds kept hyphenated."""
    return _WORD.findall(fold(text))


def tokens(text, *, drop_stopwords=False):
    """Stemmed tokens of ``text``; "ondel ondel" (a spaced reduplication) is joined as well."""
    raw = words(text)
    out = []
    i = 0
    while i < len(raw):
        word = raw[i]
        if i + 1 < len(raw) and raw[i + 1] == word and not word.isdigit():
            out.append(word + word)
            i += 2
            continue
        if not (drop_stopwords and word in STOPWORDS):
            out.append(stem(word))
        i += 1
    return out


@functools.lru_cache(maxsize=20_000)
def normalise(text):
    """Text as stored for searching: stemmed tokens separated by spaces."""
    return " ".join(tokens(text))


def query_tokens(query):
    """The shopper's words as stems, without function words, at most MAX_QUERY_WORDS."""
    result = []
    for token in tokens(query, drop_stopwords=True):
        if token not in result:
            result.append(token)
    return result[:MAX_QUERY_WORDS]
