"""Query-time synonyms from the staff-edited ``SynonymGroup`` list.

A shopper's words become *terms*; each term is a list of alternatives and
each alternative a tuple of normalised tokens (a synonym may be two words,
"kue kering"). A product matches a term when it has every token of one of
its alternatives. Expanding at query time means a staff edit takes effect
on the next search, on both engines, without reindexing. Kecamatan's other
spellings (from the kecamatan list) are synonyms too.
"""

from django.core.cache import cache

from search import text as textmod

CACHE_KEY = "search:synonyms:v1"


def _groups():
    from places.models import Kecamatan
    from search.models import SynonymGroup

    groups = [g.word_list for g in SynonymGroup.objects.all()]
    for name, alt in Kecamatan.objects.values_list("name", "alt_names"):
        spellings = [name] + [a for a in (alt or "").split(";") if a.strip()]
        if len(spellings) > 1:
            groups.append(spellings)
    return groups


def synonym_map():
    """{normalised phrase: [alternative token tuples]}, cached until staff change a group."""
    mapping = cache.get(CACHE_KEY)
    if mapping is None:
        mapping = {}
        for group in _groups():
            alternatives = []
            for word in group:
                tokens = tuple(textmod.tokens(word))
                if tokens and tokens not in alternatives:
                    alternatives.append(tokens)
            for alt in alternatives:
                merged = mapping.setdefault(" ".join(alt), [])
                merged.extend(a for a in alternatives if a not in merged)
        cache.set(CACHE_KEY, mapping, 3600)
    return mapping


def invalidate():
    """The synonyms changed: the next search expands with the new list, and listings answered and kept
    at the current catalogue version (search.views.listing.Pieces) are answered again."""
    from catalogue import versions

    cache.delete(CACHE_KEY)
    versions.bump_site()


def replace_groups(lines):
    """Staff's new list of groups (each "word, word, …") replaces the old one; the next search uses it."""
    from django.db import transaction

    from search.models import SynonymGroup

    with transaction.atomic():
        SynonymGroup.objects.all().delete()
        SynonymGroup.objects.bulk_create([SynonymGroup(words=w) for w in lines])
    invalidate()


def expand(tokens):
    """Group ``tokens`` into terms with their alternatives (longest synonym phrase first)."""
    mapping = synonym_map()
    terms, i = [], 0
    while i < len(tokens):
        for size in (3, 2, 1):
            phrase = " ".join(tokens[i : i + size])
            if len(tokens[i : i + size]) == size and phrase in mapping:
                own = tuple(tokens[i : i + size])
                alts = [own] + [a for a in mapping[phrase] if a != own]  # the shopper's own word first
                terms.append(alts)
                i += size
                break
        else:
            terms.append([(tokens[i],)])
            i += 1
    return terms
