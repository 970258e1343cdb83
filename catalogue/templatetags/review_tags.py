"""Stars, averages and reviews on product cards, product pages and shop pages."""

from django import template
from django.utils.translation import gettext as _

from catalogue.reviews import services

register = template.Library()


@register.filter
def stars(rating):
    """"★★★★☆" for an average of 4.2 (rounded to the nearest whole star)."""
    if rating is None:
        return ""
    full = max(0, min(5, int(float(rating) + 0.5)))
    return "★" * full + "☆" * (5 - full)


@register.filter
def rating_number(rating):
    """4.2 → "4,2" in Indonesian, "4.2" in English."""
    if rating is None:
        return ""
    from django.utils.formats import number_format

    return number_format(round(float(rating), 1), 1)


@register.simple_tag
def visible_reviews(product):
    return services.visible_reviews(product)


@register.simple_tag
def shop_rating(partner):
    """(average, count) of the shop's visible reviews."""
    return services.shop_rating(partner)


@register.simple_tag
def rating_label(rating, count):
    """What a screen reader says for the stars."""
    if not count:
        return _("No reviews yet")
    return _("Rated %(rating)s out of 5 from %(count)s reviews") % {"rating": rating_number(rating), "count": count}
