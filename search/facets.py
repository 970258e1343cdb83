"""Facets for product listings, counted by the database.

Each facet's counts are taken over the listing with every *other* selected
facet applied, so choosing a kecamatan does not hide the other kecamatan's
counts (the same semantics as Elasticsearch's post_filter).

Kecamatan and price are counted (and filtered) from the facet table
(``search.models.ProductFacet``, kept by ``search.facettable``): one row per listed product,
kecamatan and price range it is sold in, instead of joining the listing's stock records to their
businesses at each request. Category, product type, stock and halal are counted from the products
themselves, in one pass when none of them is chosen (``Facets.listing_counts``).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, F, Q, Value, When
from django.db.models.sql.where import AND
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from places.models import Kecamatan
from search.backends.database import in_categories, sold_in_q
from search.models import ProductFacet

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


def filter_first(qs, condition):
    """``qs.filter(condition)`` with ``condition`` first in the WHERE clause (the same query: its conditions
    are ANDed). SQLite, which keeps no statistics here, drives a query by the first ``IN`` list it can use;
    a chosen kecamatan holds a few percent of the catalogue and a category a fifth, so the kecamatan goes
    first (at 100,000 products: 12 ms instead of 36 ms for each pass over the busiest category).
    PostgreSQL plans from its statistics whatever the order."""
    where = qs.query.where
    before = len(where.children) if where.connector == AND and not where.negated else None
    qs = qs.filter(condition)
    where = qs.query.where
    if before and where.connector == AND and not where.negated and len(where.children) > before:
        where.children[:] = where.children[before:] + where.children[:before]
    return qs


def priced_in_q(value):
    """Listed products with sellable stock (own or a public variant's) in the price range ``value``,
    from the facet table: for a listing's products the same as ``has_stock(sellable_stock().filter(
    price_q(value)))``, without an EXISTS per product."""
    keys = [key for key, *_ in PRICE_RANGES]
    return Q(pk__in=ProductFacet.objects.filter(price_band=keys.index(value)).values("product_id"))


def in_stock_q():
    """Products in stock: the column ``search.forsale`` keeps (``forsale.stock_on_hand_q`` computes it)."""
    return Q(in_stock=True)


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
            qs = filter_first(qs, sold_in_q(kecamatan__slug__in=chosen["kecamatan"]))
        if chosen["kategori"] and skip != "kategori":
            qs = qs.filter(in_categories(categories_with_descendants(chosen["kategori"])))
        if chosen["jenis"] and skip != "jenis":
            qs = qs.filter(product_class__slug__in=chosen["jenis"])
        if chosen["harga"] and skip != "harga":
            qs = qs.filter(priced_in_q(chosen["harga"][0]))
        if chosen["stok"] and skip != "stok":
            qs = qs.filter(in_stock_q())
        if chosen["halal"] and skip != "halal":
            qs = qs.filter(halal_q())
        return qs

    def count(self, base):
        """Facet results for ``base`` (the listing before facet filters).

        Every facet not chosen is counted over the same products (the listing with every choice
        applied), so category, product type, stock and halal among them are counted from one pass
        over the listing (``listing_counts``): on a large catalogue each pass costs about as much as
        the counting itself. A chosen facet is counted alone, over the listing without its own choice.
        """
        together = [key for key in ("kategori", "jenis", "stok", "halal") if not self.selected[key]]
        shared = self.listing_counts(base, together) if len(together) > 1 else {}
        return [
            self.kecamatan(base),
            shared["kategori"] if "kategori" in shared else self.categories(base),
            shared["jenis"] if "jenis" in shared else self.product_types(base),
            self.prices(base),
            shared["stok"] if "stok" in shared else self.stock(base),
            shared["halal"] if "halal" in shared else self.halal(base),
        ]

    def listing_counts(self, base, keys):
        """The results of the facets ``keys`` (among kategori, jenis, stok, halal; none of them chosen)
        from one query over the listing: a row per product and category, with its type and whether
        it is in stock and halal; counted here as ``categories``, ``product_types``, ``stock`` and
        ``halal`` count them."""
        assert not any(self.selected[key] for key in keys), keys
        listing = Product.objects.filter(pk__in=self.ids(base, None)).order_by()
        flags = {}
        if "stok" in keys:
            flags["facet_in_stock"] = Case(When(in_stock_q(), then=Value(True)), default=Value(False), output_field=BooleanField())
        if "halal" in keys:
            flags["facet_halal"] = Case(When(halal_q(), then=Value(True)), default=Value(False), output_field=BooleanField())
        fields = ["pk", "product_class_id", *flags] + (["categories__path"] if "kategori" in keys else [])
        # Positions in each row, read once: the loop runs once per product and category of the listing.
        stock_at = fields.index("facet_in_stock") if "facet_in_stock" in flags else None
        halal_at = fields.index("facet_halal") if "facet_halal" in flags else None
        path_at = fields.index("categories__path") if "kategori" in keys else None
        steplen = Category.steplen
        counted, types, in_stock, halal, in_category = set(), {}, 0, 0, {}
        for row in listing.annotate(**flags).values_list(*fields):
            product_id = row[0]
            path = row[path_at] if path_at is not None else None
            if path:  # the product counts in its category and each of the category's ancestors
                for end in range(steplen, len(path) + 1, steplen):
                    in_category.setdefault(path[:end], set()).add(product_id)
            if product_id in counted:  # one row per category it is in
                continue
            counted.add(product_id)
            types[row[1]] = types.get(row[1], 0) + 1
            if stock_at is not None and row[stock_at]:
                in_stock += 1
            if halal_at is not None and row[halal_at]:
                halal += 1
        results = {}
        if "kategori" in keys:
            paths = dict(Category.objects.values_list("path", "pk"))
            per_category = {}
            for path, products in in_category.items():
                if paths.get(path):
                    per_category[paths[path]] = len(products)
            results["kategori"] = self.category_result(per_category)
        if "jenis" in keys:
            classes = ProductClass.objects.filter(pk__in=[pk for pk in types if pk]).order_by("name").values_list("pk", "slug", "name")
            results["jenis"] = self.type_result(
                [{"product_class__slug": slug, "product_class__name": name, "n": types[pk]} for pk, slug, name in classes]
            )
        if "stok" in keys:
            results["stok"] = self.stock_result(in_stock)
        if "halal" in keys:
            results["halal"] = self.halal_result(halal)
        return results

    def ids(self, base, skip):
        return self.apply(base, skip=skip).order_by().values("pk")

    def kecamatan(self, base):
        """Products per kecamatan, from the facet table (``search.facettable``): a product counts in
        every kecamatan one of its sellers (an active business, for its own or a public variant's
        stock) is in."""
        rows = (
            ProductFacet.objects.filter(product_id__in=self.ids(base, "kecamatan"), kecamatan__isnull=False)
            .values("kecamatan_id")
            .annotate(n=Count("product_id", distinct=True))
            .order_by()
        )
        counts = {row["kecamatan_id"]: row["n"] for row in rows}
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
        return self.type_result(rows)

    def type_result(self, rows):
        options = [
            Option(r["product_class__slug"], r["product_class__name"], r["n"], r["product_class__slug"] in self.selected["jenis"])
            for r in rows
            if r["product_class__slug"]
        ]
        return FacetResult("jenis", _("Product type"), options)

    def prices(self, base):
        """Products per price range, from the facet table: a product counts in every range its own or
        a public variant's sellable stock is priced in (``ProductFacet.price_band``)."""
        rows = (
            ProductFacet.objects.filter(product_id__in=self.ids(base, "harga"), price_band__isnull=False)
            .values("price_band")
            .annotate(n=Count("product_id", distinct=True))
            .order_by()
        )
        totals = {row["price_band"]: row["n"] for row in rows}
        options = [
            Option(key, label, totals[band], key in self.selected["harga"])
            for band, (key, label, *_) in enumerate(PRICE_RANGES)
            if totals.get(band)
        ]
        return FacetResult("harga", _("Price"), options)

    def stock(self, base):
        return self.stock_result(Product.objects.filter(pk__in=self.ids(base, "stok")).filter(in_stock_q()).count())

    def stock_result(self, count):
        return FacetResult("stok", _("Availability"), [Option("1", _("In stock"), count, bool(self.selected["stok"]))])

    def halal(self, base):
        return self.halal_result(Product.objects.filter(pk__in=self.ids(base, "halal")).filter(halal_q()).count())

    def halal_result(self, count):
        options = [Option("1", _("Verified halal"), count, bool(self.selected["halal"]))] if count or self.selected["halal"] else []
        return FacetResult("halal", _("Halal"), options)
