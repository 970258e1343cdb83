from django import template
from django.core.cache import cache

from cms.models import SizeGuide

register = template.Library()

NONE = "none"  # cached "this type has no guide" (None is what a cache miss returns)


def cache_key(product_class_id):
    return f"size-guide:{product_class_id}"


@register.simple_tag
def size_guide_for(product):
    """The size guide of the product's type, or None (a variant uses its parent's type).

    Cached per product type (a query or two on every product page otherwise); dropped when a guide
    or its rows change (``forget_size_guide``)."""
    product_class = product.get_product_class()
    if product_class is None:
        return None
    key = cache_key(product_class.pk)
    guide = cache.get(key)
    if guide is None:
        guide = SizeGuide.objects.filter(product_class=product_class).prefetch_related("rows").first() or NONE
        cache.set(key, guide, 3600)
    return None if guide == NONE else guide


def forget_size_guide(sender=None, instance=None, **kwargs):
    """A size guide or one of its rows changed: product pages show the new table on the next request."""
    from django.db import transaction

    from catalogue import versions

    if isinstance(instance, SizeGuide):
        product_class_id = instance.product_class_id
    else:  # a row: its guide may be gone already (deleted with it)
        product_class_id = SizeGuide.objects.filter(pk=instance.guide_id).values_list("product_class_id", flat=True).first()

    def forget():
        if product_class_id:
            cache.delete(cache_key(product_class_id))

    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget, robust=True)
    versions.bump_site()  # whole cached product pages show the guide too
