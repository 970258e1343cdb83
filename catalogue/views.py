"""Oscar's product page, reading everything it shows in a fixed number of queries.

The page shows the product, its public variants with their attribute values, price
and stock, the maker and the product's attributes. ``detail_queryset`` fetches them
with ``select_related``/``prefetch_related`` (Oscar's ``_prefetched_*`` attributes),
so the pricing strategy, ``seller_of`` and the template read memory, not the
database: the count stays the same for 1 or 6 variants. A page view writes nothing:
the view is counted in the cache (``catalogue.viewcounts``) and flushed in batches.
"""

from django.db.models import Exists, OuterRef, Prefetch
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model

from catalogue.versions import versions_for

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


class ProductDetailView(OscarProductDetailView):
    def get_queryset(self):
        return detail_queryset()

    def get_object(self, queryset=None):
        if hasattr(self, "object"):
            return self.object
        # The version first, then the product: see catalogue.versions.
        pk = self.kwargs.get("pk")
        cache_version = versions_for([pk]).get(pk) if pk is not None else None
        product = super().get_object(queryset)
        if cache_version and not product.is_child:
            product._cache_version = cache_version
        # What Oscar's get_attribute_values() reads for a variant (its own values over its
        # parent's), from what was prefetched: the add-to-basket form's variant labels.
        product._prefetched_parent_attribute_values = product._prefetched_attribute_values
        for child in product.get_public_children() if product.is_parent else []:
            child._prefetched_attribute_values = list(child.attribute_values.all())
        return product

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # Already prefetched, in the order the variants were created.
        ctx["public_children"] = self.object.get_public_children() if self.object.is_parent else []
        return ctx
