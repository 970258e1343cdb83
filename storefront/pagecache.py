"""Whole pages cached for anonymous shoppers: home, catalogue, categories, kecamatan, product pages, CMS pages.

A first visitor without a session (no session, basket, messages or other per-visitor cookie)
gets exactly the same page as the next one, except for two values that must be fresh in every
response: the CSRF token of its forms and the Content-Security-Policy nonce of its inline
scripts. So the page is stored with placeholders in their place and every response served from
the cache gets a new token (``get_token``: the csrftoken cookie is set as usual) and a new nonce
(``request.csp_nonce``: django-csp writes the header with it, since this middleware runs inside
``ContentSecurityPolicyMiddleware``).

A stored page carries the site-wide catalogue version (``catalogue.versions.site_version``) it
was rendered at, and is served only while that is still the version; every change such a page
can show bumps it: a product, its price, stock, holds, moderation, its maker's suspension or
profile (all through ``catalogue.versions.bump``), a category, a published or unpublished CMS
page, a promotion. The version is read before the page is rendered, so a change made while it
renders leaves it with the old version, never served. The version and the page are read in one
round trip (with Redis, one MGET: on a busy machine each round trip can cost milliseconds).
``PAGE_CACHE_SECONDS`` bounds what no signal reaches (the home page's programme figures, a
Mart's opening hours); 0 turns the page cache off.

The basket page too: for a visitor with no basket it is the same empty page for everyone, and for
an anonymous shopper whose only own cookie is the basket's it is stored per basket, under the site
version and the basket's own (``basket.versions``: every write to the basket, its lines or its
vouchers moves it), and kept no longer than until a site offer or voucher starts or ends (its
discounts follow the clock). A badly signed basket cookie is never looked up.

Never stored: a non-200, a page for a signed-in shopper, a response that set any cookie but
the CSRF one and Oscar's recently-viewed one (the latter is the same for every visitor who had
none, so it is stored and set again), a response marked private or no-store.
"""

import hashlib
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature, Signer
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, _unmask_cipher_token, get_token
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from basket import versions as basket_versions
from catalogue import versions, viewcounts
from storefront.middleware import chosen_language

CSRF_PLACEHOLDER = "\x00okoce-csrf\x00"
NONCE_PLACEHOLDER = "\x00okoce-nonce\x00"
# Masked CSRF tokens: 64 letters and digits (django.middleware.csrf.CSRF_TOKEN_LENGTH).
MASKED_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")

# Views whose anonymous page is the same for everyone. The value: cookies the page does not
# depend on, beyond the CSRF and language cookies (the listings do not show recently viewed
# products; the home page, served by Wagtail, and the product page do).
RECENTLY_VIEWED = "recently-viewed"
PAGES = {
    "wagtail_serve": (),
    "catalogue:index": (RECENTLY_VIEWED,),
    "catalogue:category": (RECENTLY_VIEWED,),
    "catalogue:detail": (),
    "places:kecamatan": (RECENTLY_VIEWED,),
    "places:kecamatan-list": (RECENTLY_VIEWED,),
}
# The basket page: the same for every visitor without a basket (empty), and for an anonymous shopper with
# one (the basket cookie only) the same page until the basket or the catalogue changes: stored per basket,
# under both versions (basket.versions), and no longer than until a site offer starts or ends. It does
# not show recently viewed products.
BASKET_PAGE = "basket:summary"
# Headers of the stored response that are per response, or written again by outer middleware.
PER_RESPONSE_HEADERS = {"content-length", "set-cookie", "x-page-cache", "date"}
MAX_QUERY_LENGTH = 1000


class Viewed:
    """What ``viewcounts.record`` reads of a product: its id."""

    def __init__(self, pk):
        self.pk = pk


def _history_cookie():
    return getattr(settings, "OSCAR_RECENTLY_VIEWED_COOKIE_NAME", "oscar_history")


_resolved_paths = {}


def _resolved(path):
    """``resolve(path)`` (None for no match), remembered per process: walking the URL patterns is a
    good share of a cached page's time. The patterns do not change while the process runs."""
    key = (settings.ROOT_URLCONF, get_urlconf(), path)
    try:
        return _resolved_paths[key]
    except KeyError:
        pass
    try:
        match = resolve(path)
    except Resolver404:
        match = None
    if len(_resolved_paths) >= 5000:  # any path can be asked for: keep the memory bounded
        _resolved_paths.clear()
    _resolved_paths[key] = match
    return match


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Django's CSRF middleware reads the visitor's csrftoken cookie and sets it on the way
        # out; a page served from here never reaches the one in MIDDLEWARE, so it runs this one.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        key = self.key(request) if seconds > 0 else None
        if key is None:
            return self.get_response(request)
        # One round trip to the cache (Redis: one MGET) for the version and the page; the page is
        # served only if it was rendered at the current version.
        basket_id = getattr(request, "_page_cache_basket", None)
        keys = [versions.SITE_KEY, key] + ([basket_versions.key(basket_id)] if basket_id else [])
        found = cache.get_many(keys)
        versions.remember_site_version(found.get(versions.SITE_KEY))
        version = versions.site_version()
        if basket_id:
            # This shopper's basket page: served only while neither the catalogue nor the basket changed.
            version = f"{version}:{basket_versions.basket_version(basket_id, found.get(keys[2]))}"
        entry = found.get(key)
        if entry is not None and entry.get("version") == version:
            return self.serve(request, entry)
        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            if getattr(request, "reads_replica", False):
                # Rendered from the read replica, which may lag behind the version: kept no longer than
                # the lag the shop tolerates (catalogue.versions.store_seconds).
                seconds = min(seconds, settings.DATABASE_REPLICA_PIN_SECONDS)
            if basket_id:
                seconds = min(seconds, basket_versions.seconds_to_next_offer_change())
            if seconds > 0:
                cache.set(key, {**self.entry(request, response), "version": version}, seconds)
        response["X-Page-Cache"] = "miss"
        return self.finish(response)

    # --- Which requests ------------------------------------------------------------------------------------

    def key(self, request):
        """The cache key of this request's page, or None when it must be rendered for this visitor."""
        if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
            return None
        query = request.META.get("QUERY_STRING", "")
        if len(query) > MAX_QUERY_LENGTH:
            return None
        match = _resolved(request.path_info)
        if match is None or (match.view_name not in PAGES and match.view_name != BASKET_PAGE):
            return None
        request._page_cache_match = match
        harmless = {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME}
        if match.view_name == BASKET_PAGE or RECENTLY_VIEWED in PAGES[match.view_name]:
            harmless.add(_history_cookie())
        basket_cookie = settings.OSCAR_BASKET_COOKIE_OPEN
        if match.view_name == BASKET_PAGE and basket_cookie in request.COOKIES:
            try:
                basket_id = int(Signer().unsign(request.COOKIES[basket_cookie]))
            except (BadSignature, ValueError):
                return None  # the basket middleware drops the cookie
            harmless.add(basket_cookie)
            request._page_cache_basket = basket_id
        if {name for name, value in request.COOKIES.items() if value} - harmless:
            return None  # a session, messages, recently viewed products, a chosen kecamatan: this visitor's own page
        # The query's order does not change the page (?page=2&sort=x is ?sort=x&page=2).
        normalised = urlencode(sorted((k, v) for k, values in request.GET.lists() for v in values))
        where = "\n".join([request.scheme, request.get_host(), request.path, normalised])
        digest = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        basket = getattr(request, "_page_cache_basket", None)
        return f"page:{settings.THEME}:{chosen_language(request)}:{digest}" + (f":b{basket}" if basket else "")

    # --- Storing -------------------------------------------------------------------------------------------

    def storable(self, request, response):
        if response.status_code != 200 or response.streaming:
            return False
        if not response.get("Content-Type", "").startswith("text/html"):
            return False
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return False
        cache_control = response.get("Cache-Control", "")
        if "private" in cache_control or "no-store" in cache_control or "no-cache" in cache_control:
            return False
        allowed = {settings.CSRF_COOKIE_NAME, _history_cookie()}
        if set(response.cookies) - allowed:
            return False
        return True

    def entry(self, request, response):
        content = response.content.decode(response.charset)
        nonce = getattr(request, "_csp_nonce", None)
        if nonce:
            content = content.replace(nonce, NONCE_PLACEHOLDER)
        secret = request.META.get("CSRF_COOKIE")
        if secret:
            content = MASKED_TOKEN.sub(
                lambda m: CSRF_PLACEHOLDER if _unmask_cipher_token(m.group(0)) == secret else m.group(0), content
            )
        cookies = {}
        history = response.cookies.get(_history_cookie())
        if history is not None:
            # The visitor had no recently-viewed cookie (else the page was not cacheable): every
            # such visitor gets this same one.
            cookies[history.key] = (history.value, {k: v for k, v in history.items() if v})
        headers = [(k, v) for k, v in response.items() if k.lower() not in PER_RESPONSE_HEADERS]
        match = request._page_cache_match
        # A product page served from here is still a view (counted as the view counts it).
        viewed = int(match.kwargs["pk"]) if match.view_name == "catalogue:detail" else None
        return {"content": content, "headers": headers, "cookies": cookies, "charset": response.charset, "viewed": viewed}

    # --- Serving -------------------------------------------------------------------------------------------

    def serve(self, request, entry):
        self.csrf.process_request(request)
        content = entry["content"]
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, get_token(request))
        if NONCE_PLACEHOLDER in content:
            content = content.replace(NONCE_PLACEHOLDER, str(request.csp_nonce))
        response = HttpResponse(content.encode(entry["charset"]))
        for name, value in entry["headers"]:
            response[name] = value
        for name, (value, attributes) in entry["cookies"].items():
            response.cookies[name] = value
            for attribute, setting in attributes.items():
                response.cookies[name][attribute] = setting
            max_age = attributes.get("max-age")
            if max_age:
                response.cookies[name]["expires"] = http_date(time.time() + int(max_age))
        response = self.csrf.process_response(request, response)
        if entry.get("viewed"):
            viewcounts.record(Viewed(entry["viewed"]))
        response["X-Page-Cache"] = "hit"
        return self.finish(response)

    def finish(self, response):
        """Browsers and proxies keep none of it: the next request must come here again (its token
        and nonce are new, and a change must show at once)."""
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        patch_cache_control(response, private=True, no_cache=True)
        if not response.streaming:
            response["Content-Length"] = str(len(response.content))
        return response
