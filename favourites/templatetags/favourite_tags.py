from django import template
from django.utils.html import json_script

from favourites import services

register = template.Library()


@register.simple_tag(takes_context=True)
def favourite_ids_script(context):
    """The signed-in shopper's favourite product ids as a JSON script, for the hearts.

    Product cards may be cached for everyone, so their hearts carry no state of their own:
    the page lists the ids once (one query) and ``okoce.js`` fills the hearts in.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return json_script(services.favourite_ids(user), "favourite-ids")


@register.simple_tag(takes_context=True)
def is_favourite(context, product):
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and product.pk in services.favourite_ids(user))


@register.simple_tag(takes_context=True)
def follows_shop(context, partner):
    request = context.get("request")
    return services.follows(request.user, partner) if request else False
