"""``{% productcache product "name" %}…{% endproductcache %}``: a fragment cached per product version.

The fragment is cached only when the view read the product's version before reading the
product (``product._cache_version``, set by ``search.views.listing.products_in_order`` and the
product page), so a fragment is never stored under a version newer than the data it shows;
otherwise it is simply rendered. The key holds the product, its version (``catalogue.versions``:
bumped by every change to price, stock, moderation, visibility or the maker's status), the
fragment's name and the language. Nothing user-specific may go inside.
"""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import mark_safe

from catalogue.versions import fragment_key, store_seconds

register = template.Library()


class ProductCacheNode(template.Node):
    def __init__(self, nodelist, product, name):
        self.nodelist, self.product, self.name = nodelist, product, name

    def render(self, context):
        product = self.product.resolve(context)
        version = getattr(product, "_cache_version", None)
        name = self.name.resolve(context)
        if not version or not name:  # a name from the view's context, missing outside its page: not cached
            return self.nodelist.render(context)
        html = getattr(product, "_fragments", {}).get(name)  # read with the listing's other cards
        if html is not None:
            return mark_safe(html)
        key = fragment_key(name, product.pk, version)
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, str(html), store_seconds(settings.CARD_CACHE_SECONDS))
        return mark_safe(html)


@register.tag
def productcache(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError('Usage: {% productcache product "fragment-name" %}…{% endproductcache %}')
    nodelist = parser.parse(("endproductcache",))
    parser.delete_first_token()
    return ProductCacheNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))
