"""Changes that must reach search: products, variants, stock, makers, moderation, certificates."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from oscar.apps.order.signals import order_placed
from oscar.core.loading import get_model

from catalogue import versions
from search import indexing, synonyms
from search.models import SynonymGroup

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
FoodCompliance = get_model("partner", "FoodCompliance")
Kecamatan = get_model("places", "Kecamatan")
ProductRecord = get_model("analytics", "ProductRecord")


def _suspended(kwargs):
    return kwargs.get("raw") or indexing.is_paused()


@receiver([post_save, post_delete], sender=Product)
def product_saved(sender, instance, **kwargs):
    if not _suspended(kwargs):
        indexing.product_changed({instance.parent_id or instance.pk})


@receiver([post_save, post_delete], sender=StockRecord)
@receiver([post_save, post_delete], sender=FoodCompliance)
@receiver([post_save, post_delete], sender=ProductCategory)
def product_part_saved(sender, instance, **kwargs):
    if not _suspended(kwargs):
        indexing.product_changed({instance.product_id})


@receiver(m2m_changed, sender=Product.categories.through)
def categories_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Product) and not indexing.is_paused():
        indexing.product_changed({instance.pk})


@receiver(post_save, sender=Partner)
def partner_saved(sender, instance, created, **kwargs):
    if not created and not _suspended(kwargs):
        indexing.partner_changed(instance)


@receiver([post_save, post_delete], sender=Kecamatan)
def kecamatan_saved(sender, instance, **kwargs):
    """Listings cache their facet sidebar and "Dekat saya" choices per site version
    (search.views.listing.Pieces): a renamed kecamatan shows on the next request."""
    if not kwargs.get("raw"):
        versions.bump_site()


@receiver([post_save, post_delete], sender=Partner)
def partner_listed(sender, instance, **kwargs):
    """The search page's "Member businesses" group is cached per site version (search.views.listing.Pieces):
    a business approved, renamed or suspended shows on the next search, even one with no products yet."""
    if not kwargs.get("raw"):
        versions.bump_site()


def count_purchase(product_id, quantity):
    """Add ``quantity`` to a product's purchase count; two orders at once never collide on a new record."""
    counted = ProductRecord.objects.filter(product_id=product_id)
    if counted.update(num_purchases=F("num_purchases") + quantity):
        return
    try:
        with transaction.atomic():
            ProductRecord.objects.create(product_id=product_id, num_purchases=quantity)
    except IntegrityError:  # created meanwhile by a parallel order
        counted.update(num_purchases=F("num_purchases") + quantity)


@receiver(order_placed)
def order_placed_counts_sales(sender, order, **kwargs):
    """Best-selling: Oscar's analytics (connected before us) counted each line's units on the product
    bought, a variant for sized products; the listing shows the parent, so its record counts them too.
    The database engine reads the counts live; Elasticsearch is told through its queue (flushed after
    the commit, so it sees the parent's count), which takes no lock on product rows."""
    if kwargs.get("raw"):
        return
    lines = list(order.lines.values_list("product__parent_id", "quantity", "stockrecord_id"))
    parents = [(parent_id, quantity) for parent_id, quantity, _stock in lines if parent_id]
    if parents:
        # After the order's commit: a new record would lock the parent's row, which a seller's save may hold.
        transaction.on_commit(lambda: [count_purchase(*parent) for parent in parents], robust=True)
    indexing.stock_changed({stock for _p, _q, stock in lines if stock})


@receiver([post_save, post_delete], sender=SynonymGroup)
def synonyms_saved(sender, **kwargs):
    synonyms.invalidate()
