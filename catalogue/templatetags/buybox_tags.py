"""The product page's buy box and its structured data."""

import json

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _stock(info):
    record = info.stockrecord
    if record is None or not info.availability.is_available_to_buy:
        return 0
    return max(record.net_stock_level or 0, 0)


@register.simple_tag(takes_context=True)
def buy_box(context, product):
    """What the buy box offers: {choices: [{pk, label, stock, available, price}], legend, max_quantity}.

    Variants in the order the seller made them, none preselected; a sold-out variant is offered
    but disabled. ``max_quantity`` bounds the quantity field (the chosen variant's stock once chosen).
    """
    strategy = context["request"].strategy
    if not product.is_parent:
        info = strategy.fetch_for_product(product)
        stock = _stock(info)
        return {"choices": [], "legend": "", "max_quantity": stock, "available": stock > 0}
    choices, legend = [], ""
    children = product.get_public_children()  # a list when the product page prefetched them (catalogue.views)
    if hasattr(children, "prefetch_related"):
        children = children.prefetch_related("attribute_values__attribute")
    for child in sorted(children, key=lambda c: c.pk):
        info = strategy.fetch_for_product(child)
        values = list(child.attribute_values.all())
        if values and not legend:
            legend = values[0].attribute.name
        stock = _stock(info)
        choices.append({
            "pk": child.pk,
            "label": ", ".join(v.value_as_text for v in values) or child.get_title(),
            "stock": stock,
            "available": stock > 0,
            "price": info.price.incl_tax if info.price.exists else None,
        })
    stocks = [c["stock"] for c in choices]
    return {"choices": choices, "legend": legend, "max_quantity": max(stocks, default=0), "available": any(stocks)}


@register.simple_tag(takes_context=True)
def product_json_ld(context, product, maker=None):
    """schema.org Product with its Offer(s) and the page's BreadcrumbList, as a JSON-LD <script> body."""
    request = context["request"]
    strategy = request.strategy
    base = f"{request.scheme}://{request.get_host()}"
    url = base + product.get_absolute_url()
    if product.is_parent:
        infos = [strategy.fetch_for_product(child) for child in product.get_public_children()]
    else:
        infos = [strategy.fetch_for_product(product)]
    priced = [i for i in infos if i.price.exists]
    in_stock = any(i.availability.is_available_to_buy for i in infos)
    data = {"@context": "https://schema.org", "@type": "Product", "name": product.get_title(), "url": url,
            "description": (product.description or "")[:500]}
    image = product.primary_image()
    if getattr(image, "original", None):
        data["image"] = base + image.original.url
    if maker is not None:
        data["brand"] = {"@type": "Brand", "name": maker.name}
    if priced:
        prices = sorted(i.price.incl_tax for i in priced)
        availability = "https://schema.org/InStock" if in_stock else "https://schema.org/OutOfStock"
        if len(prices) > 1 and prices[0] != prices[-1]:
            data["offers"] = {"@type": "AggregateOffer", "priceCurrency": "IDR", "lowPrice": f"{prices[0]:.0f}",
                              "highPrice": f"{prices[-1]:.0f}", "offerCount": len(prices), "availability": availability}
        else:
            data["offers"] = {"@type": "Offer", "priceCurrency": "IDR", "price": f"{prices[0]:.0f}", "availability": availability,
                              "url": url}
        if maker is not None:
            data["offers"]["seller"] = {"@type": "Organization", "name": maker.name}
    crumbs = [(_("Home"), base + "/")]
    category = product.get_categories().first()
    if category is not None:
        crumbs += [(c.name, base + c.get_absolute_url()) for c in category.get_ancestors_and_self()]
    crumbs.append((product.get_title(), url))
    breadcrumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": i, "name": name, "item": item} for i, (name, item) in enumerate(crumbs, start=1)
    ]}
    # "</" cannot end the script early: json.dumps escapes nothing HTML-wise, so "<" is written as \\u003c.
    return mark_safe(json.dumps([data, breadcrumbs], ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
