import hashlib
import pickle
import re
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponsePermanentRedirect
from django.contrib import messages
from django.db import router
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.search.signals import user_search
from oscar.core.loading import get_class, get_model

from catalogue import versions
from catalogue.versions import fragment_key, versions_for
from search import groups
from search.backends import SearchQuery, SearchResults, Sort, get_backend
from search.backends.database import for_display
from search.facets import Facets

NEAR_SESSION_KEY = "near_kecamatan"
LIGHT_FIELDS = ("id", "structure", "is_public", "parent_id", "title", "slug", "product_class_id", "for_sale")
LIGHT_PREFIX = "light:"  # + product id and version: a light row of a product whose card is cached

SearchForm = get_class("search.forms", "SearchForm")
Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
Kecamatan = get_model("places", "Kecamatan")
Partner = get_model("partner", "Partner")
# The light fields in the model's own order, as Model.from_db takes a row's values.
LIGHT_ATTNAMES = tuple(f.attname for f in Product._meta.concrete_fields if f.attname in LIGHT_FIELDS)


class ResultWindow:
    """The page of products a search engine returned, sized like the whole result for the paginator."""

    def __init__(self, results, offset):
        self.results, self.offset = results, offset
        self.products = None

    def count(self):
        return self.results.total

    def __len__(self):
        return self.results.total

    def __getitem__(self, item):
        if self.products is None:
            self.products = products_in_order(self.results.ids)
        if isinstance(item, slice):
            return self.products if (item.start or 0) == self.offset else []
        return self.products[item - self.offset]


def products_in_order(ids):
    """Products for display, in the order a search engine returned their ids.

    Their cache versions are read first, then the products: a card cached under a version
    (``{% productcache %}``) then never shows data older than that version.
    """
    cache_versions = versions_for(ids)
    # Cards already cached need no prices, stock or photos: a light row is enough (and correct
    # for anything outside the cached fragment, which loads what it reads). The light rows are
    # cached too, under the same product version, and read in the cards' round trip.
    keys = {}
    for pk, version in cache_versions.items():
        keys[fragment_key("card", pk, version)] = ("card", pk)
        keys[f"{LIGHT_PREFIX}{pk}:{version}"] = ("light", pk)
    cached, light = {}, {}
    for key, value in cache.get_many(list(keys)).items():
        kind, pk = keys[key]
        (cached if kind == "card" else light)[pk] = value
    db = router.db_for_read(Product)
    found = {pk: Product.from_db(db, LIGHT_ATTNAMES, light[pk]) for pk in cached if pk in light}
    missing = [pk for pk in cached if pk not in found]
    if missing:
        rows = {}
        for product in Product.objects.filter(pk__in=missing).only(*LIGHT_FIELDS):
            found[product.pk] = product
            rows[f"{LIGHT_PREFIX}{product.pk}:{cache_versions[product.pk]}"] = tuple(getattr(product, f) for f in LIGHT_ATTNAMES)
        cache.set_many(rows, versions.store_seconds(versions.TIMEOUT))
    rest = [pk for pk in ids if pk not in found]
    if rest:
        found.update({p.pk: p for p in for_display(Product.objects.filter(pk__in=rest))})
        # Their cards are rendered and cached by this page: the next one needs only the light rows.
        cache.set_many({
            f"{LIGHT_PREFIX}{pk}:{cache_versions[pk]}": tuple(getattr(found[pk], f) for f in LIGHT_ATTNAMES)
            for pk in rest if pk in found
        }, versions.store_seconds(versions.TIMEOUT))
    for pk, product in found.items():
        product._cache_version = cache_versions[pk]
        if pk in cached:
            product._fragments = {"card": cached[pk]}
    # A product deleted since the engine indexed it is simply left out.
    return [found[pk] for pk in ids if pk in found]


def newest_products(limit=8):
    """The newest browsable products, asked of the search engine like every other listing."""
    results = get_backend().search(SearchQuery(sort=Sort.NEWEST, limit=limit, with_facets=False))
    return products_in_order(results.ids)


def listing_url(request, **changes):
    """The current listing's URL with some query parameters changed (None removes one) and the page reset."""
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return f"{request.path}?{params.urlencode()}" if params else request.path


class Pieces:
    """Rendered pieces of a listing page that depend on the catalogue and the URL, never on the visitor
    (the facet sidebar, the kecamatan options of "Dekat saya"), shared between visitors and workers.

    The site-wide catalogue version (``catalogue.versions.site_version``) and the pieces are read in
    one round trip, *before* the search engine is asked; a piece is used only if it was stored at the
    current version, so any change a listing can show (price, stock, moderation, a suspension, a
    category, a kecamatan) renders it afresh on the next request. Keys carry the language. Pieces
    hold no CSRF token, CSP nonce or anything else of one visitor's.
    """

    PREFIX = "listing-piece:"

    def __init__(self, **parts):
        language = get_language()
        self.keys = {
            name: f"{self.PREFIX}{name}:" + hashlib.sha1(repr((language, value)).encode()).hexdigest()
            for name, value in parts.items()
        }
        found = cache.get_many([versions.SITE_KEY, *self.keys.values()])
        versions.remember_site_version(found.get(versions.SITE_KEY))
        self.version = versions.site_version()
        self.found = {}
        for name, key in self.keys.items():
            entry = found.get(key)
            if isinstance(entry, dict) and entry.get("version") == self.version:
                self.found[name] = entry

    def get(self, name):
        return self.found.get(name)

    def store(self, name, **entry):
        entry["version"] = self.version
        cache.set(self.keys[name], entry, versions.store_seconds(settings.FACET_CACHE_SECONDS))
        self.found[name] = entry
        return entry


def near_kecamatan(request):
    """The shopper's own kecamatan for "Dekat saya", remembered in the session."""
    slug = request.session.get(NEAR_SESSION_KEY)
    return Kecamatan.objects.filter(slug=slug).first() if slug else None


class ProductListView(ListView):
    """A paginated product listing answered by the configured search engine."""

    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"
    summary = _("All products")

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET)
        self.facets = Facets(request.GET)
        self.near = near_kecamatan(request)
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            if "page" not in request.GET:
                raise
            # A page number past the end or not a number: show the first page.
            params = request.GET.copy()
            del params["page"]
            messages.info(request, _("That page does not exist; here is the first page."))
            return redirect(f"{request.path}?{params.urlencode()}" if params else request.path)

    def backend_filters(self):
        return {}

    def get_paginate_by(self, queryset):
        return settings.OSCAR_PRODUCTS_PER_PAGE

    def page_number(self):
        raw = self.request.GET.get("page") or "1"
        if not raw.isdigit() or not 0 < int(raw) <= 10_000:
            raise Http404()
        return int(raw)

    def piece_parts(self):
        """What each cached piece of this listing depends on, besides the catalogue and the language."""
        scope = sorted((name, getattr(obj, "pk", obj)) for name, obj in self.backend_filters().items())
        get = self.request.GET.get
        return {
            # The sidebar's counts follow the scope, the words and the choices; its form keeps the raw q and sort.
            "facets": (
                type(self).__name__, scope, self.form.cleaned_query(), get("q"), get("sort_by"),
                sorted((key, tuple(values)) for key, values in self.facets.selected.items()),
            ),
            "near": getattr(self.near, "slug", None),
        }

    def get_queryset(self):
        per_page = self.get_paginate_by(None)
        offset = (self.page_number() - 1) * per_page
        parts = self.piece_parts()
        # The page's answer (ids, total, correction) follows everything the sidebar does, plus the order,
        # the shopper's kecamatan (distance sort) and the page.
        parts["results"] = (parts["facets"], self.form.cleaned_sort(), getattr(self.near, "slug", None), offset, per_page)
        self.pieces = Pieces(**parts)
        answered = self.pieces.get("results")
        if answered is not None and self.pieces.get("facets") is not None:
            # Asked before at this catalogue version: the engine's answer is the same (the site version
            # moves with every change, and again once Elasticsearch has it: search.indexing).
            self.results = SearchResults(ids=answered["ids"], total=answered["total"], engine=answered["engine"],
                                         corrected=answered["corrected"])
            return ResultWindow(self.results, offset)
        query = SearchQuery(
            text=self.form.cleaned_query(), sort=self.form.cleaned_sort(), facets=self.facets, near=self.near,
            offset=offset, limit=per_page, **self.backend_filters(),
            # A sidebar rendered at this catalogue version needs no counting again.
            with_facets=self.pieces.get("facets") is None,
        )
        self.results = get_backend().search(query)
        if not self.results.fallback:  # the database's answer while Elasticsearch is away is not kept
            self.pieces.store("results", ids=list(self.results.ids), total=self.results.total,
                              engine=self.results.engine, corrected=self.results.corrected)
        return ResultWindow(self.results, offset)

    def facet_sidebar(self):
        """The facet sidebar (its HTML and its FacetResults), from the cache or rendered and stored."""
        entry = self.pieces.get("facets")
        if entry is None:
            context = {"form": self.form, "facets": self.facets, "facet_results": self.results.facets}
            html = render_to_string("includes/facets_form.html", context)
            # Pickled apart: unpickled only if something reads ``facet_results`` (the template shows the HTML).
            entry = self.pieces.store("facets", html=html, results=pickle.dumps(self.results.facets))
            return entry, self.results.facets
        return entry, SimpleLazyObject(lambda: pickle.loads(entry["results"]))

    def near_options(self):
        """The ``<option>``s of the "Dekat saya" kecamatan choice (the shopper's own one selected)."""
        entry = self.pieces.get("near")
        if entry is None:
            context = {"near_choices": Kecamatan.objects.by_kota(), "near": self.near}
            entry = self.pieces.store("near", html=render_to_string("includes/near_options.html", context))
        return mark_safe(entry["html"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = self.form
        ctx["summary"] = self.summary
        ctx["facets"] = self.facets
        sidebar, ctx["facet_results"] = self.facet_sidebar()
        ctx["facets_html"] = mark_safe(sidebar["html"])
        ctx["search_results"] = self.results
        ctx["near"] = self.near
        ctx["can_sort_by_distance"] = self.near is not None
        ctx["sort_choices"] = [
            (value, label) for value, label in self.form.fields["sort_by"].choices
            if value != SearchForm.DISTANCE or self.near is not None
        ]
        sort = self.form.cleaned_sort()
        # Without words there is nothing to be relevant to: the engines list the newest first.
        ctx["current_sort"] = SearchForm.NEWEST if sort == SearchForm.RELEVANCY and not self.form.cleaned_query() else sort
        ctx["near_options"] = self.near_options()
        # Choosing "Dekat saya" sorts the listing by distance; forgetting it drops that sort.
        ctx["near_next"] = listing_url(self.request, sort_by=SearchForm.DISTANCE)
        ctx["near_clear_next"] = listing_url(
            self.request, sort_by=None if self.form.cleaned_sort() == SearchForm.DISTANCE else self.request.GET.get("sort_by")
        )
        return ctx


class CatalogueView(ProductListView):
    pass


class FacetedSearchView(ProductListView):
    template_name = "oscar/search/results.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        user_search.send(sender=self, session=request.session, user=request.user, query=self.form.cleaned_query())
        return response

    def piece_parts(self):
        parts = super().piece_parts()
        # The groups follow the same words, scope and choices as the sidebar (which decide any correction);
        # a story's link may be absolute for another host.
        parts["groups"] = (parts["facets"], self.request.get_host())
        return parts

    def found_groups(self):
        """{name: list} of the result groups ("Member businesses", "Founder stories") for the shopper's words."""
        words = query_words(self.form.cleaned_query())
        found = {}
        if words:
            found = groups.find(words)
            if self.results.corrected and not any(found.values()):
                found = groups.find(query_words(self.results.corrected))
        return found

    def search_groups(self):
        """The result groups' HTML and whether any group found something, from the cache or rendered and stored.

        The groups stay in the context as lazy lists (read only if something asks for them)."""
        entry = self.pieces.get("groups")
        if entry is None:
            found = self.found_groups()
            html = render_to_string("includes/search_groups.html", found, request=self.request) if any(found.values()) else ""
            return self.pieces.store("groups", html=html, any=any(found.values())), found
        lazy = SimpleLazyObject(self.found_groups)
        return entry, {name: SimpleLazyObject(lambda name=name: lazy[name]) for name in groups.providers()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        query = self.form.cleaned_query()
        ctx["query"] = query
        entry, found = self.search_groups()
        ctx.update(found)
        ctx["search_groups_html"] = mark_safe(entry["html"])
        nothing_found = not (self.results.total or entry["any"])
        ctx["nothing_found"] = nothing_found
        if nothing_found and not self.facets.active:
            ctx["popular_categories"] = popular_categories()
            ctx["newest_products"] = newest_products()
        return ctx


def query_words(text, limit=6):
    """The shopper's words for matching names: letters and digits only, two or more characters."""
    return [w for w in re.findall(r"\w+", text or "") if len(w) >= 2][:limit]


def matching_businesses(words, limit=6):
    """Active member businesses whose name, founder or kecamatan contains every word."""
    condition = Q()
    for word in words:
        condition &= Q(name__icontains=word) | Q(founder_name__icontains=word) | Q(kecamatan__name__icontains=word)
    return list(
        Partner.objects.filter(status=Partner.Status.ACTIVE).filter(condition)
        .select_related("kecamatan").order_by("name")[:limit]
    )


groups.register("matching_businesses", matching_businesses)


def popular_categories(limit=8):
    """Public categories with the most products, as links for a search that found nothing."""
    return list(
        Category.objects.filter(is_public=True)
        .annotate(n=Count("product", filter=Q(product__is_public=True)))
        .filter(n__gt=0).order_by("-n", "name")[:limit]
    )


class ProductCategoryView(ProductListView):
    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404()
        expected_path = self.category.get_absolute_url()
        if unquote(expected_path) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected_path)
        return super().get(request, *args, **kwargs)

    def backend_filters(self):
        return {"category": self.category}

    def piece_parts(self):
        return {**super().piece_parts(), "category": self.category.pk}

    def category_pieces(self):
        """The breadcrumb's ancestors and the subheader (subcategories, description): read from the
        cache, or rendered and stored (a category saved or deleted bumps the site version)."""
        entry = self.pieces.get("category")
        if entry is None:
            context = {"category": self.category}
            entry = self.pieces.store(
                "category",
                ancestors=render_to_string("includes/category_ancestors.html", context),
                subheader=render_to_string("includes/category_subheader.html", context),
            )
        return {name: mark_safe(entry[name]) for name in ("ancestors", "subheader")}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["category"] = self.category
        ctx["summary"] = self.category.name
        ctx["category_html"] = self.category_pieces()
        return ctx


class KecamatanListView(ListView):
    """All 44 kecamatan grouped by kota, with how many active makers each has."""

    template_name = "places/kecamatan_list.html"

    def get_queryset(self):
        return Kecamatan.objects.annotate(
            maker_count=Count("businesses", filter=Q(businesses__status=Partner.Status.ACTIVE))
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["groups"] = self.object_list.by_kota()
        return ctx


class KecamatanView(ProductListView):
    """What is made in one kecamatan: its makers and their products."""

    template_name = "places/kecamatan_detail.html"

    def get(self, request, *args, **kwargs):
        self.kecamatan = get_object_or_404(Kecamatan, slug=kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def backend_filters(self):
        return {"kecamatan": self.kecamatan}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["kecamatan"] = self.kecamatan
        ctx["summary"] = self.kecamatan.name
        ctx["makers_html"] = mark_safe(self.makers()["html"])
        # Read only if something asks (the template shows the cached strip).
        ctx["businesses"] = SimpleLazyObject(self.active_businesses)
        return ctx

    def piece_parts(self):
        return {**super().piece_parts(), "makers": self.kecamatan.pk}

    def active_businesses(self):
        return list(self.kecamatan.businesses.filter(status=Partner.Status.ACTIVE).order_by("name"))

    def makers(self):
        """The strip of the kecamatan's member businesses (a business saved or deleted bumps the site version)."""
        entry = self.pieces.get("makers")
        if entry is None:
            html = render_to_string("places/kecamatan_makers.html", {"businesses": self.active_businesses()})
            entry = self.pieces.store("makers", html=html)
        return entry


class ShopView(ProductListView):
    """A member business's public shop page."""

    template_name = "partner/shop_detail.html"

    def get(self, request, *args, **kwargs):
        self.partner = get_object_or_404(
            Partner.objects.select_related("kecamatan"), code=kwargs["slug"], status=Partner.Status.ACTIVE
        )
        return super().get(request, *args, **kwargs)

    def backend_filters(self):
        return {"partner": self.partner}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["partner"] = self.partner
        ctx["summary"] = self.partner.name
        return ctx
