"""Per-product cache versions: the key that makes cached product HTML correct.

A product card (and any other fragment about one product) is cached under its product's
version. Every change that can alter what the card shows (price, stock, a hold, moderation,
``is_public``, the maker's suspension, a photo) reaches ``bump(ids)`` through
``search.indexing``; the next request reads a new version, so it renders afresh and never
sees the old fragment. Versions live in the shared cache (Redis with ``REDIS_URL``), so a
change made in one process is seen by every worker on its next request.

``bump`` sets the new version at once (the same request and the same transaction see it)
and again after the commit: a request that read the old rows before the commit and the
new version before the first bump finished cannot keep its stale copy under the version
that follows the commit. Readers must take versions *before* reading the products
(``versions_for`` in ``search.views.listing.products_in_order``).
"""

import contextvars
import uuid

from django.core.cache import cache
from django.db import transaction

PREFIX = "pv:"
TIMEOUT = 7 * 24 * 3600
# The version of everything anonymous shoppers' cached pages show (storefront/pagecache.py):
# bumped by every product bump, a category change, a CMS page published or unpublished and a promotion.
SITE_KEY = "pv:site"


def _new():
    return uuid.uuid4().hex[:12]


def versions_for(ids):
    """{product id: version} for ``ids``; products never seen get a fresh version."""
    ids = list(ids)
    found = cache.get_many([PREFIX + str(i) for i in ids])
    versions = {}
    for i in ids:
        versions[i] = version(PREFIX + str(i), found.get(PREFIX + str(i)))
    return versions


def fragment_key(name, product_id, version):
    """The cache key of fragment ``name`` of a product at ``version``, in the active language."""
    from django.utils.translation import get_language

    return f"frag:{name}:{product_id}:{version}:{get_language()}"


def cached_fragments(name, versions):
    """{id: HTML} of fragment ``name`` for the products of ``versions`` ({id: version}) found in the cache.

    One round trip for a whole listing; the HTML is handed to ``{% productcache %}`` through
    ``product._fragments`` so it does not ask again, card by card.
    """
    keys = {fragment_key(name, pk, v): pk for pk, v in versions.items()}
    return {keys[k]: html for k, html in cache.get_many(list(keys)).items()}


# The version of the categories' names, paths and visibility: the key of fragments that name a product's
# categories (the product page's breadcrumbs and JSON-LD), bumped by a category change only.
CATEGORIES_KEY = "pv:categories"


def version(key, found=None):
    """The version stored under ``key`` (``found``: what a ``get_many`` already read for it, if anything).
    A key never seen, or dropped from the cache, gets a fresh version: nothing stored before matches it.
    Added, not set: a bump made meanwhile wins over this first reader."""
    value = found if found is not None else cache.get(key)
    if value is None:
        value = _new()
        if not cache.add(key, value, TIMEOUT):
            value = cache.get(key) or value
    return value


def renew(keys, after=None):
    """New versions for ``keys``, set at once and, inside a transaction, again after it commits (see the
    module's docstring). ``after`` runs after each write (the site version's memo is forgotten)."""

    def write():
        cache.set_many({key: _new() for key in keys}, TIMEOUT)
        if after is not None:
            after()

    write()
    # Inside a transaction, again once it commits (outside one, the write above came after the data).
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(write, robust=True)


def store_seconds(seconds):
    """How long to keep what this request rendered under a version: ``seconds``, or at most
    ``DATABASE_REPLICA_PIN_SECONDS`` (the replica lag the shop tolerates) while the request reads from
    the read replica (storefront/db_routing.py). A lagging replica's rows may be older than the version
    read from the cache; kept briefly, such a copy is no staler than the replica itself."""
    from django.conf import settings
    from django.db import DEFAULT_DB_ALIAS, router
    from oscar.core.loading import get_model

    if router.db_for_read(get_model("catalogue", "Product")) != DEFAULT_DB_ALIAS:
        return min(seconds, settings.DATABASE_REPLICA_PIN_SECONDS)
    return seconds


# The site version as this request first read it (``RequestVersionMiddleware``): the menu, the banner, the
# routing and the listings each ask for it, and with Redis each ask is a round trip. Safe because it is
# read before anything it keys: what this request renders is at least as new as the version it stores it
# under. A bump made by this request forgets it, so the request sees its own change.
_request_site_version = contextvars.ContextVar("request_site_version", default=None)


class RequestVersionMiddleware:
    """Remembers the site version for the rest of the request once it has been read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_site_version.set({})
        try:
            return self.get_response(request)
        finally:
            _request_site_version.reset(token)


def remember_site_version(value):
    """``value`` was just read from the cache: this request's site version (the page cache reads it
    in the same round trip as the page)."""
    memo = _request_site_version.get()
    if memo is not None and value:
        memo.setdefault(SITE_KEY, value)


def _forget_site_version():
    memo = _request_site_version.get()
    if memo:
        memo.clear()


def site_version():
    """The site-wide catalogue version: the key of whole cached pages. Read it before rendering."""
    memo = _request_site_version.get()
    if memo is None:
        return version(SITE_KEY)
    value = memo.get(SITE_KEY)
    if value is None:
        value = memo[SITE_KEY] = version(SITE_KEY)
    return value


def categories_version():
    """The categories' version (``CATEGORIES_KEY``). Read it before rendering."""
    return version(CATEGORIES_KEY)


def bump_site(sender=None, **kwargs):
    """Something anonymous pages show changed: every cached whole page is stale from now on.

    Set at once and again after the commit, as ``bump`` does (a signal receiver too)."""
    renew([SITE_KEY], after=_forget_site_version)


def bump(ids):
    """Products ``ids`` (browsable ids) changed: their cached fragments, and the cached whole pages
    (any page may list them), are stale from now on."""
    keys = [PREFIX + str(i) for i in ids if i]
    if keys:
        renew([*keys, SITE_KEY], after=_forget_site_version)


def category_menu_changed(sender=None, **kwargs):
    """A category was saved or deleted: the site menu (cached under the site version in
    oscar/layout.html), every cached page that shows categories and the product pages' breadcrumbs
    (cached under the categories version) are stale."""
    renew([CATEGORIES_KEY, SITE_KEY], after=_forget_site_version)


def story_changed(sender=None, instance=None, **kwargs):
    """A page was published, unpublished or deleted: a founder story drops its business's cached teaser."""
    from django.conf import settings
    from django.core.cache.utils import make_template_fragment_key

    bump_site()  # any published page (home, stories) may be a cached whole page
    page = getattr(instance, "specific_deferred", instance)
    business_id = getattr(page, "business_id", None)
    if business_id:
        cache.delete_many(
            [make_template_fragment_key("maker-story", [business_id, code]) for code, _name in settings.LANGUAGES]
        )


def options_changed(sender=None, instance=None, action="", reverse=False, pk_set=None, **kwargs):
    """The options a product asks for changed (a product class's options, a product's own options, or an
    option itself): the products concerned read afresh, so the add to the basket and the buy box ask for
    what they ask for now. A receiver of ``m2m_changed`` (ProductClass.options, Product.product_options)
    and of an Option's ``post_save``, ``pre_delete`` and ``post_delete`` (``option_deleting`` and
    ``option_deleted`` name the step)."""
    from oscar.core.loading import get_model

    Product, ProductClass, Option = (get_model("catalogue", name) for name in ("Product", "ProductClass", "Option"))
    if action in ("pre_clear", "pre_delete"):
        # Which classes and products lose the option: the signal after the clear (or the deletion, whose
        # links are gone by then) does not say.
        instance._options_users = (set(instance.productclass_set.values_list("pk", flat=True)),
                                   set(instance.product_set.values_list("pk", flat=True)))
        return
    if action and not action.startswith("post_"):
        return
    classes, products = set(), set()
    if isinstance(instance, Option):
        if reverse and action == "post_clear" or action == "post_delete":
            classes, products = getattr(instance, "_options_users", (set(), set()))
        elif reverse and sender is ProductClass.options.through:
            classes = set(pk_set or ())
        elif reverse:
            products = set(pk_set or ())
        else:  # the option itself saved
            classes = set(instance.productclass_set.values_list("pk", flat=True))
            products = set(instance.product_set.values_list("pk", flat=True))
    elif isinstance(instance, ProductClass):
        classes = {instance.pk}
    elif isinstance(instance, Product):
        products = {instance.parent_id or instance.pk}
    ids = set(Product.objects.filter(product_class__in=classes, parent=None).values_list("pk", flat=True)) if classes else set()
    ids |= set(Product.objects.filter(pk__in=products).values_list("parent_id", flat=True)) - {None}
    ids |= set(Product.objects.filter(pk__in=products, parent=None).values_list("pk", flat=True))
    bump(ids)


def option_deleting(sender, instance, **kwargs):
    options_changed(sender, instance, action="pre_delete")


def option_deleted(sender, instance, **kwargs):
    options_changed(sender, instance, action="post_delete")
