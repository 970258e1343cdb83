from django import template

from cms.models import SizeGuide

register = template.Library()


@register.simple_tag
def size_guide_for(product):
    """The size guide of the product's type, or None (a variant uses its parent's type)."""
    product_class = product.get_product_class()
    if product_class is None:
        return None
    return SizeGuide.objects.filter(product_class=product_class).prefetch_related("rows").first()
