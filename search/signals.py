"""Changes that must reach search: products, variants, stock, makers, moderation, certificates."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from oscar.core.loading import get_model

from search import indexing, synonyms
from search.models import SynonymGroup

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
FoodCompliance = get_model("partner", "FoodCompliance")


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


@receiver([post_save, post_delete], sender=SynonymGroup)
def synonyms_saved(sender, **kwargs):
    synonyms.invalidate()
