"""Who sells a product: the one definition.

A product belongs to one member business through its stock records (its own,
or its variants'). ``seller_of`` answers "whose product is this" (emails,
product and shop pages, the back office); ``sale_record`` answers "which stock
record does a shopper buy from" (the pricing strategy: active members only).
The inverse, a business's own products, is ``seller.listings.owned_products``.
"""

from django.db.models import Q
from oscar.core.loading import get_model

StockRecord = get_model("partner", "StockRecord")


def _stockrecords_prefetched(product):
    return "stockrecords" in getattr(product, "_prefetched_objects_cache", {})


def seller_of(product):
    """The member business holding the stock of ``product`` or of its variants (any status), or None.

    Listings that prefetch stock records (and public variants, as search's
    ``for_display`` does) pay no query; otherwise it is one query.
    """
    if product.pk is None:
        return None
    if _stockrecords_prefetched(product):
        children = getattr(product, "_prefetched_public_children", None)
        if children is None and product.is_parent:
            children = product.get_public_children()
        for item in [product, *(children or [])]:
            for record in item.stockrecords.all():
                return record.partner
        return None
    record = (
        StockRecord.objects.filter(Q(product=product) | Q(product__parent=product))
        .select_related("partner").order_by("pk").first()
    )
    return record.partner if record else None


def sale_record(product):
    """The stock record of ``product`` itself that a shopper buys from: one held by an active member business."""
    # Iterate .all() so prefetched stock records and partners cost no query.
    for record in product.stockrecords.all():
        if record.partner.is_active:
            return record
    return None

