"""Oscar's product page, reading everything it shows in a fixed number of queries.

The page shows the product, its public variants with their attribute values, price
and stock, the maker and the product's attributes. ``detail_queryset`` fetches them
with ``select_related``/``prefetch_related`` (Oscar's ``_prefetched_*`` attributes),
so the pricing strategy, ``seller_of`` and the template read memory, not the
database: the count stays the same for 1 or 6 variants. A page view writes nothing:
the view is counted in the cache (``catalogue.viewcounts``) and flushed in batches.
"""

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, router
from django.db.models import Exists, OuterRef, Prefetch
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model
from oscar.templatetags.purchase_info_tags import purchase_info_for_product

from catalogue import versions
from catalogue.templatetags.buybox_tags import buy_box
from catalogue.versions import fragment_key
from partner.ownership import seller_of

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
ProductAttribute = get_model("catalogue", "ProductAttribute")


def attribute_values():
    # Multi-option values (none in this shop's product types) would read their options when shown.
    return ProductAttributeValue.objects.select_related("attribute", "value_option").order_by("attribute__name")


def detail_queryset():
    """Products with their stock (and its business), images, attribute values and public variants."""
    stock = StockRecord.objects.select_related("partner__kecamatan").order_by("pk")
    children = (
        Product.objects.filter(is_public=True)
        .order_by("pk")
        .prefetch_related(
            Prefetch("stockrecords", queryset=stock),
            Prefetch("attribute_values", queryset=attribute_values()),
            "images",
        )
    )
    Option = get_model("catalogue", "Option")
    return Product.objects.select_related("product_class", "parent__product_class", "compliance").annotate(
        # As Oscar's base_queryset: the add-to-basket form asks these without a query.
        has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
        has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
    ).prefetch_related(
        Prefetch("stockrecords", queryset=stock),
        Prefetch("children", queryset=children, to_attr="_prefetched_public_children"),
        Prefetch("attribute_values", queryset=attribute_values(), to_attr="_prefetched_attribute_values"),
        Prefetch("parent__attribute_values", queryset=attribute_values(), to_attr="_prefetched_parent_attribute_values"),
        Prefetch("product_class__attributes", queryset=ProductAttribute.objects.all()),
        "images",
    )


def light_queryset():
    """The product row alone (and what choosing its template and showing its halal mark read): the page's
    cached fragments hold the rest."""
    return Product.objects.select_related("product_class", "parent__product_class", "compliance")


# The product page's fragments cached per product version ({% productcache %} in oscar/catalogue/detail.html),
# each with what else its key needs: "categories" the categories' version (category names in the breadcrumbs
# and the JSON-LD), "host" the address absolute URLs are written with. Everything per visitor stays outside them: the
# CSRF token, the CSP nonce, the heart, the shipping line and its kecamatan chooser, recently viewed.
FRAGMENTS = {
    "head": ("host",),
    "ld": ("categories", "host"),
    "crumbs": ("categories",),
    "summary": (),
    "stock": (),
    "buybox": (),
    "aside": ("host",),  # the WhatsApp links hold the absolute URL
    "details": (),
}
# What the parts outside the fragments need of a cached page, cached with them: {"maker", "available"}.
FACTS = "detail-facts"


class ProductDetailView(OscarProductDetailView):
    """The product page. When every fragment of the product's current version is cached (one round trip),
    only the product row is read (``light_queryset``); otherwise the whole product (``detail_queryset``),
    and the fragments missing are rendered and stored."""

    def get_queryset(self):
        return detail_queryset()

    def _versions(self, pk):
        """(product version, categories version), read in one round trip."""
        key = versions.PREFIX + str(pk)
        found = cache.get_many([key, versions.CATEGORIES_KEY])
        product_version = found.get(key) or versions.versions_for([pk])[pk]
        return product_version, found.get(versions.CATEGORIES_KEY) or versions.categories_version()

    def fragment_names(self, categories_version):
        request = self.request
        parts = {"categories": categories_version, "host": f"{request.scheme}://{request.get_host()}"}
        return {name: ":".join([name, *(parts[p] for p in needs)]) for name, needs in FRAGMENTS.items()}

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        # The versions first, then the product: see catalogue.versions.
        pk = self.kwargs.get("pk")
        self.facts, fragments = None, {}
        self.names = {}
        cache_version = None
        # A request reading a read replica (storefront/db_routing.py) renders in full and stores nothing: a lagging
        # replica's rows may be older than the version just read, and its visitor sees one consistent copy.
        if pk is not None and router.db_for_read(Product) == DEFAULT_DB_ALIAS:
            cache_version, categories_version = self._versions(pk)
            self.names = self.fragment_names(categories_version)
            wanted = {fragment_key(name, pk, cache_version): name for name in [*self.names.values(), FACTS]}
            found = cache.get_many(list(wanted))
            fragments = {wanted[key]: html for key, html in found.items()}
            self.facts = fragments.pop(FACTS, None)
        # A variant's own page never stores fragments (versions are kept for browsable products), so
        # "warm" is only ever true for the product the fragments were stored for.
        warm = self.facts is not None and len(fragments) == len(self.names)
        product = super().get_object(light_queryset() if warm else detail_queryset())
        if cache_version and not product.is_child:
            product._cache_version = cache_version
            product._fragments = fragments
        if not warm:
            self.facts = None
            self._prepare(product)
        return product

    def _prepare(self, product):
        # What Oscar's get_attribute_values() reads for a variant (its own values over its
        # parent's), from what was prefetched: the add-to-basket form's variant labels.
        product._prefetched_parent_attribute_values = product._prefetched_attribute_values
        for child in product.get_public_children() if product.is_parent else []:
            child._prefetched_attribute_values = list(child.attribute_values.all())

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        product = self.object
        ctx["fragments"] = self.names
        if self.facts is not None:  # every fragment is cached: the parts around them need only these
            ctx.update(maker=self.facts["maker"], box={"available": self.facts["available"]})
            return ctx
        # Already prefetched, in the order the variants were created.
        ctx["public_children"] = product.get_public_children() if product.is_parent else []
        ctx["maker"] = maker = seller_of(product)
        ctx["box"] = box = buy_box({"request": self.request}, product)
        ctx["session"] = purchase_info_for_product(self.request, product)
        version = getattr(product, "_cache_version", None)
        if version:
            facts = {"maker": maker, "available": box["available"]}
            cache.set(fragment_key(FACTS, product.pk, version), facts, settings.CARD_CACHE_SECONDS)
        return ctx
