import hashlib
from urllib.parse import unquote

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.http import Http404, HttpResponsePermanentRedirect
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.search.signals import user_search
from oscar.core.loading import get_class, get_model

from search.backends import get_backend
from search.backends.database import for_display
from search.facets import Facets

SearchForm = get_class("search.forms", "SearchForm")
Category = get_model("catalogue", "Category")
Kecamatan = get_model("places", "Kecamatan")
Partner = get_model("partner", "Partner")


class ProductListView(ListView):
    """A paginated product listing answered by the configured search backend."""

    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"
    summary = _("All products")

    def get(self, request, *args, **kwargs):
        self.form = SearchForm(request.GET)
        self.facets = Facets(request.GET)
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

    def get_queryset(self):
        self.unfaceted = get_backend().products(
            query=self.form.cleaned_query(), sort=self.form.cleaned_sort(), **self.backend_filters()
        )
        return self.facets.apply(self.unfaceted)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(queryset, page_size)
        return paginator, page, for_display(object_list), is_paginated

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = self.form
        ctx["summary"] = self.summary
        ctx["facets"] = self.facets
        ctx["facet_results"] = self.facet_results()
        return ctx


    def facet_results(self):
        """Facet counts, cached briefly per listing and choice: on a large catalogue
        they cost more than the page itself, and a few minutes' lag is harmless."""
        params = sorted((k, v) for k, v in self.request.GET.lists() if k not in ("page", "sort_by"))
        key = "facets:" + hashlib.sha1(f"{get_language()}|{self.request.path}|{params}".encode()).hexdigest()
        return cache.get_or_set(key, lambda: self.facets.count(self.unfaceted), settings.FACET_CACHE_SECONDS)


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
