"""Per-basket cache versions: the key under which a shopper's basket page may be served from the cache.

An anonymous shopper's basket page is the same page every time they ask for it until their basket
changes or the catalogue does (``storefront/pagecache.py`` keys it on both versions). Every write to a
basket reaches ``bump``: a line added, changed or removed (with its options), the basket itself saved
(merged, frozen, submitted, deleted) and its vouchers added or removed. Like ``catalogue.versions.bump``
the new version is set at once and again after the commit, so a request that read the old rows before
the commit cannot keep its copy under the version that follows it.
"""

from django.core.cache import cache

from catalogue import versions

PREFIX = "bv:"


def key(basket_id):
    return f"{PREFIX}{basket_id}"


def basket_version(basket_id, found=None):
    """The version of basket ``basket_id`` (``found``: what a ``get_many`` already read, if anything).
    A basket never seen (or dropped from the cache) gets a fresh one: nothing stored before matches it."""
    return versions.version(key(basket_id), found)


def bump(basket_id):
    if basket_id:
        versions.renew([key(basket_id)])


# --- Signal receivers (connected in basket.apps) -----------------------------------------------------


def basket_saved(sender, instance, created=False, **kwargs):
    # A basket just created has nothing kept under its version yet (ids are not reused), and the first
    # read of its version makes a fresh one: only a change to a basket that was already there bumps it.
    # (A new shopper's first add then sets its version twice, for its line, rather than four times.)
    if not created:
        bump(instance.pk)


def line_saved(sender, instance, **kwargs):
    bump(instance.basket_id)


def line_attribute_saved(sender, instance, **kwargs):
    line = instance._state.fields_cache.get("line")  # set when created through its line (Oscar's add_product)
    if line is not None:
        bump(line.basket_id)
    elif instance.line_id:
        # A line's deletion bumps its basket itself; here its options go with it and it may be gone already.
        bump(sender._meta.get_field("line").related_model.objects.filter(pk=instance.line_id)
             .values_list("basket_id", flat=True).first())


def vouchers_changed(sender, instance, action, reverse, pk_set=None, **kwargs):
    """A basket's vouchers changed (``reverse``: from the voucher's side, ``pk_set`` holds the baskets)."""
    if not action.startswith("post_"):
        return
    if reverse and action == "post_clear":
        # A voucher taken out of every basket at once (``voucher.basket_set.clear()``): the signal does not
        # say which baskets, so every basket page is stale (the site version keys them all).
        versions.bump_site()
        return
    for pk in (pk_set or ()) if reverse else (instance.pk,):
        bump(pk)


# --- When offers start or end ----------------------------------------------------------------------------

BOUNDARIES_SECONDS = 3600


def seconds_to_next_offer_change():
    """Seconds until the next start or end of an open offer or a voucher (what a basket's discounts
    follow by the clock, not by a signal); when none comes within the hour, the seconds left of the hour
    the times were read for. They are read once an hour per site version (saving an offer or a voucher
    moves it)."""
    from django.utils import timezone
    from oscar.core.loading import get_model

    from catalogue import versions

    key = f"basket:offer-changes:{versions.site_version()}"
    found = cache.get(key)
    now = timezone.now()
    if found is None:
        ConditionalOffer, Voucher = get_model("offer", "ConditionalOffer"), get_model("voucher", "Voucher")
        horizon = now + timezone.timedelta(seconds=BOUNDARIES_SECONDS)
        times = []
        for rows in (ConditionalOffer.objects.filter(status=ConditionalOffer.OPEN), Voucher.objects.all()):
            for field in ("start_datetime", "end_datetime"):
                times += rows.filter(**{f"{field}__gt": now, f"{field}__lte": horizon}).values_list(field, flat=True)
        # The times within the next hour, and that hour's end (after it, read again).
        found = (sorted(times), horizon)
        cache.set(key, found, BOUNDARIES_SECONDS)
    times, horizon = found
    upcoming = next((t for t in times if t > now), horizon)
    return max(0, int((upcoming - now).total_seconds()))
