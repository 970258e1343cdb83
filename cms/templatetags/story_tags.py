"""Links between founder stories and the shop's products and businesses."""

from urllib.parse import quote

from django import template
from wagtail.models import Locale

from cms.models import FounderStoryPage
from cms.models.stories import in_active_language
from search.backends import get_backend
from search.backends.database import for_display

register = template.Library()


@register.simple_tag
def available_products(products):
    """The chosen products a shopper can still buy, in the editor's order.

    Deleted products arrive as None; suspended makers' and hidden products are
    filtered by the same rules as every listing.
    """
    ids = [product.pk for product in products if product is not None]
    if not ids:
        return []
    found = {p.pk: p for p in for_display(get_backend().products().filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


@register.simple_tag
def stories_of(business, limit=None):
    """Published stories about a member business, newest first, in the shopper's language where translated."""
    if business is None:
        return []
    stories = (
        FounderStoryPage.objects.live().public()
        .filter(business=business, locale=Locale.get_default())
        .order_by("-first_published_at")
    )
    return in_active_language(stories[:limit] if limit else stories)


@register.simple_tag(takes_context=True)
def whatsapp_share_url(context, text, url):
    """A wa.me link that shares ``text`` and the absolute ``url``."""
    absolute = context["request"].build_absolute_uri(url)
    return "https://wa.me/?text=" + quote(f"{text} {absolute}")


def stories_url_key(language):
    return f"stories-url:{language}"


@register.simple_tag(takes_context=True)
def stories_url(context):
    """The founder stories index's URL, cached per language: the site menu and footer show it on every
    page. The live stories index of the active language (of any language if it has none), whatever its
    slug, so an editor renaming it does not empty the menu's link; Wagtail's ``{% slugurl 'cerita' %}``
    only without any. ``forget_stories_url`` drops it when a page is published, unpublished, moved or
    renamed."""
    from django.core.cache import cache
    from django.utils.translation import get_language
    from wagtail.models import Locale
    from wagtail.templatetags.wagtailcore_tags import slugurl

    from cms.models import StoryIndexPage

    key = stories_url_key(get_language())
    url = cache.get(key)
    if url is None:
        indexes = StoryIndexPage.objects.live().order_by("path")
        try:
            index = indexes.filter(locale=Locale.get_active()).first() or indexes.first()
        except Locale.DoesNotExist:
            index = indexes.first()
        url = (index.get_url(request=context.get("request")) if index else slugurl(context, "cerita")) or ""
        cache.set(key, url, 3600)
    return url


def forget_stories_url(sender=None, **kwargs):
    """A page was published, unpublished, moved or renamed: the stories link is looked up again, and the
    fragments and whole pages that show it (the site menu and footer) are stale."""
    from django.conf import settings
    from django.core.cache import cache

    from catalogue.versions import bump_site

    cache.delete_many([stories_url_key(code) for code, _name in settings.LANGUAGES])
    bump_site()
