"""The facet table (``search.models.ProductFacet``): kept, filled and read.

Why a table: the database engine counted the kecamatan and price facets by joining every stock
record of a listing to its business (``COUNT(DISTINCT root)`` over ``sellable_stock()``), about
0.85 s each at 100,000 products on SQLite, on every new facet combination. An index-driven
rewrite of the same join was measured slower. The rows here are what those counts need, one per
distinct (browsable product, kecamatan, price band) of the product's sellable stock, so a count is
a ``GROUP BY`` over ``product_id IN (<listing>)`` answered from a covering index.

What a row means (the same rule as ``Product.for_sale`` and the facet filters in
``search.facets.Facets.apply``): stock of the product itself or of one of its *public* variants,
held by an *active* member business; the kecamatan is the business's, the band the stock record's
price's position in ``search.facets.PRICE_RANGES`` (``price_band``). A hidden variant's stock counts
nowhere (the old join counted its price band and kecamatan although the price and kecamatan filters
never matched it). Only browsable products (public, not variants) have rows; a product has rows
exactly when it is ``for_sale``.

Kept in step with ``for_sale``: ``search.forsale.refresh(ids)`` calls ``refresh(ids)``, in the same
transaction as the change (``search.indexing.product_changed`` reaches it for every product,
variant, stock record and member business save or delete, which covers price, moderation,
``is_public``, suspension, reactivation and a business moving to another kecamatan), and
``refresh()`` for the whole catalogue after bulk loads (``rebuild_texts``). ``manage.py facet_table``
refills it with a progress bar. Holds and allocations (``num_allocated``) change no row: whether a
product is in stock is the column ``Product.in_stock`` (``search.forsale.refresh_in_stock``, also
called for holds, releases and shipments by ``search.indexing.stock_changed``).

Two transactions rewriting the same product at once (PostgreSQL) may both insert its rows: the
duplicates change no count (products are counted DISTINCT, filters are IN lists) and go with the
product's next rewrite. No unique constraint, since the kecamatan and the band may be NULL.
"""

from django.db import transaction
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")

BATCH = 1000


def price_band(price):
    """The position in ``PRICE_RANGES`` of the range ``price`` is in (``low <= price < high``), or None."""
    from search.facets import PRICE_RANGES

    if price is None:
        return None
    for band, (_key, _label, low, high) in enumerate(PRICE_RANGES):
        if (low is None or price >= low) and (high is None or price < high):
            return band
    return None


def rows(own_filter, variant_filter):
    """ProductFacet rows of the sellable stock matching ``own_filter`` (stock of browsable products)
    and ``variant_filter`` (stock of public variants of browsable products), without duplicates."""
    from search.backends.database import sellable_stock
    from search.models import ProductFacet

    stock = sellable_stock()
    own = stock.filter(own_filter, product__parent=None, product__is_public=True).values_list(
        "product_id", "partner__kecamatan_id", "price"
    )
    variants = stock.filter(
        variant_filter, product__is_public=True, product__parent__parent=None, product__parent__is_public=True
    ).values_list("product__parent_id", "partner__kecamatan_id", "price")
    seen = {(product, kecamatan, price_band(price)) for query in (own, variants) for product, kecamatan, price in query}
    return [ProductFacet(product_id=p, kecamatan_id=k, price_band=b) for p, k, b in seen]


def refresh(ids=None, progress=None, batch=BATCH):
    """Rewrite the rows of browsable products ``ids`` (all products when None) from their stock.

    For ``ids``: delete and insert in one transaction (a product's few rows: cheap). For the whole
    catalogue: the rows of products no longer browsable go, then ``batch`` products at a time are
    rewritten, each batch in its own transaction, so listings keep their counts while it runs;
    ``progress(n)`` is called after each batch. Returns the number of products rewritten.
    """
    from django.db.models import Q

    from search.models import ProductFacet

    if ids is not None:
        ids = sorted(set(ids))
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            with transaction.atomic():
                ProductFacet.objects.filter(product_id__in=chunk).delete()
                ProductFacet.objects.bulk_create(rows(Q(product_id__in=chunk), Q(product__parent_id__in=chunk)), batch_size=500)
        return len(ids)
    browsable = Product.objects.browsable()
    ProductFacet.objects.exclude(product_id__in=browsable.values("pk")).delete()
    all_ids = list(browsable.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(all_ids), batch):
        chunk = all_ids[start : start + batch]
        low, high = chunk[0], chunk[-1]
        with transaction.atomic():
            ProductFacet.objects.filter(product_id__gte=low, product_id__lte=high).delete()
            ProductFacet.objects.bulk_create(
                rows(Q(product_id__gte=low, product_id__lte=high), Q(product__parent_id__gte=low, product__parent_id__lte=high)),
                batch_size=500,
            )
        if progress:
            progress(len(chunk))
    return len(all_ids)
