"""``Product.for_sale``: the one place it is computed.

A product is for sale when it is browsable (public, not a variant) and stock of it, or of one
of its public variants, is held by an active member business (``search.backends.database
.sellable_stock``). Listings filter and count on the indexed flag; ``refresh`` recomputes it
for the products a change touched. It is called by ``search.indexing.product_changed``, which
every change that can affect it reaches: a product or variant saved or deleted (``is_public``,
moderation), a stock record saved or deleted, a member business saved (suspension,
reactivation), and after a bulk load (``rebuild_texts``).

``Product.in_stock`` (units on hand and not held, of that same stock) is computed here too, also for
holds, releases and shipments, which change stock without a save (``refresh_in_stock``, called by
``search.indexing.stock_changed``): the "in stock" facet filters and counts on the column.

The facet table (``search.models.ProductFacet``: where and at what price each listed product is
sold) follows the same rule and is rewritten here too, for the same products, in the same
transaction (``search.facettable``).
"""

from django.db.models import Q
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")


def for_sale_q():
    from search.backends.database import has_stock, sellable_stock

    return Q(parent=None, is_public=True) & has_stock(sellable_stock())


def stock_on_hand_q():
    """Computed from the stock records (what ``Product.in_stock`` keeps): own or a public variant's
    sellable stock with units on hand that are not held."""
    from django.db.models import F
    from django.db.models.functions import Coalesce

    from search.backends.database import has_stock, sellable_stock

    return has_stock(sellable_stock().filter(num_in_stock__gt=Coalesce(F("num_allocated"), 0)))


def refresh_in_stock(ids=None):
    """Recompute ``in_stock`` for products ``ids`` (browsable ids), or for every product. Each UPDATE
    reads the products in key order, so two of them never lock the same rows crosswise."""
    products = Product.objects.all() if ids is None else Product.objects.filter(pk__in=sorted(ids))
    on = products.filter(stock_on_hand_q()).exclude(in_stock=True).update(in_stock=True)
    off = products.filter(in_stock=True).exclude(stock_on_hand_q()).update(in_stock=False)
    return on, off


def refresh(ids=None):
    """Recompute ``for_sale``, ``in_stock`` and the facet table's rows for products ``ids`` (browsable ids), or for every product."""
    from search import facettable

    ids = None if ids is None else list(ids)
    products = Product.objects.all() if ids is None else Product.objects.filter(pk__in=ids)
    on = products.filter(for_sale_q()).exclude(for_sale=True).update(for_sale=True)
    off = products.filter(for_sale=True).exclude(for_sale_q()).update(for_sale=False)
    refresh_in_stock(ids)
    facettable.refresh(ids)
    return on, off
