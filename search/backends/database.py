"""Product listings and keyword search answered by the database alone."""

from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")


def sellable_stock(**partner_filters):
    """Stock records of active member businesses.

    The partner condition is an uncorrelated IN list rather than a join, so the
    database keeps using the stock record's product index however large the
    catalogue grows.
    """
    partners = Partner.objects.filter(status=Partner.Status.ACTIVE, **partner_filters).values("pk")
    return StockRecord.objects.filter(partner__in=partners)


def has_stock(stock):
    """The outer product, or one of its public variants, has one of these stock records.

    Two EXISTS clauses rather than one with an OR, so each is driven by its own
    index (stock record's product, product's parent).
    """
    return Q(Exists(stock.filter(product=OuterRef("pk")))) | Q(
        Exists(stock.filter(product__parent=OuterRef("pk"), product__is_public=True))
    )


def for_display(queryset):
    """Everything a product card reads, fetched in a fixed number of queries."""
    stock = StockRecord.objects.select_related("partner__kecamatan")
    children = Product.objects.filter(is_public=True).prefetch_related(Prefetch("stockrecords", queryset=stock))
    return queryset.select_related("product_class").prefetch_related(
        Prefetch("stockrecords", queryset=stock),
        Prefetch("children", queryset=children, to_attr="_prefetched_public_children"),
        "images",
    )


# Words beyond this are ignored: each adds a condition over the whole catalogue.
MAX_QUERY_WORDS = 6


class DatabaseBackend:
    name = "database"

    def products(self, *, query="", category=None, kecamatan=None, partner=None, sort="relevancy"):
        """Browsable products sold by active member businesses, filtered and sorted.

        ``category`` is a Category (its descendants count too), ``kecamatan`` a
        Kecamatan, ``partner`` a Partner.
        """
        filters = {}
        if kecamatan is not None:
            filters["kecamatan"] = kecamatan
        if partner is not None:
            filters["pk"] = partner.pk
        qs = Product.objects.browsable().filter(has_stock(sellable_stock(**filters)))
        if category is not None:
            qs = qs.filter(categories__in=category.get_descendants_and_self()).distinct()
        for word in query.split()[:MAX_QUERY_WORDS]:
            # EXISTS per word instead of joins, so rows never multiply.
            makers = Partner.objects.filter(name__icontains=word).values("pk")
            by_maker = StockRecord.objects.filter(partner__in=makers)
            qs = qs.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(product_class__name__icontains=word)
                | Q(Exists(by_maker.filter(product=OuterRef("pk"))))
                | Q(Exists(by_maker.filter(product__parent=OuterRef("pk"))))
            )
        return self.sort(qs, sort)

    def sort(self, qs, sort):
        if sort in ("price-asc", "price-desc"):
            qs = qs.annotate(
                min_price=Coalesce(Min("stockrecords__price"), Min("children__stockrecords__price"))
            )
            return qs.order_by(F("min_price").asc() if sort == "price-asc" else F("min_price").desc(), "-id")
        return qs.order_by("-date_created", "-id")
