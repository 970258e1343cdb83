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
from search.backends.database import has_stock, sellable_stock

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
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


def in_stock_q():
    return has_stock(sellable_stock().filter(num_in_stock__gt=Coalesce(F("num_allocated"), 0)))


def halal_q():
    """Food whose halal certificate staff verified and which has not expired."""
    return Q(compliance__verified_at__isnull=False, compliance__halal_expiry__gte=timezone.localdate())


class Facets:
    """Parse facet choices from a request's GET, filter a listing, and count options."""

    keys = ("kecamatan", "jenis", "harga", "stok", "halal")

    def __init__(self, params):
        self.selected = {
            "kecamatan": [v for v in params.getlist("kecamatan") if v],
            "jenis": [v for v in params.getlist("jenis") if v],
            "harga": [v for v in params.getlist("harga") if price_q(v) is not None][:1],
            "stok": ["1"] if params.get("stok") == "1" else [],
            "halal": ["1"] if params.get("halal") == "1" else [],
        }

    @property
    def active(self):
        return any(self.selected.values())

    def apply(self, qs, skip=None):
        chosen = self.selected
        if chosen["kecamatan"] and skip != "kecamatan":
            qs = qs.filter(has_stock(sellable_stock(kecamatan__slug__in=chosen["kecamatan"])))
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
        return [self.kecamatan(base), self.product_types(base), self.prices(base), self.stock(base), self.halal(base)]

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
