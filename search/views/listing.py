from urllib.parse import unquote

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.search.signals import user_search
from oscar.core.loading import get_class, get_model

from search.backends import SearchQuery, get_backend
from search.backends.database import for_display
from search.facets import Facets

NEAR_SESSION_KEY = "near_kecamatan"

SearchForm = get_class("search.forms", "SearchForm")
Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
Kecamatan = get_model("places", "Kecamatan")
Partner = get_model("partner", "Partner")


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
            found = {p.pk: p for p in for_display(Product.objects.filter(pk__in=self.results.ids))}
            # A product deleted since the engine indexed it is simply left out.
            self.products = [found[pk] for pk in self.results.ids if pk in found]
        if isinstance(item, slice):
            return self.products if (item.start or 0) == self.offset else []
        return self.products[item - self.offset]


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

    def get_queryset(self):
        per_page = self.get_paginate_by(None)
        offset = (self.page_number() - 1) * per_page
        query = SearchQuery(
            text=self.form.cleaned_query(), sort=self.form.cleaned_sort(), facets=self.facets, near=self.near,
            offset=offset, limit=per_page, **self.backend_filters(),
        )
        self.results = get_backend().search(query)
        return ResultWindow(self.results, offset)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = self.form
        ctx["summary"] = self.summary
        ctx["facets"] = self.facets
        ctx["facet_results"] = self.results.facets
        ctx["search_results"] = self.results
        ctx["near"] = self.near
        ctx["can_sort_by_distance"] = self.near is not None
        return ctx


class CatalogueView(ProductListView):
    pass


class FacetedSearchView(ProductListView):
    template_name = "oscar/search/results.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        user_search.send(sender=self, session=request.session, user=request.user, query=self.form.cleaned_query())
        return response

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["query"] = self.form.cleaned_query()
        return ctx


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

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["category"] = self.category
        ctx["summary"] = self.category.name
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
        ctx["businesses"] = self.kecamatan.businesses.filter(status=Partner.Status.ACTIVE).order_by("name")
        return ctx


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
