"""Which products are in which range, remembered in the cache at the site version.

Oscar answers ``Range.contains_product`` with ``Range.product_queryset``: a few ``.exists()`` queries to
build the filter (per range instance), then one query per product. While the shop runs a campaign
that was paid on every request with a non-empty basket, once per offer, condition and benefit.

Here the answer for each (range, product) is kept

- on the range instance for its life (as Oscar keeps ``product_queryset``; ``invalidate_cached_queryset``
  forgets both), and
- in Django's cache (Redis in production: shared by every worker) under
  ``catalogue.versions.site_version()``, read *before* the database. Every change that can move a
  product into or out of a range moves that version: the range itself and its products, product types
  and categories (``offer.receivers``), a product's categories, type or parent (``search.signals`` →
  ``catalogue.versions.bump``), a category moved or renamed (``catalogue.versions.category_menu_changed``),
  so the next request asks the database again.

What is read from the read replica is kept at most ``DATABASE_REPLICA_PIN_SECONDS``
(``catalogue.versions.store_seconds``), as every other cached piece.
"""

from django.core.cache import cache

from catalogue import versions

SECONDS = 24 * 3600
ATTRIBUTE = "_okoce_membership"


def key(range_id, version, product_id):
    return f"offer:in-range:{range_id}:{version}:{product_id}"


def known(product_range):
    """{product id: in the range?} this range instance already knows."""
    found = product_range.__dict__.get(ATTRIBUTE)
    if found is None:
        found = product_range.__dict__[ATTRIBUTE] = {}
    return found


def forget(product_range):
    product_range.__dict__.pop(ATTRIBUTE, None)


def remember(ranges, products):
    """Make every range of ``ranges`` know whether each of ``products`` is in it: one cache round trip
    for all the pairs not known yet, and for the pairs the cache lacks one query per range (plus
    Oscar's few to build the range's filter)."""
    product_ids = {p.pk for p in products if getattr(p, "pk", None) is not None}
    by_pk = {}
    for product_range in ranges:
        if product_range is None or product_range.pk is None or product_range.proxy:
            continue  # unsaved, or a custom range class: Oscar's own answer
        instances = by_pk.setdefault(product_range.pk, [])
        if not any(i is product_range for i in instances):
            instances.append(product_range)
    wanted = {}
    for pk, instances in by_pk.items():
        ids = {i for i in product_ids if any(i not in known(r) for r in instances)}
        if ids:
            wanted[pk] = ids
    if not wanted:
        return
    version = versions.site_version()  # before anything is read from the database
    keys = {key(pk, version, pid): (pk, pid) for pk, ids in wanted.items() for pid in ids}
    found = cache.get_many(list(keys))
    answers = {pk: {} for pk in wanted}
    for k, (pk, pid) in keys.items():
        if k in found:
            answers[pk][pid] = bool(found[k])
    store = {}
    for pk, ids in wanted.items():
        missing = ids - set(answers[pk])
        if not missing:
            continue
        inside = set(by_pk[pk][0].product_queryset.filter(pk__in=missing).values_list("pk", flat=True))
        for pid in missing:
            answers[pk][pid] = pid in inside
            store[key(pk, version, pid)] = pid in inside
    if store:
        cache.set_many(store, versions.store_seconds(SECONDS))
    for pk, answered in answers.items():
        for product_range in by_pk[pk]:
            known(product_range).update(answered)
