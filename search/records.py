"""What search knows of a product, built once for both engines.

``build_records(ids)`` reads everything a listing, a facet or a keyword needs
for a batch of products in a fixed number of queries and returns one
``ProductRecord`` per *browsable, sellable* product. A product that is not
(hidden, rejected, a suspended maker's, a variant) gets no record: the
engines drop it.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

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
    popularity: int = 0  # units ordered (Oscar's analytics: num_purchases)
    rating: float | None = None  # average of visible reviews
    review_count: int = 0
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


def now_version():
    """A version that grows with time: the later a product was read from the database, the newer
    its copy. Both engines keep the newest copy whatever order writes arrive in."""
    return time.time_ns() // 1000


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
    """Records for the products ``ids`` that are browsable and sellable; others are absent.

    Read as plain rows (``values``) in five queries per batch, whatever its size:
    building model instances was most of a rebuild's time.
    """
    from django.db.models import Q

    from places.models import Kecamatan

    ids = list(ids)
    products = (
        Product.objects.browsable()
        .filter(pk__in=ids)
        .values(
            "id", "title", "description", "date_created", "product_class__slug", "product_class__name",
            "compliance__verified_at", "compliance__halal_expiry", "stats__num_purchases", "rating", "num_reviews",
        )
    )
    stock_by_product = {}
    stock_rows = StockRecord.objects.filter(
        Q(product_id__in=ids) | Q(product__parent_id__in=ids, product__is_public=True)
    ).values_list("product_id", "product__parent_id", "price", "num_in_stock", "num_allocated", "partner_id")
    for product_id, parent_id, price, in_stock, allocated, partner_id in stock_rows:
        stock_by_product.setdefault(parent_id or product_id, []).append((price, in_stock or 0, allocated or 0, partner_id))
    partner_ids = {row[3] for rows in stock_by_product.values() for row in rows}
    partners = {
        pk: (code, name, kecamatan_id)
        for pk, code, name, kecamatan_id in Partner.objects.filter(pk__in=partner_ids, status=Partner.Status.ACTIVE)
        .values_list("pk", "code", "name", "kecamatan_id")
    }
    places = {k.pk: k for k in Kecamatan.objects.all()}
    categories_of = {}
    for product_id, category_id in Product.categories.through.objects.filter(product_id__in=ids).values_list(
        "product_id", "category_id"
    ):
        categories_of.setdefault(product_id, []).append(category_id)
    paths = _category_paths()
    records = []
    for row in products:
        sellable = [s for s in stock_by_product.get(row["id"], []) if s[3] in partners and s[0] is not None]
        if not sellable:
            continue
        category_ids, category_names = [], []
        for category_id in categories_of.get(row["id"], []):
            ids_, names = paths.get(category_id, ([category_id], []))
            category_ids += [i for i in ids_ if i not in category_ids]
            category_names += [n for n in names if n not in category_names]
        makers, kecamatan = [], []
        for _price, _n, _a, partner_id in sellable:
            code, name, kecamatan_id = partners[partner_id]
            if (code, name) not in makers:
                makers.append((code, name))
            place = places.get(kecamatan_id)
            if place and place not in kecamatan:
                kecamatan.append(place)
        verified = row["compliance__verified_at"] is not None
        record = ProductRecord(
            id=row["id"],
            title=row["title"] or "",
            description=_clean(row["description"]),
            product_type=row["product_class__slug"] or "",
            product_type_name=row["product_class__name"] or "",
            category_ids=category_ids,
            category_names=category_names,
            makers=makers,
            kecamatan=kecamatan,
            prices=sorted({s[0] for s in sellable}),
            in_stock=any(n > a for _p, n, a, _pid in sellable),
            halal_expiry=row["compliance__halal_expiry"] if verified else None,
            date_created=row["date_created"],
            popularity=row["stats__num_purchases"] or 0,
            rating=row["rating"],
            review_count=row["num_reviews"] or 0,
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
