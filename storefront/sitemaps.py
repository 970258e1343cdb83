"""sitemap.xml: Wagtail pages (home, stories), products, kecamatan and shops."""

from django.contrib.sitemaps import Sitemap
from oscar.core.loading import get_model
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from places.models import Kecamatan
from search.backends import get_backend


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return get_backend().products(sort="newest").only("id", "slug", "date_updated")

    def lastmod(self, product):
        return product.date_updated


class KecamatanSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Kecamatan.objects.all()


class ShopSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        Partner = get_model("partner", "Partner")
        return Partner.objects.filter(status=Partner.Status.ACTIVE).order_by("pk")


SITEMAPS = {"pages": WagtailSitemap, "products": ProductSitemap, "kecamatan": KecamatanSitemap, "shops": ShopSitemap}
