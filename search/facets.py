"""Facets for product listings, counted by the database.

Each facet's counts are taken over the listing with every *other* selected
facet applied, so choosing a kecamatan does not hide the other kecamatan's
counts (the same semantics as Elasticsearch's post_filter).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from places.models import Kecamatan
from search.backends.database import has_stock, held_by, in_categories, sellable_stock

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")

PRICE_RANGES = [
    ("0-50000", _("Under Rp 50.000"), None, Decimal("50000")),
    ("50000-100000", _("Rp 50.000 – 100.000"), Decimal("50000"), Decimal("100000")),
    ("100000-250000", _("Rp 100.000 – 250.000"), Decimal("100000"), Decimal("250000")),
    ("250000-500000", _("Rp 250.000 – 500.000"), Decimal("250000"), Decimal("500000")),
    ("500000-", _("Above Rp 500.000"), Decimal("500000"), None),
]


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool
    group: str = ""


@dataclass
class FacetResult:
    key: str
    label: str
    options: list = field(default_factory=list)

    @property
    def groups(self):
        """Options grouped by their ``group`` (kota for kecamatan), in order."""
        grouped = {}
        for option in self.options:
            grouped.setdefault(option.group, []).append(option)
        return list(grouped.items())


def root_product(stock):
    """Annotate stock records with the browsable product they belong to (parent or self)."""
    return stock.annotate(root=Coalesce(F("product__parent_id"), F("product_id")))


def price_q(value, field="price"):
    """The price range named ``value`` as a condition on ``field``, or None if unknown."""
    for key, _label, low, high in PRICE_RANGES:
        if key == value:
            condition = Q()
            if low is not None:
                condition &= Q(**{f"{field}__gte": low})
            if high is not None:
                condition &= Q(**{f"{field}__lt": high})
            return condition
    return None


def categories_with_descendants(ids):
    """The categories ``ids`` and every category below them."""
    condition = Q(pk__in=[])
    for path in Category.objects.filter(pk__in=ids).values_list("path", flat=True):
        condition |= Q(path__startswith=path)
    return Category.objects.filter(condition)


def in_stock_q():
    return has_stock(sellable_stock().filter(num_in_stock__gt=Coalesce(F("num_allocated"), 0)))


def halal_q():
    """Food whose halal certificate staff verified and which has not expired."""
    return Q(compliance__verified_at__isnull=False, compliance__halal_expiry__gte=timezone.localdate())


class Facets:
    """Parse facet choices from a request's GET, filter a listing, and count options."""

    keys = ("kecamatan", "kategori", "jenis", "harga", "stok", "halal")

    def __init__(self, params):
        getlist = params.getlist if hasattr(params, "getlist") else (lambda k: params.get(k, []))
        params_get = params.get
        self.selected = {
            "kecamatan": [v for v in getlist("kecamatan") if v][:20],
            "kategori": [v for v in getlist("kategori") if v.isdigit() and len(v) < 10][:20],
            "jenis": [v for v in getlist("jenis") if v][:20],
            "harga": [v for v in getlist("harga") if price_q(v) is not None][:1],
            "stok": ["1"] if params_get("stok") == "1" else [],
            "halal": ["1"] if params_get("halal") == "1" else [],
        }

    @property
    def active(self):
        return any(self.selected.values())

    def apply(self, qs, skip=None):
        chosen = self.selected
        if chosen["kecamatan"] and skip != "kecamatan":
            qs = qs.filter(held_by(sellable_stock(kecamatan__slug__in=chosen["kecamatan"])))
        if chosen["kategori"] and skip != "kategori":
            qs = qs.filter(in_categories(categories_with_descendants(chosen["kategori"])))
        if chosen["jenis"] and skip != "jenis":
            qs = qs.filter(product_class__slug__in=chosen["jenis"])
        if chosen["harga"] and skip != "harga":
            qs = qs.filter(has_stock(sellable_stock().filter(price_q(chosen["harga"][0]))))
        if chosen["stok"] and skip != "stok":
            qs = qs.filter(in_stock_q())
        if chosen["halal"] and skip != "halal":
            qs = qs.filter(halal_q())
        return qs

    def count(self, base):
        """Facet results for ``base`` (the listing before facet filters)."""
        return [
            self.kecamatan(base), self.categories(base), self.product_types(base), self.prices(base),
            self.stock(base), self.halal(base),
        ]

    def ids(self, base, skip):
        return self.apply(base, skip=skip).order_by().values("pk")

    def kecamatan(self, base):
        rows = (
            root_product(sellable_stock())
            .filter(root__in=self.ids(base, "kecamatan"))
            .values("partner__kecamatan")
            .annotate(n=Count("root", distinct=True))
        )
        counts = {row["partner__kecamatan"]: row["n"] for row in rows}
        options = [
            Option(k.slug, k.name, counts[k.pk], k.slug in self.selected["kecamatan"], group=k.kota)
            for k in Kecamatan.objects.filter(pk__in=counts.keys())
        ]
        return FacetResult("kecamatan", _("Kecamatan"), options)

    def categories(self, base):
        """Products per category, a product counting in its category's ancestors too."""
        paths = dict(Category.objects.values_list("path", "pk"))
        steplen = Category.steplen
        seen = {}
        # Driven from the product side, like the other facets: PostgreSQL planned the
        # category-side join badly inside a fresh catalogue's transaction (minutes for 450 products).
        rows = (
            Product.objects.filter(pk__in=self.ids(base, "kategori"), categories__isnull=False)
            .order_by()
            .values_list("pk", "categories__path")
        )
        for product_id, path in rows:
            for depth in range(1, len(path) // steplen + 1):
                seen.setdefault(paths.get(path[: depth * steplen]), set()).add(product_id)
        return self.category_result({pk: len(products) for pk, products in seen.items() if pk})

    def category_result(self, counts):
        options = [
            Option(str(c.pk), c.name, counts[c.pk], str(c.pk) in self.selected["kategori"], group=c.depth)
            for c in Category.objects.filter(pk__in=counts.keys()).order_by("path")
        ]
        return FacetResult("kategori", _("Category"), options)

    def from_aggregations(self, aggs):
        """Facet results from Elasticsearch's aggregations (see search.backends.elasticsearch)."""
        def buckets(key):
            return {b["key"]: b["doc_count"] for b in aggs.get(key, {}).get("values", {}).get("buckets", [])}

        kec = buckets("kecamatan")
        results = [
            FacetResult("kecamatan", _("Kecamatan"), [
                Option(k.slug, k.name, kec[k.slug], k.slug in self.selected["kecamatan"], group=k.kota)
                for k in Kecamatan.objects.filter(slug__in=kec.keys())
            ]),
            self.category_result({int(k): n for k, n in buckets("kategori").items()}),
        ]
        types = buckets("jenis")
        results.append(FacetResult("jenis", _("Product type"), [
            Option(slug, name, types[slug], slug in self.selected["jenis"])
            for slug, name in ProductClass.objects.filter(slug__in=types.keys()).order_by("name").values_list("slug", "name")
        ]))
        prices = buckets("harga")
        results.append(FacetResult("harga", _("Price"), [
            Option(key, label, prices[key], key in self.selected["harga"]) for key, label, *_ in PRICE_RANGES if prices.get(key)
        ]))
        in_stock = aggs.get("stok", {}).get("values", {}).get("doc_count", 0)
        results.append(FacetResult("stok", _("Availability"), [Option("1", _("In stock"), in_stock, bool(self.selected["stok"]))]))
        halal = aggs.get("halal", {}).get("values", {}).get("doc_count", 0)
        results.append(FacetResult("halal", _("Halal"), [Option("1", _("Verified halal"), halal, bool(self.selected["halal"]))] if halal or self.selected["halal"] else []))
        return results

    def product_types(self, base):
        rows = (
            Product.objects.filter(pk__in=self.ids(base, "jenis"))
            .values("product_class__slug", "product_class__name")
            .annotate(n=Count("pk"))
            .order_by("product_class__name")
        )
        options = [
            Option(r["product_class__slug"], r["product_class__name"], r["n"], r["product_class__slug"] in self.selected["jenis"])
            for r in rows
            if r["product_class__slug"]
        ]
        return FacetResult("jenis", _("Product type"), options)

    def prices(self, base):
        # A product counts in every range one of its variants is priced in.
        stock = root_product(sellable_stock()).filter(root__in=self.ids(base, "harga"))
        totals = stock.aggregate(**{key: Count("root", distinct=True, filter=price_q(key)) for key, *_ in PRICE_RANGES})
        options = [
            Option(key, label, totals[key], key in self.selected["harga"]) for key, label, *_ in PRICE_RANGES if totals[key]
        ]
        return FacetResult("harga", _("Price"), options)

    def stock(self, base):
        count = Product.objects.filter(pk__in=self.ids(base, "stok")).filter(in_stock_q()).count()
        return FacetResult("stok", _("Availability"), [Option("1", _("In stock"), count, bool(self.selected["stok"]))])

    def halal(self, base):
        count = Product.objects.filter(pk__in=self.ids(base, "halal")).filter(halal_q()).count()
        options = [Option("1", _("Verified halal"), count, bool(self.selected["halal"]))] if count or self.selected["halal"] else []
        return FacetResult("halal", _("Halal"), options)
