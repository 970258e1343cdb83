"""Wagtail's page serving with each URL's route remembered in the shared cache.

Wagtail finds a page in five queries on every request: the site for the host name, the locale,
the root page and its specific page, then every ancestor's view restrictions. The answer is the
same for every visitor of a URL in a language until a page is published, unpublished, moved or
renamed, a site or a view restriction changes: each of those bumps the site version
(``catalogue.versions``), which is part of the key. A remembered route costs one query, the page
itself (``live`` checked again); pages with view restrictions still have them checked on every
request by Wagtail's own hook.

``serve`` is ``wagtail.views.serve`` with that cache in front; ``storefront/urls.py`` places it before
Wagtail's catch-all pattern (whose name, ``wagtail_serve``, still reverses page URLs).
"""

from django.apps import apps
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from wagtail import hooks
from wagtail.models import Page
from wagtail.views import serve_chain
from wagtail.wagtail_hooks import check_view_restrictions

from catalogue import versions

ROUTE_SECONDS = 600


def _key(request, path):
    return f"cms:route:{versions.site_version()}:{get_language()}:{request.get_host()}:{path}"


def _remembered(request, key):
    """The cached route under ``key`` put where Wagtail looks for it; whether the page has view restrictions."""
    hit = cache.get(key)
    if not hit:
        return None
    model = apps.get_model(hit["model"])
    page = model.objects.filter(pk=hit["page"], live=True).first()
    if page is None:  # deleted since: route again
        return None
    request._wagtail_site = hit["site"]
    request._wagtail_route_for_request = (page, hit["args"], hit["kwargs"])
    return hit["restricted"]


def serve(request, path):
    cacheable = request.method in ("GET", "HEAD")
    key = _key(request, path) if cacheable else None
    restricted = _remembered(request, key) if cacheable else None
    route_result = Page.route_for_request(request, path)
    if route_result is None:
        raise Http404
    page, args, kwargs = route_result
    if cacheable and restricted is None:
        restricted = page.get_view_restrictions().exists()
        site = getattr(request, "_wagtail_site", None)
        cache.set(key, {"model": page._meta.label_lower, "page": page.pk, "args": args, "kwargs": kwargs,
                        "site": site, "restricted": restricted}, ROUTE_SECONDS)

    on_serve_chain = serve_chain
    for fn in reversed(hooks.get_hooks("on_serve_page")):
        if fn is check_view_restrictions and restricted is False:
            continue  # no restriction on this page or its ancestors (checked when the route was stored)
        on_serve_chain = fn(on_serve_chain)

    for fn in hooks.get_hooks("before_serve_page"):
        result = fn(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result

    return on_serve_chain(page, request, args, kwargs)


def route_changed(sender=None, **kwargs):
    """A site or a view restriction changed: every remembered route (and cached page) is stale."""
    versions.bump_site()
