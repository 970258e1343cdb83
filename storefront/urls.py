from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps_views
from django.urls import include, path, re_path
from django.views.i18n import JavaScriptCatalog
from oscar.core.loading import get_classes
from wagtail import urls as wagtail_urls
from wagtail.urls import serve_pattern
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from backoffice.urls import legacy_urlpatterns as backoffice_legacy_urls
from cms import routing as cms_routing
from places import urls as place_urls
from storefront import views as storefront_views
from storefront.sitemaps import SITEMAPS

ShopView, KecamatanView, KecamatanListView = get_classes("search.views", ["ShopView", "KecamatanView", "KecamatanListView"])

# The "places" namespace: Marts are places' own pages; the kecamatan pages list what is made there (search).
places_urls = ([
    path("kecamatan/", KecamatanListView.as_view(), name="kecamatan-list"),
    path("kecamatan/<slug:slug>/", KecamatanView.as_view(), name="kecamatan"),
    *place_urls.urlpatterns,
], "places")

urlpatterns = [
    # Staff-only: no public admin login form (see storefront.views.admin_login).
    path("django-admin/login/", storefront_views.admin_login, name="admin-login"),
    path("django-admin/", admin.site.urls),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemaps_views.index, {"sitemaps": SITEMAPS}, name="sitemap-index"),
    path("sitemap-<section>.xml", sitemaps_views.sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include(places_urls)),
    path("staf/", include("backoffice.urls")),
    *backoffice_legacy_urls,
    path("penjual/", include("seller.urls")),
    path("", include("promotions.urls")),
    path("kelola-mart/", include("consignment.urls")),  # Mart operators (consignment)
    path("", include("payments.urls")),
    path("toko/<slug:slug>/", ShopView.as_view(), name="shop-detail"),
    path("ulasan/", include("catalogue.reviews.urls")),
    path("favorit/", include("favourites.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's URLs come last, its catch-all page server replaced by the same with each URL's route
# remembered (cms/routing.py).
urlpatterns += [
    *(pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", None) != "wagtail_serve"),
    re_path(serve_pattern, cms_routing.serve, name="wagtail_serve"),
]
