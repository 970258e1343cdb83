"""What search knows of a product, built once for both engines.

``build_records(ids)`` reads everything a listing, a facet or a keyword needs
for a batch of products in a fixed number of queries and returns one
``ProductRecord`` per *browsable, sellable* product. A product that is not
(hidden, rejected, a suspended maker's, a variant) gets no record: the
engines drop it.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.html import strip_tags
from oscar.core.loading import get_model

from search import text as textmod

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")


@dataclass
class ProductRecord:
    id: int
    title: str
    description: str
    product_type: str
    product_type_name: str
    category_ids: list
    category_names: list
    makers: list  # [(partner code, name)]
    kecamatan: list  # [Kecamatan]
    prices: list  # [Decimal] of sellable stock
    in_stock: bool
    halal_expiry: date | None
    date_created: datetime
    popularity: int = 0
    search_title: str = ""
    search_text: str = ""
    extra_words: list = field(default_factory=list)

    @property
    def price_min(self):
        return min(self.prices) if self.prices else None

    @property
    def price_max(self):
        return max(self.prices) if self.prices else None

    @property
    def location(self):
        k = self.kecamatan[0] if self.kecamatan else None
        return {"lat": float(k.lat), "lon": float(k.lon)} if k else None


def _category_paths():
    """Every category's id path and name path (ancestors first), from one query."""
    cats = list(Category.objects.only("id", "path", "depth", "name"))
    by_path = {c.path: c for c in cats}
    steplen = Category.steplen
    out = {}
    for c in cats:
        chain = [by_path.get(c.path[: steplen * d]) for d in range(1, c.depth + 1)]
        chain = [x for x in chain if x is not None]
        out[c.id] = ([x.id for x in chain], [x.name for x in chain])
    return out


def _clean(value, limit=4000):
    return re.sub(r"\s+", " ", strip_tags(value or ""))[:limit]


def build_records(ids):
    """Records for the products ``ids`` that are browsable and sellable; others are absent."""
    active = Partner.Status.ACTIVE
    stock = StockRecord.objects.select_related("partner__kecamatan")
    children = Product.objects.filter(is_public=True).prefetch_related(Prefetch("stockrecords", queryset=stock))
    products = (
        Product.objects.browsable()
        .filter(pk__in=list(ids))
        .select_related("product_class", "compliance", "stats")
        .prefetch_related(
            Prefetch("stockrecords", queryset=stock),
            Prefetch("children", queryset=children, to_attr="public_children"),
            "categories",
        )
    )
    paths = _category_paths()
    records = []
    for product in products:
        records_stock = list(product.stockrecords.all())
        for child in product.public_children:
            records_stock.extend(child.stockrecords.all())
        sellable = [s for s in records_stock if s.partner.status == active and s.price is not None]
        if not sellable:
            continue
        category_ids, category_names = [], []
        for category in product.categories.all():
            ids_, names = paths.get(category.id, ([category.id], [category.name]))
            category_ids += [i for i in ids_ if i not in category_ids]
            category_names += [n for n in names if n not in category_names]
        makers, kecamatan = [], []
        for s in sellable:
            if (s.partner.code, s.partner.name) not in makers:
                makers.append((s.partner.code, s.partner.name))
            if s.partner.kecamatan and s.partner.kecamatan not in kecamatan:
                kecamatan.append(s.partner.kecamatan)
        compliance = getattr(product, "compliance", None)
        halal_expiry = compliance.halal_expiry if compliance and compliance.is_verified else None
        stats = getattr(product, "stats", None)
        record = ProductRecord(
            id=product.id,
            title=product.title or "",
            description=_clean(product.description),
            product_type=product.product_class.slug if product.product_class else "",
            product_type_name=product.product_class.name if product.product_class else "",
            category_ids=category_ids,
            category_names=category_names,
            makers=makers,
            kecamatan=kecamatan,
            prices=sorted({s.price for s in sellable}),
            in_stock=any((s.num_in_stock or 0) > (s.num_allocated or 0) for s in sellable),
            halal_expiry=halal_expiry,
            date_created=product.date_created,
            popularity=(stats.num_purchases if stats else 0) or 0,
        )
        place_words = []
        for k in kecamatan:
            place_words += [k.name, k.kota, k.slug.replace("-", " "), (k.alt_names or "").replace(";", " ")]
        record.extra_words = place_words
        maker_names = " ".join(n for _c, n in makers)
        # The strong words: the product's name, type and categories.
        strong = [record.title, record.product_type_name, *category_names]
        record.search_title = " {} ".format(" ".join(textmod.normalise(f) for f in strong if f))
        fields = [record.title, maker_names, record.product_type_name, " ".join(category_names), *place_words, record.description]
        # Each field normalised on its own, so words of two fields never join into one.
        record.search_text = " {} ".format(" ".join(textmod.normalise(f) for f in fields if f))
        records.append(record)
    return records


def price_bucket_keys(prices):
    """The facet price ranges (search.facets.PRICE_RANGES keys) the prices fall in."""
    from search.facets import PRICE_RANGES

    keys = []
    for key, _label, low, high in PRICE_RANGES:
        if any((low is None or p >= low) and (high is None or p < high) for p in prices):
            keys.append(key)
    return keys


def as_float(value):
    return float(value) if isinstance(value, Decimal) else value
