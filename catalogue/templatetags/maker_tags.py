"""Template helpers that show who made a product and where."""

from django import template

register = template.Library()


@register.simple_tag
def maker_of(product):
    """The member business selling ``product``: from its own stock records, or its variants'.

    Iterates ``.all()`` so listings that prefetch stock records (and public
    children) pay no extra query per product.
    """
    children = getattr(product, "_prefetched_public_children", None)
    if children is None and product.is_parent:
        children = product.get_public_children()
    for item in [product, *(children or [])]:
        for stockrecord in item.stockrecords.all():
            return stockrecord.partner
    return None
